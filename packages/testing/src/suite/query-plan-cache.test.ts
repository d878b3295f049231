// The plan cache: a QuerySet shape compiles once per Db; running it again with other values reuses
// the SQL text and binds the new values, and the results follow the values, never the cache.
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import {
  count,
  DoesNotExist,
  type Effect,
  Exists,
  f,
  filter,
  get,
  MultipleObjectsReturned,
  model,
  not,
  or,
  orderBy,
  OuterRef,
  Q,
  schema,
  slice,
  toArray,
  toSql,
  update,
  valuesList,
} from '@fjord/core'
import { captureQueries, describeEachBackend, truncate } from '../helpers.js'
import { Article, Author, lookupModels, seedArticles } from './fixtures-query.js'

// A second schema whose model has the same name and fields but another table.
const { Article: OtherArticle } = schema({
  Article: model({ headline: f.char({ maxLength: 100 }), views: f.integer() }, { dbTable: 'other_article' }),
})

describeEachBackend('plan cache', lookupModels, (ctx) => {
  let s: Awaited<ReturnType<typeof seedArticles>>
  beforeAll(async () => {
    await truncate(ctx().db, [...lookupModels])
    s = await seedArticles(ctx().db)
  })

  /** Run `make(v)` for each value; returns the results and the SQL and parameters each sent. */
  const runEach = async <V, A>(vals: readonly V[], make: (v: V) => Effect<A>) => {
    const db = ctx().db
    const out: { result: A; sql: string; parameters: readonly unknown[]; plans: number }[] = []
    for (const v of vals) {
      const { result, queries } = await captureQueries(db, () => db.run(make(v)))
      const q = queries.filter((e) => e.kind === 'query')
      expect(q).toHaveLength(1)
      out.push({ result, sql: q[0].sql, parameters: q[0].parameters, plans: db.plans.size })
    }
    return out
  }

  it('same shape, other values: identical SQL, new parameters, right rows, no new plan', async () => {
    const [a, b, c] = await runEach(['Article 1', 'Article 2', 'nope'], (h) =>
      pipe(Article.objects, filter({ headline: h }), valuesList('headline', { flat: true }), toArray),
    )
    expect(a.result).toEqual(['Article 1'])
    expect(b.result).toEqual(['Article 2'])
    expect(c.result).toEqual([])
    expect(b.sql).toBe(a.sql)
    expect(c.sql).toBe(a.sql)
    expect(a.parameters).toContain('Article 1')
    expect(b.parameters).toContain('Article 2')
    expect(b.plans).toBe(a.plans)
    expect(c.plans).toBe(a.plans)
  })

  it('lookups of every kind rebind their values', async () => {
    const contains = await runEach(['1', '7'], (v) => pipe(Article.objects, filter({ headline__contains: v }), count))
    expect(contains.map((r) => r.result)).toEqual([1, 1])
    expect(contains[1].sql).toBe(contains[0].sql)
    const years = await runEach([2005, 2006], (y) => pipe(Article.objects, filter({ pubDate__year: y }), count))
    expect(years.map((r) => r.result)).toEqual([7, 0])
    expect(years[1].sql).toBe(years[0].sql)
    const ranges = await runEach(
      [
        [10, 30],
        [60, 100],
      ] as const,
      (r) => pipe(Article.objects, filter({ views__range: r }), count),
    )
    expect(ranges.map((r) => r.result)).toEqual([3, 2])
    expect(ranges[1].sql).toBe(ranges[0].sql)
    const lists = await runEach(
      [
        [s.a1.id, s.a2.id],
        [s.a3.id, 999999],
      ],
      (ids) => pipe(Article.objects, filter({ id__in: ids }), count),
    )
    expect(lists.map((r) => r.result)).toEqual([2, 1])
    expect(lists[1].sql).toBe(lists[0].sql)
    expect(lists[1].plans).toBe(lists[0].plans)
  })

  it('a different shape compiles its own statement and still gives the right rows', async () => {
    const lists = await runEach([[s.a1.id], [s.a1.id, s.a2.id, s.a3.id]], (ids) => pipe(Article.objects, filter({ id__in: ids }), count))
    expect(lists.map((r) => r.result)).toEqual([1, 3])
    expect(lists[1].sql).not.toBe(lists[0].sql)
    const nulls = await runEach([null, 3], (r) => pipe(Article.objects, filter({ rating: r }), count))
    expect(nulls.map((r) => r.result)).toEqual([2, 1])
    expect(nulls[0].sql).toMatch(/is null/i)
    expect(nulls[1].sql).not.toMatch(/is null/i)
  })

  it('get, update and correlated subqueries reuse their plans too', async () => {
    const gets = await runEach([s.a1.id, s.a6.id], (id) => pipe(Article.objects, get({ pk: id })))
    expect(gets.map((r) => r.result.headline)).toEqual(['Article 1', 'Article 6'])
    expect(gets[1].sql).toBe(gets[0].sql)
    const updates = await runEach([1, 2], (n) => pipe(Article.objects, filter({ views__lte: n * 10 }), update({ rating: n })))
    expect(updates.map((r) => r.result)).toEqual([1, 2])
    expect(updates[1].sql).toBe(updates[0].sql)
    expect(await ctx().db.run(pipe(Article.objects, orderBy('views'), valuesList('rating', { flat: true }), toArray))).toEqual([2, 2, 3, null, 5, 6, 7])
    const popular = await runEach([60, 71], (min) =>
      pipe(Author.objects, filter(Exists(pipe(Article.objects, filter({ author: OuterRef('pk'), views__gte: min })))), valuesList('name', { flat: true }), toArray),
    )
    expect(popular.map((r) => r.result)).toEqual([['Author 2'], []])
    expect(popular[1].sql).toBe(popular[0].sql)
  })

  it("get from a known shape keeps get's rules: one row, DoesNotExist, MultipleObjectsReturned, no ordering, LIMIT 21", async () => {
    const db = ctx().db
    const { result: viewsOf, queries } = await captureQueries(db, async () => {
      const out: unknown[] = []
      for (const min of [70, 60, 1000, 70, 0]) {
        const r = await pipe(Article.objects, get({ views__gte: min }))(db)()
        out.push(r._tag === 'Right' ? r.right.views : r.left.constructor.name)
      }
      return out
    })
    expect(viewsOf).toEqual([70, 'MultipleObjectsReturned', 'DoesNotExist', 70, 'MultipleObjectsReturned'])
    expect(new Set(queries.map((q) => q.sql)).size).toBe(1)
    expect(queries[0].sql).not.toMatch(/order by/i)
    expect(queries[0].sql).toMatch(/limit/i)
    await expect(db.run(pipe(Article.objects, get({ views__gte: 0 })))).rejects.toBeInstanceOf(MultipleObjectsReturned)
    await expect(db.run(pipe(Article.objects, get({ pk: 999999 })))).rejects.toBeInstanceOf(DoesNotExist)
    for (const a of [s.a1, s.a6, s.a3]) expect((await db.run(pipe(Article.objects, get({ pk: a.id })))).headline).toBe(a.headline)
  })

  it('get with conditions matches filter(conditions) then get(), whatever form the conditions take', async () => {
    const db = ctx().db
    const headline = async (eff: Effect<{ headline: string }>) => {
      const r = await eff(db)()
      return r._tag === 'Right' ? r.right.headline : r.left.constructor.name
    }
    for (let round = 0; round < 2; round++) {
      expect(await headline(pipe(Article.objects, get({ author: s.au1, views: 30 })))).toBe('Article 3')
      expect(await headline(pipe(Article.objects, filter({ author: s.au1 }), get({ views: 30 })))).toBe('Article 3')
      expect(await headline(pipe(Article.objects, filter({ author: s.au1, views: 30 }), get()))).toBe('Article 3')
      expect(await headline(pipe(Article.objects, get({ author: s.au1 }, { views: 20 })))).toBe('Article 2')
      expect(await headline(pipe(Article.objects, get(Q({ headline: 'Article 4' }))))).toBe('Article 4')
      expect(await headline(pipe(Article.objects, get(or({ views: 10 }, { views: 20 }))))).toBe('MultipleObjectsReturned')
      expect(await headline(pipe(Article.objects, get(not(Q({ views__lt: 70 })))))).toBe('Article 7')
      expect(await headline(pipe(Article.objects, get({}, { views: 50 })))).toBe('Article 5')
      // A slice is kept as it is; filtering it is an error.
      expect(await headline(pipe(Article.objects, orderBy('views'), slice(2, 3), get()))).toBe('Article 3')
      expect(await headline(pipe(Article.objects, orderBy('-views'), slice(0, 2), get()))).toBe('MultipleObjectsReturned')
      expect(await headline(pipe(Article.objects, orderBy('views'), slice(0, 2), get({ views: 10 })))).toBe('FieldError')
      // NULL and a value are two shapes.
      const nulls = await db.run(pipe(Article.objects, filter({ rating: null }), count))
      expect(await headline(pipe(Article.objects, filter({ views__lte: 60 }), get({ rating: 6 })))).toBe('Article 6')
      expect(await headline(pipe(Article.objects, filter({ views__lte: 60 }), get({ rating: null })))).toBe(
        nulls === 1 ? (await db.run(pipe(Article.objects, get({ rating: null })))).headline : nulls === 0 ? 'DoesNotExist' : 'MultipleObjectsReturned',
      )
    }
  })

  it('update from a known shape binds new values, NULL included', async () => {
    const db = ctx().db
    const ratingOf = () => db.run(pipe(Article.objects, filter({ pk: s.a5.id }), valuesList('rating', { flat: true }), get()))
    const before = await ratingOf()
    for (const rating of [11, null, 12, null, 13]) {
      expect(await db.run(pipe(Article.objects, filter({ pk: s.a5.id }), update({ rating, views: 50 })))).toBe(1)
      expect(await ratingOf()).toBe(rating)
    }
    await db.run(pipe(Article.objects, filter({ pk: s.a5.id }), update({ rating: before })))
    expect(await ratingOf()).toBe(before)
  })

  it('two models with the same name and shape never share a plan', () => {
    const db = ctx().db
    const mine = toSql(pipe(Article.objects, filter({ headline: 'x' }), orderBy('views')))(db)
    const other = toSql(pipe(OtherArticle.objects, filter({ headline: 'x' }), orderBy('views')))(db)
    expect(mine.sql).toMatch(/\barticle\b/)
    expect(other.sql).toMatch(/other_article/)
    expect(other.sql).not.toBe(mine.sql)
  })
})
