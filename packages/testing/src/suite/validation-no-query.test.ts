// A value that does not fit its field is a ValidationError naming the field, raised before any
// statement is sent, whichever write carries it (create, save, update, bulkCreate, bulkUpdate).
import {
  bulkCreate,
  bulkUpdate,
  create,
  FieldError,
  get,
  type Insert,
  save,
  toArray,
  update,
  ValidationError,
} from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { captureQueries, describeEachBackend, truncate } from '../helpers.js'
import { createModels, rejection, validationModels } from './fixtures-write.js'

const { Member } = validationModels
const { Big } = createModels
type MemberInsert = Insert<typeof Member>

const valid: MemberInsert = { name: 'ann', kind: 'a', email: 'ann@example.com' }

/** [what is wrong, the bad values, the field the error must name] */
const badValues: readonly [string, Record<string, unknown>, string][] = [
  ['a number for a string', { name: 42 }, 'name'],
  ['an over-long string', { name: 'abcdef' }, 'name'],
  ['a value outside the choices', { kind: 'z' }, 'kind'],
  ['an integer outside the choices', { level: 4 }, 'level'],
  ['a string for an integer', { score: '12' }, 'score'],
  ['a fraction for an integer', { score: 1.5 }, 'score'],
  ['an integer past 32 bits', { score: 2 ** 31 }, 'score'],
  ['an integer below 32 bits', { score: -(2 ** 31) - 1 }, 'score'],
  ['a negative positive integer', { age: -1 }, 'age'],
  ['a small integer past 16 bits', { age: 32768 }, 'age'],
  ['an unsafe number for a big integer', { big: 2 ** 53 + 2 }, 'big'],
  ['a big integer past 64 bits', { big: 2n ** 63n }, 'big'],
  ['NaN for an integer', { score: Number.NaN }, 'score'],
  ['null for a non-null field', { name: null }, 'name'],
  ['an impossible date', { joined: '2023-02-30' }, 'joined'],
  ['a badly formed date', { joined: '01/02/2023' }, 'joined'],
  ['too many decimal places', { balance: '1.234' }, 'balance'],
  ['too many decimal digits', { balance: '1234.5' }, 'balance'],
]

/** Run `fn`, expecting a ValidationError naming `field` and no statement at all. */
const refusedSilently = async (db: Parameters<typeof captureQueries>[0], label: string, field: string, fn: () => Promise<unknown>) => {
  const { result, queries } = await captureQueries(db, () => rejection(fn()))
  expect(result, label).toBeInstanceOf(ValidationError)
  const err = result as ValidationError
  expect(err.details.field, label).toBe(field)
  expect(err.message, label).toContain(field)
  expect(err.details.errors?.[field]?.length, label).toBeGreaterThan(0)
  expect(queries.map((q) => q.sql), label).toEqual([])
}

describeEachBackend('validation before any statement', { ...validationModels, Big }, (ctx) => {
  let stored: Awaited<ReturnType<typeof storeOne>>
  const storeOne = () => ctx().db.run(create(Member, valid))
  beforeAll(async () => {
    await truncate(ctx().db, [Member, Big])
    stored = await storeOne()
  })

  for (const [what, values, field] of badValues) {
    it(`create: ${what}`, async () => {
      const { db } = ctx()
      await refusedSilently(db, what, field, () => db.run(create(Member, { ...valid, email: 'new@example.com', ...values } as never)))
    })
    it(`save, update, bulkCreate, bulkUpdate: ${what}`, async () => {
      const { db } = ctx()
      await refusedSilently(db, `save ${what}`, field, () => db.run(save(Member, { ...stored, ...values } as never)))
      await refusedSilently(db, `update ${what}`, field, () => db.run(pipe(Member.objects, update(values))))
      const rows = [{ ...valid, email: 'one@example.com' }, { ...valid, email: 'two@example.com', ...values }]
      await refusedSilently(db, `bulkCreate ${what}`, field, () => db.run(bulkCreate(Member, rows as never)))
      await refusedSilently(db, `bulkUpdate ${what}`, field, () => db.run(bulkUpdate(Member, [{ ...stored, ...values } as never], [field])))
    })
  }

  it('a missing required field is named', async () => {
    const { db } = ctx()
    await refusedSilently(db, 'missing email', 'email', () => db.run(create(Member, { name: 'bob', kind: 'b' } as never)))
  })

  it('every bad field is reported at once', async () => {
    const { db } = ctx()
    const err = await rejection(db.run(create(Member, { name: 'toolong', kind: 'q', score: 0.5 } as never)))
    expect(err).toBeInstanceOf(ValidationError)
    expect(Object.keys((err as ValidationError).details.errors ?? {}).sort()).toEqual(['email', 'kind', 'name', 'score'])
  })

  it('a primary key past MAX_SAFE_INTEGER is refused, never rounded', async () => {
    const { db } = ctx()
    await refusedSilently(db, 'bigAuto', 'id', () => db.run(create(Big, { id: 2 ** 53, label: 'x' })))
    await refusedSilently(db, 'bigAuto bigint', 'id', () => db.run(create(Big, { id: 2n ** 60n as never, label: 'x' })))
  })

  it('an unknown field is a FieldError that suggests the closest name, with no statement', async () => {
    const { db } = ctx()
    const attempts: [string, () => Promise<unknown>][] = [
      ['create', () => db.run(create(Member, { ...valid, emial: 'x' } as never))],
      ['update', () => db.run(pipe(Member.objects, update({ emial: 'x' })))],
      ['bulkCreate', () => db.run(bulkCreate(Member, [{ ...valid, emial: 'x' } as never]))],
      ['bulkUpdate', () => db.run(bulkUpdate(Member, [stored], ['emial']))],
    ]
    for (const [label, run] of attempts) {
      const { result, queries } = await captureQueries(db, () => rejection(run()))
      expect(result, label).toBeInstanceOf(FieldError)
      expect((result as FieldError).message, label).toContain('emial')
      expect((result as FieldError).message, label).toMatch(/did you mean 'email'/i)
      expect(queries, label).toEqual([])
    }
  })

  it('nothing was written by any refused call', async () => {
    const { db } = ctx()
    expect(await db.run(toArray(Member.objects))).toEqual([stored])
    expect(await db.run(pipe(Member.objects, get({ pk: stored.id })))).toEqual(stored)
  })
})
