// Ordering, slicing and distinct, after Django's tests/ordering, tests/basic and tests/queries:
// default Meta ordering and reverse(), orderBy() clearing, '?', Python slice semantics, count() on
// sliced and distinct QuerySets, and the errors for changing a sliced QuerySet.
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { type AnyQuerySet, count, create, deleteAll, distinct, type Effect, exists, filter, orderBy, reverse, slice, toArray, toSql, values, valuesList } from '@fjord/core'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Article, Author, defaultOrder, headlines, lookupModels, looseFilter, looseOrderBy, seedArticles } from './fixtures-query.js'

describeEachBackend('querysets: ordering, slicing, distinct', lookupModels, (ctx) => {
  let s: Awaited<ReturnType<typeof seedArticles>>
  beforeAll(async () => {
    await truncate(ctx().db, [...lookupModels])
    s = await seedArticles(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  const heads = async (qs: AnyQuerySet) => headlines((await run(toArray(qs))) as { headline: string }[])
  const sorted = (xs: string[]) => [...xs].sort()

  it('the default Meta ordering applies; reverse() reverses it', async () => {
    expect(await heads(Article.objects)).toEqual(defaultOrder)
    expect(await heads(pipe(Article.objects, reverse()))).toEqual([...defaultOrder].reverse())
    expect(await heads(pipe(Article.objects, reverse(), reverse()))).toEqual(defaultOrder)
    expect(await heads(pipe(Article.objects, filter({ views__gte: 40 })))).toEqual(['Article 5', 'Article 6', 'Article 4', 'Article 7'])
    expect(await heads(pipe(Article.objects, filter({ views__gte: 40 }), reverse()))).toEqual(['Article 7', 'Article 4', 'Article 6', 'Article 5'])
  })

  it('orderBy ascending, descending, several keys; a later orderBy replaces the earlier', async () => {
    expect(await heads(pipe(Article.objects, orderBy('headline')))).toEqual(['Article 1', 'Article 2', 'Article 3', 'Article 4', 'Article 5', 'Article 6', 'Article 7'])
    expect(await heads(pipe(Article.objects, orderBy('-headline')))).toEqual(['Article 7', 'Article 6', 'Article 5', 'Article 4', 'Article 3', 'Article 2', 'Article 1'])
    expect(await heads(pipe(Article.objects, orderBy('-pubDate', '-headline')))).toEqual(['Article 5', 'Article 6', 'Article 4', 'Article 7', 'Article 3', 'Article 2', 'Article 1'])
    expect(await heads(pipe(Article.objects, orderBy('pubDate', 'headline')))).toEqual(['Article 1', 'Article 2', 'Article 3', 'Article 7', 'Article 4', 'Article 6', 'Article 5'])
    expect(await heads(pipe(Article.objects, orderBy('-views'), orderBy('headline')))).toEqual(['Article 1', 'Article 2', 'Article 3', 'Article 4', 'Article 5', 'Article 6', 'Article 7'])
    expect(await heads(pipe(Article.objects, orderBy('-pk')))).toEqual(['Article 7', 'Article 6', 'Article 5', 'Article 4', 'Article 3', 'Article 2', 'Article 1'])
    expect(await heads(pipe(Article.objects, orderBy('-views'), reverse()))).toEqual(['Article 1', 'Article 2', 'Article 3', 'Article 4', 'Article 5', 'Article 6', 'Article 7'])
  })

  it('orderBy across a foreign key', async () => {
    const qs = pipe(Article.objects, looseOrderBy('-author__name', 'headline'))
    expect(await heads(qs)).toEqual(['Article 5', 'Article 6', 'Article 7', 'Article 1', 'Article 2', 'Article 3', 'Article 4'])
  })

  it("orderBy a relation uses the related model's Meta ordering; its attname orders by the column", async () => {
    const db = ctx().db
    const aaron = await db.run(create(Author, { name: 'Aaron' }))
    try {
      await db.run(create(Article, { headline: 'By Aaron', pubDate: new Date('2001-01-01T00:00:00Z'), author: aaron }))
      // Author orders by name: Aaron (the newest key) comes first.
      expect(await heads(pipe(Article.objects, orderBy('author', 'headline')))).toEqual([
        'By Aaron',
        'Article 1',
        'Article 2',
        'Article 3',
        'Article 4',
        'Article 5',
        'Article 6',
        'Article 7',
      ])
      expect((await heads(pipe(Article.objects, orderBy('-author', 'headline')))).slice(0, 3)).toEqual(['Article 5', 'Article 6', 'Article 7'])
      expect((await heads(pipe(Article.objects, orderBy('-author', 'headline'))))[7]).toBe('By Aaron')
      expect((await heads(pipe(Article.objects, orderBy('authorId', 'headline'))))[7]).toBe('By Aaron')
      expect((await heads(pipe(Article.objects, orderBy('author', 'headline'), reverse())))[7]).toBe('By Aaron')
    } finally {
      await db.run(pipe(Author.objects, filter({ pk: aaron.id }), deleteAll))
    }
    expect(await run(count(Article.objects))).toBe(7)
  })

  it("orderBy() clears every ordering, the default included; '?' orders at random", async () => {
    const { sql } = toSql(pipe(Article.objects, orderBy()))(ctx().db)
    expect(sql).not.toMatch(/order by/i)
    expect(toSql(Article.objects)(ctx().db).sql).toMatch(/order by/i)
    expect(sorted(await heads(pipe(Article.objects, orderBy())))).toEqual(sorted(defaultOrder))
    const random = toSql(pipe(Article.objects, orderBy('?')))(ctx().db).sql
    expect(random).toMatch(/order by\s+\w*rand/i)
    expect(sorted(await heads(pipe(Article.objects, orderBy('?'))))).toEqual(sorted(defaultOrder))
    expect(await heads(pipe(Article.objects, orderBy('?'), slice(0, 3)))).toHaveLength(3)
  })

  it('slices with Python semantics', async () => {
    expect(await heads(pipe(Article.objects, slice(0, 3)))).toEqual(defaultOrder.slice(0, 3))
    expect(await heads(pipe(Article.objects, slice(2, 5)))).toEqual(defaultOrder.slice(2, 5))
    expect(await heads(pipe(Article.objects, slice(5)))).toEqual(defaultOrder.slice(5))
    expect(await heads(pipe(Article.objects, slice(10)))).toEqual([])
    expect(await heads(pipe(Article.objects, slice(3, 3)))).toEqual([])
    expect(await heads(pipe(Article.objects, slice(4, 2)))).toEqual([])
    expect(await heads(pipe(Article.objects, slice(6, 100)))).toEqual(defaultOrder.slice(6))
  })

  it('slicing a sliced QuerySet slices the result of the first slice', async () => {
    expect(await heads(pipe(Article.objects, slice(1, 6), slice(1, 3)))).toEqual(defaultOrder.slice(1, 6).slice(1, 3))
    expect(await heads(pipe(Article.objects, slice(2), slice(0, 2)))).toEqual(defaultOrder.slice(2).slice(0, 2))
    expect(await heads(pipe(Article.objects, slice(1, 3), slice(5)))).toEqual([])
    expect(await heads(pipe(Article.objects, slice(1, 4), slice(1)))).toEqual(defaultOrder.slice(1, 4).slice(1))
    expect(await heads(pipe(Article.objects, slice(0, 5), slice(2, 10)))).toEqual(defaultOrder.slice(0, 5).slice(2, 10))
  })

  it('filter, exclude, orderBy or reverse after a slice is a FieldError, with no statement', async () => {
    const db = ctx().db
    const sliced = pipe(Article.objects, slice(0, 2))
    for (const qs of [pipe(sliced, filter({ views: 1 })), pipe(sliced, orderBy('views')), pipe(sliced, reverse())]) {
      const n = await countQueries(db, async () => {
        const either = await toArray(qs)(db)()
        expect(either._tag).toBe('Left')
        if (either._tag === 'Left') {
          expect(either.left._tag).toBe('FieldError')
          expect(either.left.message).toMatch(/slice/i)
        }
      })
      expect(n).toBe(0)
    }
    await expect(db.run(pipe(Article.objects, slice(-1), toArray))).rejects.toMatchObject({ _tag: 'FieldError' })
    await expect(db.run(pipe(sliced, looseFilter({ headline: 'x' }), count))).rejects.toMatchObject({ _tag: 'FieldError' })
  })

  it('count() respects slices (Django test_count) and distinct', async () => {
    expect(await run(count(Article.objects))).toBe(7)
    expect(await run(pipe(Article.objects, slice(0, 4), count))).toBe(4)
    expect(await run(pipe(Article.objects, slice(1, 100), count))).toBe(6)
    expect(await run(pipe(Article.objects, slice(10, 100), count))).toBe(0)
    expect(await run(pipe(Article.objects, slice(5), count))).toBe(2)
    expect(await run(pipe(Article.objects, values('pubDate'), distinct(), count))).toBe(5)
    expect(await run(pipe(Article.objects, values('author'), distinct(), count))).toBe(2)
    expect(await run(pipe(Article.objects, filter({ pubDate: new Date('2005-07-27T00:00:00Z') }), count))).toBe(3)
    expect(await run(pipe(Article.objects, slice(6), exists))).toBe(true)
    expect(await run(pipe(Article.objects, slice(7), exists))).toBe(false)
  })

  it('distinct() folds duplicate rows', async () => {
    const dates = await run(pipe(Article.objects, orderBy('pubDate'), distinct(), valuesList('pubDate', { flat: true }), toArray))
    expect(dates.map((d) => (d as Date).toISOString())).toEqual([
      '2005-07-26T00:00:00.000Z',
      '2005-07-27T00:00:00.000Z',
      '2005-07-28T00:00:00.000Z',
      '2005-08-01T08:00:00.000Z',
      '2005-08-01T09:00:00.000Z',
    ])
    expect(await run(pipe(Article.objects, orderBy('authorId'), distinct(), valuesList('author', { flat: true }), toArray))).toEqual([s.au1.id, s.au2.id])
    const { sql } = toSql(pipe(Article.objects, distinct()))(ctx().db)
    expect(sql).toMatch(/select distinct/i)
    expect(await run(pipe(Article.objects, distinct(), count))).toBe(7)
  })
})
