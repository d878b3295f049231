// Instance operations: create, save, refresh, deleteRow, bulk writes, getOrCreate, updateOrCreate.
import { sql } from 'kysely'
import { modelId } from './compiler/context.js'
import { bindParams, makeHydrator, type Plan, planFor, toPlanSql } from './compiler/plan.js'
import type { Reader } from './compiler/select.js'
import type { Db, Effect } from './db.js'
import type { ExecOptions, ExecResult } from './dialect.js'
import { DoesNotExist, FieldError, IntegrityError, ValidationError, didYouMean } from './errors.js'
import { effect, unwrap } from './effect.js'
import { isAutoField } from './fields.js'
import { type AnyModel, type BoundField, type Model, relatedKey } from './model.js'
import { type AnyQuerySet, filter } from './queryset.js'
import { fetchRows, get, deleteAll, type DeleteResult } from './terminals.js'
import { inTransaction } from './transaction-core.js'
import type { Insert, Patch, Row } from './types.js'
import { validateValue } from './validation.js'

type Data = Readonly<Record<string, unknown>>

const fieldFor = (model: AnyModel, key: string): BoundField | undefined => {
  const meta = model.meta
  return meta.fieldMap.get(key) ?? meta.fields.find((f) => f.attname === key)
}

const unknownKey = (model: AnyModel, key: string): FieldError => {
  const choices = model.meta.concreteFields.flatMap((f) => (f.attname === f.name ? [f.name] : [f.name, f.attname]))
  const hint = didYouMean(key, choices)
  return new FieldError(`${model.name} has no field named '${key}'. Choices are: ${choices.join(', ')}.${hint ? ` Did you mean '${hint}'?` : ''}`, {
    model: model.name,
    part: key,
    choices,
  })
}

const relationPk = (bf: BoundField, v: unknown): unknown => {
  const k = relatedKey(bf, v)
  if (k !== null && typeof k === 'object' && !(k instanceof Date) && !(k instanceof Uint8Array)) {
    throw new ValidationError('a related row must have its primary key set (save it first).')
  }
  return k
}

const today = (): string => new Date().toISOString().slice(0, 10)
const nowFor = (bf: BoundField): unknown =>
  bf.field.type === 'date' ? today() : bf.field.type === 'time' ? new Date().toISOString().slice(11, 23) : new Date()

/** A decimal as stored: padded to its decimal places. */
const normalise = (bf: BoundField, v: unknown): unknown => {
  if (v === null || bf.field.type !== 'decimal' || typeof v !== 'string') return v
  const places = bf.field.options.decimalPlaces ?? 0
  const neg = v.startsWith('-')
  const [w = '0', p = ''] = v.replace(/^[+-]/, '').split('.')
  const whole = w.replace(/^0+(?=\d)/, '') || '0'
  const s = places > 0 ? `${whole}.${p.padEnd(places, '0').slice(0, places)}` : whole
  return neg && /[1-9]/.test(s) ? `-${s}` : s
}

/**
 * The values to insert for `data`: defaults applied, auto fields left to the database, every value
 * validated. Throws before any statement is sent.
 */
export const prepareInsert = (model: AnyModel, data: Data): { fields: BoundField[]; values: unknown[]; row: Record<string, unknown> } => {
  for (const key of Object.keys(data)) {
    const bf = fieldFor(model, key)
    if (!bf || !bf.concrete) throw unknownKey(model, key)
    if (key === bf.name && key !== bf.attname && data[bf.attname] !== undefined) {
      throw new FieldError(`${model.name}: give '${bf.name}' or '${bf.attname}', not both.`)
    }
  }
  const fields: BoundField[] = []
  const values: unknown[] = []
  const row: Record<string, unknown> = {}
  const errors: Record<string, string[]> = {}
  for (const bf of model.meta.concreteFields) {
    let v = data[bf.name] !== undefined ? data[bf.name] : data[bf.attname]
    if (bf.field.relation && v !== undefined) v = relationPk(bf, v)
    if (v === undefined) {
      if (isAutoField(bf.field)) continue
      const o = bf.field.options
      if (o.autoNow || o.autoNowAdd) v = nowFor(bf)
      else if (o.default !== undefined) v = typeof o.default === 'function' ? (o.default as () => unknown)() : o.default
      else if (o.null) v = null
      else {
        errors[bf.name] = ['this field is required.']
        continue
      }
      if (bf.field.relation) v = relationPk(bf, v)
    }
    try {
      const clean = validateValue(bf, v)
      fields.push(bf)
      values.push(clean)
      row[bf.attname] = normalise(bf, clean)
    } catch (e) {
      if (e instanceof ValidationError) errors[bf.name] = [...(e.details.errors?.[bf.name] ?? [e.message])]
      else throw e
    }
  }
  const bad = Object.keys(errors)
  if (bad.length) {
    throw new ValidationError(`${model.name}: ${bad.map((k) => `${k}: ${errors[k].join(' ')}`).join('; ')}`, {
      model: model.name,
      field: bad[0],
      errors,
    })
  }
  return { fields, values, row }
}

const toDbValue = (db: Db, bf: BoundField, v: unknown): unknown =>
  v === null ? null : db.dialect.ops.toDb(bf.field.relation ? 'bigAuto' : bf.field.type, v)

interface InsertPlan extends Plan {
  readonly returning: boolean
}

/** INSERT of `rows` rows of these columns, returning the primary key where the backend can. */
const insertPlan = (db: Db, model: AnyModel, fields: readonly BoundField[], rows: number, conflict?: ConflictOptions) =>
  planFor<InsertPlan>(db, (ctx) => {
    ctx.k(`I${modelId(model)}:${fields.map((f) => f.column).join(',')}x${rows}${conflict ? JSON.stringify(conflict) : ''}`)
    return () => {
      const pk = model.meta.pk
      const returning = db.dialect.features.canReturnRowsFromInsert && !conflict?.ignore
      let p = 0
      const typed = rows > 1 ? db.dialect.ops.bulkInsertValue : undefined
      const placeholder = (f: BoundField) => {
        const v = sql.val({ slot: p++ })
        return typed ? typed(f.field.relation ? 'bigAuto' : f.field.type, v) : v
      }
      const tuples = Array.from({ length: rows }, () => Object.fromEntries(fields.map((f) => [f.column, placeholder(f)])))
      let q =
        rows === 0 || fields.length === 0
          ? db.kysely.insertInto(model.meta.table).defaultValues()
          : db.kysely.insertInto(model.meta.table).values(tuples)
      if (conflict) q = db.dialect.ops.insertConflict ? db.dialect.ops.insertConflict(q, conflict) : q
      if (returning) q = q.returning(sql.ref(pk.column).as(pk.column)) as never
      const compiled = q.compile()
      const readers: Reader[] = [{ key: pk.attname, type: pk.field.type, field: pk }]
      return {
        sql: compiled.sql,
        params: compiled.parameters.map((x) =>
          x !== null && typeof x === 'object' && 'slot' in (x as object) ? ((x as { slot: number }).slot as number) : { c: x },
        ),
        readers,
        bigints: false,
        hydrate: makeHydrator(db.dialect, readers, 'flat'),
        returning,
      }
    }
  })

export interface ConflictOptions {
  readonly ignore?: boolean
  readonly update?: { readonly uniqueColumns: readonly string[]; readonly updateColumns: readonly string[] }
}

const INSERT_ONE = Symbol('insert one')
// Every row read to the end, even for one: SQLite reports a deferred constraint's failure only when
// the statement runs to completion.
const RETURNING: ExecOptions = Object.freeze({ returnsRows: true })
const NO_ROWS: ExecOptions = Object.freeze({ returnsRows: false })

/** The one-row INSERT of these fields, found by model and fields in the plan cache's trie (no key string). */
const insertOnePlan = (db: Db, model: AnyModel, fields: readonly BoundField[]): InsertPlan => {
  const plans = db.plans
  let node = plans.step(plans.step(plans.shapes, model), INSERT_ONE)
  for (let i = 0; i < fields.length; i++) node = plans.step(node, fields[i])
  let plan = node.value as InsertPlan | undefined
  if (plan === undefined) {
    plan = insertPlan(db, model, fields, 1).plan
    node.value = plan
  }
  return plan
}

/** The new row's key: at once from an embedded driver, else a promise. */
const insertOne = (db: Db, model: AnyModel, fields: readonly BoundField[], values: readonly unknown[]): unknown => {
  const plan = insertOnePlan(db, model, fields)
  const dbValues = new Array<unknown>(values.length)
  for (let i = 0; i < values.length; i++) dbValues[i] = toDbValue(db, fields[i], values[i])
  const res = db.execute(plan.sql, bindParams(plan, dbValues), plan.returning ? RETURNING : NO_ROWS)
  return res instanceof Promise ? res.then((r) => insertedKey(plan, r)) : insertedKey(plan, res)
}

const insertedKey = (plan: InsertPlan, res: ExecResult): unknown => {
  if (plan.returning) return plan.hydrate(res.rows)[0]
  // Through the key's converter, as a RETURNING row would be: a key past the safe range is an error, not a rounded number.
  return res.insertId === undefined ? undefined : plan.hydrate([[res.insertId]])[0]
}

/**
 * Insert one row and return it (with its primary key and defaults).
 * @example const post = await db.run(create(Post, { title: 'First', content: '…' }))
 */
export const create = <M extends AnyModel>(model: M, data: Insert<M>): Effect<Row<M>> =>
  effect((db) => {
    const { fields, values, row } = prepareInsert(model, data as Data)
    const id = insertOne(db, model, fields, values)
    return id instanceof Promise ? id.then((key) => createdRow(model, row, key)) : createdRow(model, row, id)
  })

const createdRow = <M extends AnyModel>(model: M, row: Record<string, unknown>, key: unknown): Row<M> => {
  const pk = model.meta.pk
  if (row[pk.attname] === undefined) row[pk.attname] = key
  return Object.freeze(orderRow(model, row)) as Row<M>
}

const orderRow = (model: AnyModel, row: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const fields = model.meta.concreteFields
  let placed = 0
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i].attname
    if (name in row) {
      out[name] = row[name]
      placed++
    }
  }
  // Keys that are not fields come after them (counted first: usually there are none).
  let keys = 0
  for (const k in row) if (Object.hasOwn(row, k)) keys++
  if (keys !== placed) for (const k of Object.keys(row)) if (!(k in out)) out[k] = row[k]
  return out
}

const pkOfRow = (model: AnyModel, row: object): unknown => (row as Record<string, unknown>)[model.meta.pk.attname]

/**
 * Save a row: UPDATE by primary key, or INSERT when it has none (or no row was updated).
 * `updateFields` limits the UPDATE to those fields; autoNow fields are refreshed, and with
 * `updateFields` written only when listed (as Django's).
 */
export const save = <M extends AnyModel>(
  model: M,
  row: Row<M> | Insert<M>,
  options: { readonly updateFields?: readonly string[] } = {},
): Effect<Row<M>> =>
  effect(async (db) => {
    const pkName = model.meta.pk.attname
    const data: Record<string, unknown> = { ...(row as Data) }
    for (const bf of model.meta.concreteFields) if (bf.field.options.autoNow) data[bf.attname] = nowFor(bf)
    const pk = data[pkName]
    if (pk === undefined || pk === null) {
      delete data[pkName]
      return unwrap(db, create(model, data as Insert<M>))
    }
    const names = options.updateFields
    if (names) for (const n of names) if (!fieldFor(model, n)) throw unknownKey(model, n)
    const patch: Record<string, unknown> = {}
    for (const bf of model.meta.concreteFields) {
      if (bf.primaryKey) continue
      if (names && !names.includes(bf.name) && !names.includes(bf.attname)) continue
      const v = data[bf.attname] !== undefined ? data[bf.attname] : data[bf.name]
      if (v !== undefined) patch[bf.attname] = v
    }
    if (names && names.length === 0) return row as Row<M>
    const { update } = await import('./terminals.js')
    const n = Object.keys(patch).length ? await unwrap(db, update(patch)(filter({ pk } as never)(model.objects as AnyQuerySet))) : 1
    if (n === 0) {
      if (names) throw new DoesNotExist(model.name, `${model.name}: save() with updateFields did not affect any rows.`)
      return unwrap(db, create(model, data as Insert<M>))
    }
    const out: Record<string, unknown> = { ...(row as Data) }
    for (const [k, v] of Object.entries(patch)) out[k] = normalise(fieldFor(model, k)!, v)
    return Object.freeze(out) as Row<M>
  })

/** The row as it is now in the database. */
export const refresh = <M extends AnyModel>(model: M, row: Row<M>): Effect<Row<M>> =>
  effect((db) => unwrap(db, get({ pk: pkOfRow(model, row) } as never)(model.objects as AnyQuerySet) as Effect<Row<M>>))

/** Delete one row (and what on_delete reaches): `{ total, perModel }`. */
export const deleteRow = <M extends AnyModel>(model: M, row: Row<M>): Effect<DeleteResult> =>
  effect(async (db) => {
    const pk = pkOfRow(model, row)
    if (pk === undefined || pk === null) {
      throw new FieldError(`${model.name} object can't be deleted because its ${model.meta.pk.attname} attribute is set to None.`)
    }
    return unwrap(db, deleteAll(filter({ pk } as never)(model.objects as AnyQuerySet)))
  })

const checkBatchSize = (size: number | undefined): void => {
  if (size !== undefined && !(Number.isInteger(size) && size > 0)) throw new FieldError(`batchSize must be a positive integer (got ${size}).`)
}

export interface BulkCreateOptions {
  readonly batchSize?: number
  readonly ignoreConflicts?: boolean
  readonly updateConflicts?: boolean
  readonly uniqueFields?: readonly string[]
  readonly updateFields?: readonly string[]
}

/**
 * Insert many rows in as few statements as the backend's parameter limit allows, atomically.
 * Every row is validated before the first statement. Returns the rows (with primary keys where the
 * backend returns them).
 */
export const bulkCreate = <M extends AnyModel>(model: M, rows: readonly Insert<M>[], options: BulkCreateOptions = {}): Effect<Row<M>[]> =>
  effect(async (db) => {
    checkBatchSize(options.batchSize)
    if (rows.length === 0) return []
    if (options.ignoreConflicts && options.updateConflicts) {
      throw new FieldError('ignoreConflicts and updateConflicts are mutually exclusive.')
    }
    let conflict: ConflictOptions | undefined
    if (options.ignoreConflicts) conflict = { ignore: true }
    if (options.updateConflicts) {
      const upd = (options.updateFields ?? []).map((n) => fieldFor(model, n) ?? (() => { throw unknownKey(model, n) })())
      if (upd.length === 0) throw new FieldError('Fields that will be updated when a row insertion fails on conflicts must be provided.')
      const uniq = (options.uniqueFields ?? []).map((n) => (n === 'pk' ? model.meta.pk : fieldFor(model, n) ?? (() => { throw unknownKey(model, n) })()))
      conflict = { update: { uniqueColumns: uniq.map((f) => f.column), updateColumns: upd.map((f) => f.column) } }
    }
    const prepared = rows.map((r) => prepareInsert(model, r as Data))
    // Rows with and without an explicit primary key insert with different columns: group them.
    const groups = new Map<string, typeof prepared>()
    for (const p of prepared) {
      const key = p.fields.map((f) => f.name).join(',')
      const g = groups.get(key)
      if (g) g.push(p)
      else groups.set(key, [p])
    }
    const maxParams = db.dialect.features.maxQueryParams
    return inTransaction(
      db,
      async (tx) => {
        for (const group of groups.values()) {
          const fields = group[0].fields
          // A row with no columns is INSERT … DEFAULT VALUES, which inserts one row per statement.
          const limit = fields.length === 0 ? 1 : Math.max(1, Math.floor(maxParams / fields.length))
          const size = Math.min(options.batchSize ?? limit, limit)
          for (let i = 0; i < group.length; i += size) {
            const batch = group.slice(i, i + size)
            const { plan } = insertPlan(tx, model, fields, batch.length, conflict)
            const flat = batch.flatMap((p) => p.values.map((v, j) => toDbValue(tx, fields[j], v)))
            const res = await tx.execute(plan.sql, bindParams(plan, flat), { returnsRows: plan.returning })
            if (plan.returning && res.rows.length === batch.length) {
              const ids = plan.hydrate(res.rows)
              batch.forEach((p, j) => {
                if (p.row[model.meta.pk.attname] === undefined) p.row[model.meta.pk.attname] = ids[j]
              })
            }
          }
        }
        return prepared.map((p) => Object.freeze(orderRow(model, p.row)) as Row<M>)
      },
      { writes: true },
    )
  })

/** Update `fields` of many rows by primary key, with CASE WHEN in batches; returns rows changed. */
export const bulkUpdate = <M extends AnyModel>(
  model: M,
  rows: readonly Row<M>[],
  fields: readonly string[],
  options: { readonly batchSize?: number } = {},
): Effect<number> =>
  effect(async (db) => {
    checkBatchSize(options.batchSize)
    if (fields.length === 0) throw new FieldError('Field names must be given to bulkUpdate().')
    const bfs = fields.map((n) => {
      const bf = fieldFor(model, n)
      if (!bf || !bf.concrete) throw unknownKey(model, n)
      if (bf.primaryKey) throw new FieldError('bulkUpdate() cannot be used with primary key fields.')
      return bf
    })
    if (rows.length === 0) return 0
    const pk = model.meta.pk
    for (const r of rows) {
      const v = (r as Data)[pk.attname]
      if (v === undefined || v === null) throw new FieldError('All bulkUpdate() objects must have a primary key set.')
    }
    const prepared = rows.map((r) => bfs.map((bf) => validateValue(bf, (r as Data)[bf.attname] ?? (r as Data)[bf.name] ?? null)))
    const perRow = bfs.length * 2 + 1
    const limit = Math.max(1, Math.floor(db.dialect.features.maxQueryParams / perRow))
    const size = Math.min(options.batchSize ?? limit, limit)
    return inTransaction(
      db,
      async (tx) => {
        let total = 0
        for (let i = 0; i < rows.length; i += size) {
          const batch = rows.slice(i, i + size)
          const vals = prepared.slice(i, i + size)
          const set: Record<string, unknown> = {}
          bfs.forEach((bf, j) => {
            const whens = batch.map(
              (r, k) =>
                sql`WHEN ${sql.ref(pk.column)} = ${sql.val(tx.dialect.ops.toDb(pk.field.type, (r as Data)[pk.attname]))} THEN ${castParam(tx, bf, vals[k][j])}`,
            )
            set[bf.column] = sql`CASE ${sql.join(whens, sql` `)} ELSE ${sql.ref(bf.column)} END`
          })
          const q = tx.kysely
            .updateTable(model.meta.table)
            .set(set)
            .where(sql.ref(pk.column), 'in', batch.map((r) => sql.val(tx.dialect.ops.toDb(pk.field.type, (r as Data)[pk.attname]))))
            .compile()
          total += (await tx.execute(q.sql, q.parameters, { returnsRows: false })).affected
        }
        return total
      },
      { writes: true },
    )
  })

/** A parameter inside CASE: cast so backends that can't infer a parameter's type accept it. */
const castParam = (db: Db, bf: BoundField, v: unknown) => {
  if (v === null) return sql`NULL`
  const p = sql.val(toDbValue(db, bf, v))
  const out = bf.field.relation ? 'bigInteger' : bf.field.type
  const castable = ['integer', 'bigInteger', 'float', 'decimal', 'boolean', 'date', 'dateTime', 'time', 'text', 'char', 'json'] as const
  return (castable as readonly string[]).includes(out) ? db.dialect.ops.cast(p, out as never) : p
}

/** The fields a lookup sets on a new row: plain names (`pk` as the primary key), not `a__b` paths. */
const lookupData = (model: AnyModel, lookup: Data): Data =>
  Object.fromEntries(Object.entries(lookup).flatMap(([k, v]) => (k.includes('__') ? [] : [[k === 'pk' ? model.meta.pk.name : k, v]])))

/**
 * The row matching `lookup`, or a new one made from `lookup` and `defaults`: `[row, created]`.
 * Race-safe as Django's: a concurrent insert that wins the unique constraint is fetched instead.
 */
export const getOrCreate = <M extends AnyModel>(
  model: M,
  lookup: Readonly<Record<string, unknown>>,
  defaults: Readonly<Record<string, unknown>> = {},
): Effect<[Row<M>, boolean]> =>
  effect(async (db) => {
    const qs = filter(lookup as never)(model.objects as AnyQuerySet)
    const found = await getMaybe(db, qs)
    if (found) return [found as Row<M>, false]
    try {
      const row = await inTransaction(db, (tx) => unwrap(tx, create(model, { ...lookupData(model, lookup), ...defaults } as Insert<M>)), {
        writes: true,
      })
      return [row, true]
    } catch (e) {
      if (e instanceof IntegrityError) {
        const again = await getMaybe(db, qs)
        if (again) return [again as Row<M>, false]
      }
      throw e
    }
  })

const getMaybe = async (db: Db, qs: AnyQuerySet): Promise<unknown | null> => {
  try {
    return await unwrap(db, get()(qs))
  } catch (e) {
    if (e instanceof DoesNotExist) return null
    throw e
  }
}

/** Update the row matching `lookup` with `defaults`, or create it: `[row, created]`. */
export const updateOrCreate = <M extends AnyModel>(
  model: M,
  lookup: Readonly<Record<string, unknown>>,
  defaults: Readonly<Record<string, unknown>> = {},
): Effect<[Row<M>, boolean]> =>
  effect((db) =>
    inTransaction(
      db,
      async (tx) => {
        const [row, created] = await unwrap(tx, getOrCreate(model, lookup, defaults))
        if (created || Object.keys(defaults).length === 0) return [row, created] as [Row<M>, boolean]
        // The fields the defaults name, and those refreshed on every save (autoNow), as Django's.
        const stamped = model.meta.concreteFields.filter((bf) => bf.field.options.autoNow).map((bf) => bf.name)
        const updateFields = [...new Set([...Object.keys(defaults), ...stamped])]
        const saved = await unwrap(tx, save(model, { ...(row as Data), ...defaults } as Row<M>, { updateFields }))
        return [saved, false] as [Row<M>, boolean]
      },
      { writes: true },
    ),
  )

/**
 * Validate data as a write would (types, lengths, choices, required fields) and check unique fields
 * against the database, as Django's `full_clean`. Nothing is written.
 */
export const fullClean = <M extends AnyModel>(model: M, data: Insert<M> | Row<M>): Effect<Insert<M>> =>
  effect(async (db) => {
    const { row } = prepareInsert(model, data as Data)
    const pk = (data as Data)[model.meta.pk.attname]
    const errors: Record<string, string[]> = {}
    const checks: string[][] = [
      ...model.meta.concreteFields.filter((f) => f.field.options.unique && !f.primaryKey).map((f) => [f.name]),
      ...model.meta.uniqueTogether.map((g) => [...g]),
      ...model.meta.constraints.flatMap((c) => (c.kind === 'unique' && !c.condition ? [[...c.fields]] : [])),
    ]
    for (const names of checks) {
      const cond: Record<string, unknown> = {}
      for (const n of names) cond[n] = row[fieldFor(model, n)!.attname]
      if (Object.values(cond).some((v) => v === null || v === undefined)) continue
      let qs = filter(cond as never)(model.objects as AnyQuerySet)
      if (pk !== undefined && pk !== null) qs = filter({ pk__in: [pk] } as never)(qs as never) as AnyQuerySet
      const rows = await fetchRows(db, pk !== undefined && pk !== null ? excludePk(model, cond, pk) : qs)
      if (rows.length > 0) errors[names.join(',')] = [`${model.name} with this ${names.join(' and ')} already exists.`]
    }
    const bad = Object.keys(errors)
    if (bad.length) throw new ValidationError(`${model.name}: ${bad.map((k) => errors[k].join(' ')).join('; ')}`, { model: model.name, field: bad[0], errors })
    return row as Insert<M>
  })

const excludePk = (model: AnyModel, cond: Data, pk: unknown): AnyQuerySet => {
  const qs = filter(cond as never)(model.objects as AnyQuerySet)
  return { ...qs, where: [...qs.where, { kind: 'group', connector: 'AND', negated: true, children: [{ kind: 'lookup', key: 'pk', value: pk }] }] } as AnyQuerySet
}

/** The model's `str` of a row (Django's `__str__`), else `Model object (pk)`. */
export const str = <M extends AnyModel>(model: M, row: Row<M>): string => {
  const fn = model.meta.str as ((r: Row<M>) => string) | undefined
  return fn ? fn(row) : `${model.name} object (${String(pkOfRow(model, row))})`
}

/**
 * Rows of M from hand-written SQL; `?` placeholders are bound, never spliced. Columns are matched to
 * fields by column name; other columns become extra keys.
 */
export const raw = <M extends AnyModel>(model: M, text: string, params: readonly unknown[] = []): Effect<Row<M>[]> =>
  effect(async (db) => {
    const pieces = text.split('?')
    if (pieces.length - 1 !== params.length) throw new FieldError(`raw(): ${pieces.length - 1} placeholders but ${params.length} parameters.`)
    const parts = pieces.flatMap((p, i) => (i < params.length ? [sql.raw(p), sql.val(params[i])] : [sql.raw(p)]))
    const compiled = sql.join(parts, sql``).compile(db.kysely)
    const res = await db.execute(compiled.sql, compiled.parameters, { returnsRows: true, columns: true })
    const cols = res.columns ?? []
    const byColumn = new Map(model.meta.concreteFields.map((f) => [f.column, f]))
    const readers: Reader[] = cols.map((c) => {
      const bf = byColumn.get(c)
      return bf ? { key: bf.attname, type: bf.field.relation ? 'bigAuto' : bf.field.type, field: bf } : { key: c, type: undefined }
    })
    return makeHydrator(db.dialect, readers, 'object')(res.rows) as Row<M>[]
  })

export type { Model, Patch }
