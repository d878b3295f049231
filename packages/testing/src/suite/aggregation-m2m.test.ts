// Aggregation across many-to-many relations (both directions, symmetrical, chained), after Django's
// tests/aggregation; and several many-to-many relations in one annotate without double counting.
import { Avg, aggregate, Count, Max, Min, Sum } from '@fjord/aggregate'
import { annotate, count, dates, distinct, type Effect, F, filter, get, orderBy, toArray, valuesList, values } from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { describeEachBackend, truncate } from '../helpers.js'
import { type AggregationRows, Author, aggregationModels, Book, names, Store, seedAggregation } from './fixtures-aggregation.js'

describeEachBackend('aggregation: many-to-many', aggregationModels, (ctx) => {
  let s: AggregationRows
  beforeAll(async () => {
    await truncate(ctx().db, [...aggregationModels])
    s = await seedAggregation(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)

  it('aggregate() across many-to-many relations, forward, reverse and symmetrical', async () => {
    const friends = await run(pipe(Author.objects, aggregate(Avg('friends__age'))))
    expect(friends.friends__age__avg).toBeCloseTo(477 / 14, 10)
    const authors = await run(pipe(Book.objects, filter({ rating__lt: 4.5 }), aggregate(Avg('authors__age'))))
    expect(authors.authors__age__avg).toBeCloseTo(268 / 7, 10)
    expect(await run(pipe(Author.objects, filter({ name__contains: 'a' }), aggregate(Avg('book__rating'))))).toEqual({ book__rating__avg: 4 })
    expect(await run(pipe(Author.objects, filter({ pk: s.a1.id }), aggregate(Count('friends__id'))))).toEqual({ friends__id__count: 2 })
  })

  it('aggregate() across chains of relations, and a named entry', async () => {
    expect(await run(pipe(Store.objects, aggregate(Max('books__authors__age'))))).toEqual({ books__authors__age__max: 57 })
    expect(await run(pipe(Author.objects, aggregate(Min('book__publisher__numAwards'))))).toEqual({ book__publisher__numAwards__min: 1 })
    const amazon = await run(pipe(Store.objects, filter({ name: 'Amazon.com' }), aggregate({ amazonMean: Avg('books__rating') })))
    expect(amazon.amazonMean).toBeCloseTo(24.5 / 6, 10)
  })

  it('annotate across a many-to-many relation', async () => {
    const b1 = await run(pipe(Book.objects, annotate({ meanAge: Avg('authors__age') }), get({ pk: s.b1.id })))
    expect(b1.meanAge).toBe(34.5)
    const rated = await run(pipe(Book.objects, filter({ rating__lt: 4.5 }), annotate(Avg('authors__age')), orderBy('name'), valuesList('name', 'authors__age__avg'), toArray))
    expect(rated.map(([n, v]) => [n.slice(0, 10), v === null ? null : Math.round(v * 1000) / 1000])).toEqual([
      ['Artificial', 51.5],
      ['Practical ', 29],
      ['Python Web', 30.333],
      ['Sams Teach', 45],
    ])
    const counted = await run(pipe(Book.objects, annotate({ numAuthors: Count('authors') }), orderBy('name'), valuesList('numAuthors', { flat: true }), toArray))
    expect(counted).toEqual([2, 1, 1, 3, 1, 2])
  })

  it('annotate across the reverse of a many-to-many relation', async () => {
    const rows = await run(pipe(Author.objects, filter({ name__contains: 'a' }), annotate(Avg('book__rating')), orderBy('name'), valuesList('name', 'book__rating__avg'), toArray))
    expect(rows).toEqual([
      ['Adrian Holovaty', 4.5],
      ['Brad Dayley', 3],
      ['Jacob Kaplan-Moss', 4.5],
      ['James Bennett', 4],
      ['Paul Bissex', 4],
      ['Stuart Russell', 4],
    ])
    const books = await run(pipe(Author.objects, annotate({ numBooks: Count('book') }), orderBy('name'), valuesList('numBooks', { flat: true }), toArray))
    expect(books).toEqual([1, 1, 1, 1, 1, 1, 2, 1, 1])
  })

  it('values().annotate() across a many-to-many relation; a symmetrical one per author', async () => {
    const perRating = await run(
      pipe(Book.objects, values('rating'), annotate({ nAuthors: Count('authors__id'), meanAge: Avg('authors__age') }), orderBy('rating'), toArray),
    )
    expect(perRating.map((r) => [r.rating, r.nAuthors, Math.round((r.meanAge ?? 0) * 100) / 100])).toEqual([
      [3, 1, 45],
      [4, 6, 37.17],
      [4.5, 2, 34.5],
      [5, 1, 57],
    ])
    const friends = await run(pipe(Author.objects, annotate(Avg('friends__age')), orderBy('name'), valuesList('friends__age__avg', { flat: true }), toArray))
    expect(friends.map((v) => (v === null ? null : Math.round(v * 100) / 100))).toEqual([32, null, 29.5, 34, 27, 31, 46, 57, 33.67])
  })

  it('conditions on many-to-many aggregates (HAVING), with distinct counts', async () => {
    const two = pipe(Book.objects, annotate({ numAuthors: Count('authors__name') }), filter({ numAuthors__exact: 2 }), orderBy('pk'))
    expect(await run(pipe(two, valuesList('pk', { flat: true }), toArray))).toEqual([s.b1.id, s.b5.id])
    const lonely = pipe(Author.objects, annotate({ numFriends: Count('friends__id', { distinct: true }) }), filter({ numFriends: 0 }), orderBy('pk'))
    expect(names(await run(toArray(lonely)))).toEqual(['Brad Dayley'])
    // The condition on authors is a separate filter() call's join: Django counts all the authors.
    const norvig = pipe(Book.objects, annotate({ numAuthors: Count('authors__id') }), filter({ authors__name__contains: 'Norvig', numAuthors__gt: 1 }))
    expect(names(await run(toArray(norvig)))).toEqual(['Artificial Intelligence: A Modern Approach'])
  })

  it('aggregate() over a distinct QuerySet filtered across a many-to-many relation', async () => {
    const authors = pipe(Author.objects, filter({ book__in: [s.b5.id, s.b6.id] }))
    expect(await run(count(authors))).toBe(3)
    expect(await run(pipe(authors, distinct(), count))).toBe(2)
    expect(await run(pipe(authors, distinct(), aggregate(Sum('age'))))).toEqual({ age__sum: 103 })
  })

  it('arithmetic inside and between aggregates, and aggregates over such an annotation', async () => {
    const expected = [132, null, 129, 63, 128, 120, 103, 103, 176]
    const inside = pipe(Author.objects, annotate({ combinedAges: Sum(F('age').add(F('friends__age'))) }), orderBy('name'))
    expect(await run(pipe(inside, valuesList('combinedAges', { flat: true }), toArray))).toEqual(expected)
    // One multi-valued relation: Sum('age') is repeated per friend, as in Django.
    const between = pipe(Author.objects, annotate({ combinedAges: Sum('age').add(Sum('friends__age')) }), orderBy('name'))
    expect(await run(pipe(between, valuesList('combinedAges', { flat: true }), toArray))).toEqual(expected)
    expect(await run(pipe(inside, aggregate({ maxCombinedAge: Max('combinedAges') })))).toEqual({ maxCombinedAge: 176 })
    expect(await run(pipe(inside, aggregate({ doubled: Max('combinedAges').mul(2), total: Sum('combinedAges') })))).toEqual({ doubled: 352, total: 954 })
  })

  it('a column beside an aggregate in one expression joins GROUP BY (Django’s test_values_annotation_with_expression)', async () => {
    const qs = pipe(Author.objects, values('name'), annotate({ anotherAge: Sum('age').add(F('age')) }))
    expect((await run(pipe(qs, get({ name: 'Adrian Holovaty' })))).anotherAge).toBe(68)
    const friends = pipe(qs, annotate({ friendCount: Count('friends') }))
    expect((await run(pipe(friends, get({ name: 'Adrian Holovaty' })))).friendCount).toBe(2)
  })

  it('dates() over an annotated QuerySet gives each date once', async () => {
    const years = await run(pipe(Book.objects, annotate({ numAuthors: Count('authors') }), dates('pubdate', 'year'), toArray))
    expect(years).toEqual(['1991-01-01', '1995-01-01', '2007-01-01', '2008-01-01'])
  })

  it('several many-to-many relations in one annotate: each counted on its own', async () => {
    const books = await run(
      pipe(Book.objects, annotate({ authorCount: Count('authors'), storeCount: Count('store') }), orderBy('pk'), valuesList('authorCount', 'storeCount'), toArray),
    )
    expect(books).toEqual([
      [2, 2],
      [1, 1],
      [1, 3],
      [3, 2],
      [2, 2],
      [1, 3],
    ])
    const authors = await run(
      pipe(
        Author.objects,
        annotate({ friendCount: Count('friends'), bookCount: Count('book'), friendAges: Sum('friends__age'), pagesWritten: Sum('book__pages') }),
        orderBy('pk'),
        valuesList('friendCount', 'bookCount', 'friendAges', 'pagesWritten'),
        toArray,
      ),
    )
    expect(authors).toEqual([
      [2, 1, 64, 447],
      [2, 1, 59, 447],
      [0, 1, null, 528],
      [1, 1, 34, 300],
      [2, 1, 54, 350],
      [2, 1, 62, 350],
      [3, 1, 101, 350],
      [1, 2, 46, 2078],
      [1, 1, 57, 1132],
    ])
    // Grouped by values(), the groups add up their rows' own counts and sums (ages 29: two authors).
    const byAge = await run(
      pipe(
        Author.objects,
        values('age'),
        annotate({ friendCount: Count('friends'), bookCount: Count('book'), friendAges: Sum('friends__age'), pagesWritten: Sum('book__pages') }),
        orderBy('age'),
        valuesList('age', 'friendCount', 'bookCount', 'friendAges', 'pagesWritten'),
        toArray,
      ),
    )
    expect(byAge).toEqual([
      [25, 3, 1, 101, 350],
      [29, 3, 2, 96, 650],
      [34, 2, 1, 64, 447],
      [35, 2, 1, 59, 447],
      [37, 2, 1, 54, 350],
      [45, 0, 1, null, 528],
      [46, 1, 1, 57, 1132],
      [57, 1, 2, 46, 2078],
    ])
    // Averages of a group: every related row of its rows counted once.
    const means = await run(
      pipe(Author.objects, values('age'), annotate({ friendAge: Avg('friends__age'), pages: Avg('book__pages') }), orderBy('age'), valuesList('age', 'friendAge', 'pages'), toArray),
    )
    expect(means.map(([age, f, p]) => [age, f === null ? null : Math.round(f * 1000) / 1000, p])).toEqual([
      [25, 33.667, 350],
      [29, 32, 325],
      [34, 32, 447],
      [35, 29.5, 447],
      [37, 27, 350],
      [45, null, 528],
      [46, 57, 1132],
      [57, 46, 1039],
    ])
    const stores = pipe(Store.objects, annotate({ bookCount: Count('books'), authorCount: Count('books__authors'), oldest: Max('books__authors__age') }), orderBy('pk'))
    // books and books__authors are different chains: books is not multiplied by the authors.
    expect(await run(pipe(stores, valuesList('bookCount', 'authorCount', 'oldest'), toArray))).toEqual([
      [6, 10, 57],
      [4, 6, 57],
      [3, 5, 57],
    ])
    expect(await run(pipe(stores, filter({ bookCount__gte: 4 }), aggregate({ authors: Sum('authorCount') })))).toEqual({ authors: 16 })
  })
})
