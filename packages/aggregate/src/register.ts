// Registrations with core's compiler, made once when the package loads.
import { type AnyExpression, extCompilers } from '@fjord/core'
import { SOURCE } from './wrap.js'

// A source column is its expression, as a Compiled value of its own (core names selected columns by identity).
extCompilers.set(SOURCE, (data, _scope, compile) => ({ ...compile((data as { children: readonly AnyExpression[] }).children[0]) }))
