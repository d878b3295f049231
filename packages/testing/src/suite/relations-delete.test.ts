// on_delete through the deletion collector on every backend, after Django's tests/delete: CASCADE,
// PROTECT, RESTRICT (Django's rules), SET_NULL, SET_DEFAULT, SET(value), DO_NOTHING; `{ total,
// perModel }`; refusals that delete nothing; the statements a cascade takes.
import { count, create, deleteAll, deleteRow, exists, f, filter, get, model, ProtectedError, RestrictedError, type Row, save, schema, toArray } from '@fjord/core'
import { foreignKey, SET } from '@fjord/relations'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { captureQueries, describeEachBackend, truncate } from '../helpers.js'

/** The row every SET_DEFAULT / SET() field falls back to (Django's get_default_r). */
let defaultR = 0
const getDefaultR = () => defaultR

const models = schema({
  P: model({}),
  R: model({ isDefault: f.boolean({ default: false }), p: foreignKey('P', { onDelete: 'CASCADE', null: true }) }),
  S: model({ r: foreignKey('R', { onDelete: 'CASCADE' }) }),
  T: model({ s: foreignKey('S', { onDelete: 'CASCADE' }) }),
  U: model({ t: foreignKey('T', { onDelete: 'CASCADE' }) }),
  A: model({
    name: f.char({ maxLength: 30 }),
    auto: foreignKey('R', { onDelete: 'CASCADE', relatedName: 'autoSet' }),
    autoNullable: foreignKey('R', { onDelete: 'CASCADE', null: true, relatedName: 'autoNullableSet' }),
    setvalue: foreignKey('R', { onDelete: SET(getDefaultR), relatedName: 'setvalueSet' }),
    setnull: foreignKey('R', { onDelete: 'SET_NULL', null: true, relatedName: 'setnullSet' }),
    setdefault: foreignKey('R', { onDelete: 'SET_DEFAULT', default: getDefaultR, relatedName: 'setdefaultSet' }),
    setdefaultNone: foreignKey('R', { onDelete: 'SET_DEFAULT', default: null, null: true, relatedName: 'setdefaultNoneSet' }),
    cascade: foreignKey('R', { onDelete: 'CASCADE', relatedName: 'cascadeSet' }),
    cascadeNullable: foreignKey('R', { onDelete: 'CASCADE', null: true, relatedName: 'cascadeNullableSet' }),
    protect: foreignKey('R', { onDelete: 'PROTECT', null: true, relatedName: 'protectSet' }),
    restrict: foreignKey('R', { onDelete: 'RESTRICT', null: true, relatedName: 'restrictSet' }),
    donothing: foreignKey('R', { onDelete: 'DO_NOTHING', null: true, dbConstraint: false, relatedName: 'donothingSet' }),
  }),
})
const { P, R, S, T, U, A } = models
const all = [P, R, S, T, U, A]

const FIELDS = ['auto', 'autoNullable', 'setvalue', 'setnull', 'setdefault', 'setdefaultNone', 'cascade', 'cascadeNullable', 'protect', 'restrict', 'donothing'] as const
const statements = (qs: readonly { readonly kind: string }[]) => qs.filter((q) => q.kind === 'query').length

describeEachBackend('on_delete', models, (ctx) => {
  /** Django's create_a: an A whose every relation points at an R of its own. */
  const createA = async (name: string): Promise<Row<typeof A>> => {
    const { db } = ctx()
    const data: Record<string, unknown> = { name }
    for (const field of FIELDS) data[field] = (await db.run(create(R, {}))).id
    return db.run(create(A, data as never))
  }
  const rOf = (a: Row<typeof A>, field: (typeof FIELDS)[number]) => ({ id: a[`${field}Id`] as number })
  const refresh = (a: Row<typeof A>) => ctx().db.run(pipe(A.objects, get({ pk: a.id })))

  beforeEach(async () => {
    const { db } = ctx()
    await truncate(db, all)
    defaultR = (await db.run(create(R, { isDefault: true }))).id
  })

  it('CASCADE deletes the rows that point at the deleted row', async () => {
    const { db } = ctx()
    for (const field of ['auto', 'autoNullable', 'cascade', 'cascadeNullable'] as const) {
      const a = await createA(field)
      expect(await db.run(deleteRow(R, rOf(a, field) as never))).toEqual({ total: 2, perModel: { R: 1, A: 1 } })
      expect(await db.run(pipe(A.objects, filter({ name: field }), exists))).toBe(false)
    }
  })

  it('SET_NULL, SET_DEFAULT and SET(value) update the rows that point at it', async () => {
    const { db } = ctx()
    const a = await createA('setters')
    expect(await db.run(deleteRow(R, rOf(a, 'setnull') as never))).toEqual({ total: 1, perModel: { R: 1 } })
    await db.run(deleteRow(R, rOf(a, 'setdefault') as never))
    await db.run(deleteRow(R, rOf(a, 'setdefaultNone') as never))
    await db.run(deleteRow(R, rOf(a, 'setvalue') as never))
    const after = await refresh(a)
    expect(after.setnullId).toBeNull()
    expect(after.setdefaultId).toBe(defaultR)
    expect(after.setdefaultNoneId).toBeNull()
    expect(after.setvalueId).toBe(defaultR)
    expect(after.cascadeId).toBe(a.cascadeId)
  })

  it('DO_NOTHING leaves the rows that point at it as they are', async () => {
    const { db } = ctx()
    const a = await createA('donothing')
    expect(await db.run(deleteRow(R, rOf(a, 'donothing') as never))).toEqual({ total: 1, perModel: { R: 1 } })
    expect((await refresh(a)).donothingId).toBe(a.donothingId)
  })

  it('PROTECT refuses, lists the protected rows, and deletes nothing', async () => {
    const { db } = ctx()
    const a = await createA('protect')
    const b = await createA('protect 2')
    await db.run(save(A, { ...b, protectId: a.protectId }))
    const before = await db.run(count(R.objects))
    const e = await db.run(deleteRow(R, rOf(a, 'protect') as never)).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ProtectedError)
    expect((e as Error).message).toBe("Cannot delete some instances of model 'R' because they are referenced through protected foreign keys: 'A.protect'.")
    expect((e as ProtectedError).protectedObjects).toEqual([
      { model: 'A', pk: a.id },
      { model: 'A', pk: b.id },
    ])
    expect(await db.run(count(R.objects))).toBe(before)
    // A cascade that reaches a protected row refuses as a whole too.
    await db.run(save(R, { id: a.protectId, isDefault: false, pId: (await db.run(create(P, {}))).id } as never))
    const r = await db.run(pipe(R.objects, get({ pk: a.protectId! })))
    await expect(db.run(pipe(P.objects, filter({ pk: r.pId! }), deleteAll))).rejects.toBeInstanceOf(ProtectedError)
    expect(await db.run(count(P.objects))).toBe(1)
  })

  it("RESTRICT refuses, unless the row that points at it is deleted by the same cascade (Django's rule)", async () => {
    const { db } = ctx()
    const a = await createA('restrict')
    const p = await db.run(create(P, {}))
    await db.run(save(R, { id: a.restrictId, isDefault: false, p: p.id } as never))
    await expect(db.run(deleteRow(R, rOf(a, 'restrict') as never))).rejects.toThrow(
      "Cannot delete some instances of model 'R' because they are referenced through restricted foreign keys: 'A.restrict'.",
    )
    await expect(db.run(deleteRow(P, p))).rejects.toThrow(
      "Cannot delete some instances of model 'P' because they are referenced through restricted foreign keys: 'A.restrict'.",
    )
    await expect(db.run(deleteRow(P, p))).rejects.toBeInstanceOf(RestrictedError)
    // Once A is also reached through a CASCADE from the same P, the restriction no longer holds.
    await db.run(save(R, { id: a.cascadeId, isDefault: false, p: p.id } as never))
    const result = await db.run(deleteRow(P, p))
    expect(result).toEqual({ total: 4, perModel: { P: 1, R: 2, A: 1 } })
    expect(await db.run(pipe(A.objects, filter({ name: 'restrict' }), exists))).toBe(false)
    expect(await db.run(pipe(R.objects, filter({ pk: a.restrictId! }), exists))).toBe(false)
  })

  it('a chain of cascades: one SELECT per level, then one DELETE per model, dependents first, in one transaction', async () => {
    const { db } = ctx()
    const r = await db.run(create(R, {}))
    const s = await db.run(create(S, { r }))
    const t1 = await db.run(create(T, { s }))
    const t2 = await db.run(create(T, { s }))
    await db.run(create(U, { t: t1 }))
    await db.run(create(U, { t: t2 }))
    const { result, queries } = await captureQueries(db, () => db.run(deleteRow(S, s)))
    expect(result).toEqual({ total: 5, perModel: { S: 1, T: 2, U: 2 } })
    expect(statements(queries)).toBe(6)
    const deletes = queries.filter((q) => /^delete/i.test(q.sql)).map((q) => q.sql.match(/from\s+\W?(\w)\W?\s/i)?.[1])
    expect(deletes).toEqual(['u', 't', 's'])
    expect(queries[0].kind).toBe('transaction')
    expect(queries[queries.length - 1].kind).toBe('transaction')
    expect(await db.run(toArray(U.objects))).toEqual([])
  })

  it('deleteAll over many rows and relations reports every model', async () => {
    const { db } = ctx()
    for (let i = 0; i < 3; i++) await createA(`bulk ${i}`)
    const before = await db.run(count(R.objects))
    // Every R but the default: each A goes with its CASCADE relations; SET_NULL and SET rows are updated.
    const result = await db.run(pipe(R.objects, filter({ isDefault: false, protectSet__isnull: true, restrictSet__isnull: true }), deleteAll))
    expect(result.perModel.A).toBe(3)
    expect(result.perModel.R).toBe(before - 1 - 6)
    expect(result.total).toBe(result.perModel.A + result.perModel.R)
    expect(await db.run(count(A.objects))).toBe(0)
  })
})
