// The QuerySet value and its combinators. Nothing here touches a database: every combinator returns
// a new frozen value, to be compiled and run by a terminal.
import { FieldError, type OrmError } from './errors.js'
import { type AnyExpression, containsAggregate, Expression } from './expressions.js'
import type { AnyModel } from './model.js'
import { isSafeAlias } from './naming.js'
import type {
  AggregatePath,
  DeferRow,
  ExpressionValue,
  FieldName,
  Lookup,
  OnlyRow,
  PathLookupValue,
  Row,
  UnknownAggregatePaths,
  UnknownPaths,
  ValuesRow,
  ValuesTuple,
} from './types.js'
import { type Condition, lookupsOf, QNode, type WhereNode, toWhere } from './where.js'

export type Selection =
  | { readonly kind: 'rows'; readonly only: readonly string[] | null; readonly defer: readonly string[] }
  | { readonly kind: 'values'; readonly fields: readonly string[]; readonly groupByRows?: boolean }
  | {
      readonly kind: 'valuesList'
      readonly fields: readonly string[]
      readonly flat: boolean
      readonly named: boolean
      readonly groupByRows?: boolean
    }
  | { readonly kind: 'dates'; readonly field: string; readonly trunc: string; readonly datetime: boolean; readonly desc: boolean }

export interface Annotation {
  readonly name: string
  readonly expr: AnyExpression
  /** `alias()` names an expression without selecting it. */
  readonly select: boolean
  /**
   * How many filter() calls came before it: it compiles after them and reuses their joins, as
   * Django resolves annotate() against the query as it stands (0 when not given).
   */
  readonly after?: number
}

export interface Compound {
  readonly op: 'UNION' | 'INTERSECT' | 'EXCEPT'
  readonly queries: readonly AnyQuerySet[]
  readonly all: boolean
}

export type OrderItem = string | AnyExpression

/** The state of a QuerySet. Other packages keep their own state under `ext`. */
export interface QueryState {
  readonly _tag: 'QuerySet'
  readonly model: AnyModel
  /** One entry per `filter`/`exclude` call: conditions in one call share joins. */
  readonly where: readonly WhereNode[]
  /** null: the model's default ordering. */
  readonly order: readonly OrderItem[] | null
  readonly reversed: boolean
  readonly low: number
  readonly high: number | null
  readonly distinct: boolean | readonly string[]
  readonly select: Selection
  readonly annotations: readonly Annotation[]
  readonly empty: boolean
  readonly compound: Compound | null
  readonly ext: Readonly<Record<string, unknown>>
  /** A misuse found while combining (e.g. filtering a sliced QuerySet), reported when the QuerySet runs. */
  readonly invalid: OrmError | null
}

/** A lazy, immutable query over model M returning R, with annotations A. */
export interface QuerySet<M = AnyModel, R = unknown, A = {}> extends QueryState {
  readonly _M?: M
  readonly _R?: R
  readonly _A?: A
}
export type AnyQuerySet = QuerySet<any, any, any>
export type ResultOf<Q> = Q extends QuerySet<any, infer R, any> ? R : never
export type ModelOf<Q> = Q extends QuerySet<infer M, any, any> ? M : never

type UnionToIntersection2<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

/** Compile-time check that every name is allowed; the error names the first bad one. */
export type CheckKeys<K, Allowed, What extends string> = [Exclude<K, Allowed>] extends [never]
  ? unknown
  : { readonly [P in `unknown ${What}: ${Exclude<K, Allowed> & string}`]: never }

/** Compile-time check of field names that may cross relations (`post__title`, `-post__pubDate`). */
export type CheckPaths<M, A, K, What extends string> = [UnknownPaths<M, A, K>] extends [never]
  ? unknown
  : { readonly [P in `unknown ${What}: ${UnknownPaths<M, A, K> & string}`]: never }
type Unsigned<K> = K extends `-${infer P}` ? P : K
/** Ordering names: fields, annotations and paths across relations, with an optional '-', or '?'. */
type CheckOrder<M, A, K> = CheckPaths<M, A, Exclude<Unsigned<K>, '?'>, 'ordering'>

/** The value type a lookup key takes, or never when the key names nothing (fields first, then paths across relations). */
type KeyValue<M, A, K> = K extends keyof Lookup<M, A> ? Idx<Lookup<M, A>, K> : K extends string ? PathLookupValue<M, K> : never

type CheckLookup<M, A, C> = C extends QNode | AnyExpression
  ? unknown
  : [UnknownKeys<M, A, C>] extends [never]
    ? [BadValueKeys<M, A, C>] extends [never]
      ? unknown
      : { readonly [P in `wrong value type in lookup: ${BadValueKeys<M, A, C> & string}`]: never }
    : { readonly [P in `unknown field or lookup: ${UnknownKeys<M, A, C> & string}`]: never }
type Idx<T, K> = K extends keyof T ? T[K] : never
type UnknownKeys<M, A, C> = { [K in keyof C]-?: [KeyValue<M, A, K>] extends [never] ? K : never }[keyof C]
type BadValueKeys<M, A, C> = { [K in keyof C]-?: C[K] extends KeyValue<M, A, K> ? never : K }[keyof C]

/** Compile-time check of the lookup objects given to filter/exclude/get. */
export type CheckConditions<M, A, C> = UnionToIntersection2<C extends unknown ? CheckLookup<M, A, C> : never>

const freeze = <const T extends object>(x: T): T => Object.freeze(x)

/** The QuerySet of every row of a model; `Model.objects` is this value. */
/** A frozen QuerySet state with one fixed shape (no spreads: combinators run on hot paths). */
const build = (s: QueryState, where = s.where): QueryState =>
  Object.freeze({
    _tag: 'QuerySet' as const,
    model: s.model,
    where,
    order: s.order,
    reversed: s.reversed,
    low: s.low,
    high: s.high,
    distinct: s.distinct,
    select: s.select,
    annotations: s.annotations,
    empty: s.empty,
    compound: s.compound,
    ext: s.ext,
    invalid: s.invalid,
  })

/** The QuerySet of every row of a model; `Model.objects` is this value. */
export const makeQuerySet = (model: AnyModel): QuerySet<AnyModel, unknown> =>
  build({
    _tag: 'QuerySet',
    model,
    where: freeze([]),
    order: null,
    reversed: false,
    low: 0,
    high: null,
    distinct: false,
    select: freeze({ kind: 'rows', only: null, defer: freeze([]) }),
    annotations: freeze([]),
    empty: false,
    compound: null,
    ext: freeze({}),
    invalid: null,
  }) as QuerySet<AnyModel, unknown>

/** A copy of `qs` with some state changed. Other packages use it to keep their own state in `ext`. */
export const cloneWith = <Q extends AnyQuerySet, R = ResultOf<Q>>(
  qs: Q,
  patch: Partial<QueryState>,
): QuerySet<ModelOf<Q>, R, Q extends QuerySet<any, any, infer A> ? A : never> =>
  build({
    _tag: 'QuerySet',
    model: patch.model ?? qs.model,
    where: patch.where ?? qs.where,
    order: 'order' in patch ? (patch.order as QueryState['order']) : qs.order,
    reversed: patch.reversed ?? qs.reversed,
    low: patch.low ?? qs.low,
    high: 'high' in patch ? (patch.high as number | null) : qs.high,
    distinct: patch.distinct ?? qs.distinct,
    select: patch.select ?? qs.select,
    annotations: patch.annotations ?? qs.annotations,
    empty: patch.empty ?? qs.empty,
    compound: 'compound' in patch ? (patch.compound as Compound | null) : qs.compound,
    ext: patch.ext ?? qs.ext,
    invalid: 'invalid' in patch ? (patch.invalid as OrmError | null) : qs.invalid,
  }) as never

const invalid = <Q extends AnyQuerySet>(qs: Q, message: string): Q =>
  qs.invalid ? qs : (cloneWith(qs, { invalid: new FieldError(message) }) as unknown as Q)

const sliced = (qs: AnyQuerySet): boolean => qs.low !== 0 || qs.high !== null

// combinators

/**
 * Keep the rows matching every condition (lookup objects, `Q` values, boolean expressions).
 * @example pipe(Post.objects, filter({ title__startswith: 'F' }))
 */
export const filter =
  <const C extends readonly Condition[]>(...conds: C) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckConditions<M, A, C[number]>): QuerySet<M, R, A> =>
    addWhere(qs, conds as readonly Condition[], false)

/**
 * Leave out the rows matching all the conditions.
 * @example pipe(Post.objects, exclude({ title__icontains: 'django' }))
 */
export const exclude =
  <const C extends readonly Condition[]>(...conds: C) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckConditions<M, A, C[number]>): QuerySet<M, R, A> =>
    addWhere(qs, conds as readonly Condition[], true)

const addWhere = <Q extends AnyQuerySet>(qs: Q, conds: readonly Condition[], negated: boolean): Q => {
  if (sliced(qs)) return invalid(qs, 'Cannot filter a query once a slice has been taken.')
  if (conds.length === 0) return qs
  let flat: readonly WhereNode[]
  const c = conds.length === 1 ? conds[0] : undefined
  if (c !== undefined && c !== null && typeof c === 'object' && !(c instanceof QNode) && !(c instanceof Expression)) {
    // One lookup object is already an AND group: its lookups are the children.
    flat = lookupsOf(c)
  } else {
    const children = conds.map(toWhere)
    // One AND condition is already a group: don't nest it in another.
    const only = children.length === 1 ? children[0] : undefined
    flat = only && only.kind === 'group' && only.connector === 'AND' && !only.negated ? only.children : children
  }
  const node: WhereNode = freeze({ kind: 'group', connector: 'AND', negated, children: freeze(flat) })
  const where = new Array<WhereNode>(qs.where.length + 1)
  for (let i = 0; i < qs.where.length; i++) where[i] = qs.where[i]
  where[qs.where.length] = node
  return build(qs, freeze(where)) as unknown as Q
}

/**
 * Order by fields (`'-pubDate'` descends), expressions (`F('x').desc()`), or `'?'` for random.
 * `orderBy()` with no keys clears the ordering, the default ordering included.
 * @example pipe(Post.objects, orderBy('-pubDate', 'title'))
 */
export const orderBy =
  <const K extends readonly (string | AnyExpression)[]>(...keys: K) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckOrder<M, A, Extract<K[number], string>>): QuerySet<M, R, A> => {
    if (sliced(qs)) return invalid(qs, 'Cannot reorder a query once a slice has been taken.')
    return cloneWith(qs, { order: freeze([...(keys as readonly OrderItem[])]), reversed: false }) as QuerySet<M, R, A>
  }

/** Reverse the ordering (default ordering included). */
export const reverse =
  () =>
  <Q extends AnyQuerySet>(qs: Q): Q => {
    if (sliced(qs)) return invalid(qs, 'Cannot reverse a query once a slice has been taken.')
    return cloneWith(qs, { reversed: !qs.reversed }) as unknown as Q
  }

/** SELECT DISTINCT; with fields, DISTINCT ON (where the backend has it). */
export const distinct =
  <const K extends readonly string[]>(...fields: K) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckPaths<M, A, K[number], 'field'>): QuerySet<M, R, A> =>
    cloneWith(qs, { distinct: fields.length ? freeze([...fields]) : true }) as QuerySet<M, R, A>

/**
 * Python-style slice: `slice(0, 10)` is LIMIT 10; `slice(5)` skips 5. Negative indexes are not supported.
 * @example pipe(Post.objects, slice(0, 10))
 */
export const slice =
  (start: number, end?: number) =>
  <Q extends AnyQuerySet>(qs: Q): Q => {
    if (start < 0 || (end !== undefined && end < 0) || !Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
      return invalid(qs, 'Negative or non-integer indexing is not supported.')
    }
    const low = qs.low + start
    let high = end === undefined ? qs.high : qs.low + end
    if (qs.high !== null && high !== null) high = Math.min(high, qs.high)
    if (high !== null && high < low) high = low
    return cloneWith(qs, { low, high }) as unknown as Q
  }

/** Rows as objects with just these keys (every concrete field and annotation when none are given). */
export const values =
  <const K extends readonly string[]>(...fields: K) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckPaths<M, A, K[number], 'field'>): QuerySet<M, ValuesRow<M, A, K>, A> =>
    cloneWith(qs, { select: freeze({ kind: 'values', fields: freeze([...fields]), ...rowGrouping(qs) }) }) as never

/**
 * values() after an aggregate annotation keeps the aggregates per row, as Django: only values()
 * before annotate() groups by the values (and a later values() or valuesList() keeps that grouping).
 */
const rowGrouping = (qs: AnyQuerySet): { readonly groupByRows?: true } => {
  const sel = qs.select
  if ((sel.kind === 'values' || sel.kind === 'valuesList') && sel.fields.length > 0) return sel.groupByRows ? { groupByRows: true } : {}
  return qs.annotations.some((a) => containsAggregate(a.expr)) ? { groupByRows: true } : {}
}

type ValuesListResult<M, A, K extends readonly string[], O> = O extends { flat: true }
  ? ValuesTuple<M, A, K>[0]
  : O extends { named: true }
    ? ValuesRow<M, A, K>
    : ValuesTuple<M, A, K>

/** Rows as tuples; `{ flat: true }` for a single field gives bare values; `{ named: true }` gives objects. */
export function valuesList<const K extends readonly string[]>(
  ...fields: K
): <M, R, A>(qs: QuerySet<M, R, A> & CheckPaths<M, A, K[number], 'field'>) => QuerySet<M, ValuesTuple<M, A, K>, A>
export function valuesList<
  const K extends readonly string[],
  const O extends { readonly flat?: boolean; readonly named?: boolean },
>(...args: [...K, O]): <M, R, A>(qs: QuerySet<M, R, A> & CheckPaths<M, A, K[number], 'field'>) => QuerySet<M, ValuesListResult<M, A, K, O>, A>
export function valuesList(...args: readonly unknown[]) {
  const last = args[args.length - 1]
  const opts = (typeof last === 'object' && last !== null ? last : {}) as { flat?: boolean; named?: boolean }
  const fields = (typeof last === 'object' && last !== null ? args.slice(0, -1) : args) as string[]
  return (qs: AnyQuerySet) => {
    if (opts.flat && opts.named) return invalid(qs, "'flat' and 'named' can't be used together.")
    if (opts.flat && fields.length > 1) {
      return invalid(qs, "'flat' is not valid when valuesList is called with more than one field.")
    }
    return cloneWith(qs, {
      select: freeze({ kind: 'valuesList', fields: freeze(fields), flat: !!opts.flat, named: !!opts.named, ...rowGrouping(qs) }),
    })
  }
}

/** Load only these fields (the primary key always comes too). */
export const only =
  <const K extends string>(...fields: readonly K[]) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckPaths<M, A, K, 'field'>): QuerySet<M, OnlyRow<M, A, K, R>, A> =>
    cloneWith(qs, { select: freeze({ kind: 'rows', only: freeze([...fields]), defer: freeze([]) }) }) as never

/** Leave these fields out of the rows. */
export const defer =
  <const K extends string>(...fields: readonly K[]) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckPaths<M, A, K, 'field'>): QuerySet<M, DeferRow<M, A, K, R>, A> => {
    const prev = qs.select.kind === 'rows' ? qs.select : { only: null, defer: [] }
    return cloneWith(qs, {
      select: freeze({ kind: 'rows', only: prev.only, defer: freeze([...prev.defer, ...fields]) }),
    }) as never
  }

/** An expression that names itself (`Avg('age')` is `age__avg`). */
export type NamedExpression<Alias extends string = string, T = unknown> = Expression<T> & { readonly defaultAlias: Alias }
type Named<M, A, E> = E extends NamedExpression<infer Alias> ? { readonly [K in Alias]: ExpressionValue<M, A, E> } : never
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
type AnnotationArg = Readonly<Record<string, AnyExpression>> | NamedExpression
/** The annotations' types on the rows of M: an aggregate over a path from the value it reads. */
type AnnotationsOf<M, A, Args extends readonly AnnotationArg[]> = UnionToIntersection<
  {
    [I in keyof Args]: Args[I] extends NamedExpression
      ? Named<M, A, Args[I]>
      : { readonly [K in keyof Args[I]]: ExpressionValue<M, A, Args[I][K]> }
  }[number]
>
/** The paths the aggregates among the annotations read, less the names the same call gives. */
type AggregatePaths<Args extends readonly AnnotationArg[]> = Exclude<
  {
    [I in keyof Args]: Args[I] extends NamedExpression ? AggregatePath<Args[I]> : { [K in keyof Args[I]]: AggregatePath<Args[I][K]> }[keyof Args[I]]
  }[number],
  { [I in keyof Args]: Args[I] extends NamedExpression<infer Alias> ? Alias : keyof Args[I] }[number]
>
/** Compile-time check of the paths aggregates read (`Avg('authors__age')`); the error names the bad ones. */
type CheckAnnotations<M, A, Args extends readonly AnnotationArg[]> = [AggregatePaths<Args>] extends [never]
  ? unknown
  : [UnknownAggregatePaths<M, A, AggregatePaths<Args>>] extends [never]
    ? unknown
    : { readonly [P in `unknown field: ${UnknownAggregatePaths<M, A, AggregatePaths<Args>> & string}`]: never }
type Merge<A, B> = { readonly [K in keyof A | keyof B]: K extends keyof B ? B[K] : K extends keyof A ? A[K] : never }

const toAnnotations = (args: readonly AnnotationArg[], select: boolean): Annotation[] | string => {
  const out: Annotation[] = []
  for (const arg of args) {
    if (arg instanceof Expression) {
      const alias = (arg as NamedExpression).defaultAlias
      if (typeof alias !== 'string') return 'Complex annotations require an alias.'
      out.push({ name: alias, expr: arg, select })
      continue
    }
    for (const [name, expr] of Object.entries(arg)) {
      if (!isSafeAlias(name)) {
        return `Column aliases cannot contain whitespace characters, quotation marks, semicolons, or SQL comments.`
      }
      if (!(expr instanceof Expression)) return `annotate(): '${name}' is not an expression.`
      out.push({ name, expr, select })
    }
  }
  return out
}

/**
 * Add computed values to each row (aggregates group by the row, as Django does).
 * @example pipe(Post.objects, annotate({ titleLength: Length('title') }))
 */
export const annotate =
  <const Args extends readonly AnnotationArg[]>(...args: Args) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckAnnotations<M, A, Args>): QuerySet<M, Merge<R, AnnotationsOf<M, A, Args>>, Merge<A, AnnotationsOf<M, A, Args>>> =>
    addAnnotations(qs, args, true) as never

/** Name expressions for use in filter/orderBy without selecting them. */
export const alias =
  <const Args extends readonly AnnotationArg[]>(...args: Args) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckAnnotations<M, A, Args>): QuerySet<M, R, Merge<A, AnnotationsOf<M, A, Args>>> =>
    addAnnotations(qs, args, false) as never

const addAnnotations = (qs: AnyQuerySet, args: readonly AnnotationArg[], select: boolean): AnyQuerySet => {
  const anns = toAnnotations(args, select)
  if (typeof anns === 'string') return invalid(qs, anns)
  const fieldNames = qs.model.meta.fieldMap
  for (const a of anns) {
    if (fieldNames.has(a.name)) return invalid(qs, `The annotation '${a.name}' conflicts with a field on the model.`)
  }
  const kept = qs.annotations.filter((a) => !anns.some((b) => b.name === a.name))
  const after = qs.where.length
  return cloneWith(qs, { annotations: freeze([...kept, ...anns.map((a) => (after ? { ...a, after } : a))]) })
}

/** A QuerySet that matches nothing and never runs a statement. */
export const none =
  () =>
  <Q extends AnyQuerySet>(qs: Q): Q =>
    cloneWith(qs, { empty: true }) as unknown as Q

const combine =
  (op: Compound['op']) =>
  <R>(...others: readonly (AnyQuerySet | { readonly all?: boolean })[]) =>
  <Q extends AnyQuerySet>(qs: Q): Q => {
    const last = others[others.length - 1]
    const opts = last && (last as AnyQuerySet)._tag !== 'QuerySet' ? (last as { all?: boolean }) : {}
    const queries = others.filter((o): o is AnyQuerySet => (o as AnyQuerySet)._tag === 'QuerySet')
    return cloneWith(qs, { compound: freeze({ op, queries: freeze(queries), all: !!opts.all }) }) as unknown as Q
  }
/** SQL UNION (`{ all: true }` keeps duplicates). */
export const union = combine('UNION')
/** SQL INTERSECT. */
export const intersection = combine('INTERSECT')
/** SQL EXCEPT. */
export const difference = combine('EXCEPT')

/** The distinct dates (truncated to year, month, week or day) of a date field, as `'YYYY-MM-DD'` strings. */
export const dates =
  <const K extends string>(field: K, kind: 'year' | 'month' | 'week' | 'day', order: 'ASC' | 'DESC' = 'ASC') =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckKeys<K, FieldName<M, A>, 'field'>): QuerySet<M, string, A> =>
    cloneWith(qs, {
      select: freeze({ kind: 'dates', field, trunc: kind, datetime: false, desc: order === 'DESC' }),
    }) as never

/** The distinct datetimes of a datetime field truncated to `kind`, as `Date`s. */
export const datetimes =
  <const K extends string>(
    field: K,
    kind: 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second',
    order: 'ASC' | 'DESC' = 'ASC',
  ) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckKeys<K, FieldName<M, A>, 'field'>): QuerySet<M, Date, A> =>
    cloneWith(qs, {
      select: freeze({ kind: 'dates', field, trunc: kind, datetime: true, desc: order === 'DESC' }),
    }) as never

export type { Row }
