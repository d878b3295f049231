// The statement behind one prefetch level: the related QuerySet, restricted to the parents' keys,
// with the key each row belongs to selected as an extra last column that never reaches the rows.
import {
  type AnyQuerySet,
  bindParams,
  cloneWith,
  compileSelect,
  compileWhere,
  type Db,
  makeHydrator,
  type Plan,
  planFor,
  type Reader,
  registerSelectExtension,
  resolvePath,
  toPlanSql,
} from '@fjord/core'

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

const keyedPlan = (db: Db, qs: AnyQuerySet) =>
  planFor<KeyedPlan>(db, (ctx) => {
    ctx.k('prefetch>')
    const parts = compileSelect(qs, ctx, null, 'rows')
    return () => {
      const match = parts.readers.findIndex((r) => r.key === MATCH)
      // Rows are read by position: the match column must come after every column of the rows.
      if (match !== parts.readers.length - 1) throw new Error('prefetchRelated: the match column is not the last one selected.')
      const readers: Reader[] = parts.readers.filter((_, i) => i !== match)
      const keyReader = parts.readers[match]
      return {
        ...toPlanSql(parts.build()),
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
