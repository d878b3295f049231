// annotate() with aggregates (DESIGN §7), after Django's tests/aggregation: across forward and
// reverse relations, GROUP BY inferred from the rows or from values(), conditions and ordering on
// aggregates (HAVING, ORDER BY), and several multi-valued relations counted without double counting.
import { Avg, aggregate, Count, Max, Min, Sum } from '@fjord/aggregate'
import {
  annotate,
  Coalesce,
  count,
  type Effect,
  exclude,
  exists,
  F,
  FieldError,
  filter,
  get,
  or,
  orderBy,
  slice,
  toArray,
  toSql,
  values,
  valuesList,
} from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { describeEachBackend, truncate } from '../helpers.js'
import { type AggregationRows, Author, aggregationModels, Book, names, Publisher, seedAggregation } from './fixtures-aggregation.js'

describeEachBackend('aggregation: annotate()', aggregationModels, (ctx) => {
  let s: AggregationRows
  beforeAll(async () => {
    await truncate(ctx().db, [...aggregationModels])
    s = await seedAggregation(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)

  it('across a forward foreign key', async () => {
    const rows = await run(pipe(Book.objects, annotate(Sum('publisher__numAwards')), orderBy('name'), toArray))
    expect(rows.map((b) => [b.name.slice(0, 12), b.publisher__numAwards__sum])).toEqual([
      ['Artificial I', 7],
      ['Paradigms of', 9],
      ['Practical Dj', 3],
      ['Python Web D', 7],
      ['Sams Teach Y', 1],
      ['The Definiti', 3],
    ])
  })

  it('across a reverse foreign key: every parent, decimals exact, null for none', async () => {
    const rows = await run(pipe(Publisher.objects, annotate(Sum('book__price')), orderBy('name'), toArray))
    expect(rows.map((p) => [p.name, p.book__price__sum])).toEqual([
      ['Apress', '59.69'],
      ["Jonno's House of Books", null],
      ['Morgan Kaufmann', '75.00'],
      ['Prentice Hall', '112.49'],
      ['Sams', '23.09'],
    ])
  })

  it('Count over a reverse foreign key counts the related rows, 0 for none', async () => {
    const rows = await run(pipe(Publisher.objects, annotate({ bookCount: Count('book') }), orderBy('name'), valuesList('name', 'bookCount'), toArray))
    expect(rows).toEqual([
      ['Apress', 2],
      ["Jonno's House of Books", 0],
      ['Morgan Kaufmann', 1],
      ['Prentice Hall', 2],
      ['Sams', 1],
    ])
    const byName = await run(pipe(Author.objects, annotate({ n: Count('bookContactSet') }), orderBy('pk'), valuesList('n', { flat: true }), toArray))
    expect(byName).toEqual([1, 0, 1, 1, 1, 0, 0, 2, 0])
  })

  it('Avg is a number; Min/Max keep dates; Count with a filter and distinct', async () => {
    const rows = await run(
      pipe(
        Publisher.objects,
        annotate({
          avgRating: Avg('book__rating'),
          earliest: Min('book__pubdate'),
          good: Count('book', { filter: { book__rating__gte: 4.5 } }),
          ratings: Count('book__rating', { distinct: true }),
        }),
        orderBy('pk'),
        values('name', 'avgRating', 'earliest', 'good', 'ratings'),
        toArray,
      ),
    )
    expect(rows).toEqual([
      { name: 'Apress', avgRating: 4.25, earliest: '2007-12-06', good: 1, ratings: 2 },
      { name: 'Sams', avgRating: 3, earliest: '2008-03-03', good: 0, ratings: 1 },
      { name: 'Prentice Hall', avgRating: 4, earliest: '1995-01-15', good: 0, ratings: 1 },
      { name: 'Morgan Kaufmann', avgRating: 5, earliest: '1991-10-15', good: 1, ratings: 1 },
      { name: "Jonno's House of Books", avgRating: null, earliest: null, good: 0, ratings: 0 },
    ])
  })

  it('a condition on an aggregate goes to HAVING', async () => {
    const many = pipe(Publisher.objects, annotate({ numBooks: Count('book__id') }), filter({ numBooks__gt: 1 }), orderBy('pk'))
    expect(names(await run(toArray(many)))).toEqual(['Apress', 'Prentice Hall'])
    expect(toSql(many)(ctx().db).sql).toMatch(/having/i)
    const counted = pipe(Publisher.objects, annotate({ numBooks: Count('book') }))
    expect(names(await run(pipe(counted, filter({ numBooks__range: [1, 2] }), orderBy('pk'), toArray)))).toEqual([
      'Apress',
      'Sams',
      'Prentice Hall',
      'Morgan Kaufmann',
    ])
    expect(names(await run(pipe(counted, filter({ numBooks__in: [0, 1] }), orderBy('pk'), toArray)))).toEqual([
      'Sams',
      'Morgan Kaufmann',
      "Jonno's House of Books",
    ])
    expect(await run(pipe(counted, filter({ numBooks__isnull: true }), toArray))).toEqual([])
    expect(await run(pipe(counted, filter({ numBooks__gt: 1 }), count))).toBe(2)
    expect(await run(pipe(counted, filter({ numBooks__gt: 5 }), exists))).toBe(false)
  })

  it('filter() before annotate() shares its join; after, it gets its own (Django’s test_filtering)', async () => {
    const cheapFirst = pipe(Publisher.objects, filter({ book__price__lt: '40' }), annotate({ numBooks: Count('book__id') }))
    expect(names(await run(pipe(cheapFirst, filter({ numBooks__gt: 1 }), orderBy('pk'), toArray)))).toEqual(['Apress'])
    expect(await run(pipe(cheapFirst, orderBy('pk'), valuesList('name', 'numBooks'), toArray))).toEqual([
      ['Apress', 2],
      ['Sams', 1],
      ['Prentice Hall', 1],
    ])
    // After annotate(), the condition's rows multiply the counted ones, as in Django.
    const countedFirst = pipe(Publisher.objects, annotate({ numBooks: Count('book__id') }), filter({ numBooks__gt: 1, book__price__lt: '40' }), orderBy('pk'))
    expect(names(await run(toArray(countedFirst)))).toEqual(['Apress', 'Prentice Hall'])
    // Plain conditions of that call stay in WHERE, the aggregate one goes to HAVING.
    expect(toSql(countedFirst)(ctx().db).sql).toMatch(/where .*price.* having .*count/is)
    const sum = await run(pipe(Publisher.objects, filter({ book__rating__gte: 4.5 }), aggregate({ pages: Sum('book__pages') })))
    expect(sum).toEqual({ pages: 447 + 946 })
  })

  it('conditions of separate filter() calls each keep their own OR', async () => {
    const q = pipe(Publisher.objects, filter(or({ name: 'Apress' }, { numAwards: 9 })), filter(or({ numAwards__lt: 5 }, { name: 'Sams' })), orderBy('pk'), toArray)
    expect(names(await run(q))).toEqual(['Apress'])
  })

  it('exclude and orderBy on an aggregate (Django’s test_even_more_aggregate)', async () => {
    const rows = await run(
      pipe(
        Publisher.objects,
        annotate({ earliestBook: Min('book__pubdate') }),
        exclude({ earliestBook: null }),
        orderBy('earliestBook'),
        values('earliestBook', 'numAwards', 'name'),
        toArray,
      ),
    )
    expect(rows).toEqual([
      { earliestBook: '1991-10-15', numAwards: 9, name: 'Morgan Kaufmann' },
      { earliestBook: '1995-01-15', numAwards: 7, name: 'Prentice Hall' },
      { earliestBook: '2007-12-06', numAwards: 3, name: 'Apress' },
      { earliestBook: '2008-03-03', numAwards: 1, name: 'Sams' },
    ])
  })

  it('values().annotate() groups by the values; ordering by the aggregate', async () => {
    const oldest = pipe(Book.objects, values('rating'), annotate({ oldest: Max('contact__age') }))
    expect(await run(pipe(oldest, orderBy('oldest', 'rating'), toArray))).toEqual([
      { rating: 4.5, oldest: 34 },
      { rating: 3, oldest: 45 },
      { rating: 4, oldest: 57 },
      { rating: 5, oldest: 57 },
    ])
    expect(await run(pipe(oldest, orderBy('-oldest', '-rating'), toArray))).toEqual([
      { rating: 5, oldest: 57 },
      { rating: 4, oldest: 57 },
      { rating: 3, oldest: 45 },
      { rating: 4.5, oldest: 34 },
    ])
    const perRating = pipe(Book.objects, values('rating'), annotate({ n: Count('id'), meanPages: Avg('pages') }), orderBy('rating'))
    expect(await run(toArray(perRating))).toEqual([
      { rating: 3, n: 1, meanPages: 528 },
      { rating: 4, n: 3, meanPages: 594 },
      { rating: 4.5, n: 1, meanPages: 447 },
      { rating: 5, n: 1, meanPages: 946 },
    ])
    const prices = pipe(Book.objects, valuesList('price'), annotate({ n: Count('price') }), orderBy('-n', 'price'), toArray)
    expect(await run(prices)).toEqual([
      ['29.69', 2],
      ['23.09', 1],
      ['30.00', 1],
      ['75.00', 1],
      ['82.80', 1],
    ])
  })

  it('values() after annotate() keeps one row per object; before it, groups by the values', async () => {
    const perBook = pipe(Book.objects, annotate({ awards: Sum('publisher__numAwards') }), values('rating', 'awards'), orderBy('pk'), toArray)
    expect(await run(perBook)).toEqual([
      { rating: 4.5, awards: 3 },
      { rating: 3, awards: 1 },
      { rating: 4, awards: 3 },
      { rating: 4, awards: 7 },
      { rating: 4, awards: 7 },
      { rating: 5, awards: 9 },
    ])
    const perRating = pipe(Book.objects, values('rating'), annotate({ awards: Sum('publisher__numAwards') }), orderBy('rating'), toArray)
    expect(await run(perRating)).toEqual([
      { rating: 3, awards: 1 },
      { rating: 4, awards: 17 },
      { rating: 4.5, awards: 3 },
      { rating: 5, awards: 9 },
    ])
  })

  it('a positional annotation is named <path>__<function>, and filters and orders by that name', async () => {
    const q = pipe(Publisher.objects, annotate(Sum('book__price')), filter({ book__price__sum__gt: '60' }), orderBy('-book__price__sum'))
    const rows = await run(toArray(q))
    expect(rows.map((p) => [p.name, p.book__price__sum])).toEqual([
      ['Prentice Hall', '112.49'],
      ['Morgan Kaufmann', '75.00'],
    ])
  })

  it('values() of an annotated row, get() and Coalesce over an aggregate', async () => {
    const one = await run(pipe(Book.objects, filter({ pk: s.b1.id }), annotate({ contactAge: Max('contact__age') }), values(), toArray))
    expect(one).toEqual([{ ...s.b1, contactAge: 34 }])
    const apress = await run(pipe(Publisher.objects, annotate({ n: Count('book') }), get({ name: 'Apress' })))
    expect(apress.n).toBe(2)
    const pages = await run(pipe(Publisher.objects, annotate({ pages: Coalesce(Sum('book__pages'), 0) }), orderBy('pk'), valuesList('pages', { flat: true }), toArray))
    expect(pages).toEqual([747, 528, 1482, 946, 0])
  })

  it('an aggregate over a plain annotation works; over an aggregate annotation it is a FieldError', async () => {
    const adrian = await run(pipe(Author.objects, annotate({ ageAlias: F('age') }), annotate({ sumAge: Sum('ageAlias') }), get({ name: 'Adrian Holovaty' })))
    expect(adrian.sumAge).toBe(34)
    const e = await run(pipe(Book.objects, annotate(Max('id')), annotate(Sum('id__max')), toArray)).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(FieldError)
    expect(String(e)).toMatch(/id__max/)
    await expect(run(pipe(Author.objects, annotate(Sum(F('age').add(F('age'))) as never), toArray))).rejects.toThrow(/Complex annotations require an alias/)
  })

  it('aggregates over different reverse relations each count their own rows', async () => {
    const both = pipe(Publisher.objects, annotate({ books: Count('book'), awards: Count('award') }), orderBy('pk'))
    expect(await run(pipe(both, valuesList('name', 'books', 'awards'), toArray))).toEqual([
      ['Apress', 2, 3],
      ['Sams', 1, 0],
      ['Prentice Hall', 2, 1],
      ['Morgan Kaufmann', 1, 0],
      ["Jonno's House of Books", 0, 0],
    ])
    const sums = pipe(Publisher.objects, annotate({ prizes: Sum('award__prize'), price: Sum('book__price'), pages: Max('book__pages') }), orderBy('pk'))
    expect(await run(pipe(sums, valuesList('prizes', 'price', 'pages'), toArray))).toEqual([
      ['1350.49', '59.69', 447],
      [null, '23.09', 528],
      ['500.00', '112.49', 1132],
      [null, '75.00', 946],
      [null, null, null],
    ])
    expect(names(await run(pipe(both, filter({ awards__gte: 1, books__gte: 2 }), toArray)))).toEqual(['Apress', 'Prentice Hall'])
    expect(names(await run(pipe(both, orderBy('-awards', '-books', 'name'), slice(0, 3), toArray)))).toEqual(['Apress', 'Prentice Hall', 'Morgan Kaufmann'])
    expect(await run(pipe(both, aggregate({ books: Sum('books'), awards: Sum('awards') })))).toEqual({ books: 6, awards: 4 })
    expect(await run(pipe(both, count))).toBe(5)
  })

  it('each isolated aggregate keeps the earlier filters on its own relation', async () => {
    const cheap = pipe(Publisher.objects, filter({ book__price__lt: '40' }), annotate({ books: Count('book'), awards: Count('award') }), orderBy('pk'))
    expect(await run(pipe(cheap, valuesList('name', 'books', 'awards'), toArray))).toEqual([
      ['Apress', 2, 3],
      ['Sams', 1, 0],
      ['Prentice Hall', 1, 1],
    ])
  })

  it('GROUP BY the primary key alone where the backend infers the other columns from it', async () => {
    const q = pipe(Publisher.objects, annotate({ n: Count('book') }), orderBy('pk'))
    const groupBy = /group by (.*?)(?: order by|$)/is.exec(toSql(q)(ctx().db).sql)?.[1] ?? ''
    const columns = groupBy.split(',').length
    if (ctx().db.dialect.features.allowsGroupBySelectedPks) expect(columns).toBe(1)
    else expect(columns).toBeGreaterThanOrEqual(Publisher.meta.concreteFields.length)
    expect(await run(pipe(q, valuesList('n', { flat: true }), toArray))).toEqual([2, 1, 2, 1, 0])
  })

  it('one multi-valued relation keeps the plain join (and Django’s semantics)', async () => {
    const q = pipe(Publisher.objects, annotate({ books: Count('book'), price: Sum('book__price'), awardsField: Max('numAwards') }))
    expect(toSql(q)(ctx().db).sql.match(/select/gi)).toHaveLength(1)
    const both = pipe(Publisher.objects, annotate({ books: Count('book'), awards: Count('award') }))
    expect(toSql(both)(ctx().db).sql.match(/select/gi)?.length).toBeGreaterThan(1)
  })
})
