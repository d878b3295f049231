// bulkUpdate: CASE WHEN by primary key, in batches (after Django's tests/queries/test_bulk_update.py).
import { bulkCreate, bulkUpdate, FieldError, orderBy, type QueryEvent, type Row, toArray, ValidationError, valuesList } from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { captureQueries, countQueries, describeEachBackend, truncate } from '../helpers.js'
import { bulkModels, rejection, typeModels } from './fixtures-write.js'

const { Note, Wide } = bulkModels
const { Sample } = typeModels
type NoteRow = Row<typeof Note>

const updates = (qs: QueryEvent[]) => qs.filter((q) => q.kind === 'query' && /^\s*update/i.test(q.sql))

describeEachBackend('bulkUpdate', { ...bulkModels, ...typeModels }, (ctx) => {
  beforeEach(() => truncate(ctx().db, [Note, Wide, Sample]))

  /** Ten stored notes, in key order (the keys are read back where the backend does not return them). */
  const notes = async (n = 10): Promise<NoteRow[]> => {
    const { db } = ctx()
    await db.run(bulkCreate(Note, Array.from({ length: n }, (_, i) => ({ note: String(i), misc: null, tag: i }))))
    return db.run(pipe(Note.objects, orderBy('pk'), toArray))
  }
  const stored = () => ctx().db.run(pipe(Note.objects, orderBy('pk'), valuesList('note', 'misc', 'tag'), toArray))

  it('updates one field of every row in one UPDATE', async () => {
    const { db } = ctx()
    const rows = await notes()
    const changed = rows.map((r) => ({ ...r, note: `test-${r.id}` }))
    const { result, queries } = await captureQueries(db, () => db.run(bulkUpdate(Note, changed, ['note'])))
    expect(result).toBe(10)
    const stmts = updates(queries)
    expect(stmts).toHaveLength(1)
    expect(stmts[0].sql).toMatch(/CASE\s+WHEN/i)
    expect((await stored()).map((r) => r[0])).toEqual(rows.map((r) => `test-${r.id}`))
  })

  it('updates several fields, leaving the others alone', async () => {
    const { db } = ctx()
    const rows = await notes()
    const changed = rows.map((r, i) => ({ ...r, note: `n${i}`, misc: `m${i}`, tag: 999 }))
    await db.run(bulkUpdate(Note, changed, ['note', 'misc']))
    expect(await stored()).toEqual(rows.map((_, i) => [`n${i}`, `m${i}`, i]))
  })

  it('sets fields to NULL, alone and mixed with values', async () => {
    const { db } = ctx()
    const rows = await notes(4)
    await db.run(bulkUpdate(Note, rows.map((r, i) => ({ ...r, misc: i % 2 ? 'x' : null, tag: null })), ['misc', 'tag']))
    expect(await stored()).toEqual([
      ['0', null, null],
      ['1', 'x', null],
      ['2', null, null],
      ['3', 'x', null],
    ])
  })

  it('batchSize splits the statements', async () => {
    const { db } = ctx()
    const rows = await notes()
    const { queries } = await captureQueries(db, () => db.run(bulkUpdate(Note, rows.map((r) => ({ ...r, note: 'b' })), ['note'], { batchSize: 3 })))
    expect(updates(queries)).toHaveLength(4)
    expect((await stored()).every((r) => r[0] === 'b')).toBe(true)
  })

  it('keeps every statement under the parameter limit for a large batch', async () => {
    const { db } = ctx()
    const rows = await notes(1500)
    const changed = rows.map((r) => ({ ...r, note: `x${r.tag}`, misc: 'y' }))
    const { result, queries } = await captureQueries(db, () => db.run(bulkUpdate(Note, changed, ['note', 'misc'])))
    expect(result).toBe(1500)
    const perRow = 2 * 2 + 1
    const stmts = updates(queries)
    expect(stmts).toHaveLength(Math.ceil(1500 / Math.floor(db.dialect.features.maxQueryParams / perRow)))
    for (const s of stmts) expect(s.parameters.length).toBeLessThanOrEqual(db.dialect.features.maxQueryParams)
    const back = await stored()
    expect(back[1499]).toEqual(['x1499', 'y', 1499])
  })

  it('round-trips typed values through CASE (decimal, boolean, date-time)', async () => {
    const { db } = ctx()
    await db.run(bulkCreate(Wide, [0, 1].map((i) => ({ a: i, b: i, c: 'c', d: false, e: null, g: null }))))
    const rows = await db.run(pipe(Wide.objects, orderBy('pk'), toArray))
    const moment = new Date('2021-06-07T08:09:10.011Z')
    await db.run(bulkUpdate(Wide, rows.map((r, i) => ({ ...r, d: i === 0, e: i === 0 ? '12345.678' : '0.5', g: moment })), ['d', 'e', 'g']))
    const back = await db.run(pipe(Wide.objects, orderBy('pk'), toArray))
    expect(back.map((r) => [r.d, r.e, r.g])).toEqual([
      [true, '12345.678', moment],
      [false, '0.500', moment],
    ])
  })

  it('writes every field type through CASE, and NULL back over values', async () => {
    const { db } = ctx()
    await db.run(bulkCreate(Sample, [{}, {}]))
    const rows = await db.run(pipe(Sample.objects, orderBy('pk'), toArray))
    const full = {
      title: 't', body: 'b', slug: 's', email: 'e@x.no', website: 'http://x.no', smallNum: -1, intNum: 2, bigNum: 2n ** 60n,
      posNum: 4, posSmallNum: 5, ratio: 6.5, price: '7.25', active: true, birthday: '2020-01-02',
      seenAt: new Date('2020-01-02T03:04:05.006Z'), alarm: '03:04:05', elapsed: 7000,
      token: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', payload: { k: ['v', 1] }, data: Uint8Array.of(0, 1, 255),
    }
    const fields = Object.keys(full)
    await db.run(bulkUpdate(Sample, rows.map((r) => ({ ...r, ...full })), fields))
    const back = await db.run(pipe(Sample.objects, orderBy('pk'), toArray))
    expect(back).toEqual(rows.map((r) => ({ id: r.id, ...full })))
    await db.run(bulkUpdate(Sample, rows, fields))
    expect(await db.run(pipe(Sample.objects, orderBy('pk'), toArray))).toEqual(rows)
  })

  it('counts a row given twice in one batch once', async () => {
    const { db } = ctx()
    const [row] = await notes(1)
    expect(await db.run(bulkUpdate(Note, [{ ...row, note: 'a' }, { ...row, note: 'b' }], ['note']))).toBe(1)
  })

  it('an empty list returns 0 without a statement', async () => {
    const { db } = ctx()
    expect(await countQueries(db, async () => expect(await db.run(bulkUpdate(Note, [], ['note']))).toBe(0))).toBe(0)
  })

  it('refuses misuse before any statement: no fields, the primary key, unknown fields, unsaved rows, bad batchSize', async () => {
    const { db } = ctx()
    const rows = await notes(2)
    const cases: [string, () => Promise<unknown>][] = [
      ['no fields', () => db.run(bulkUpdate(Note, rows, []))],
      ['primary key', () => db.run(bulkUpdate(Note, rows, ['id']))],
      ['unknown field', () => db.run(bulkUpdate(Note, rows, ['nope']))],
      ['unsaved row', () => db.run(bulkUpdate(Note, [{ note: 'x', misc: null, tag: null } as never], ['note']))],
      ['batchSize 0', () => db.run(bulkUpdate(Note, rows, ['note'], { batchSize: 0 }))],
    ]
    for (const [label, run] of cases) {
      const { result, queries } = await captureQueries(db, () => rejection(run()))
      expect(result, label).toBeInstanceOf(FieldError)
      expect(queries, label).toHaveLength(0)
    }
  })

  it('validates every value before any statement', async () => {
    const { db } = ctx()
    const rows = await notes(3)
    const bad = rows.map((r, i) => (i === 2 ? { ...r, note: 'x'.repeat(101) } : { ...r, note: 'ok' }))
    const { result, queries } = await captureQueries(db, () => rejection(db.run(bulkUpdate(Note, bad, ['note']))))
    expect(result).toBeInstanceOf(ValidationError)
    expect(queries).toHaveLength(0)
    expect((await stored()).map((r) => r[0])).toEqual(['0', '1', '2'])
  })
})
