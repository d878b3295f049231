// Composing conditions, after Django's tests/or_lookups, tests/queries and tests/null_queries:
// Q/and/or/not, exclude() and NULLs (exclude(x=5) keeps x IS NULL), chained filters, multi-valued joins.
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { and, type AnyQuerySet, count, create, distinct, type Effect, exclude, F, filter, not, or, orderBy, Q, toArray, toSql, valuesList } from '@fjord/core'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Article, Author, headlines, lookupModels, Num, seedArticles, seedNums } from './fixtures-query.js'

describeEachBackend('conditions: Q, and, or, not, exclude', [...lookupModels, Num], (ctx) => {
  beforeEach(async () => {
    await truncate(ctx().db, [...lookupModels, Num])
    await seedArticles(ctx().db)
    await seedNums(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  /** The labels of the Num rows a QuerySet matches, by num (NULL first, as it sorts by pk). */
  const labels = async (qs: AnyQuerySet) => (await run(pipe(qs as typeof Num.objects, orderBy('pk'), valuesList('num', { flat: true }), toArray))) as (number | null)[]

  it('a lookup object ANDs its keys; chained filters AND too', async () => {
    expect(await labels(pipe(Num.objects, filter({ num__gte: 2, other__gte: 10 })))).toEqual([3])
    expect(await labels(pipe(Num.objects, filter({ num__gte: 2 }), filter({ other__gte: 10 })))).toEqual([3])
    expect(await labels(pipe(Num.objects, filter({ num__gte: 2 }, { num__lte: 3 })))).toEqual([2, 3])
    expect(await labels(pipe(Num.objects, filter()))).toEqual([1, 2, 3, null, 5])
  })

  it('or() and Q: either side matches', async () => {
    expect(await labels(pipe(Num.objects, filter(or(Q({ num: 1 }), Q({ num: 5 })))))).toEqual([1, 5])
    expect(await labels(pipe(Num.objects, filter(or({ num: 1 }, { other: 30 }, { label: 'five' }))))).toEqual([1, 3, 5])
    expect(await labels(pipe(Num.objects, filter(or(Q({ num: null }), Q({ other: null })))))).toEqual([2, null])
    // An OR nested in an AND.
    expect(await labels(pipe(Num.objects, filter(and(or({ num: 1 }, { num: 3 }), Q({ other__gt: 10 })))))).toEqual([3])
    // A Q beside a lookup object in the same call.
    expect(await labels(pipe(Num.objects, filter(or({ num__lt: 2 }, { num__gt: 4 }), { other__lt: 10 })))).toEqual([5])
  })

  it('or() parenthesises: (a OR b) AND c differs from a OR (b AND c)', async () => {
    const left = pipe(Num.objects, filter(and(or({ num: 1 }, { num: 2 }), { other: 10 })))
    const right = pipe(Num.objects, filter(or({ num: 1 }, and({ num: 2 }, { other: 10 }))))
    expect(await labels(left)).toEqual([1])
    expect(await labels(right)).toEqual([1])
    const right2 = pipe(Num.objects, filter(or({ num: 2 }, and({ num: 1 }, { other: 99 }))))
    expect(await labels(right2)).toEqual([2])
  })

  it('exclude(x=v) keeps rows where x IS NULL (Django null semantics)', async () => {
    expect(await labels(pipe(Num.objects, exclude({ num: 5 })))).toEqual([1, 2, 3, null])
    expect(await labels(pipe(Num.objects, exclude({ num__gt: 2 })))).toEqual([1, 2, null])
    expect(await labels(pipe(Num.objects, exclude({ num__in: [1, 2] })))).toEqual([3, null, 5])
    // label: 'one', 'two', NULL, 'none', 'five'
    expect(await labels(pipe(Num.objects, exclude({ label__contains: 'o' })))).toEqual([3, 5])
    expect(await labels(pipe(Num.objects, exclude({ other__lt: 35 })))).toEqual([2, null])
  })

  it('not() inside filter behaves as exclude, NULLs included', async () => {
    expect(await labels(pipe(Num.objects, filter(not({ num: 5 }))))).toEqual([1, 2, 3, null])
    expect(await labels(pipe(Num.objects, filter(not(Q({ num: 1 })), { other__isnull: false })))).toEqual([3, null, 5])
    expect(await labels(pipe(Num.objects, filter(or(not({ num: 1 }), { label: 'one' }))))).toEqual([1, 2, 3, null, 5])
    expect(await labels(pipe(Num.objects, filter(not(not({ num: 1 })))))).toEqual([1])
  })

  it('exclude with several conditions excludes rows matching all of them', async () => {
    // NOT (num > 1 AND other < 35): rows 3 and 5 go; NULLs on either side stay.
    expect(await labels(pipe(Num.objects, exclude({ num__gt: 1, other__lt: 35 })))).toEqual([1, 2, null])
    // Two exclude calls exclude either.
    expect(await labels(pipe(Num.objects, exclude({ num__gt: 1 }), exclude({ other__lt: 35 })))).toEqual([null])
    expect(await labels(pipe(Num.objects, exclude({ num: null })))).toEqual([1, 2, 3, 5])
    expect(await labels(pipe(Num.objects, exclude(or({ num: 1 }, { num: 2 }))))).toEqual([3, null, 5])
  })

  it('exclude comparing two nullable columns keeps rows where either is NULL', async () => {
    // Django adds IS NOT NULL for a nullable F() on the right too: NULL never counts as a match.
    expect(await labels(pipe(Num.objects, exclude({ num__gt: F('other') })))).toEqual([1, 2, 3, null, 5])
    expect(await labels(pipe(Num.objects, exclude({ num__lt: F('other') })))).toEqual([2, null, 5])
    expect(await labels(pipe(Num.objects, exclude({ num: F('other') })))).toEqual([1, 2, 3, null])
    expect(await labels(pipe(Num.objects, filter(not({ other__gte: F('num') }))))).toEqual([2, null])
  })

  it('exclude across a nullable foreign key keeps the rows without a related row', async () => {
    await run(create(Article, { headline: 'Orphan', pubDate: new Date('2006-01-01T00:00:00Z') }))
    expect(headlines(await run(pipe(Article.objects, exclude(Q({ author__name: 'Author 1' })), toArray)))).toEqual(['Orphan', 'Article 5', 'Article 6', 'Article 7'])
    expect(headlines(await run(pipe(Article.objects, exclude(Q({ author__age__gte: 18 })), toArray)))).toEqual(['Orphan', 'Article 5', 'Article 6', 'Article 7'])
  })

  it('filter and exclude are opposites when the column has no NULL', async () => {
    const all = (await run(count(Article.objects))) as number
    const f = await run(pipe(Article.objects, filter({ headline__contains: '1' }), count))
    const e = await run(pipe(Article.objects, exclude({ headline__contains: '1' }), count))
    expect(f + e).toBe(all)
    expect(headlines(await run(pipe(Article.objects, filter({ headline__contains: 'Article' }), exclude({ headline: 'Article 7' }), toArray)))).toEqual([
      'Article 5',
      'Article 6',
      'Article 4',
      'Article 2',
      'Article 3',
      'Article 1',
    ])
  })

  it('an empty in: no statement for filter; the OR keeps the other side; exclude keeps all', async () => {
    const db = ctx().db
    expect(await countQueries(db, async () => expect(await labels(pipe(Num.objects, filter({ num__in: [] })))).toEqual([]))).toBe(0)
    expect(await labels(pipe(Num.objects, filter(or({ num__in: [] }, { num: 1 }))))).toEqual([1])
    expect(await labels(pipe(Num.objects, filter(not({ num__in: [] }))))).toEqual([1, 2, 3, null, 5])
    expect(await labels(pipe(Num.objects, exclude({ num__in: [] }), filter({ num__lt: 3 })))).toEqual([1, 2])
  })

  it('exact null in an OR and under NOT compiles to IS NULL / IS NOT NULL', async () => {
    const { sql } = toSql(pipe(Num.objects, filter(or({ num: null }, { other: 10 }))))(ctx().db)
    expect(sql).toMatch(/IS NULL/i)
    expect(await labels(pipe(Num.objects, filter(not({ num: null }), { other: null })))).toEqual([2])
  })

  // Multi-valued relations (Django's "spanning multi-valued relationships"): conditions in one
  // filter() call must hold for the same related row; separate calls may match different rows.
  it('one filter call shares the join; separate calls do not', async () => {
    const same = pipe(Author.objects, filter(Q({ article__headline: 'Article 1', article__views__gte: 40 })))
    expect(await run(pipe(same, valuesList('name', { flat: true }), toArray))).toEqual([])
    const separate = pipe(Author.objects, filter(Q({ article__headline: 'Article 1' })), filter(Q({ article__views__gte: 40 })))
    expect(await run(pipe(separate, distinct(), valuesList('name', { flat: true }), toArray))).toEqual(['Author 1'])
  })

  it('a join over a multi-valued relation repeats the parent row; distinct() folds them', async () => {
    const qs = pipe(Author.objects, filter(Q({ article__views__gte: 10 })))
    expect(await run(count(qs))).toBe(7)
    expect(await run(pipe(qs, distinct(), count))).toBe(2)
    expect(await run(pipe(qs, distinct(), valuesList('name', { flat: true }), toArray))).toEqual(['Author 1', 'Author 2'])
  })

  it('exclude across a multi-valued relation drops every parent having such a child', async () => {
    // Django excludes through a subquery: Author 1 wrote 'Article 1', so it goes entirely.
    expect(await run(pipe(Author.objects, exclude(Q({ article__headline: 'Article 1' })), valuesList('name', { flat: true }), toArray))).toEqual([
      'Author 2',
    ])
    expect(await run(pipe(Author.objects, filter(not(Q({ article__views__lt: 50 }))), valuesList('name', { flat: true }), toArray))).toEqual([
      'Author 2',
    ])
  })
})
