// Conditional expressions: Case(When(cond, then), …, { default }).
import { Expression, type OutputType, toExpr } from './expressions.js'
import { type Condition, toWhere, type WhereNode } from './where.js'

export interface WhenClause<T = unknown> {
  readonly _tag: 'When'
  readonly cond: WhereNode
  readonly then: Expression<T>
}

const valueOf = (x: unknown): Expression => (x instanceof Expression ? x : toExpr(typeof x === 'string' ? { v: x } : x))

/**
 * One branch of a Case: when `cond` holds, `then` (a value, or an expression; strings are values).
 * @example When({ accountType: 'GOLD' }, Value('5%'))
 */
export const When = <T>(cond: Condition, then: T | Expression<T>): WhenClause<T> =>
  Object.freeze({ _tag: 'When', cond: toWhere(cond), then: (then instanceof Expression ? then : literal(then)) as Expression<T> })

const literal = (x: unknown): Expression => new Expression({ kind: 'Value', value: x })

/** SQL CASE: the first matching When's value, else `default` (null when not given). */
export const Case = <T>(
  ...args: readonly (WhenClause<T> | { readonly default?: unknown; readonly output?: OutputType })[]
): Expression<T | null> => {
  const whens = args.filter((a): a is WhenClause<T> => (a as WhenClause)._tag === 'When')
  const opts = args.find((a) => (a as WhenClause)._tag !== 'When') as { default?: unknown; output?: OutputType } | undefined
  const dflt = opts && 'default' in opts ? (opts.default instanceof Expression ? opts.default : literal(opts.default)) : undefined
  void valueOf
  return new Expression({ kind: 'Case', whens, default: dflt, output: opts?.output })
}
