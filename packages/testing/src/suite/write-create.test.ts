// create(): defaults (callable ones included), timestamps, nullable fields, explicit primary keys, the
// returned row, and the errors raised before any statement (after Django's tests/basic).
import { create, f, FieldError, get, model, schema, toArray, ValidationError } from '@fjord/core'
import { createTables, dropTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { captureQueries, countQueries, describeEachBackend, truncate } from '../helpers.js'
import { createModels, rejection } from './fixtures-write.js'

const { Article, Stamped, Plain, Code, Big } = createModels
const all = [Article, Stamped, Plain, Code, Big]

describeEachBackend('create', createModels, (ctx) => {
  beforeEach(() => truncate(ctx().db, all))

  it('fills defaults, calls callable defaults once per row, and leaves nullable fields null', async () => {
    const { db } = ctx()
    const pubDate = new Date('2005-07-28T10:00:00.000Z')
    const a = await db.run(create(Article, { pubDate }))
    const b = await db.run(create(Article, { pubDate, headline: 'Second' }))
    expect(a).toMatchObject({ headline: 'Default headline', views: 0, tags: { names: [] }, summary: null, pubDate })
    expect(b.headline).toBe('Second')
    expect(b.ticket).toBe(a.ticket + 1)
    // A callable default gives each row its own value, not a shared object.
    expect(a.tags).not.toBe(b.tags)
    expect(await db.run(pipe(Article.objects, get({ pk: a.id })))).toEqual(a)
  })

  it('returns the row with its primary key set, in one INSERT', async () => {
    const { db } = ctx()
    const { result: row, queries } = await captureQueries(db, () => db.run(create(Plain, { label: 'one' })))
    expect(queries.filter((q) => q.kind === 'query')).toHaveLength(1)
    expect(queries[0].sql).toMatch(/^insert/i)
    expect(typeof row.id).toBe('number')
    expect(row.id).toBeGreaterThan(0)
    const other = await db.run(create(Plain, { label: 'two' }))
    expect(other.id).not.toBe(row.id)
    expect(await db.run(pipe(Plain.objects, get({ label: 'two' })))).toEqual(other)
  })

  it('keeps the field order of the model in the returned row', async () => {
    const { db } = ctx()
    const row = await db.run(create(Article, { summary: 's', pubDate: new Date(0), headline: 'h' }))
    expect(Object.keys(row)).toEqual(['id', 'headline', 'pubDate', 'views', 'ticket', 'tags', 'summary'])
  })

  it('sets autoNowAdd and autoNow from the clock', async () => {
    const { db } = ctx()
    const before = Date.now()
    const day = new Date().toISOString().slice(0, 10)
    const row = await db.run(create(Stamped, { name: 'x' }))
    const after = Date.now()
    const dayAfter = new Date().toISOString().slice(0, 10)
    for (const d of [row.created, row.modified]) {
      expect(d).toBeInstanceOf(Date)
      expect(d.getTime()).toBeGreaterThanOrEqual(before)
      expect(d.getTime()).toBeLessThanOrEqual(after)
    }
    expect([day, dayAfter]).toContain(row.createdOn)
    expect(await db.run(pipe(Stamped.objects, get({ pk: row.id })))).toEqual(row)
  })

  it('takes an explicit value for an autoNowAdd field', async () => {
    const { db } = ctx()
    const created = new Date('2001-02-03T04:05:06.789Z')
    const row = await db.run(create(Stamped, { name: 'old', created, createdOn: '2001-02-03' }))
    const back = await db.run(pipe(Stamped.objects, get({ pk: row.id })))
    expect(back.created).toEqual(created)
    expect(back.createdOn).toBe('2001-02-03')
  })

  it('inserts an explicit primary key as given', async () => {
    const { db } = ctx()
    const row = await db.run(create(Article, { id: 4242, pubDate: new Date(0) }))
    expect(row.id).toBe(4242)
    expect((await db.run(pipe(Article.objects, get({ pk: 4242 })))).id).toBe(4242)
  })

  it('uses a non-integer primary key given by the caller', async () => {
    const { db } = ctx()
    const row = await db.run(create(Code, { code: 'NO', name: 'Norway' }))
    expect(row).toEqual({ code: 'NO', name: 'Norway' })
    expect(await db.run(pipe(Code.objects, get({ pk: 'NO' })))).toEqual(row)
    const dup = await rejection(db.run(create(Code, { code: 'NO', name: 'again' })))
    expect(dup).toMatchObject({ _tag: 'IntegrityError', kind: 'unique' })
  })

  it('accepts a bigAuto key up to MAX_SAFE_INTEGER and refuses one past it without a statement', async () => {
    const { db } = ctx()
    const max = Number.MAX_SAFE_INTEGER
    const row = await db.run(create(Big, { id: max, label: 'max' }))
    expect((await db.run(pipe(Big.objects, get({ pk: max })))).id).toBe(max)
    expect(row.id).toBe(max)
    let err: unknown
    const n = await countQueries(db, async () => {
      err = await rejection(db.run(create(Big, { id: max + 2, label: 'past' })))
    })
    expect(n).toBe(0)
    expect(err).toBeInstanceOf(ValidationError)
    expect((err as ValidationError).details.field).toBe('id')
  })

  it('names the unknown field and suggests the closest one', async () => {
    const { db } = ctx()
    let err: unknown
    const n = await countQueries(db, async () => {
      err = await rejection(db.run(create(Article, { headlin: 'typo', pubDate: new Date() } as never)))
    })
    expect(n).toBe(0)
    expect(err).toBeInstanceOf(FieldError)
    expect((err as FieldError).message).toContain("'headlin'")
    expect((err as FieldError).message).toContain("Did you mean 'headline'?")
  })

  it('refuses a required field left out, naming it', async () => {
    const { db } = ctx()
    const err = await rejection(db.run(create(Article, {} as never)))
    expect(err).toBeInstanceOf(ValidationError)
    expect((err as ValidationError).details.errors).toHaveProperty('pubDate')
    expect(await db.run(toArray(Article.objects))).toEqual([])
  })

  it('writes to the table of the model given, even when two schemas reuse a model name', async () => {
    const { db } = ctx()
    const one = schema({ Twin: model({ label: f.char({ maxLength: 10 }) }, { dbTable: 'twin_one' }) }).Twin
    const two = schema({ Twin: model({ label: f.char({ maxLength: 10 }) }, { dbTable: 'twin_two' }) }).Twin
    await db.run(dropTables([one, two]))
    await db.run(createTables([one, two]))
    try {
      await db.run(create(one, { label: 'first' }))
      await db.run(create(two, { label: 'second' }))
      expect((await db.run(toArray(one.objects))).map((r) => r.label)).toEqual(['first'])
      expect((await db.run(toArray(two.objects))).map((r) => r.label)).toEqual(['second'])
    } finally {
      await db.run(dropTables([one, two]))
    }
  })
})
