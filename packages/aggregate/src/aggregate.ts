// The aggregate() terminal: one row of aggregates over a QuerySet, as Django's QuerySet.aggregate().
import {
  type AnyExpression,
  type AnyQuerySet,
  type Annotation,
  bindParams,
  type Compiled,
  cloneWith,
  containsAggregate,
  compileExpr,
  compileSelect,
  type Db,
  type Effect,
  effect,
  Expression,
  type ExpressionValue,
  FieldError,
  makeHydrator,
  type Plan,
  planFor,
  type QuerySet,
  type Reader,
  Scope,
  toPlanSql,
} from '@fjord/core'
import { sql } from 'kysely'
import { emptyValue } from './empty.js'
import { someNode } from './functions.js'
import { type SourceColumn, toOuter } from './wrap.js'

/** A positional entry names itself (`age__avg`); anything else goes in a record. */
type Entry = (AnyExpression & { readonly defaultAlias: string }) | Readonly<Record<string, AnyExpression>>
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** An entry's value: from the value its path reads on M (a field, an annotation, across relations), else the aggregate's own type. */
type ValueOf<M, A, E> = ExpressionValue<M, A, E>
type Named<M, A, E> = E extends { readonly defaultAlias: infer N extends string } ? { readonly [K in N]: ValueOf<M, A, E> } : never
type Result<M, A, Args extends readonly Entry[]> = Simplify<
  UnionToIntersection<
    {
      [I in keyof Args]: Args[I] extends AnyExpression
        ? Named<M, A, Args[I]>
        : { readonly [K in keyof Args[I]]: ValueOf<M, A, Args[I][K]> }
    }[number]
  >
>

interface AggregatePlan extends Plan {
  readonly empty: boolean
}

/**
 * One row of aggregates over the QuerySet: positional entries are named `<path>__<function>`
 * (`age__avg`), a record names its own. On `none()` no statement runs: Count gives 0, the others
 * null or their `default`.
 * @example const { avgAge } = await db.run(pipe(Author.objects, aggregate({ avgAge: Avg('age') })))
 */
export const aggregate =
  <const Args extends readonly Entry[]>(...args: Args) =>
  <M, R, A>(qs: QuerySet<M, R, A>): Effect<Result<M, A, Args>> =>
    effect(async (db) => (await runAggregate(db, qs as AnyQuerySet, entriesOf(args))) as Result<M, A, Args>)

/** The entries by name, checked as Django checks them. */
const entriesOf = (args: readonly Entry[]): [string, AnyExpression][] => {
  const out: [string, AnyExpression][] = []
  const bad: string[] = []
  for (const arg of args) {
    if (arg instanceof Expression) {
      const alias = (arg as { defaultAlias?: unknown }).defaultAlias
      if (typeof alias !== 'string') throw new FieldError('Complex aggregates require an alias.')
      out.push([alias, arg])
      continue
    }
    if (arg === null || typeof arg !== 'object') {
      bad.push(String(arg))
      continue
    }
    for (const [name, e] of Object.entries(arg)) {
      if (!(e instanceof Expression)) bad.push(`${name}=${String(e)}`)
      else out.push([name, e])
    }
  }
  if (bad.length) throw new FieldError(`aggregate() received non-expression(s): ${bad.join(', ')}.`)
  for (const [name, e] of out) if (!containsAggregate(e)) throw new FieldError(`${name} is not an aggregate expression.`)
  return out
}

/** Whether Django would compute the aggregates over a subquery of the QuerySet. */
const needsSubquery = (qs: AnyQuerySet): boolean =>
  qs.low !== 0 ||
  qs.high !== null ||
  qs.distinct !== false ||
  qs.compound !== null ||
  qs.annotations.some((a) => containsAggregate(a.expr) || someNode(a.expr, (n) => n.kind === 'Ext' && n.ext === 'Window'))

const runAggregate = async (db: Db, qs: AnyQuerySet, entries: readonly [string, AnyExpression][]): Promise<Record<string, unknown>> => {
  if (entries.length === 0) return {}
  if (qs.empty) return emptyResult(entries)
  const wrap = needsSubquery(qs)
  const { plan, values } = planFor<AggregatePlan>(db, (ctx) => {
    ctx.k(`AGG${wrap ? 'w' : ''}:${entries.map(([n]) => n).join(',')}:`)
    return wrap ? wrapped(db, qs, entries, ctx) : direct(db, qs, entries, ctx)
  })
  if (plan.empty) return emptyResult(entries)
  const res = await db.execute(plan.sql, bindParams(plan, values), { returnsRows: true, bigints: plan.bigints })
  const [row] = plan.hydrate(res.rows)
  return (row ?? emptyResult(entries)) as Record<string, unknown>
}

const emptyResult = (entries: readonly [string, AnyExpression][]): Record<string, unknown> =>
  Object.fromEntries(entries.map(([name, e]) => [name, emptyValue(e)]))

type Ctx = Parameters<Parameters<typeof planFor>[1]>[0]

const planOf = (db: Db, q: Parameters<typeof toPlanSql>[0], readers: readonly Reader[], empty: boolean): AggregatePlan => ({
  ...toPlanSql(q),
  readers,
  bigints: readers.some((r) => r.type === 'bigInteger'),
  hydrate: makeHydrator(db.dialect, readers, 'object'),
  empty,
})

/** `SELECT agg, … FROM … WHERE …`: the entries are annotations of the QuerySet, selected alone. */
const direct = (db: Db, qs: AnyQuerySet, entries: readonly [string, AnyExpression][], ctx: Ctx) => {
  // Entries compile under internal names: an entry named like a field must not hide the field.
  const internal = entries.map((_, i) => internalName(qs, i))
  const kept = qs.annotations.map((a): Annotation => ({ ...a, select: false }))
  // Computed against the QuerySet as it stands: after its filters, sharing their joins (as Django).
  const after = qs.where.length
  const added = entries.map(([, expr], i): Annotation => ({ name: internal[i], expr, select: true, after }))
  const q = cloneWith(qs, {
    annotations: Object.freeze([...kept, ...added]),
    select: Object.freeze({ kind: 'values', fields: Object.freeze(internal) }),
    order: Object.freeze([]),
    reversed: false,
    ext: Object.freeze({}),
  })
  const parts = compileSelect(q, ctx, null, 'rows')
  const readers = parts.readers.map((r, i) => ({ ...r, key: entries[i][0] }))
  return () => planOf(db, parts.build(), readers, parts.empty)
}

/** A column alias no annotation or field of the QuerySet uses. */
const internalName = (qs: AnyQuerySet, i: number): string => {
  let name = `aggval_${i}`
  while (qs.annotations.some((a) => a.name === name) || qs.model.meta.fieldMap.has(name)) name = `_${name}`
  return name
}

/**
 * `SELECT agg(subquery.col), … FROM (the QuerySet, with each aggregate's source as a column) subquery`,
 * for sliced, distinct, combined or already aggregated QuerySets, as Django does.
 */
const wrapped = (db: Db, qs: AnyQuerySet, entries: readonly [string, AnyExpression][], ctx: Ctx) => {
  const taken = new Set([...qs.annotations.map((a) => a.name), ...qs.model.meta.fields.map((f: { name: string }) => f.name)])
  const sources: SourceColumn[] = []
  const outer = entries.map(([name, e]) => [name, toOuter(e, sources, taken)] as const)
  const sliced = qs.low !== 0 || qs.high !== null
  const inner = cloneWith(qs, {
    annotations: Object.freeze([...qs.annotations, ...sources.map((s): Annotation => ({ name: s.name, expr: s.expr, select: true, after: qs.where.length }))]),
    order: sliced ? qs.order : Object.freeze([]),
    ext: Object.freeze({}),
  })
  const parts = compileSelect(inner, ctx, null, 'inner')
  const scope = new Scope(ctx, qs.model, 'subquery', null)
  for (const s of sources) {
    const c = parts.scope.annotations.get(s.name) as Compiled
    scope.annotations.set(s.name, { frag: () => sql.ref(`subquery.${s.name}`), type: c.type, field: c.field, aggregate: false })
  }
  ctx.k('>')
  const cols = outer.map(([name, e]) => [name, compileExpr(scope, e)] as const)
  const readers: Reader[] = cols.map(([key, c]) => ({ key, type: c.type, field: c.field }))
  return () => {
    const q = db.kysely.selectFrom(parts.build().as('subquery')).select(cols.map(([, c], i) => c.frag().as(`aggval_${i}`) as never))
    return planOf(db, q, readers, parts.empty)
  }
}
