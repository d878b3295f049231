// The deletion collector: which rows a delete reaches through on_delete, in Django's order, in one
// transaction. PROTECT and RESTRICT refuse before anything is written.
import { sql } from 'kysely'
import { bindParams, makeHydrator, planFor, toPlanSql, type Plan } from './compiler/plan.js'
import { compileSelect } from './compiler/select.js'
import type { Db } from './db.js'
import { ProtectedError, RestrictedError } from './errors.js'
import type { OnDelete } from './fields.js'
import type { AnyModel, BoundField } from './model.js'
import { type AnyQuerySet, filter, orderBy, valuesList } from './queryset.js'
import { inTransaction } from './transaction-core.js'

interface Dependent {
  readonly model: AnyModel
  readonly field: BoundField
  readonly onDelete: OnDelete
}

/** Foreign keys (and one-to-ones) in any model of the schema that point at `model`. */
export const dependentsOf = (model: AnyModel): Dependent[] => {
  const out: Dependent[] = []
  for (const other of model.meta.registry.models.values()) {
    for (const bf of other.meta.concreteFields) {
      const rel = bf.field.relation
      if (!rel || rel.kind === 'manyToMany') continue
      const target = rel.target === 'self' ? other.name : rel.target
      if (target === model.name) out.push({ model: other, field: bf, onDelete: rel.onDelete ?? 'CASCADE' })
    }
  }
  return out
}

/**
 * Hooks for rows that vanish with a model's rows but are no foreign key of a model (automatic join
 * tables). Rows deleted under a `label` are counted in `perModel`, as Django counts auto-created
 * through models.
 */
export type ExtraDeletes = (model: AnyModel) => readonly { readonly table: string; readonly column: string; readonly label?: string }[]
export const extraDeleteHooks: ExtraDeletes[] = []

const pluckPks = async (db: Db, qs: AnyQuerySet): Promise<unknown[]> => {
  const pk = qs.model.meta.pk.name
  const q = valuesList(pk as never, { flat: true })(orderBy()(qs) as never) as unknown as AnyQuerySet
  const { plan, values } = planFor<Plan & { empty: boolean }>(db, (ctx) => {
    const parts = compileSelect(q, ctx, null, 'rows')
    // The readers convert driver values (a BIGINT key arrives as a string from pg and mysql2) before
    // the keys go back into lookups.
    const hydrate = makeHydrator(db.dialect, parts.readers, 'flat')
    return () => ({ ...toPlanSql(parts.build()), readers: parts.readers, bigints: false, hydrate, empty: parts.empty })
  })
  if (plan.empty) return []
  const res = await db.execute(plan.sql, bindParams(plan, values), { returnsRows: true })
  return plan.hydrate(res.rows)
}

const chunks = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n))
  return out
}

/** Keys per DELETE/UPDATE … IN (…): under the parameter limit and the backend's IN-list limit (Oracle: 1,000). */
const inListBatch = (db: Db): number => Math.max(1, Math.min(db.dialect.features.maxQueryParams - 10, db.dialect.features.maxInListSize ?? Number.POSITIVE_INFINITY))

interface Collected {
  /** Model name → pks to delete, in discovery order. */
  readonly data: Map<string, { model: AnyModel; pks: Set<unknown> }>
  /** Field updates (SET_NULL, SET_DEFAULT, SET). */
  readonly updates: { model: AnyModel; field: BoundField; value: unknown; pks: unknown[] }[]
  readonly protectedRows: { model: string; pk: unknown; via: string }[]
  readonly restricted: { model: AnyModel; pk: unknown; via: string }[]
}

const collect = async (db: Db, c: Collected, model: AnyModel, pks: readonly unknown[]): Promise<void> => {
  if (pks.length === 0) return
  let entry = c.data.get(model.name)
  if (!entry) {
    entry = { model, pks: new Set() }
    c.data.set(model.name, entry)
  }
  const fresh = pks.filter((p) => !entry.pks.has(p))
  if (fresh.length === 0) return
  for (const p of fresh) entry.pks.add(p)
  const batch = Math.max(1, db.dialect.features.maxQueryParams - 10)
  for (const dep of dependentsOf(model)) {
    for (const part of chunks(fresh, batch)) {
      const related = filter({ [`${dep.field.name}__in`]: part } as never)(dep.model.objects as AnyQuerySet)
      const od = dep.onDelete
      if (od === 'DO_NOTHING') continue
      const relPks = await pluckPks(db, related)
      if (relPks.length === 0) continue
      if (od === 'CASCADE') await collect(db, c, dep.model, relPks)
      else if (od === 'PROTECT') {
        for (const pk of relPks) c.protectedRows.push({ model: dep.model.name, pk, via: `${dep.model.name}.${dep.field.name}` })
      } else if (od === 'RESTRICT') {
        for (const pk of relPks) c.restricted.push({ model: dep.model, pk, via: `${dep.model.name}.${dep.field.name}` })
      } else {
        const value =
          od === 'SET_NULL'
            ? null
            : od === 'SET_DEFAULT'
              ? typeof dep.field.field.options.default === 'function'
                ? (dep.field.field.options.default as () => unknown)()
                : (dep.field.field.options.default ?? null)
              : typeof od.value === 'function'
                ? (od.value as () => unknown)()
                : od.value
        c.updates.push({ model: dep.model, field: dep.field, value: pkValue(value), pks: relPks })
      }
    }
  }
}

const pkValue = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'id' in (v as object) ? (v as { id: unknown }).id : v)

/**
 * The batches a model's rows are deleted in. Where foreign keys are checked row by row (no deferrable
 * constraints: MySQL), rows that point at rows of their own model go before those they point at.
 */
const deletionBatches = async (db: Db, model: AnyModel, pks: readonly unknown[], batch: number): Promise<unknown[][]> => {
  const selfFks = dependentsOf(model).filter((d) => d.model === model && d.onDelete !== 'DO_NOTHING').map((d) => d.field)
  if (selfFks.length === 0 || db.dialect.schema.deferrableForeignKeys !== false || pks.length < 2) return chunks(pks, batch)
  const pk = model.meta.pk
  const byKey = new Map(pks.map((p) => [String(p), p]))
  const pointsAt = new Map<string, string[]>()
  for (const part of chunks(pks, batch)) {
    const q = db.kysely
      .selectFrom(model.meta.table)
      .select([sql.ref(pk.column).as('k'), ...selfFks.map((f, i) => sql.ref(f.column).as(`p${i}`))])
      .where(sql.ref(pk.column), 'in', part.map((p) => sql.val(p)))
      .compile()
    for (const r of (await db.execute(q.sql, q.parameters, { returnsRows: true })).rows) {
      pointsAt.set(String(r[0]), r.slice(1).filter((v) => v !== null && byKey.has(String(v))).map(String))
    }
  }
  // Peel off the rows no remaining row points at, round by round; a cycle goes out whole.
  const out: unknown[][] = []
  let left = new Set(byKey.keys())
  while (left.size > 0) {
    const pointed = new Set<string>()
    for (const k of left) for (const p of pointsAt.get(k) ?? []) if (p !== k && left.has(p)) pointed.add(p)
    const free = [...left].filter((k) => !pointed.has(k))
    const round = free.length > 0 ? free : [...left]
    out.push(...chunks(round.map((k) => byKey.get(k)), batch))
    for (const k of round) left.delete(k)
    if (free.length === 0) left = new Set()
  }
  return out
}

/** Models that point at others are deleted first (Django sorts the same way). */
const deletionOrder = (names: readonly string[], data: Collected['data']): string[] => {
  const order: string[] = []
  const seen = new Set<string>()
  const visit = (name: string, stack: Set<string>) => {
    if (seen.has(name) || stack.has(name)) return
    stack.add(name)
    const model = data.get(name)!.model
    // Dependents of this model (those pointing at it) go before it.
    for (const dep of dependentsOf(model)) if (data.has(dep.model.name) && dep.model.name !== name) visit(dep.model.name, stack)
    stack.delete(name)
    seen.add(name)
    order.push(name)
  }
  for (const n of names) visit(n, new Set())
  return order
}

/** Delete the rows of `qs` and everything on_delete reaches; `{ total, perModel }`. */
export const deleteCollected = async (db: Db, qs: AnyQuerySet): Promise<{ total: number; perModel: Record<string, number> }> => {
  const model = qs.model
  const canFast = dependentsOf(model).length === 0 && extraDeleteHooks.every((h) => h(model).length === 0)
  if (canFast && qs.annotations.length === 0) {
    const n = await fastDelete(db, qs)
    return { total: n, perModel: n > 0 ? { [model.name]: n } : {} }
  }
  return inTransaction(
    db,
    async (tx) => {
      const c: Collected = { data: new Map(), updates: [], protectedRows: [], restricted: [] }
      await collect(tx, c, model, await pluckPks(tx, qs))
      if (c.protectedRows.length) {
        const first = c.protectedRows[0]
        throw new ProtectedError(
          `Cannot delete some instances of model '${model.name}' because they are referenced through protected foreign keys: '${first.via}'.`,
          c.protectedRows.map(({ model: m, pk }) => ({ model: m, pk })),
        )
      }
      // RESTRICT: allowed only when the restricted row is itself being deleted through a cascade.
      const blocked = c.restricted.filter((r) => !c.data.get(r.model.name)?.pks.has(r.pk))
      if (blocked.length) {
        throw new RestrictedError(
          `Cannot delete some instances of model '${model.name}' because they are referenced through restricted foreign keys: '${blocked[0].via}'.`,
          blocked.map((r) => ({ model: r.model.name, pk: r.pk })),
        )
      }
      const batch = inListBatch(tx)
      for (const u of c.updates) {
        const alive = u.pks.filter((p) => !c.data.get(u.model.name)?.pks.has(p))
        for (const part of chunks(alive, batch)) {
          const q = tx.kysely
            .updateTable(u.model.meta.table)
            .set({ [u.field.column]: u.value === null ? sql`NULL` : sql.val(tx.dialect.ops.toDb('bigAuto', u.value)) })
            .where(sql.ref(u.model.meta.pk.column), 'in', part.map((p) => sql.val(p)))
            .compile()
          await tx.execute(q.sql, q.parameters, { returnsRows: false })
        }
      }
      const perModel: Record<string, number> = {}
      let total = 0
      for (const name of deletionOrder([...c.data.keys()], c.data)) {
        const { model: m, pks } = c.data.get(name)!
        for (const extra of extraDeleteHooks.flatMap((h) => h(m))) {
          let gone = 0
          for (const part of chunks([...pks], batch)) {
            const q = tx.kysely.deleteFrom(extra.table).where(sql.ref(extra.column), 'in', part.map((p) => sql.val(p))).compile()
            gone += (await tx.execute(q.sql, q.parameters, { returnsRows: false })).affected
          }
          if (extra.label && gone > 0) {
            perModel[extra.label] = (perModel[extra.label] ?? 0) + gone
            total += gone
          }
        }
        let n = 0
        for (const part of await deletionBatches(tx, m, [...pks], batch)) {
          const q = tx.kysely.deleteFrom(m.meta.table).where(sql.ref(m.meta.pk.column), 'in', part.map((p) => sql.val(p))).compile()
          n += (await tx.execute(q.sql, q.parameters, { returnsRows: false })).affected
        }
        if (n > 0) perModel[name] = n
        total += n
      }
      return { total, perModel }
    },
    { writes: true },
  )
}

const fastDelete = async (db: Db, qs: AnyQuerySet): Promise<number> => {
  const { plan, values } = planFor<Plan & { empty: boolean }>(db, (ctx) => {
    ctx.k('DEL')
    const parts = compileSelect({ ...qs, order: [] } as AnyQuerySet, ctx, null, 'count')
    const joined = parts.scope.joinList.length > 0
    return () => {
      const model = qs.model
      let q = db.kysely.deleteFrom(model.meta.table)
      if (joined) {
        const inner = parts.build().clearSelect().select(sql.ref(`${model.meta.table}.${model.meta.pk.column}`) as never)
        q = db.dialect.features.updateCanSelfSelect
          ? q.where(sql<boolean>`${sql.ref(model.meta.pk.column)} IN (${inner})`)
          : q.where(sql<boolean>`${sql.ref(model.meta.pk.column)} IN (SELECT * FROM (${inner}) AS sub)`)
      } else {
        for (const w of parts.where) q = q.where(w() as never)
      }
      return { ...toPlanSql(q), readers: [], bigints: false, hydrate: (r) => r as unknown[], empty: parts.empty }
    }
  })
  if (plan.empty) return 0
  const res = await db.execute(plan.sql, bindParams(plan, values), { returnsRows: false })
  return res.affected
}
