// save, refresh, deleteRow, deleteAll (no relations), str and update (after Django's tests/basic,
// tests/update and the relation-free parts of tests/delete).
import {
  count,
  create,
  DoesNotExist,
  deleteAll,
  distinct,
  deleteRow,
  F,
  FieldError,
  filter,
  get,
  refresh,
  save,
  slice,
  str,
  toArray,
  update,
  updateOrCreate,
  ValidationError,
  values,
  valuesList,
} from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { captureQueries, countQueries, describeEachBackend, truncate } from '../helpers.js'
import { createModels, rejection, writes } from './fixtures-write.js'

const { Article, Stamped, Plain, Code, Big } = createModels
const all = [Article, Stamped, Plain, Code, Big]
const when = new Date('2005-07-28T00:00:00.000Z')

describeEachBackend('save, refresh, delete, update', createModels, (ctx) => {
  beforeEach(() => truncate(ctx().db, all))

  it('save() without a primary key inserts', async () => {
    const { db } = ctx()
    const row = await db.run(save(Article, { headline: 'New', pubDate: when }))
    expect(row.id).toEqual(expect.any(Number))
    expect(await db.run(pipe(Article.objects, get({ pk: row.id })))).toEqual(row)
  })

  it('save() of a stored row updates it in one statement', async () => {
    const { db } = ctx()
    const row = await db.run(create(Article, { headline: 'Before', pubDate: when }))
    const { result: saved, queries } = await captureQueries(db, () => db.run(save(Article, { ...row, headline: 'After', views: 5 })))
    expect(writes(queries)).toHaveLength(1)
    expect(writes(queries)[0]).toMatch(/^update/i)
    expect(saved).toMatchObject({ id: row.id, headline: 'After', views: 5 })
    expect(await db.run(count(Article.objects))).toBe(1)
    expect(await db.run(pipe(Article.objects, get({ pk: row.id })))).toEqual(saved)
  })

  it('save() with a primary key that is not stored inserts it (UPDATE, then INSERT)', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => db.run(save(Code, { code: 'SE', name: 'Sweden' })))
    expect(writes(queries).map((s) => s.slice(0, 6).toLowerCase())).toEqual(['update', 'insert'])
    expect(result).toEqual({ code: 'SE', name: 'Sweden' })
    expect(await db.run(pipe(Code.objects, get({ pk: 'SE' })))).toEqual(result)
  })

  it('save() with updateFields writes only those fields', async () => {
    const { db } = ctx()
    const row = await db.run(create(Article, { headline: 'Kept', pubDate: when, views: 1 }))
    await db.run(save(Article, { ...row, headline: 'Ignored', views: 10 }, { updateFields: ['views'] }))
    const back = await db.run(refresh(Article, row))
    expect(back.headline).toBe('Kept')
    expect(back.views).toBe(10)
  })

  it('save() with empty updateFields sends nothing; an unknown name is a FieldError', async () => {
    const { db } = ctx()
    const row = await db.run(create(Article, { pubDate: when }))
    expect(await countQueries(db, () => db.run(save(Article, { ...row, headline: 'x' }, { updateFields: [] })))).toBe(0)
    expect((await db.run(refresh(Article, row))).headline).toBe('Default headline')
    const err = await rejection(db.run(save(Article, row, { updateFields: ['nope'] })))
    expect(err).toBeInstanceOf(FieldError)
  })

  it('save() with updateFields of a row that is gone fails and inserts nothing', async () => {
    const { db } = ctx()
    const row = await db.run(create(Article, { pubDate: when }))
    await db.run(deleteRow(Article, row))
    const err = await rejection(db.run(save(Article, { ...row, views: 3 }, { updateFields: ['views'] })))
    expect(err).toBeInstanceOf(DoesNotExist)
    expect(await db.run(count(Article.objects))).toBe(0)
  })

  it('save() refreshes autoNow and keeps autoNowAdd', async () => {
    const { db } = ctx()
    const row = await db.run(create(Stamped, { name: 'a', created: new Date('2001-01-01T00:00:00Z'), modified: new Date('2001-01-01T00:00:00Z') }))
    const before = Date.now()
    const saved = await db.run(save(Stamped, { ...row, name: 'b' }))
    expect(saved.modified.getTime()).toBeGreaterThanOrEqual(before)
    expect(saved.created).toEqual(new Date('2001-01-01T00:00:00Z'))
    const back = await db.run(refresh(Stamped, row))
    expect(back.modified).toEqual(saved.modified)
    expect(back.created).toEqual(row.created)
    expect(back.name).toBe('b')
  })

  it('save() with updateFields writes an autoNow field only when it is listed; updateOrCreate refreshes it', async () => {
    const { db } = ctx()
    const old = new Date('2001-01-01T00:00:00Z')
    const row = await db.run(create(Stamped, { name: 'a' }))
    await db.run(pipe(Stamped.objects, filter({ pk: row.id }), update({ modified: old })))
    const stale = { ...row, modified: old }
    await db.run(save(Stamped, { ...stale, name: 'b' }, { updateFields: ['name'] }))
    expect((await db.run(refresh(Stamped, row))).modified).toEqual(old)
    const before = Date.now()
    await db.run(save(Stamped, { ...stale, name: 'c' }, { updateFields: ['name', 'modified'] }))
    const listed = await db.run(refresh(Stamped, row))
    expect(listed.name).toBe('c')
    expect(listed.modified.getTime()).toBeGreaterThanOrEqual(before - 1000)
    await db.run(pipe(Stamped.objects, filter({ pk: row.id }), update({ modified: old })))
    const [saved, created] = await db.run(updateOrCreate(Stamped, { name: 'c' }, { name: 'd' }))
    expect(created).toBe(false)
    expect((await db.run(refresh(Stamped, saved))).modified.getTime()).toBeGreaterThanOrEqual(before - 1000)
  })

  it('save() validates before sending anything', async () => {
    const { db } = ctx()
    const row = await db.run(create(Article, { pubDate: when }))
    let err: unknown
    const n = await countQueries(db, async () => void (err = await rejection(db.run(save(Article, { ...row, headline: 'x'.repeat(101) })))))
    expect(n).toBe(0)
    expect(err).toBeInstanceOf(ValidationError)
    expect((err as ValidationError).details.field).toBe('headline')
  })

  it('refresh() reads the row again; a deleted row is DoesNotExist', async () => {
    const { db } = ctx()
    const row = await db.run(create(Article, { pubDate: when }))
    await db.run(pipe(Article.objects, filter({ pk: row.id }), update({ views: F('views').add(7) })))
    expect(row.views).toBe(0)
    expect((await db.run(refresh(Article, row))).views).toBe(7)
    await db.run(pipe(Article.objects, deleteAll))
    expect(await rejection(db.run(refresh(Article, row)))).toBeInstanceOf(DoesNotExist)
  })

  it('deleteRow() deletes one row and reports { total, perModel }', async () => {
    const { db } = ctx()
    const a = await db.run(create(Plain, { label: 'a' }))
    const b = await db.run(create(Plain, { label: 'b' }))
    expect(await db.run(deleteRow(Plain, a))).toEqual({ total: 1, perModel: { Plain: 1 } })
    expect(await db.run(pipe(Plain.objects, valuesList('label', { flat: true }), toArray))).toEqual(['b'])
    expect((await db.run(deleteRow(Plain, a))).total).toBe(0)
    expect(await db.run(count(Plain.objects))).toBe(1)
    void b
  })

  it('deleteRow() of a row without a primary key is an error, with no statement', async () => {
    const { db } = ctx()
    let err: unknown
    const n = await countQueries(db, async () => void (err = await rejection(db.run(deleteRow(Plain, { label: 'x' } as never)))))
    expect(n).toBe(0)
    expect(err).toBeInstanceOf(FieldError)
  })

  it('deleteAll() of a model without dependents is one DELETE and counts the rows', async () => {
    const { db } = ctx()
    for (const label of ['a', 'b', 'c']) await db.run(create(Plain, { label }))
    const qs = pipe(Plain.objects, filter({ label__in: ['a', 'b', 'zz'] }))
    const { result, queries } = await captureQueries(db, () => db.run(deleteAll(qs)))
    expect(result).toEqual({ total: 2, perModel: { Plain: 2 } })
    expect(writes(queries)).toHaveLength(1)
    expect(writes(queries)[0]).toMatch(/^delete/i)
    expect(await db.run(pipe(Plain.objects, valuesList('label', { flat: true }), toArray))).toEqual(['c'])
    expect((await db.run(pipe(Plain.objects, filter({ label: 'none' }), deleteAll))).total).toBe(0)
  })

  it('deleteAll() refuses a sliced, distinct or values() QuerySet, with no statement', async () => {
    const { db } = ctx()
    await db.run(create(Plain, { label: 'a' }))
    const refused = [pipe(Plain.objects, slice(0, 1)), pipe(Plain.objects, distinct()), pipe(Plain.objects, values('label'))]
    for (const qs of refused) {
      const { result, queries } = await captureQueries(db, () => rejection(db.run(deleteAll(qs))))
      expect(result).toBeInstanceOf(FieldError)
      expect(queries).toEqual([])
    }
    expect(await db.run(count(Plain.objects))).toBe(1)
  })

  it("str() applies Meta str, else '<Model> object (pk)'", async () => {
    const { db } = ctx()
    const a = await db.run(create(Article, { headline: 'Area man programs in TypeScript', pubDate: when }))
    const p = await db.run(create(Plain, { label: 'x' }))
    expect(str(Article, a)).toBe('Area man programs in TypeScript')
    expect(str(Plain, p)).toBe(`Plain object (${p.id})`)
    expect(str(Code, { code: 'DK', name: 'Denmark' })).toBe('Code object (DK)')
  })

  it('update() changes matching rows, returns how many, and takes expressions', async () => {
    const { db } = ctx()
    for (const headline of ['a', 'b', 'c']) await db.run(create(Article, { headline, pubDate: when, views: 2 }))
    const n = await db.run(pipe(Article.objects, filter({ headline__in: ['a', 'b'] }), update({ views: F('views').mul(10), summary: 'hot' })))
    expect(n).toBe(2)
    const rows = await db.run(pipe(Article.objects, valuesList('headline', 'views', 'summary'), toArray))
    expect([...rows].sort()).toEqual([
      ['a', 20, 'hot'],
      ['b', 20, 'hot'],
      ['c', 2, null],
    ])
    expect(await db.run(pipe(Article.objects, filter({ headline: 'none' }), update({ views: 1 })))).toBe(0)
    expect(await db.run(pipe(Article.objects, update({ summary: null })))).toBe(3)
  })

  it('update() with nothing to set sends nothing; bad values and fields fail before any statement', async () => {
    const { db } = ctx()
    await db.run(create(Article, { pubDate: when }))
    expect(await countQueries(db, async () => expect(await db.run(pipe(Article.objects, update({})))).toBe(0))).toBe(0)
    const cases: [Record<string, unknown>, typeof ValidationError | typeof FieldError][] = [
      [{ views: 'many' }, ValidationError],
      [{ views: 2 ** 31 }, ValidationError],
      [{ headline: null }, ValidationError],
      [{ headlin: 'x' }, FieldError],
    ]
    for (const [values, kind] of cases) {
      let err: unknown
      const n = await countQueries(db, async () => void (err = await rejection(db.run(pipe(Article.objects, update(values))))))
      expect(n, JSON.stringify(values)).toBe(0)
      expect(err, JSON.stringify(values)).toBeInstanceOf(kind)
    }
    expect((await db.run(get()(Article.objects))).views).toBe(0)
  })

  it('update() refuses a sliced QuerySet', async () => {
    const { db } = ctx()
    await db.run(create(Plain, { label: 'a' }))
    expect(await rejection(db.run(pipe(Plain.objects, slice(0, 1), update({ label: 'b' }))))).toBeInstanceOf(FieldError)
  })
})
