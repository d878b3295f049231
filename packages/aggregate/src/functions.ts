// The aggregate functions: Count, Sum, Avg, Min, Max, StdDev, Variance. Each is a core `Func` node
// marked `aggregate`, so core compiles it (GROUP BY inference, HAVING, FILTER or its CASE emulation,
// DISTINCT, COALESCE for `default`) and a dialect can override its SQL by name.
import { type AnyExpression, type Condition, Expression, type ExprNode, FieldError, F, Func, type OutputType, RawSQL, toWhere, Value } from '@fjord/core'

/** The functions this package defines, by the name core's function registry knows them by. */
export type AggregateName = 'Count' | 'Sum' | 'Avg' | 'Min' | 'Max' | 'StdDev' | 'Variance'

/**
 * An aggregate expression. `Alias` is Django's default name (`age__avg`); `Fn` and `Path` let
 * `annotate()` and `aggregate()` type the result from the model's field; `T` is the type when the
 * field is unknown.
 */
export interface Aggregate<T, Alias extends string = string, Fn extends AggregateName = AggregateName, Path extends string = string>
  extends Expression<T> {
  readonly defaultAlias: Alias
  readonly _aggregate?: { readonly fn: Fn; readonly path: Path }
}

export interface AggregateOptions {
  /** Aggregate over distinct values only (`COUNT(DISTINCT x)`). */
  readonly distinct?: boolean
  /** Only rows matching this condition take part (`FILTER (WHERE …)`, or CASE where unsupported). */
  readonly filter?: Condition
  /** The result's type, where it can't be inferred (Django's `output_field`). */
  readonly output?: OutputType
}

export interface DefaultOption<D> {
  /** The value when there are no rows (Django's `default=`): `COALESCE(aggregate, default)`. */
  readonly default?: D
}

type SumOf<V> = V extends bigint ? bigint : V extends string ? string : number
/** Null when the aggregate's own type is (no `default`). */
type NullOf<T> = null extends T ? null : never

declare module '@fjord/core' {
  /** Sum, Min and Max typed by the field they read; Count, Avg, StdDev and Variance keep their own type. */
  interface AggregateResults<V, T> {
    /** An integer or float field sums to a number, a big integer to a bigint, a decimal to an exact string. */
    readonly Sum: SumOf<NonNullable<V>> | NullOf<T>
    /** The field's own type (a date stays a date string, a decimal an exact string). */
    readonly Min: NonNullable<V> | NullOf<T>
    readonly Max: NonNullable<V> | NullOf<T>
  }
}

type Source = string | AnyExpression
/** `authors__age` → `authors__age__avg`; an expression names itself only when it is a plain `F()`. */
type AliasOf<S, Fn extends string> = S extends string ? (S extends '*' ? never : `${S}__${Lowercase<Fn>}`) : never
type PathOf<S> = S extends string ? S : string
/** The value an expression source holds (a string path: unknown until `aggregate()` sees the model). */
type SourceValue<S> = S extends Expression<infer V> ? V : never
type WithDefault<T, D> = [D] extends [undefined] ? T | null : NonNullable<T> | (D extends Expression<infer V> ? V : D)

const defaultAliasOf = (source: unknown, fn: string): string | undefined => {
  if (typeof source === 'string') return source === '*' ? undefined : `${source}__${fn.toLowerCase()}`
  if (source instanceof Expression && source.node.kind === 'F') return `${source.node.path}__${fn.toLowerCase()}`
  return undefined
}

const sourceExpr = (source: unknown, filtered: boolean): Expression => {
  // COUNT(*) under a FILTER emulated by CASE can't read `*`: a constant counts the same rows.
  if (source === '*') return RawSQL(filtered ? '1' : '*', [], 'integer')
  if (typeof source === 'string') return F(source)
  if (source instanceof Expression) return source
  return Value(source)
}

const make = (
  fn: AggregateName,
  source: unknown,
  options: AggregateOptions & DefaultOption<unknown> & { readonly sample?: boolean },
  output: OutputType | undefined,
): Expression => {
  if (source === '*' && fn !== 'Count') throw new FieldError(`${fn}('*') is not valid: only Count takes '*'.`)
  const extra: Partial<Omit<Extract<ExprNode, { kind: 'Func' }>, 'kind' | 'fn' | 'args'>> = {
    aggregate: true,
    ...(options.distinct ? { distinct: true } : {}),
    ...(options.filter !== undefined ? { filter: toWhere(options.filter) } : {}),
    ...(options.default !== undefined && options.default !== null ? { default: sourceDefault(options.default) } : {}),
    ...(options.sample !== undefined ? { options: { sample: options.sample } } : {}),
    ...((options.output ?? output) ? { output: options.output ?? output } : {}),
  }
  const e = Func(fn, [sourceExpr(source, options.filter !== undefined)], extra)
  const alias = defaultAliasOf(source, fn)
  // The alias rides on the frozen expression as an own property, where annotate() looks for it.
  const named = Object.create(Expression.prototype, {
    node: { value: e.node, enumerable: true },
    ...(alias !== undefined ? { defaultAlias: { value: alias, enumerable: true } } : {}),
  }) as Expression
  return Object.freeze(named)
}

/** A default is a value (sent as a parameter) or an expression; strings are values here, not paths. */
const sourceDefault = (d: unknown): Expression => (d instanceof Expression ? d : Value(d))

// constructors

/**
 * The number of rows (`'*'`) or of non-null values; `{ distinct: true }` counts distinct values.
 * Never null: 0 when there are no rows.
 * @example pipe(Post.objects, annotate({ commentCount: Count('comment') }))
 */
export function Count(source: '*', options?: AggregateOptions): Expression<number>
export function Count<const S extends Source>(source: S, options?: AggregateOptions): Aggregate<number, AliasOf<S, 'Count'>, 'Count', PathOf<S>>
export function Count(source: unknown, options: AggregateOptions & { readonly default?: never } = {}): Expression<number> {
  if ((options as { default?: unknown }).default !== undefined) throw new FieldError('Count does not allow default.')
  return make('Count', source, options, 'integer') as Expression<number>
}

type SumValue<V> = [V] extends [never] ? number | string : V extends bigint ? bigint : V extends string ? string : number

/**
 * The sum of the values: a number for integer and float fields, an exact string for decimals.
 * @example pipe(Book.objects, aggregate(Sum('price')))
 */
export const Sum = <const S extends Source, D = undefined>(
  source: S,
  options: AggregateOptions & DefaultOption<D> = {},
): Aggregate<WithDefault<SumValue<SourceValue<S>>, NoInfer<D>>, AliasOf<S, 'Sum'>, 'Sum', PathOf<S>> => make('Sum', source, options, undefined) as never

/**
 * The mean of the values, always a number (null when there are no rows).
 * @example pipe(Author.objects, aggregate(Avg('age')))
 */
export const Avg = <const S extends Source, D = undefined>(
  source: S,
  options: AggregateOptions & DefaultOption<D> = {},
): Aggregate<WithDefault<number, NoInfer<D>>, AliasOf<S, 'Avg'>, 'Avg', PathOf<S>> => make('Avg', source, options, 'float') as never

type MinMaxValue<V> = [V] extends [never] ? number | string | Date | bigint | boolean : V

/**
 * The smallest value, of the field's own type (a date stays a date string, a decimal an exact string).
 * @example pipe(Publisher.objects, annotate({ earliest: Min('book__pubdate') }))
 */
export const Min = <const S extends Source, D = undefined>(
  source: S,
  options: AggregateOptions & DefaultOption<D> = {},
): Aggregate<WithDefault<MinMaxValue<SourceValue<S>>, NoInfer<D>>, AliasOf<S, 'Min'>, 'Min', PathOf<S>> => make('Min', source, options, undefined) as never

/** The largest value, of the field's own type. */
export const Max = <const S extends Source, D = undefined>(
  source: S,
  options: AggregateOptions & DefaultOption<D> = {},
): Aggregate<WithDefault<MinMaxValue<SourceValue<S>>, NoInfer<D>>, AliasOf<S, 'Max'>, 'Max', PathOf<S>> => make('Max', source, options, undefined) as never

export interface SampleOption {
  /** The sample statistic (divides by n - 1) instead of the population one (divides by n). */
  readonly sample?: boolean
}

/** The standard deviation (population, or `{ sample: true }`), a number. */
export const StdDev = <const S extends Source, D = undefined>(
  source: S,
  options: AggregateOptions & DefaultOption<D> & SampleOption = {},
): Aggregate<WithDefault<number, NoInfer<D>>, AliasOf<S, 'StdDev'>, 'StdDev', PathOf<S>> =>
  make('StdDev', source, { ...options, sample: options.sample === true }, 'float') as never

/** The variance (population, or `{ sample: true }`), a number. */
export const Variance = <const S extends Source, D = undefined>(
  source: S,
  options: AggregateOptions & DefaultOption<D> & SampleOption = {},
): Aggregate<WithDefault<number, NoInfer<D>>, AliasOf<S, 'Variance'>, 'Variance', PathOf<S>> =>
  make('Variance', source, { ...options, sample: options.sample === true }, 'float') as never

// inspection

/** Whether any node of the tree satisfies `test` (subqueries are not entered: they are their own query). */
export const someNode = (e: AnyExpression, test: (n: ExprNode) => boolean): boolean => {
  const n = e.node
  if (test(n)) return true
  switch (n.kind) {
    case 'Func':
      return n.args.some((a) => someNode(a, test)) || (n.default !== undefined && someNode(n.default, test))
    case 'Combined':
      return someNode(n.lhs, test) || someNode(n.rhs, test)
    case 'OrderBy':
    case 'Cast':
      return someNode(n.expr, test)
    case 'Case':
      return n.whens.some((w) => someNode(w.then, test)) || (n.default !== undefined && someNode(n.default, test))
    case 'Value':
      return n.value instanceof Expression && someNode(n.value, test)
    case 'Ext':
      return extChildren(n).some((c) => someNode(c, test))
    default:
      return false
  }
}

/** Child expressions of `Ext` nodes this package defines (window functions). */
export const extChildren = (n: Extract<ExprNode, { kind: 'Ext' }>): readonly AnyExpression[] => {
  const data = n.data as { readonly children?: readonly AnyExpression[] } | null
  return data?.children ?? []
}
