// Expressions: F, Value, functions, arithmetic, ordering. Immutable values; the compiler gives them SQL.
import type { AnyQuerySet } from './queryset.js'
import type { WhereNode } from './where.js'

export type OutputType =
  | 'char'
  | 'text'
  | 'integer'
  | 'bigInteger'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'dateTime'
  | 'time'
  | 'duration'
  | 'json'

export type ExprNode =
  | { readonly kind: 'F'; readonly path: string }
  | { readonly kind: 'OuterRef'; readonly ref: string | ExprNode }
  | { readonly kind: 'Value'; readonly value: unknown; readonly output?: OutputType }
  | {
      readonly kind: 'Func'
      readonly fn: string
      readonly args: readonly Expression[]
      readonly output?: OutputType
      readonly aggregate?: boolean
      readonly distinct?: boolean
      readonly filter?: WhereNode
      readonly default?: Expression
      readonly options?: Readonly<Record<string, unknown>>
    }
  | { readonly kind: 'Combined'; readonly op: '+' | '-' | '*' | '/' | '%'; readonly lhs: Expression; readonly rhs: Expression }
  | {
      readonly kind: 'OrderBy'
      readonly expr: Expression
      readonly desc: boolean
      readonly nullsFirst?: boolean
      readonly nullsLast?: boolean
    }
  | { readonly kind: 'Raw'; readonly sql: string; readonly params: readonly unknown[]; readonly output?: OutputType }
  | { readonly kind: 'Subquery'; readonly query: AnyQuerySet; readonly output?: OutputType }
  | { readonly kind: 'Exists'; readonly query: AnyQuerySet }
  | { readonly kind: 'Case'; readonly whens: readonly { readonly cond: WhereNode; readonly then: Expression }[]; readonly default?: Expression; readonly output?: OutputType }
  | { readonly kind: 'Cast'; readonly expr: Expression; readonly output: OutputType }
  | { readonly kind: 'Condition'; readonly cond: WhereNode }
  | { readonly kind: 'Ext'; readonly ext: string; readonly data: unknown; readonly output?: OutputType }

type ExprArg = Expression | string | number | bigint | boolean | Date | null

/** Strings are field references (as in Django's function arguments); other values are `Value`s. */
export const toExpr = (x: ExprArg | unknown): Expression => {
  if (x instanceof Expression) return x
  if (typeof x === 'string') return F(x)
  return Value(x)
}
const valueExpr = (x: unknown): Expression => (x instanceof Expression ? x : Value(x))

/** A SQL expression whose value has type T. */
export class Expression<T = unknown> {
  declare readonly _T?: T
  constructor(readonly node: ExprNode) {
    Object.freeze(this)
  }
  add(other: unknown): Expression<T> {
    return new Expression({ kind: 'Combined', op: '+', lhs: this, rhs: valueExpr(other) })
  }
  sub(other: unknown): Expression<T> {
    return new Expression({ kind: 'Combined', op: '-', lhs: this, rhs: valueExpr(other) })
  }
  mul(other: unknown): Expression<T> {
    return new Expression({ kind: 'Combined', op: '*', lhs: this, rhs: valueExpr(other) })
  }
  div(other: unknown): Expression<T> {
    return new Expression({ kind: 'Combined', op: '/', lhs: this, rhs: valueExpr(other) })
  }
  mod(other: unknown): Expression<T> {
    return new Expression({ kind: 'Combined', op: '%', lhs: this, rhs: valueExpr(other) })
  }
  asc(o: { nullsFirst?: boolean; nullsLast?: boolean } = {}): Expression<T> {
    return new Expression({ kind: 'OrderBy', expr: this, desc: false, ...o })
  }
  desc(o: { nullsFirst?: boolean; nullsLast?: boolean } = {}): Expression<T> {
    return new Expression({ kind: 'OrderBy', expr: this, desc: true, ...o })
  }
}
export type AnyExpression = Expression<unknown>

// constructors

/** A reference to a field (across relations with `__`), as Django's `F()`. */
export const F = <T = unknown>(path: string): Expression<T> => new Expression({ kind: 'F', path })
/** A reference to a field of the outer query, inside a `Subquery` or `Exists`. */
export const OuterRef = <T = unknown>(ref: string | Expression): Expression<T> =>
  new Expression({ kind: 'OuterRef', ref: ref instanceof Expression ? ref.node : ref })
/** A literal value, always sent as a parameter. */
export const Value = <T>(value: T, output?: OutputType): Expression<T> => new Expression({ kind: 'Value', value, output })
/** Hand-written SQL with bound parameters (`?` placeholders). */
export const RawSQL = <T = unknown>(sql: string, params: readonly unknown[] = [], output?: OutputType): Expression<T> =>
  new Expression({ kind: 'Raw', sql, params, output })

/** A function call; `fn` names an entry in the function registry (the dialect may override it). */
export const Func = <T = unknown>(
  fn: string,
  args: readonly unknown[],
  extra: Partial<Omit<Extract<ExprNode, { kind: 'Func' }>, 'kind' | 'fn' | 'args'>> = {},
): Expression<T> => new Expression({ kind: 'Func', fn, args: args.map(toExpr), ...extra })

type Out<A> = A extends Expression<infer T> ? T : unknown

export const Coalesce = <A extends readonly unknown[]>(...args: A): Expression<NonNullable<Out<A[number]>>> =>
  Func('Coalesce', args.map((a, i) => (i === 0 ? toExpr(a) : a instanceof Expression ? a : typeof a === 'string' ? F(a) : Value(a))))
export const Concat = (...args: readonly unknown[]): Expression<string> => Func('Concat', args, { output: 'text' })
export const Lower = (x: unknown): Expression<string> => Func('Lower', [x], { output: 'text' })
export const Upper = (x: unknown): Expression<string> => Func('Upper', [x], { output: 'text' })
export const Length = (x: unknown): Expression<number> => Func('Length', [x], { output: 'integer' })
export const Now = (): Expression<Date> => Func('Now', [], { output: 'dateTime' })
export const Cast = <T = unknown>(x: unknown, output: OutputType): Expression<T> =>
  new Expression({ kind: 'Cast', expr: toExpr(x), output })
export const Greatest = <T = unknown>(...args: readonly unknown[]): Expression<T> => Func('Greatest', args)
export const Least = <T = unknown>(...args: readonly unknown[]): Expression<T> => Func('Least', args)

export type DatePart = 'year' | 'isoYear' | 'month' | 'day' | 'week' | 'weekDay' | 'isoWeekDay' | 'quarter' | 'hour' | 'minute' | 'second'
export type TruncKind = 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'date' | 'time'
/** A part of a date or time, as Django's `Extract` (week days numbered as Django does). */
export const Extract = (x: unknown, part: DatePart): Expression<number> =>
  Func('Extract', [x], { output: 'integer', options: { part } })
/** A date or time truncated to `kind`. */
export const Trunc = <T = Date>(x: unknown, kind: TruncKind, output?: OutputType): Expression<T> =>
  Func('Trunc', [x], { output, options: { kind } })

/** A scalar subquery (one column, at most one row). */
export const Subquery = <T = unknown>(query: AnyQuerySet, output?: OutputType): Expression<T> =>
  new Expression({ kind: 'Subquery', query, output })
/** `EXISTS (subquery)`: usable in `filter`, `exclude` and `annotate`. */
export const Exists = (query: AnyQuerySet): Expression<boolean> => new Expression({ kind: 'Exists', query })

export const isExpression = (x: unknown): x is AnyExpression => x instanceof Expression

/**
 * Whether an expression computes an aggregate (a `Func` marked `aggregate`) anywhere inside it.
 * `Ext` nodes list the sub-expressions that belong to the same row in `data.children`.
 */
export const containsAggregate = (e: AnyExpression): boolean => {
  const n = e.node
  switch (n.kind) {
    case 'Func':
      return n.aggregate === true || n.args.some(containsAggregate) || (n.default !== undefined && containsAggregate(n.default))
    case 'Combined':
      return containsAggregate(n.lhs) || containsAggregate(n.rhs)
    case 'Cast':
    case 'OrderBy':
      return containsAggregate(n.expr)
    case 'Case':
      return n.whens.some((w) => containsAggregate(w.then)) || (n.default !== undefined && containsAggregate(n.default))
    case 'Ext':
      return ((n.data as { readonly children?: readonly AnyExpression[] } | null)?.children ?? []).some(containsAggregate)
    default:
      return false
  }
}
