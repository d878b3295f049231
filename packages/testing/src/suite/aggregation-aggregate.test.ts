// aggregate() (DESIGN §7), after Django's tests/aggregation: positional and named entries, filtered,
// sliced, distinct, values() and annotated QuerySets, none(), and the result types on every backend.
import { Avg, aggregate, Count, Max, Min, StdDev, Sum, Variance } from '@fjord/aggregate'
import { annotate, Coalesce, distinct, type Effect, F, FieldError, filter, none, orderBy, slice, values } from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { captureQueries, countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Author, aggregationModels, Book, Publisher, Store, seedAggregation } from './fixtures-aggregation.js'

describeEachBackend('aggregation: aggregate()', aggregationModels, (ctx) => {
  beforeAll(async () => {
    await truncate(ctx().db, [...aggregationModels])
    await seedAggregation(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)

  it('a positional aggregate is named <path>__<function>', async () => {
    expect(await run(pipe(Author.objects, aggregate(Avg('age'))))).toEqual({ age__avg: 337 / 9 })
    expect(await run(pipe(Author.objects, aggregate(Sum('age'), Avg('age'))))).toEqual({ age__sum: 337, age__avg: 337 / 9 })
  })

  it('named entries, and both forms together', async () => {
    const r = await run(pipe(Author.objects, aggregate({ total: Sum('age') }, Max('age'), { youngest: Min('age') })))
    expect(r).toEqual({ total: 337, age__max: 57, youngest: 25 })
    const n: number | null = r.total
    void n
  })

  it('over a filtered QuerySet', async () => {
    expect(await run(pipe(Author.objects, filter({ age__gt: 29 }), aggregate(Sum('age'))))).toEqual({ age__sum: 254 })
  })

  it('across forward relations', async () => {
    expect(await run(pipe(Book.objects, aggregate(Sum('publisher__numAwards'))))).toEqual({ publisher__numAwards__sum: 30 })
    expect(await run(pipe(Book.objects, aggregate(Min('contact__age'), Max('contact__age'))))).toEqual({
      contact__age__min: 29,
      contact__age__max: 57,
    })
  })

  it('across a reverse foreign key: a decimal sum is an exact string', async () => {
    expect(await run(pipe(Publisher.objects, aggregate(Sum('book__price'))))).toEqual({ book__price__sum: '270.27' })
    expect(await run(pipe(Publisher.objects, aggregate({ mean: Avg('book__rating') })))).toEqual({ mean: 4.083333333333333 })
  })

  it('Count: rows, values, distinct values, and with a filter', async () => {
    expect(await run(pipe(Book.objects, aggregate(Count('rating'))))).toEqual({ rating__count: 6 })
    expect(await run(pipe(Book.objects, aggregate(Count('rating', { distinct: true }))))).toEqual({ rating__count: 4 })
    expect(await run(pipe(Book.objects, aggregate({ n: Count('*') })))).toEqual({ n: 6 })
    expect(await run(pipe(Book.objects, aggregate({ n: Count('*', { filter: { rating__gte: 4.5 } }) })))).toEqual({ n: 2 })
    expect(await run(pipe(Book.objects, aggregate({ n: Count('pk', { filter: { price__gt: '50' } }) })))).toEqual({ n: 2 })
  })

  it('Min and Max keep the field type: decimals, dates, datetimes, times', async () => {
    expect(await run(pipe(Book.objects, aggregate(Min('price'), Max('price'), Max('pubdate'))))).toEqual({
      price__min: '23.09',
      price__max: '82.80',
      pubdate__max: '2008-11-03',
    })
    expect(await run(pipe(Store.objects, aggregate(Max('fridayNightClosing'), Min('originalOpening'))))).toEqual({
      fridayNightClosing__max: '23:59:59',
      originalOpening__min: new Date('1945-04-25T16:24:14Z'),
    })
  })

  it('Avg of a decimal is a number', async () => {
    const r = await run(pipe(Book.objects, filter({ rating: 4 }), aggregate({ avgPrice: Avg('price') })))
    expect(typeof r.avgPrice).toBe('number')
    expect(r.avgPrice).toBeCloseTo(47.3933333, 6)
  })

  it('StdDev and Variance, population and sample', async () => {
    const r = await run(
      pipe(
        Book.objects,
        aggregate({
          sd: StdDev('pages'),
          sds: StdDev('pages', { sample: true }),
          v: Variance('rating'),
          vs: Variance('rating', { sample: true }),
        }),
      ),
    )
    // pages 447, 528, 300, 350, 1132, 946: mean 617.1666…
    expect(r.sd).toBeCloseTo(311.4655768, 6)
    expect(r.sds).toBeCloseTo(341.1934446, 6)
    expect(r.v).toBeCloseTo(0.3680556, 6)
    expect(r.vs).toBeCloseTo(0.4416667, 6)
  })

  it('aggregates combine arithmetically and with Coalesce', async () => {
    expect(await run(pipe(Author.objects, aggregate({ avAge: Sum('age').div(Count('*')) })))).toEqual({ avAge: 37 })
    expect(await run(pipe(Author.objects, aggregate({ avAge: Sum('age').div(Count('age')) })))).toEqual({ avAge: 37 })
    const p1 = await run(pipe(Book.objects, filter({ rating: 4 }), aggregate({ avgPrice: Avg('price').add(2).mul(3) })))
    expect(p1.avgPrice).toBeCloseTo(148.18, 2)
    const p2 = await run(pipe(Book.objects, filter({ rating: 4 }), aggregate({ avgPrice: Avg('price').add(2 * 3) })))
    expect(p2.avgPrice).toBeCloseTo(53.39, 2)
    expect(await run(pipe(Author.objects, filter({ age__gt: 100 }), aggregate({ s: Coalesce(Sum('age'), 0) })))).toEqual({ s: 0 })
  })

  it('default applies when there are no rows', async () => {
    const empty = pipe(Author.objects, filter({ age__gt: 100 }))
    expect(await run(pipe(empty, aggregate({ s: Sum('age', { default: 0 }), a: Avg('age', { default: 21 }), m: Max('age'), n: Count('age') })))).toEqual({
      s: 0,
      a: 21,
      m: null,
      n: 0,
    })
  })

  it('on none(): Django’s defaults, and no statement', async () => {
    let r: unknown
    const n = await countQueries(ctx().db, async () => {
      r = await run(
        pipe(
          Author.objects,
          none(),
          aggregate(Count('age'), Sum('age'), { d: Sum('age', { default: 5 }), c: Coalesce(Max('age'), 0), x: Count('*').add(1) }),
        ),
      )
    })
    expect(n).toBe(0)
    expect(r).toEqual({ age__count: 0, age__sum: null, d: 5, c: 0, x: 1 })
    const m = await countQueries(ctx().db, async () => {
      expect(await run(pipe(Author.objects, filter({ pk__in: [] }), aggregate(Count('age'), Avg('age'))))).toEqual({ age__count: 0, age__avg: null })
    })
    expect(m).toBe(0)
  })

  it('over a sliced QuerySet: a subquery, with its ordering', async () => {
    const { result, queries } = await captureQueries(ctx().db, () =>
      run(pipe(Book.objects, orderBy('-rating'), slice(0, 3), aggregate({ top3: Avg('rating') }))),
    )
    expect(result.top3).toBeCloseTo(4.5, 10)
    expect(queries).toHaveLength(1)
    expect(queries[0].sql).toMatch(/from \(select/i)
    expect(await run(pipe(Author.objects, orderBy('age'), slice(0, 2), aggregate(Sum('age'), Count('pk'))))).toEqual({
      age__sum: 54,
      pk__count: 2,
    })
  })

  it('over a distinct QuerySet: only the distinct rows', async () => {
    const ages = pipe(Author.objects, values('age'), distinct())
    expect(await run(pipe(ages, aggregate(Sum('age'))))).toEqual({ age__sum: 308 })
    expect(await run(pipe(Book.objects, values('publisher'), distinct(), aggregate({ n: Count('*') })))).toEqual({ n: 4 })
  })

  it('over values(): the aggregate ignores the selection', async () => {
    expect(await run(pipe(Book.objects, values('rating'), aggregate({ maxRating: Max('rating') })))).toEqual({ maxRating: 5 })
    expect(await run(pipe(Book.objects, values('rating'), aggregate({ d: Max('rating').add(Max('rating')) })))).toEqual({ d: 10 })
  })

  it('over values().annotate(): aggregates of the groups', async () => {
    const perRating = pipe(Book.objects, values('rating'), annotate({ booksPerRating: Count('id') }))
    expect(await run(pipe(perRating, aggregate(Max('booksPerRating'))))).toEqual({ booksPerRating__max: 3 })
    const plus = pipe(Book.objects, values('rating'), annotate({ booksPerRating: Count('id').add(5) }))
    expect(await run(pipe(plus, aggregate(Max('booksPerRating'))))).toEqual({ booksPerRating__max: 8 })
  })

  it('over an annotation: plain annotations directly, aggregate ones through a subquery', async () => {
    const aliased = pipe(Author.objects, annotate({ ageAlias: F('age') }), aggregate({ sumAge: Sum('ageAlias') }))
    expect(await run(aliased)).toEqual({ sumAge: 337 })
    const perPublisher = pipe(Publisher.objects, annotate({ numBooks: Count('book') }))
    expect(await run(pipe(perPublisher, aggregate({ most: Max('numBooks'), total: Sum('numBooks'), mean: Avg('numBooks') })))).toEqual({
      most: 2,
      total: 6,
      mean: 1.2,
    })
    const priced = pipe(Publisher.objects, annotate({ total: Sum('book__price') }))
    expect(await run(pipe(priced, aggregate({ top: Max('total'), twice: Max('total').add(Max('total')) })))).toEqual({
      top: '112.49',
      twice: '224.98',
    })
  })

  it('an aggregate over an aggregate is a FieldError', async () => {
    const e = await ctx().db.run(pipe(Author.objects, aggregate(Sum('age'), { x: Avg('age__sum') }))).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(FieldError)
    const f = await ctx().db.run(pipe(Author.objects, aggregate({ x: Sum(Avg('age')) }))).catch((x: unknown) => x)
    expect(f).toBeInstanceOf(FieldError)
    expect(String(f)).toMatch(/aggregate over an aggregate/)
  })

  it('entries must be aggregates, and complex ones need a name', async () => {
    await expect(run(pipe(Book.objects, aggregate({ fail: F('price') })))).rejects.toThrow(/fail is not an aggregate expression/)
    await expect(run(pipe(Book.objects, aggregate(Sum('age').div(Count('age')) as never)))).rejects.toThrow(/Complex aggregates require an alias/)
    await expect(run(pipe(Book.objects, aggregate(Count('*') as never)))).rejects.toThrow(/Complex aggregates require an alias/)
    expect(await run(pipe(Author.objects, aggregate()))).toEqual({})
  })

  it('the result types are the same on every backend', async () => {
    const r = await run(pipe(Book.objects, aggregate({ n: Count('*'), pages: Sum('pages'), rating: Sum('rating'), price: Sum('price'), avg: Avg('pages') })))
    expect(r).toEqual({ n: 6, pages: 3703, rating: 24.5, price: '270.27', avg: 3703 / 6 })
    expect(typeof r.n).toBe('number')
    expect(typeof r.pages).toBe('number')
    expect(typeof r.avg).toBe('number')
  })
})
