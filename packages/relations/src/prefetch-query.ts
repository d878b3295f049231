// The statement behind one prefetch level: the related QuerySet, restricted to the parents' keys,
// with the key each row belongs to selected as an extra last column that never reaches the rows.
// A sliced QuerySet is sliced per parent: its rows are numbered within each parent's key, in its
// ordering, in a derived table, and the outer query keeps the numbers inside the slice.
import {
  type AnyQuerySet,
  bindParams,
  cloneWith,
  type Compiled,
  columnOf,
  compileSelect,
  compileWhere,
  type Ctx,
  DatabaseError,
  type Db,
  FieldError,
  type Frag,
  makeHydrator,
  type Plan,
  planFor,
  type Reader,
  registerSelectExtension,
  resolvePath,
  type SelectParts,
  type Sql,
  toPlanSql,
} from '@fjord/core'
import { type SelectQueryBuilder, sql } from 'kysely'

const EXT = 'prefetchKey'
/** The reader key of the match column; no field can be named so. */
const MATCH = '\u0000prefetch'

interface PrefetchKey {
  readonly path: string
  readonly keys: readonly unknown[]
}

registerSelectExtension({
  name: EXT,
  prepare(qs, scope, purpose, addColumns) {
    const pk = qs.ext[EXT] as PrefetchKey | undefined
    if (!pk || purpose !== 'rows') return undefined
    scope.ctx.k(`PF${pk.path};`)
    // A join group of its own: the condition and the selected key share one join, and no filter's.
    const saved = scope.group
    scope.group = -1
    const cond = compileWhere(scope, Object.freeze({ kind: 'lookup', key: `${pk.path}__in`, value: pk.keys }))
    const { compiled } = resolvePath(scope, pk.path.split('__'), pk.path)
    scope.group = saved
    addColumns([compiled], [{ key: MATCH, type: compiled.type, field: compiled.field }])
    return (q) => q.where(cond.frag())
  },
})

interface KeyedPlan extends Plan {
  readonly empty: boolean
  readonly match: number
  readonly hydrateKeys: (rows: readonly (readonly unknown[])[]) => unknown[]
}

/** The derived table of a sliced prefetch, and the column numbering its rows within each parent. */
const SLICED = 'fjord_sliced'
const NUMBER = 'fjord_n'

/**
 * The rows of `parts` numbered by ROW_NUMBER() OVER (PARTITION BY the match column ORDER BY the
 * QuerySet's ordering, else its primary key), keeping `low < n <= high` (no upper bound when `high`
 * is null), in that order within each parent: Django's sliced prefetch querysets.
 */
const perParentSlice = (ctx: Ctx, qs: AnyQuerySet, parts: SelectParts, low: number, high: number | null): (() => SelectQueryBuilder<any, any, any>) => {
  if (!parts.order) throw new FieldError('A sliced Prefetch queryset cannot also filter on a window function.')
  const dialect = ctx.dialect
  const ops = dialect.ops
  ctx.k(`PS${low > 0 ? 'L' : ''}${high !== null ? 'H' : ''}:`)
  // The bounds are values like any other: bound, and the plan is shared by every slice of this shape.
  const lowParam = low > 0 ? ctx.param(ops.toDb('integer', low)) : undefined
  const highParam = high !== null ? ctx.param(ops.toDb('integer', high)) : undefined
  const partition = parts.columns[parts.columns.length - 1]
  const term = (expr: Sql): Sql => (ops.orderBy ? ops.orderBy(expr, false, undefined) : sql`${expr} ASC`)
  const pk = columnOf(parts.scope.alias, parts.scope.model.meta.pk)
  const order: readonly Frag[] = parts.order.length > 0 ? parts.order : [() => term(pk.frag())]
  const render = ops.functions?.Window
  const over = (): Sql => sql`PARTITION BY ${partition.frag()} ORDER BY ${sql.join(order.map((o) => o()))}`
  const rowNumber = (): Sql => (render ? render([sql`ROW_NUMBER()`, over()], {}) : sql`ROW_NUMBER() OVER (${over()})`)
  // A backend without booleans in the select list gets a selected condition as 1/0 (as compileSelect does).
  const value = (c: Compiled): Sql =>
    c.condition && !dialect.features.supportsBooleanExprInSelectClause ? sql`CASE WHEN ${c.frag()} THEN 1 ELSE 0 END` : c.frag()
  // DISTINCT ON keeps the ordering it picks its rows by.
  const keepOrder = Array.isArray(qs.distinct) && qs.distinct.length > 0
  const number = () => sql.ref(`${SLICED}.${NUMBER}`)
  return () => {
    const built = parts.build().clearSelect()
    // The columns are renamed (col0, col1, …): a derived table can't have two of one name (selectRelated's ids).
    const inner = (keepOrder ? built : built.clearOrderBy()).select([
      ...parts.columns.map((c, i) => value(c).as(`col${i}`) as never),
      rowNumber().as(NUMBER) as never,
    ])
    let q = ctx.kyselyRef.selectFrom(inner.as(SLICED)).select(parts.columns.map((_, i) => sql.ref(`${SLICED}.col${i}`) as never)) as SelectQueryBuilder<any, any, any>
    if (lowParam) q = q.where(sql`${number()} > ${lowParam()}` as never)
    if (highParam) q = q.where(sql`${number()} <= ${highParam()}` as never)
    return q.orderBy(number() as never)
  }
}

const keyedPlan = (db: Db, qs: AnyQuerySet) =>
  planFor<KeyedPlan>(db, (ctx) => {
    ctx.k('prefetch>')
    const sliced = qs.low !== 0 || qs.high !== null
    if (sliced && !ctx.dialect.features.supportsOverClause) {
      throw new DatabaseError(`Prefetching from a sliced queryset needs window functions, which this backend (${ctx.dialect.name}) does not support.`)
    }
    if (sliced && qs.compound) throw new FieldError('A sliced Prefetch queryset cannot be a combined query (union, intersection, difference).')
    const parts = compileSelect(sliced ? cloneWith(qs, { low: 0, high: null }) : qs, ctx, null, 'rows')
    const build = sliced ? perParentSlice(ctx, qs, parts, qs.low, qs.high) : parts.build
    return () => {
      const match = parts.readers.findIndex((r) => r.key === MATCH)
      // Rows are read by position: the match column must come after every column of the rows.
      if (match !== parts.readers.length - 1) throw new Error('prefetchRelated: the match column is not the last one selected.')
      const readers: Reader[] = parts.readers.filter((_, i) => i !== match)
      const keyReader = parts.readers[match]
      return {
        ...toPlanSql(build()),
        readers,
        bigints: parts.readers.some((r) => r.type === 'bigInteger'),
        // The hydrator reads its columns by position; the match column comes last, after them.
        hydrate: makeHydrator(db.dialect, readers, 'object'),
        hydrateKeys: makeHydrator(db.dialect, [keyReader], 'flat'),
        empty: parts.empty,
        match,
      }
    }
  })

/**
 * The rows of `qs` whose `path` is one of `keys`, and for each row the key it matched; in batches
 * that keep each statement under the backend's parameter limit.
 */
export const fetchKeyed = async (db: Db, qs: AnyQuerySet, path: string, keys: readonly unknown[]): Promise<{ rows: unknown[]; matchKeys: unknown[] }> => {
  const room = Math.max(1, db.dialect.features.maxQueryParams - 100)
  const rows: unknown[] = []
  const matchKeys: unknown[] = []
  for (let i = 0; i < keys.length; i += room) {
    const batch = keys.slice(i, i + room)
    const q = cloneWith(qs, { ext: Object.freeze({ ...qs.ext, [EXT]: Object.freeze({ path, keys: batch }) }) })
    const { plan, values } = keyedPlan(db, q)
    if (plan.empty) continue
    const res = await db.execute(plan.sql, bindParams(plan, values), { returnsRows: true, bigints: plan.bigints })
    for (const r of plan.hydrate(res.rows)) rows.push(r)
    const last = plan.match
    for (const k of plan.hydrateKeys(res.rows.map((r) => [r[last]]))) matchKeys.push(k)
  }
  return { rows, matchKeys }
}
