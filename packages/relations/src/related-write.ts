// addRelated, removeRelated, setRelated, clearRelated: change which rows are related to one row, for
// many-to-many relations (both sides, automatic or through tables) and reverse foreign keys. Each call
// is atomic; pairs are never duplicated.
import {
  type AnyModel,
  type AnyQuerySet,
  type BoundField,
  bulkCreate,
  type Db,
  DoesNotExist,
  deleteAll,
  type Effect,
  effect,
  exclude,
  FieldError,
  filter,
  fromDbValue,
  inTransaction,
  type Row,
  unwrap,
  update,
} from '@fjord/core'
import { sql } from 'kysely'
import { keyOfRow, type Relation, relationOf } from './related.js'
import type { ManyName } from './types.js'

/** Related rows, or their keys. */
export type RowsOrIds = readonly (number | string | bigint | { readonly [k: string]: unknown })[]

export interface AddOptions {
  /** Values for the through model's other fields (Django's `through_defaults`). */
  readonly throughDefaults?: Readonly<Record<string, unknown>>
}

type M2m = Extract<Relation, { kind: 'manyToMany' }>
type Reverse = Extract<Relation, { kind: 'reverse' }>

const keyType = (bf: BoundField): string => (bf.field.type === 'auto' || bf.field.type === 'bigAuto' ? 'bigAuto' : bf.field.type)
const toDb = (db: Db, bf: BoundField, v: unknown) => db.dialect.ops.toDb(keyType(bf) as never, v)
const same = (v: unknown): string => String(v)

/** The keys of the given rows or ids, unique, in order. */
const keysOf = (items: RowsOrIds, key: BoundField, what: string): unknown[] => {
  const out = new Map<string, unknown>()
  for (const item of items) {
    const v = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[key.attname] : item
    if (v === undefined || v === null) throw new FieldError(`${what}: a related row must be saved (have its '${key.attname}') first.`)
    out.set(same(v), v)
  }
  return [...out.values()]
}

const chunked = <T>(xs: readonly T[], db: Db, perItem = 1): T[][] => {
  const limit = Math.max(1, Math.floor((db.dialect.features.maxQueryParams - 10) / perItem))
  const size = Math.min(limit, db.dialect.features.maxInListSize ?? limit)
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size))
  return out
}

const run = async (db: Db, q: { compile(): { sql: string; parameters: readonly unknown[] } }, rows = false) => {
  const c = q.compile()
  return db.execute(c.sql, c.parameters, { returnsRows: rows })
}

/** Keys by their text, to compare keys whatever type the driver gives them back as. */
type Keys = Map<string, unknown>

/**
 * The pairs of the join table with `fixed` in column `fixedCol`: the values of `varyingCol` among
 * `among` (all of them when null).
 */
const paired = async (db: Db, rel: M2m, fixedCol: string, fixed: unknown, varyingCol: string, among: readonly unknown[] | null): Promise<Keys> => {
  const found: Keys = new Map()
  for (const part of among === null ? [null] : chunked(among, db)) {
    let q = db.kysely.selectFrom(rel.jt.table).select(sql.ref(varyingCol).as('k')).where(sql.ref(fixedCol), '=', sql.val(toDb(db, rel.myKey, fixed)))
    if (part) q = q.where(sql.ref(varyingCol), 'in', part.map((v) => sql.val(toDb(db, rel.otherKey, v))))
    const res = await run(db, q, true)
    for (const r of res.rows) {
      const v = fromDbValue(db.dialect.ops, keyType(rel.otherKey) as never, r[0])
      found.set(same(v), v)
    }
  }
  return found
}

/** The through model's foreign keys for (fixed, varying), given the fixed column. */
const throughFields = (rel: M2m, fixedCol: string): [BoundField, BoundField] => {
  const jt = rel.jt
  return fixedCol === jt.sourceColumn ? [jt.sourceField!, jt.targetField!] : [jt.targetField!, jt.sourceField!]
}

/** Insert the missing pairs (fixed, v) for every v of `values` (fixed in `fixedCol`). */
const addPairs = async (db: Db, rel: M2m, fixedCol: string, fixed: unknown, varyingCol: string, values: readonly unknown[], options: AddOptions) => {
  const existing = await paired(db, rel, fixedCol, fixed, varyingCol, values)
  const missing = values.filter((v) => !existing.has(same(v)))
  if (missing.length === 0) return
  const jt = rel.jt
  if (jt.through) {
    // A through model: its own defaults and validation apply (bulkCreate).
    const [fixedField, varyingField] = throughFields(rel, fixedCol)
    const rows = missing.map((v) => ({ ...options.throughDefaults, [fixedField.attname]: fixed, [varyingField.attname]: v }))
    await unwrap(db, bulkCreate(jt.through, rows as never))
    return
  }
  if (options.throughDefaults && Object.keys(options.throughDefaults).length) {
    throw new FieldError(`throughDefaults: ${rel.model.name}'s relation uses an automatic join table, which has no other fields.`)
  }
  for (const part of chunked(missing, db, 2)) {
    const rows = part.map((v) => ({ [fixedCol]: sql.val(toDb(db, rel.myKey, fixed)), [varyingCol]: sql.val(toDb(db, rel.otherKey, v)) }))
    await run(db, db.kysely.insertInto(jt.table).values(rows))
  }
}

/** Delete the pairs (fixed, v) for `values` (every pair of `fixed` when null). */
const removePairs = async (db: Db, rel: M2m, fixedCol: string, fixed: unknown, varyingCol: string, values: readonly unknown[] | null) => {
  const jt = rel.jt
  for (const part of values === null ? [null] : chunked(values, db)) {
    if (jt.through) {
      // Through rows are model rows: delete them through the collector (their own on_delete applies).
      const [fixedField, varyingField] = throughFields(rel, fixedCol)
      const cond = part === null ? { [fixedField.name]: fixed } : { [fixedField.name]: fixed, [`${varyingField.name}__in`]: part }
      await unwrap(db, deleteAll(filter(cond as never)(jt.through.objects as AnyQuerySet)))
      continue
    }
    let q = db.kysely.deleteFrom(jt.table).where(sql.ref(fixedCol), '=', sql.val(toDb(db, rel.myKey, fixed)))
    if (part) q = q.where(sql.ref(varyingCol), 'in', part.map((v) => sql.val(toDb(db, rel.otherKey, v))))
    await run(db, q)
  }
}

/** The directions a pair is stored in: (mine, other), and (other, mine) too for a symmetrical relation. */
const directions = (rel: M2m): [string, string][] =>
  rel.jt.symmetrical ? [[rel.mine, rel.other], [rel.other, rel.mine]] : [[rel.mine, rel.other]]

const manyOnly = (rel: Relation, op: string, name: string): M2m | Reverse => {
  if (rel.kind === 'forward' || (rel.kind === 'reverse' && rel.single)) {
    throw new FieldError(`${op}(): '${name}' of ${rel.model.name} is not a multi-valued relation (a many-to-many, or a reverse foreign key).`, {
      model: rel.model.name,
      part: name,
    })
  }
  return rel
}

const nullableOnly = (rel: Reverse, op: string): void => {
  if (rel.field.field.options.null !== true) {
    throw new FieldError(
      `${op}(): ${rel.target.name}.${rel.field.name} is not nullable, so rows can't be detached from ${rel.model.name} (delete them instead).`,
      { model: rel.target.name, part: rel.field.name },
    )
  }
}

const write = <A>(body: (tx: Db) => Promise<A>): Effect<A> => effect((db) => inTransaction(db, body, { writes: true }))

/** Point the given rows' foreign key at `me` (reverse foreign key add). */
const attach = (db: Db, rel: Reverse, me: unknown, pks: readonly unknown[]) =>
  unwrap(db, update({ [rel.field.name]: me })(filter({ pk__in: pks } as never)(rel.target.objects as AnyQuerySet)))

/**
 * Relate rows (or ids) to `row` through a many-to-many or a reverse foreign key; pairs already there are kept, never doubled.
 * @example await db.run(addRelated(Article, article, 'publications', [p1, p2]))
 */
export const addRelated = <M extends AnyModel, const N extends ManyName<M>>(model: M, row: Row<M>, name: N, items: RowsOrIds, options: AddOptions = {}): Effect<void> =>
  write(async (tx) => {
    const rel = manyOnly(relationOf(model, name), 'addRelated', name)
    if (rel.kind === 'reverse') {
      const me = keyOfRow(model, row, rel.myKey, name)
      const pks = keysOf(items, rel.target.meta.pk, 'addRelated')
      if (pks.length) await attach(tx, rel, me, pks)
      return
    }
    const me = keyOfRow(model, row, rel.myKey, name)
    const others = keysOf(items, rel.otherKey, 'addRelated')
    if (others.length === 0) return
    for (const [fixedCol, varyingCol] of directions(rel)) await addPairs(tx, rel, fixedCol, me, varyingCol, others, options)
  })

/**
 * Unrelate rows (or ids) from `row`: many-to-many pairs are deleted; a nullable reverse foreign key is
 * set to NULL (DoesNotExist, and nothing changed, when a row isn't related to `row`).
 */
export const removeRelated = <M extends AnyModel, const N extends ManyName<M>>(model: M, row: Row<M>, name: N, items: RowsOrIds): Effect<void> =>
  write(async (tx) => {
    const rel = manyOnly(relationOf(model, name), 'removeRelated', name)
    const me = keyOfRow(model, row, rel.myKey, name)
    if (rel.kind === 'reverse') {
      nullableOnly(rel, 'removeRelated')
      const pks = keysOf(items, rel.target.meta.pk, 'removeRelated')
      if (pks.length === 0) return
      const changed = await unwrap(
        tx,
        update({ [rel.field.name]: null })(filter({ pk__in: pks, [rel.field.name]: me } as never)(rel.target.objects as AnyQuerySet)),
      )
      if (changed !== pks.length) {
        throw new DoesNotExist(rel.target.name, `Some of the ${rel.target.name} rows given are not related to ${model.name} object (${String(me)}).`)
      }
      return
    }
    const others = keysOf(items, rel.otherKey, 'removeRelated')
    if (others.length === 0) return
    for (const [fixedCol, varyingCol] of directions(rel)) await removePairs(tx, rel, fixedCol, me, varyingCol, others)
  })

/** Unrelate every row from `row` (many-to-many pairs deleted; a nullable reverse foreign key set to NULL). */
export const clearRelated = <M extends AnyModel, const N extends ManyName<M>>(model: M, row: Row<M>, name: N): Effect<void> =>
  write(async (tx) => {
    const rel = manyOnly(relationOf(model, name), 'clearRelated', name)
    const me = keyOfRow(model, row, rel.myKey, name)
    if (rel.kind === 'reverse') {
      nullableOnly(rel, 'clearRelated')
      await unwrap(tx, update({ [rel.field.name]: null })(filter({ [rel.field.name]: me } as never)(rel.target.objects as AnyQuerySet)))
      return
    }
    for (const [fixedCol, varyingCol] of directions(rel)) await removePairs(tx, rel, fixedCol, me, varyingCol, null)
  })

/**
 * Make exactly these rows (or ids) the related rows of `row`: those missing are added, the others
 * removed (a reverse foreign key that isn't nullable can only gain rows, as in Django).
 */
export const setRelated = <M extends AnyModel, const N extends ManyName<M>>(model: M, row: Row<M>, name: N, items: RowsOrIds, options: AddOptions = {}): Effect<void> =>
  write(async (tx) => {
    const rel = manyOnly(relationOf(model, name), 'setRelated', name)
    const me = keyOfRow(model, row, rel.myKey, name)
    if (rel.kind === 'reverse') {
      const pks = keysOf(items, rel.target.meta.pk, 'setRelated')
      if (rel.field.field.options.null === true) {
        const mine = filter({ [rel.field.name]: me } as never)(rel.target.objects as AnyQuerySet)
        const stale = pks.length ? exclude({ pk__in: pks } as never)(mine as never) : mine
        await unwrap(tx, update({ [rel.field.name]: null })(stale as AnyQuerySet))
      }
      if (pks.length) await attach(tx, rel, me, pks)
      return
    }
    const wanted = keysOf(items, rel.otherKey, 'setRelated')
    const current = await paired(tx, rel, rel.mine, me, rel.other, null)
    const wantedSet = new Set(wanted.map(same))
    const stale = [...current].filter(([k]) => !wantedSet.has(k)).map(([, v]) => v)
    if (stale.length) for (const [fixedCol, varyingCol] of directions(rel)) await removePairs(tx, rel, fixedCol, me, varyingCol, stale)
    const fresh = wanted.filter((k) => !current.has(same(k)))
    if (fresh.length) for (const [fixedCol, varyingCol] of directions(rel)) await addPairs(tx, rel, fixedCol, me, varyingCol, fresh, options)
  })
