// Registrations with core's compiler, made once when the package loads.
import { type AnyExpression, Expression, extCompilers, registerFunction, registerQueryRewriter } from '@fjord/core'
import { ISOLATED, type IsolatedData, isolateMultiValued } from './isolate.js'
import { compileWindow, WINDOW, type WindowData, windowFunctions } from './window.js'
import { SOURCE } from './wrap.js'

// A source column is its expression, as a Compiled value of its own (core names selected columns by identity).
extCompilers.set(SOURCE, (data, _scope, compile) => ({ ...compile((data as { children: readonly AnyExpression[] }).children[0]) }))

// An isolated aggregate is a scalar subquery that still counts as an aggregate: conditions on it go
// to HAVING and it stays out of GROUP BY, as the aggregate it replaces would.
extCompilers.set(ISOLATED, (data, _scope, compile) => {
  const c = compile(new Expression({ kind: 'Subquery', query: (data as IsolatedData).query }))
  return { ...c, aggregate: true }
})
registerQueryRewriter(isolateMultiValued)

extCompilers.set(WINDOW, (data, scope, compile) => compileWindow(data as WindowData, scope, compile))
for (const [name, compile] of windowFunctions) registerFunction(name, compile)
