// bulkCreate: batches within the backend's parameter limit, batchSize, returned keys, conflicts, and
// atomicity (after Django's tests/bulk_create).
import { bulkCreate, count, create, FieldError, filter, type Insert, IntegrityError, orderBy, type QueryEvent, toArray, ValidationError, valuesList } from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { captureQueries, countQueries, describeEachBackend, truncate } from '../helpers.js'
import { bulkModels, rejection, skipUnless, tagOf } from './fixtures-write.js'

const { Country, TwoFields, NoFields, Wide, Note, Broad } = bulkModels
const all = [Country, TwoFields, NoFields, Wide, Note, Broad]

const countries: Insert<typeof Country>[] = [
  { name: 'United States of America', isoTwoLetter: 'US' },
  { name: 'The Netherlands', isoTwoLetter: 'NL' },
  { name: 'Germany', isoTwoLetter: 'DE' },
  { name: 'Czech Republic', isoTwoLetter: 'CZ' },
]

const wideRows = (n: number): Insert<typeof Wide>[] =>
  Array.from({ length: n }, (_, i) => ({ a: i, b: -i, c: `c${i}`, d: i % 2 === 0, e: `${i}.125`, g: new Date(Date.UTC(2020, 0, 1, 0, 0, 0, i)) }))

const inserts = (qs: QueryEvent[]) => qs.filter((q) => q.kind === 'query' && /^\s*insert/i.test(q.sql))

describeEachBackend('bulkCreate', bulkModels, (ctx) => {
  beforeEach(() => truncate(ctx().db, all))

  it('inserts every row in one statement and returns them in order', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => db.run(bulkCreate(Country, countries)))
    expect(inserts(queries)).toHaveLength(1)
    expect(result.map((c) => c.name)).toEqual(countries.map((c) => c.name))
    expect(result.every((c) => c.description === '')).toBe(true)
    expect(await db.run(pipe(Country.objects, orderBy('-name'), valuesList('name', { flat: true }), toArray))).toEqual([
      'United States of America',
      'The Netherlands',
      'Germany',
      'Czech Republic',
    ])
  })

  it('an empty list sends nothing', async () => {
    const { db } = ctx()
    expect(await countQueries(db, async () => expect(await db.run(bulkCreate(Country, []))).toEqual([]))).toBe(0)
  })

  it('rows with the same values are all inserted', async () => {
    const { db } = ctx()
    await db.run(bulkCreate(Country, [countries[0], countries[0]]))
    expect(await db.run(count(Country.objects))).toBe(2)
  })

  it('sets primary keys on the returned rows where the backend returns them', async (t) => {
    const { db } = ctx()
    skipUnless(t, db, 'canReturnRowsFromInsert')
    const { result, queries } = await captureQueries(db, () => db.run(bulkCreate(Country, countries)))
    expect(inserts(queries)).toHaveLength(1)
    const stored = await db.run(pipe(Country.objects, orderBy('pk'), toArray))
    expect([...result].sort((x, y) => x.id - y.id)).toEqual(stored)
    expect(new Set(result.map((r) => r.id)).size).toBe(4)
  })

  it('a model with no fields but its key: each row is inserted', async () => {
    const { db } = ctx()
    await db.run(bulkCreate(NoFields, [{}, {}, {}]))
    expect(await db.run(count(NoFields.objects))).toBe(3)
  })

  it('splits 5,000 wide rows into as few INSERTs as the parameter limit allows', async () => {
    const { db } = ctx()
    const rows = wideRows(5000)
    const columns = 6
    const perBatch = Math.floor(db.dialect.features.maxQueryParams / columns)
    const { result, queries } = await captureQueries(db, () => db.run(bulkCreate(Wide, rows)))
    const stmts = inserts(queries)
    expect(stmts).toHaveLength(Math.ceil(5000 / perBatch))
    for (const s of stmts) expect(s.parameters.length).toBeLessThanOrEqual(db.dialect.features.maxQueryParams)
    expect(result).toHaveLength(5000)
    expect(await db.run(count(Wide.objects))).toBe(5000)
    expect(await db.run(pipe(Wide.objects, filter({ a__gte: 4000, d: true }), count))).toBe(500)
    const last = await db.run(pipe(Wide.objects, filter({ a: 4999 }), toArray))
    expect(last[0]).toMatchObject({ b: -4999, c: 'c4999', d: false, e: '4999.125', g: new Date(Date.UTC(2020, 0, 1, 0, 0, 4, 999)) })
  })

  it('batchSize caps rows per statement; a batchSize over the limit is lowered to it', async () => {
    const { db } = ctx()
    for (const [size, statements] of [[1, 4], [2, 2], [3, 2], [4, 1]] as const) {
      const n = await countQueries(db, () => db.run(bulkCreate(TwoFields, [0, 1, 2, 3].map((i) => ({ f1: i, f2: i })), { batchSize: size })))
      expect(n, `batchSize ${size}`).toBe(statements)
      expect(await db.run(count(TwoFields.objects))).toBe(4)
      await truncate(db, [TwoFields])
    }
    const perBatch = Math.floor(db.dialect.features.maxQueryParams / 30)
    const rows = Array.from({ length: perBatch + 1 }, () => ({}))
    const n = await countQueries(db, () => db.run(bulkCreate(Broad, rows, { batchSize: perBatch + 1 })))
    expect(n).toBe(2)
    expect(await db.run(count(Broad.objects))).toBe(perBatch + 1)
  })

  it('a batchSize below 1 is refused before any statement', async () => {
    const { db } = ctx()
    for (const batchSize of [0, -1]) {
      const { result, queries } = await captureQueries(db, () => rejection(db.run(bulkCreate(Country, countries, { batchSize }))))
      expect(queries).toHaveLength(0)
      expect(result, `batchSize ${batchSize}`).toBeInstanceOf(FieldError)
    }
  })

  it('rows with and without an explicit key are both inserted', async () => {
    const { db } = ctx()
    const rows = Array.from({ length: 100 }, (_, i) => ({ ...(i % 2 === 0 ? { id: 100000 + i } : {}), f1: i, f2: i + 1 }))
    await db.run(bulkCreate(TwoFields, rows))
    expect(await db.run(count(TwoFields.objects))).toBe(100)
    const explicit = rows.flatMap((r) => ('id' in r ? [r.id as number] : []))
    expect(await db.run(pipe(TwoFields.objects, filter({ id__in: explicit }), count))).toBe(50)
  })

  it('a ValidationError in row 3,000 writes nothing and sends nothing', async () => {
    const { db } = ctx()
    const rows = wideRows(5000).map((r, i) => (i === 2999 ? { ...r, c: 'much too long for ten' } : r))
    const { result, queries } = await captureQueries(db, () => rejection(db.run(bulkCreate(Wide, rows))))
    expect(result).toBeInstanceOf(ValidationError)
    expect((result as ValidationError).details.field).toBe('c')
    expect(queries).toHaveLength(0)
    expect(await db.run(count(Wide.objects))).toBe(0)
  })

  it('a database error in a later batch rolls back the earlier ones', async () => {
    const { db } = ctx()
    const rows = Array.from({ length: 30 }, (_, i) => ({ f1: i, f2: i === 25 ? 3 : i }))
    const err = await rejection(db.run(bulkCreate(TwoFields, rows, { batchSize: 10 })))
    expect(err).toBeInstanceOf(IntegrityError)
    expect(await db.run(count(TwoFields.objects))).toBe(0)
  })

  it('ignoreConflicts skips rows that violate a unique constraint', async (t) => {
    const { db } = ctx()
    skipUnless(t, db, 'supportsIgnoreConflicts')
    await db.run(bulkCreate(TwoFields, [1, 2, 3].map((i) => ({ f1: i, f2: i }))))
    const conflicting = [{ f1: 2, f2: 2 }, { f1: 3, f2: 3 }]
    const ignored = await db.run(bulkCreate(TwoFields, conflicting, { ignoreConflicts: true }))
    expect(await db.run(count(TwoFields.objects))).toBe(3)
    // Which rows were inserted is unknown, so no key is reported (as Django).
    expect(ignored.map((r) => r.id)).toEqual([undefined, undefined])
    await db.run(bulkCreate(TwoFields, [...conflicting, { f1: 4, f2: 4 }], { ignoreConflicts: true }))
    expect(await db.run(pipe(TwoFields.objects, orderBy('f1'), valuesList('f1', { flat: true }), toArray))).toEqual([1, 2, 3, 4])
    expect(tagOf(await rejection(db.run(bulkCreate(TwoFields, conflicting))))).toBe('IntegrityError')
  })

  it('updateConflicts updates the named fields of the rows that conflict', async (t) => {
    const { db } = ctx()
    skipUnless(t, db, 'supportsUpdateConflicts')
    const first = await db.run(bulkCreate(TwoFields, [1, 2, 3].map((i) => ({ f1: i, f2: i, name: `old${i}` }))))
    const target = db.dialect.features.supportsUpdateConflictsWithTarget ? { uniqueFields: ['f1'] } : {}
    const rows = [{ f1: 1, f2: 1, name: 'new1' }, { f1: 2, f2: 2, name: 'new2' }, { f1: 4, f2: 4, name: 'new4' }]
    const result = await db.run(bulkCreate(TwoFields, rows, { updateConflicts: true, updateFields: ['name'], ...target }))
    expect(result).toHaveLength(3)
    expect(await db.run(pipe(TwoFields.objects, orderBy('f1'), valuesList('f1', 'name'), toArray))).toEqual([
      [1, 'new1'],
      [2, 'new2'],
      [3, 'old3'],
      [4, 'new4'],
    ])
    if (db.dialect.features.canReturnRowsFromInsert) {
      // The updated rows keep their keys.
      expect(result[0].id).toBe(first[0].id)
      expect(result[1].id).toBe(first[1].id)
    }
  })

  it('updateConflicts without updateFields, or together with ignoreConflicts, is refused before any statement', async () => {
    const { db } = ctx()
    const cases = [{ updateConflicts: true }, { updateConflicts: true, ignoreConflicts: true, updateFields: ['name'] }]
    for (const options of cases) {
      const { result, queries } = await captureQueries(db, () => rejection(db.run(bulkCreate(TwoFields, [{ f1: 1, f2: 1 }], options))))
      expect(result).toBeInstanceOf(FieldError)
      expect(queries).toHaveLength(0)
    }
  })

  it('nullable fields may mix NULL and values in one batch', async () => {
    const { db } = ctx()
    await db.run(bulkCreate(Note, [{ note: 'a' }, { note: 'b', misc: 'm', tag: 1 }, { note: 'c', tag: null }]))
    expect(await db.run(pipe(Note.objects, filter({ misc__isnull: true }), count))).toBe(2)
    expect(await db.run(pipe(Note.objects, filter({ tag: 1 }), count))).toBe(1)
  })

  it('agrees with create() on the stored values', async () => {
    const { db } = ctx()
    const [bulk] = await db.run(bulkCreate(Wide, wideRows(1)))
    const single = await db.run(create(Wide, wideRows(1)[0]))
    const stored = await db.run(pipe(Wide.objects, orderBy('pk'), toArray))
    const { id: _a, ...x } = stored[0]
    const { id: _b, ...y } = stored[1]
    expect(x).toEqual(y)
    const { id: _c, ...fromBulk } = bulk
    const { id: _d, ...fromCreate } = single
    expect(fromBulk).toEqual(fromCreate)
  })
})
