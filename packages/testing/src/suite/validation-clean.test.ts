// fullClean: Django's full_clean — types, lengths, choices, required fields, and unique fields,
// uniqueTogether and unique constraints checked against the database. Nothing is ever written.
import { count, create, FieldError, fullClean, IntegrityError, type Insert, ValidationError } from '@fjord/core'
import { beforeEach, expect, it } from 'vitest'
import { captureQueries, describeEachBackend, truncate } from '../helpers.js'
import { rejection, validationModels, writes } from './fixtures-write.js'

const { Member } = validationModels
type MemberInsert = Insert<typeof Member>

const ann: MemberInsert = { name: 'ann', kind: 'a', email: 'ann@example.com', nick: 'annie', team: 'red', shirt: 7 }

describeEachBackend('fullClean', validationModels, (ctx) => {
  beforeEach(() => truncate(ctx().db, [Member]))

  /** fullClean's error, checking that only SELECTs were sent. */
  const cleanError = async (data: MemberInsert): Promise<ValidationError> => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => rejection(db.run(fullClean(Member, data))))
    expect(writes(queries)).toEqual([])
    expect(result).toBeInstanceOf(ValidationError)
    return result as ValidationError
  }

  it('passes valid data, applying defaults, and writes nothing', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => db.run(fullClean(Member, ann)))
    expect(writes(queries)).toEqual([])
    expect(result).toMatchObject({ ...ann, level: 1, score: 0, balance: '0.00', big: 0n, age: null })
    expect(await db.run(count(Member.objects))).toBe(0)
  })

  it('reports every field error at once, before any query', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () =>
      rejection(db.run(fullClean(Member, { name: 'far too long', kind: 'x', age: -3, email: undefined } as never))),
    )
    expect(queries).toEqual([])
    expect(result).toBeInstanceOf(ValidationError)
    const errors = (result as ValidationError).details.errors ?? {}
    expect(Object.keys(errors).sort()).toEqual(['age', 'email', 'kind', 'name'])
    expect(errors.name.join(' ')).toMatch(/at most 5 characters/)
    expect(errors.email.join(' ')).toMatch(/required/)
    expect(errors.kind.join(' ')).toMatch(/not a valid choice/)
  })

  it('a unique field already taken is an error on that field', async () => {
    const { db } = ctx()
    await db.run(create(Member, ann))
    const err = await cleanError({ ...ann, name: 'bea', nick: 'other', shirt: 8 })
    expect(Object.keys(err.details.errors ?? {})).toEqual(['email'])
    expect(err.details.errors?.email.join(' ')).toMatch(/already exists/)
    expect(err.details.field).toBe('email')
  })

  it('each taken unique field is reported', async () => {
    const { db } = ctx()
    await db.run(create(Member, ann))
    const err = await cleanError({ ...ann, name: 'bea', shirt: 8 })
    expect(Object.keys(err.details.errors ?? {}).sort()).toEqual(['email', 'nick'])
  })

  it('NULL in a unique field never conflicts', async () => {
    const { db } = ctx()
    await db.run(create(Member, { ...ann, nick: null }))
    const { result } = await captureQueries(db, () => db.run(fullClean(Member, { ...ann, name: 'bea', email: 'b@example.com', shirt: 9, nick: null })))
    expect(result.nick).toBeNull()
  })

  it('uniqueTogether is checked on the pair, not each field', async () => {
    const { db } = ctx()
    await db.run(create(Member, ann))
    await db.run(fullClean(Member, { ...ann, name: 'bea', email: 'b@example.com', nick: 'b', shirt: 8 }))
    await db.run(fullClean(Member, { ...ann, name: 'bea', email: 'b@example.com', nick: 'b', team: 'blue' }))
    const err = await cleanError({ ...ann, name: 'bea', email: 'b@example.com', nick: 'b' })
    const keys = Object.keys(err.details.errors ?? {})
    expect(keys).toHaveLength(1)
    expect(keys[0]).toContain('team')
    expect(keys[0]).toContain('shirt')
  })

  it('a unique constraint in Meta is checked too', async () => {
    const { db } = ctx()
    await db.run(create(Member, { ...ann, level: 2 }))
    const err = await cleanError({ ...ann, level: 2, email: 'b@example.com', nick: 'b', shirt: 8 })
    const keys = Object.keys(err.details.errors ?? {})
    expect(keys).toHaveLength(1)
    expect(keys[0]).toContain('name')
    expect(keys[0]).toContain('level')
    // What fullClean refuses, the database refuses too.
    const dbErr = await rejection(db.run(create(Member, { ...ann, level: 2, email: 'b@example.com', nick: 'b', shirt: 8 })))
    expect(dbErr).toBeInstanceOf(IntegrityError)
  })

  it('a stored row does not conflict with itself', async () => {
    const { db } = ctx()
    const row = await db.run(create(Member, ann))
    const { result, queries } = await captureQueries(db, () => db.run(fullClean(Member, { ...row, score: 5 })))
    expect(result).toMatchObject({ email: ann.email, score: 5 })
    expect(writes(queries)).toEqual([])
    await db.run(create(Member, { ...ann, name: 'bea', email: 'b@example.com', nick: 'b', shirt: 8 }))
    const err = await cleanError({ ...row, email: 'b@example.com' })
    expect(Object.keys(err.details.errors ?? {})).toEqual(['email'])
  })

  it('an unknown field is a FieldError', async () => {
    const { db } = ctx()
    const err = await rejection(db.run(fullClean(Member, { ...ann, nickname: 'x' } as never)))
    expect(err).toBeInstanceOf(FieldError)
    expect((err as FieldError).message).toContain('nickname')
  })
})
