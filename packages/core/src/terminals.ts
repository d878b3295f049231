// Terminals: the only way a QuerySet reaches the database. Each returns ReaderTaskEither<Db, OrmError, A>.
import { sql } from 'kysely'
import { type Compiled, type Frag, FALSE } from './compiler/context.js'
import { type Hydrator, type Plan, bindParams, makeHydrator, planFor, type RowShape, toPlanSql } from './compiler/plan.js'
import { compileSelect, type Purpose, type SelectParts } from './compiler/select.js'
import { columnOf, compileExpr, paramFor } from './compiler/where.js'
import type { Db, Effect } from './db.js'
import type { ExecOptions, ExecResult } from './dialect.js'
import { DoesNotExist, FieldError, MultipleObjectsReturned } from './errors.js'
import { effect, unwrap } from './effect.js'
import { Expression } from './expressions.js'
import { type AnyModel, relatedKey } from './model.js'
import { type AnyQuerySet, type CheckConditions, cloneWith, filter, orderBy, type QuerySet, type ResultOf, reverse, slice } from './queryset.js'
import { type FastShape, fastShape, sameValues } from './compiler/fastpath.js'
import { validateValue } from './validation.js'
import type { Condition } from './where.js'
import { deleteCollected } from './collector.js'

const MAX_GET_RESULTS = 21

/** Hooks that run after rows are fetched (prefetch_related), for QuerySets with state in `ext`. */
export type AfterFetch = (db: Db, qs: AnyQuerySet, rows: unknown[]) => Promise<void>
export const afterFetchHooks: AfterFetch[] = []
/** Checks before rows are fetched (select_for_update outside a transaction is an error). */
export const beforeFetchHooks: ((db: Db, qs: AnyQuerySet) => void)[] = []

const shapeOf = (qs: AnyQuerySet): RowShape => {
  const s = qs.select
  if (s.kind === 'valuesList') return s.flat ? 'flat' : s.named ? 'object' : 'tuple'
  if (s.kind === 'dates') return 'flat'
  return 'object'
}

const hasBigint = (parts: SelectParts): boolean => parts.readers.some((r) => r.type === 'bigInteger')

interface SelectPlan extends Plan {
  readonly empty: boolean
  readonly hydrateOne: Hydrator['one']
}

// The options of the statements the terminals send, made once.
const ROWS: ExecOptions = Object.freeze({ returnsRows: true })
const ROWS_BIGINT: ExecOptions = Object.freeze({ returnsRows: true, bigints: true })
const FIRST_ROW: ExecOptions = Object.freeze({ returnsRows: true, single: true })
const FIRST_VALUE: ExecOptions = Object.freeze({ returnsRows: true, single: true, scalar: true })
const NO_ROWS: ExecOptions = Object.freeze({ returnsRows: false })

/** `f` of a value that an embedded driver gives at once and a server driver as a promise. */
const then = <T, U>(v: T | Promise<T>, f: (v: T) => U | Promise<U>): U | Promise<U> => (v instanceof Promise ? v.then(f) : f(v))

/** Marks a fast shape the fast path can't reproduce: always compile fully. */
const SLOW = Object.freeze({ slow: true })

/** The plan filed under the fast shape when the fast path knows it; else (and the first time) the full compile. */
// `full` is a module-level function of (db, qs, extra), not a closure: nothing is made for it on a hit.
const viaFastPath = <P, X>(
  fast: FastShape | null,
  full: (db: Db, qs: AnyQuerySet, extra: X) => { plan: P; values: unknown[] },
  db: Db,
  qs: AnyQuerySet,
  extra: X,
): { plan: P; values: unknown[] } => {
  if (fast === null) return full(db, qs, extra)
  const hit = fast.node.value
  if (hit !== undefined && hit !== SLOW) return { plan: hit as P, values: fast.values }
  const result = full(db, qs, extra)
  if (hit === undefined) fast.node.value = sameValues(result.values, fast.values) ? result.plan : SLOW
  return result
}

const selectPlan = (db: Db, qs: AnyQuerySet, purpose: Purpose = 'rows'): { plan: SelectPlan; values: unknown[] } =>
  viaFastPath(fastShape(db, qs, purpose, shapeOf(qs)), fullSelectPlan, db, qs, purpose)

const fullSelectPlan = (db: Db, qs: AnyQuerySet, purpose: Purpose) =>
  planFor<SelectPlan>(db, (ctx) => {
    const parts = compileSelect(qs, ctx, null, purpose)
    const shape = shapeOf(qs)
    ctx.k(`>${shape}`)
    return () => {
      const hydrate = makeHydrator(db.dialect, parts.readers, shape)
      return {
        ...toPlanSql(parts.build()),
        readers: parts.readers,
        bigints: hasBigint(parts),
        hydrate,
        hydrateOne: hydrate.one,
        empty: parts.empty,
      }
    }
  })

/** Fetch the rows of a QuerySet (no prefetch). */
export const fetchRows = (db: Db, qs: AnyQuerySet): Promise<unknown[]> | unknown[] => {
  for (let i = 0; i < beforeFetchHooks.length; i++) beforeFetchHooks[i](db, qs)
  const { plan, values } = selectPlan(db, qs)
  if (plan.empty) return []
  const res = db.execute(plan.sql, bindParams(plan, values), plan.bigints ? ROWS_BIGINT : ROWS)
  // An embedded driver's rows are here already: stay synchronous unless something must wait.
  return res instanceof Promise ? res.then((r) => afterFetch(db, qs, plan.hydrate(r.rows))) : afterFetch(db, qs, plan.hydrate(res.rows))
}

const hasExt = (qs: AnyQuerySet): boolean => {
  for (const _ in qs.ext) return true
  return false
}

// The hooks (prefetch_related) act on QuerySets that carry extension state only.
const afterFetch = (db: Db, qs: AnyQuerySet, rows: unknown[]): Promise<unknown[]> | unknown[] => {
  if (afterFetchHooks.length === 0 || !hasExt(qs)) return rows
  return (async () => {
    for (const hook of afterFetchHooks) await hook(db, qs, rows)
    return rows
  })()
}

// terminals

/**
 * Every row of the QuerySet.
 * @example const posts = await db.run(toArray(pipe(Post.objects, filter({ title__startswith: 'F' }))))
 */
export const toArray = <Q extends AnyQuerySet>(qs: Q): Effect<ResultOf<Q>[]> =>
  effect((db) => fetchRows(db, qs) as ResultOf<Q>[] | Promise<ResultOf<Q>[]>)

/**
 * The one row matching the conditions: DoesNotExist when none, MultipleObjectsReturned when several.
 * @example pipe(Post.objects, get({ pk: 1 }))
 */
export const get =
  <const C extends readonly Condition[]>(...conds: C) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckConditions<M, A, C[number]>): Effect<R> =>
    effect((db) => {
      const base = qs as AnyQuerySet
      // A known shape runs from its plan at once: the filtered, limited QuerySet is never built.
      const fast = fastShape(db, base, 'rows', shapeOf(base), conds as readonly Condition[], MAX_GET_RESULTS)
      const hit = fast?.node.value
      if (fast && hit !== undefined && hit !== SLOW) {
        for (let i = 0; i < beforeFetchHooks.length; i++) beforeFetchHooks[i](db, base)
        const plan = hit as SelectPlan
        if (plan.empty) throw new DoesNotExist(base.model.name)
        const res = db.execute(plan.sql, bindParams(plan, fast.values), plan.bigints ? ROWS_BIGINT : ROWS)
        return (res instanceof Promise ? res.then((r) => oneRow(base, plan, r)) : oneRow(base, plan, res)) as R | Promise<R>
      }
      let q: AnyQuerySet = conds.length ? filter(...(conds as readonly Condition[]))(qs as never) : base
      if (q.low === 0 && q.high === null) q = cloneWith(q, { order: [], reversed: false, high: MAX_GET_RESULTS })
      return then(fetchRows(db, q), (rows) => onlyRow(base, rows)) as R | Promise<R>
    })

const onlyRow = (qs: AnyQuerySet, rows: readonly unknown[]): unknown => {
  if (rows.length === 1) return rows[0]
  if (rows.length === 0) throw new DoesNotExist(qs.model.name)
  throw new MultipleObjectsReturned(qs.model.name, rows.length >= MAX_GET_RESULTS ? 'more' : rows.length)
}

/** The one row of a `get`, hydrated alone. */
const oneRow = (qs: AnyQuerySet, plan: SelectPlan, res: ExecResult): unknown =>
  res.rows.length === 1 ? plan.hydrateOne(res.rows[0]) : onlyRow(qs, res.rows)

const isOrdered = (qs: AnyQuerySet): boolean =>
  (qs.order !== null && qs.order.length > 0) || (qs.order === null && qs.model.meta.ordering.length > 0)

/** The first row (by the ordering, else by primary key), or null. */
export const first = <Q extends AnyQuerySet>(qs: Q): Effect<ResultOf<Q> | null> =>
  effect((db) => {
    const q = isOrdered(qs) ? qs : orderBy('pk' as never)(qs as AnyQuerySet)
    return then(fetchRows(db, slice(0, 1)(q)), (rows) => (rows[0] ?? null) as ResultOf<Q> | null)
  })

/** The last row (by the ordering, else by primary key), or null. */
export const last = <Q extends AnyQuerySet>(qs: Q): Effect<ResultOf<Q> | null> =>
  effect((db) => {
    const q = isOrdered(qs) ? reverse()(qs as AnyQuerySet) : orderBy('-pk' as never)(qs as AnyQuerySet)
    return then(fetchRows(db, slice(0, 1)(q)), (rows) => (rows[0] ?? null) as ResultOf<Q> | null)
  })

const latestBy = (qs: AnyQuerySet, fields: readonly string[], desc: boolean): AnyQuerySet => {
  const names = fields.length ? fields : (qs.model.meta.getLatestBy ?? [])
  if (names.length === 0) {
    throw new FieldError("earliest() and latest() require either fields as positional arguments or 'getLatestBy' in the model's Meta.")
  }
  const keys = names.map((n) => (desc ? (n.startsWith('-') ? n.slice(1) : `-${n}`) : n))
  return slice(0, 1)(orderBy(...(keys as never[]))(qs))
}

/** The earliest row by `fields` (or Meta `getLatestBy`); DoesNotExist when empty. */
export const earliest =
  (...fields: readonly string[]) =>
  <Q extends AnyQuerySet>(qs: Q): Effect<ResultOf<Q>> =>
    effect((db) => unwrap(db, get()(latestBy(qs, fields, false)) as Effect<ResultOf<Q>>))

/** The latest row by `fields` (or Meta `getLatestBy`); DoesNotExist when empty. */
export const latest =
  (...fields: readonly string[]) =>
  <Q extends AnyQuerySet>(qs: Q): Effect<ResultOf<Q>> =>
    effect((db) => unwrap(db, get()(latestBy(qs, fields, true)) as Effect<ResultOf<Q>>))

interface CountPlan extends Plan {
  readonly empty: boolean
}

/** The number of rows, as SELECT COUNT(*) (wrapping the query when it is sliced, distinct or grouped). */
export const count = <Q extends AnyQuerySet>(qs: Q): Effect<number> =>
  effect((db) => {
    const { plan, values } = viaFastPath(fastShape(db, qs, 'count', ''), fullCountPlan, db, qs, undefined)
    if (plan.empty) return 0
    return then(db.execute(plan.sql, bindParams(plan, values), FIRST_VALUE), countOf)
  })

const fullCountPlan = (db: Db, qs: AnyQuerySet) =>
  planFor<CountPlan>(db, (ctx) => {
    const wrap = qs.low !== 0 || qs.high !== null || qs.distinct !== false || qs.compound !== null || qs.select.kind === 'dates' || qs.annotations.some((a) => a.select)
    ctx.k(wrap ? 'count/w' : 'count')
    // Ordering only matters to a count when it picks the slice (and breaks SELECT DISTINCT on PostgreSQL).
    const counted = qs.low === 0 && qs.high === null ? ({ ...qs, order: [] } as AnyQuerySet) : qs
    const parts = compileSelect(counted, ctx, null, wrap ? 'inner' : 'count')
    return () => {
      const inner = parts.build()
      const q = wrap
        ? db.kysely.selectFrom(inner.as('subquery')).select(sql`COUNT(*)`.as('n'))
        : inner.clearSelect().clearOrderBy().select(sql`COUNT(*)`.as('n'))
      return { ...toPlanSql(q), readers: [], bigints: false, hydrate: (r) => r as unknown[], empty: parts.empty }
    }
  })

const countOf = (res: ExecResult): number => Number(res.rows[0]?.[0] ?? 0)

/** Whether any row matches (SELECT 1 … LIMIT 1). */
export const exists = <Q extends AnyQuerySet>(qs: Q): Effect<boolean> =>
  effect((db) => {
    const { plan, values } = selectPlan(db, qs, 'exists')
    if (plan.empty) return false
    return then(db.execute(plan.sql, bindParams(plan, values), FIRST_ROW), (res) => res.rows.length > 0)
  })

/** Whether the QuerySet holds this row (by primary key). */
export const contains =
  (row: object) =>
  <Q extends AnyQuerySet>(qs: Q): Effect<boolean> => {
    const pk = qs.model.meta.pk.attname
    const value = (row as Record<string, unknown>)[pk]
    if (value === undefined || value === null) {
      return effect(async () => {
        throw new FieldError('contains() cannot be used on unsaved objects.')
      })
    }
    return exists(filter({ pk: value } as never)(qs as AnyQuerySet))
  }

/** Rows keyed by primary key (or a unique `fieldName`), optionally only those `ids`. */
export const inBulk =
  <K extends string | number>(ids?: readonly K[], options: { readonly fieldName?: string } = {}) =>
  <Q extends AnyQuerySet>(qs: Q): Effect<Record<K, ResultOf<Q>>> =>
    effect(async (db) => {
      const model = qs.model
      const name = options.fieldName ?? 'pk'
      const bf = name === 'pk' ? model.meta.pk : model.meta.fieldMap.get(name)
      if (!bf) throw new FieldError(`inBulk(): ${model.name} has no field '${name}'.`)
      if (!bf.primaryKey && bf.field.options.unique !== true) {
        throw new FieldError(`inBulk()'s fieldName must be a unique field but '${name}' isn't.`)
      }
      if (qs.low !== 0 || qs.high !== null) throw new FieldError("Cannot use 'limit' or 'offset' with inBulk().")
      if (ids !== undefined && ids.length === 0) return {} as Record<K, ResultOf<Q>>
      const maxBatch = db.dialect.features.maxQueryParams
      const out: Record<string, unknown> = {}
      const batches: (readonly K[] | undefined)[] = []
      if (ids === undefined) batches.push(undefined)
      else for (let i = 0; i < ids.length; i += maxBatch) batches.push(ids.slice(i, i + maxBatch))
      for (const batch of batches) {
        const q = batch ? filter({ [`${bf.name}__in`]: batch } as never)(qs as AnyQuerySet) : qs
        const rows = (await fetchRows(db, q)) as Record<string, unknown>[]
        for (const r of rows) out[String(r[bf.attname])] = r
      }
      return out as Record<K, ResultOf<Q>>
    })

/**
 * Update every matching row; returns the number of rows changed. Values may be expressions.
 * @example pipe(Post.objects, filter({ pk: 1 }), update({ views: F('views').add(1) }))
 */
export const update =
  (values: Readonly<Record<string, unknown>>) =>
  <Q extends AnyQuerySet>(qs: Q): Effect<number> =>
    effect((db) => {
      if (qs.low !== 0 || qs.high !== null) throw new FieldError('Cannot update a query once a slice has been taken.')
      if (!hasEntries(values)) return 0
      const { plan, values: params } = viaFastPath(fastUpdateShape(db, qs, values), fullUpdatePlan, db, qs, values)
      if (plan.empty) return 0
      return then(db.execute(plan.sql, bindParams(plan, params), NO_ROWS), affectedOf)
    })

const affectedOf = (res: ExecResult): number => res.affected

/** The UPDATE of `qs` setting `values`, compiled in full. */
const fullUpdatePlan = (db: Db, qs: AnyQuerySet, values: Readonly<Record<string, unknown>>) => {
  const model = qs.model
  return planFor<CountPlan>(db, (ctx) => {
    const entries = Object.entries(values)
    ctx.k(`U${entries.map(([k]) => k).join(',')}:`)
    const parts = compileSelect({ ...qs, order: [], annotations: qs.annotations } as AnyQuerySet, ctx, null, 'count')
    const scope = parts.scope
    const sets: [string, Frag][] = entries.map(([name, value]) => {
      const bf = model.meta.fieldMap.get(name) ?? model.meta.fields.find((f) => f.attname === name)
      if (!bf?.concrete) throw scope.unknownField(model, name, name)
      if (value instanceof Expression) {
        const c: Compiled = compileExpr(scope, value)
        if (c.aggregate) throw new FieldError(`Aggregate functions are not allowed in this query (${name}=...).`)
        return [bf.column, c.frag]
      }
      const v = validateValue(bf, bf.field.relation ? relatedKey(bf, value) : value)
      if (v === null) {
        ctx.k('N')
        return [bf.column, () => sql`NULL`]
      }
      return [bf.column, paramFor(scope, bf.field.relation ? 'bigAuto' : bf.field.type, v)]
    })
    const joined = scope.joinList.length > 0
    return () => {
      let q = db.kysely.updateTable(model.meta.table).set(Object.fromEntries(sets.map(([c, f]) => [c, f()])))
      if (joined) {
        // Conditions across relations: UPDATE … WHERE pk IN (SELECT pk … joined …), as Django does.
        const inner = parts.build().clearSelect().select(columnOf(model.meta.table, model.meta.pk).frag() as never)
        const pkCol = sql.ref(model.meta.pk.column)
        q = db.dialect.features.updateCanSelfSelect
          ? q.where(sql<boolean>`${pkCol} IN (${inner})`)
          : q.where(sql<boolean>`${pkCol} IN (SELECT * FROM (${inner}) AS sub)`)
      } else {
        for (const w of parts.where) q = q.where(w() as never)
      }
      return { ...toPlanSql(q), readers: [], bigints: false, hydrate: (r) => r as unknown[], empty: parts.empty }
    }
  })
}

const hasOwn = Object.prototype.hasOwnProperty

/** Own enumerable string keys, as `Object.entries` sees them? */
const hasEntries = (o: object): boolean => {
  for (const k in o) if (hasOwn.call(o, k)) return true
  return false
}

/** The fast shape of an UPDATE: the WHERE's, then each SET field and whether it is NULL (plain values only). */
const fastUpdateShape = (db: Db, qs: AnyQuerySet, set: Readonly<Record<string, unknown>>): FastShape | null => {
  const fast = fastShape(db, qs, 'update', '')
  if (fast === null) return null
  const model = qs.model
  const values = fast.values
  for (const name in set) {
    if (!hasOwn.call(set, name)) continue
    const value = set[name]
    if (value instanceof Expression) return null
    const bf = model.meta.fieldMap.get(name) ?? model.meta.fields.find((f) => f.attname === name)
    if (!bf?.concrete) return null
    const v = validateValue(bf, bf.field.relation ? relatedKey(bf, value) : value)
    fast.node = db.plans.step(db.plans.step(fast.node, name), v === null)
    // validateValue has coerced it already (coercing again gives the same value): only the driver's form is left.
    if (v !== null) values.push(db.dialect.ops.toDb(bf.field.relation ? 'bigAuto' : bf.field.type, v))
  }
  return fast
}

export interface DeleteResult {
  readonly total: number
  readonly perModel: Readonly<Record<string, number>>
}

/** Delete every matching row (Django's `QuerySet.delete()`), following on_delete across relations. */
export const deleteAll = <Q extends AnyQuerySet>(qs: Q): Effect<DeleteResult> =>
  effect(async (db) => {
    if (qs.low !== 0 || qs.high !== null) throw new FieldError("Cannot use 'limit' or 'offset' with delete().")
    if (qs.distinct !== false) throw new FieldError('Cannot call delete() after distinct().')
    if (qs.select.kind !== 'rows') throw new FieldError('Cannot call delete() after values() or valuesList().')
    return deleteCollected(db, qs)
  })

/** The database's plan for the query, as text. */
export const explain = <Q extends AnyQuerySet>(qs: Q): Effect<string> =>
  effect(async (db) => {
    const { plan, values } = selectPlan(db, qs)
    const text = db.dialect.ops.explain ? db.dialect.ops.explain(plan.sql) : `EXPLAIN ${plan.sql}`
    const res = await db.execute(text, bindParams(plan, values), { returnsRows: true })
    return res.rows.map((r) => r.map((c) => String(c)).join(' ')).join('\n')
  })

/** The SQL and parameters a QuerySet compiles to, without running it. */
export const toSql =
  <Q extends AnyQuerySet>(qs: Q) =>
  (db: Db): { readonly sql: string; readonly parameters: readonly unknown[] } => {
    const { plan, values } = selectPlan(db, qs)
    return { sql: plan.sql, parameters: bindParams(plan, values) }
  }

/**
 * Rows one by one with bounded memory (a server-side cursor where the driver has one). With
 * prefetchRelated, each chunk of `chunkSize` rows gets its related rows before it is yielded, as
 * Django's iterator(chunk_size) does.
 * @example for await (const post of stream(Post.objects, { chunkSize: 500 })(db)) { … }
 */
export const stream =
  <Q extends AnyQuerySet>(qs: Q, options: { readonly chunkSize?: number } = {}) =>
  (db: Db): AsyncIterable<ResultOf<Q>> => ({
    async *[Symbol.asyncIterator]() {
      const { plan, values } = selectPlan(db, qs)
      if (plan.empty) return
      const chunkSize = options.chunkSize ?? 2000
      const rows = db.stream(plan.sql, bindParams(plan, values), { returnsRows: true, bigints: plan.bigints, chunkSize })
      if (afterFetchHooks.length === 0 || !hasExt(qs)) {
        for await (const row of rows) yield plan.hydrate([row])[0] as ResultOf<Q>
        return
      }
      let chunk: (readonly unknown[])[] = []
      const flush = async () => {
        const out = await afterFetch(db, qs, plan.hydrate(chunk))
        chunk = []
        return out as ResultOf<Q>[]
      }
      for await (const row of rows) {
        chunk.push(row)
        if (chunk.length >= chunkSize) yield* await flush()
      }
      if (chunk.length > 0) yield* await flush()
    },
  })

export type { AnyModel, QuerySet }
export { FALSE }
