// Terminals, after Django's tests/basic, tests/get_earliest_or_latest, tests/lookup (in_bulk) and
// tests/update: get, first/last, earliest/latest, exists, contains, inBulk, update, deleteAll,
// explain and stream, with their errors and statement counts.
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import {
  bulkCreate,
  contains,
  count,
  deleteAll,
  DoesNotExist,
  earliest,
  type Effect,
  exists,
  explain,
  filter,
  first,
  get,
  inBulk,
  last,
  latest,
  MultipleObjectsReturned,
  none,
  orderBy,
  slice,
  stream,
  toArray,
  update,
  valuesList,
} from '@fjord/core'
import { captureQueries, countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Article, Author, defaultOrder, headlines, lookupModels, Num, seedArticles, seedNums } from './fixtures-query.js'

const models = [...lookupModels, Num]

describeEachBackend('terminals', models, (ctx) => {
  let s: Awaited<ReturnType<typeof seedArticles>>
  beforeEach(async () => {
    await truncate(ctx().db, models)
    s = await seedArticles(ctx().db)
    await seedNums(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  const left = async <A>(e: Effect<A>) => {
    const either = await e(ctx().db)()
    if (either._tag === 'Right') throw new Error(`expected a Left, got ${JSON.stringify(either.right)}`)
    return either.left
  }

  it('get: the one row, in one statement', async () => {
    const db = ctx().db
    let row: unknown
    expect(await countQueries(db, async () => (row = await db.run(pipe(Article.objects, get({ headline: 'Article 3' })))))).toBe(1)
    expect(row).toEqual(s.a3)
    expect(await run(pipe(Article.objects, filter({ views__gte: 70 }), get()))).toEqual(s.a7)
    expect(await run(pipe(Article.objects, get({ pk: s.a2.id })))).toEqual(s.a2)
  })

  it('get: DoesNotExist and MultipleObjectsReturned name the model', async () => {
    const missing = await left(pipe(Article.objects, get({ headline: 'nope' })))
    expect(missing).toBeInstanceOf(DoesNotExist)
    expect(missing).toBeInstanceOf(Error)
    expect(missing._tag).toBe('DoesNotExist')
    expect(missing.message).toBe('Article matching query does not exist.')
    const many = await left(pipe(Article.objects, get({ pubDate: new Date('2005-07-27T00:00:00Z') })))
    expect(many).toBeInstanceOf(MultipleObjectsReturned)
    expect(many.message).toBe('get() returned more than one Article -- it returned 3!')
    await expect(run(pipe(Author.objects, get({ name: 'Nobody' })))).rejects.toThrow('Author matching query does not exist.')
  })

  it("get over more than 21 rows says 'more than 20' and fetches at most 21", async () => {
    const db = ctx().db
    await db.run(bulkCreate(Num, Array.from({ length: 25 }, (_, i) => ({ num: 100 + i, label: 'many' }))))
    const { queries } = await captureQueries(db, async () => {
      const e = await left(pipe(Num.objects, get({ label: 'many' })))
      expect(e._tag).toBe('MultipleObjectsReturned')
      expect(e.message).toBe('get() returned more than one Num -- it returned more than 20!')
    })
    expect(queries.filter((q) => q.kind === 'query')).toHaveLength(1)
    expect(queries[0].sql).toMatch(/limit/i)
  })

  it('first and last: the ordering, else the primary key; null when empty', async () => {
    expect((await run(first(Article.objects)))?.headline).toBe('Article 5')
    expect((await run(last(Article.objects)))?.headline).toBe('Article 1')
    expect((await run(pipe(Article.objects, orderBy('views'), first)))?.headline).toBe('Article 1')
    expect((await run(pipe(Article.objects, orderBy('views'), last)))?.headline).toBe('Article 7')
    // Num has no Meta ordering: by primary key.
    expect((await run(first(Num.objects)))?.label).toBe('one')
    expect((await run(last(Num.objects)))?.label).toBe('five')
    expect(await run(pipe(Article.objects, filter({ views: 999 }), first))).toBeNull()
    expect(await run(pipe(Article.objects, filter({ views: 999 }), last))).toBeNull()
    const db = ctx().db
    expect(await countQueries(db, async () => void (await db.run(first(Article.objects))))).toBe(1)
  })

  it("earliest and latest: by fields or Meta getLatestBy", async () => {
    expect((await run(pipe(Article.objects, latest()))).headline).toBe('Article 5')
    expect((await run(pipe(Article.objects, earliest()))).headline).toBe('Article 1')
    expect((await run(pipe(Article.objects, earliest('views')))).headline).toBe('Article 1')
    expect((await run(pipe(Article.objects, latest('views')))).headline).toBe('Article 7')
    expect((await run(pipe(Article.objects, latest('-views')))).headline).toBe('Article 1')
    const day = pipe(Article.objects, filter({ pubDate: new Date('2005-07-27T00:00:00Z') }))
    expect((await run(pipe(day, latest('pubDate', 'headline')))).headline).toBe('Article 7')
    expect((await run(pipe(day, earliest('pubDate', 'headline')))).headline).toBe('Article 2')
  })

  it('earliest/latest: FieldError without fields or getLatestBy; DoesNotExist when empty', async () => {
    const db = ctx().db
    const n = await countQueries(db, async () => {
      const e = await left(pipe(Num.objects, latest()))
      expect(e._tag).toBe('FieldError')
      expect(e.message).toMatch(/getLatestBy/)
      expect((await left(pipe(Num.objects, earliest())))._tag).toBe('FieldError')
    })
    expect(n).toBe(0)
    expect((await left(pipe(Article.objects, filter({ views: 999 }), latest())))._tag).toBe('DoesNotExist')
  })

  it('exists and contains', async () => {
    expect(await run(exists(Article.objects))).toBe(true)
    expect(await run(pipe(Article.objects, filter({ headline: 'nope' }), exists))).toBe(false)
    const small = pipe(Article.objects, filter({ views__lte: 20 }))
    expect(await run(pipe(small, contains(s.a1)))).toBe(true)
    expect(await run(pipe(small, contains(s.a5)))).toBe(false)
    expect((await left(pipe(small, contains({ headline: 'unsaved' }))))._tag).toBe('FieldError')
    const db = ctx().db
    expect(await countQueries(db, async () => void (await db.run(pipe(small, contains(s.a2)))))).toBe(1)
    await db.run(pipe(Article.objects, deleteAll))
    expect(await run(exists(Article.objects))).toBe(false)
  })

  it('inBulk: by ids, all rows, or a unique field; an empty list sends nothing', async () => {
    const db = ctx().db
    expect(await run(pipe(Article.objects, inBulk([s.a1.id, s.a2.id])))).toEqual({ [s.a1.id]: s.a1, [s.a2.id]: s.a2 })
    expect(Object.keys(await run(pipe(Article.objects, inBulk()))).map(Number).sort((a, b) => a - b)).toEqual(s.all.map((a) => a.id))
    expect(await run(pipe(Article.objects, inBulk([999999])))).toEqual({})
    let empty: unknown
    expect(await countQueries(db, async () => (empty = await db.run(pipe(Article.objects, inBulk([])))))).toBe(0)
    expect(empty).toEqual({})
    expect(await run(pipe(Author.objects, inBulk(['Author 2'], { fieldName: 'name' })))).toEqual({ 'Author 2': s.au2 })
    expect((await left(pipe(Article.objects, inBulk(['x'], { fieldName: 'headline' }))))._tag).toBe('FieldError')
    expect((await left(pipe(Article.objects, slice(0, 2), inBulk([s.a1.id]))))._tag).toBe('FieldError')
  })

  it('update returns the number of rows changed', async () => {
    expect(await run(pipe(Article.objects, filter({ author: s.au1 }), update({ rating: 9 })))).toBe(4)
    expect(await run(pipe(Article.objects, filter({ rating: 9 }), count))).toBe(4)
    expect(await run(pipe(Article.objects, filter({ headline: 'nope' }), update({ rating: 1 })))).toBe(0)
    expect(await run(pipe(Article.objects, update({ author: s.au2 })))).toBe(7)
    expect(await run(pipe(Article.objects, filter({ author: s.au2 }), count))).toBe(7)
  })

  it('update with an invalid value is a ValidationError naming the field; nothing is sent', async () => {
    const db = ctx().db
    const bad: [string, unknown][] = [
      ['views', 'many'],
      ['views', 2 ** 53],
      ['views', 1.5],
      ['headline', 'x'.repeat(101)],
      ['headline', null],
      ['pubDate', 'not a date'],
    ]
    for (const [field, value] of bad) {
      const n = await countQueries(db, async () => {
        const e = await left(pipe(Article.objects, update({ [field]: value })))
        expect(e._tag).toBe('ValidationError')
        expect(e.message).toContain(`Article.${field}`)
      })
      expect(n).toBe(0)
    }
    expect(headlines(await run(toArray(Article.objects)))).toEqual(defaultOrder)
    expect((await left(pipe(Article.objects, update({ nope: 1 }))))._tag).toBe('FieldError')
    expect((await left(pipe(Article.objects, slice(0, 1), update({ views: 1 }))))._tag).toBe('FieldError')
  })

  it('deleteAll returns { total, perModel }, cascading as on_delete says', async () => {
    expect(await run(pipe(Article.objects, filter({ views__gte: 50, author: s.au2 }), orderBy(), deleteAll))).toEqual({ total: 3, perModel: { Article: 3 } })
    expect(await run(count(Article.objects))).toBe(4)
    expect(await run(pipe(Author.objects, filter({ name: 'Author 1' }), deleteAll))).toEqual({ total: 5, perModel: { Author: 1, Article: 4 } })
    expect(await run(count(Article.objects))).toBe(0)
    expect((await left(pipe(Num.objects, slice(0, 1), deleteAll)))._tag).toBe('FieldError')
    expect(await run(pipe(Num.objects, filter({ num: null }), deleteAll))).toEqual({ total: 1, perModel: { Num: 1 } })
  })

  it('explain returns the plan as text', async (t) => {
    if (!ctx().db.dialect.features.supportsExplain) t.skip()
    const text = await run(pipe(Article.objects, filter({ views__gt: 10 }), explain))
    expect(typeof text).toBe('string')
    expect(text.length).toBeGreaterThan(0)
  })

  it('stream yields every row in order, whatever the chunk size', async () => {
    const db = ctx().db
    for (const chunkSize of [1, 2, 3, 100]) {
      const got: string[] = []
      for await (const row of stream(Article.objects, { chunkSize })(db)) got.push(row.headline)
      expect(got).toEqual(defaultOrder)
    }
    const flat: unknown[] = []
    for await (const v of stream(pipe(Article.objects, orderBy('views'), valuesList('views', { flat: true })))(db)) flat.push(v)
    expect(flat).toEqual([10, 20, 30, 40, 50, 60, 70])
    const n = await countQueries(db, async () => {
      for await (const _ of stream(pipe(Article.objects, none()))(db)) throw new Error('none() yielded a row')
    })
    expect(n).toBe(0)
  })

  it('a stream may stop early', async () => {
    const db = ctx().db
    const got: string[] = []
    for await (const row of stream(Article.objects, { chunkSize: 2 })(db)) {
      got.push(row.headline)
      if (got.length === 3) break
    }
    expect(got).toEqual(defaultOrder.slice(0, 3))
    expect(await run(count(Article.objects))).toBe(7)
  })
})
