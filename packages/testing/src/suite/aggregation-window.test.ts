// Window functions (DESIGN §1 @fjord/aggregate), after Django's tests/expressions_window: ranking,
// value and aggregate functions over partitions, orderings and frames, and filtering on a window
// annotation (the query is wrapped, as Django 4.2+ does).
import { Avg, aggregate, Count, CumeDist, DenseRank, FirstValue, Lag, LastValue, Lead, Max, NthValue, NTile, PercentRank, Rank, RowNumber, RowRange, Sum, ValueRange, Window } from '@fjord/aggregate'
import { annotate, count, type Effect, exclude, F, filter, or, orderBy, slice, toArray, toSql, values, valuesList } from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { describeEachBackend, truncate } from '../helpers.js'
import { aggregationModels, Book, seedAggregation } from './fixtures-aggregation.js'

describeEachBackend('aggregation: window functions', aggregationModels, (ctx) => {
  beforeAll(async () => {
    await truncate(ctx().db, [...aggregationModels])
    await seedAggregation(ctx().db)
  })
  beforeEach((t) => {
    if (!ctx().db.dialect.features.supportsOverClause) t.skip('this backend has no window functions')
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  // Books by publication date: b6 (1991), b5 (1995), b1 (2007), b2, b3, b4 (2008).
  const byDate = <Q,>(qs: Q) => orderBy('pubdate')(qs as never) as Q

  it('RowNumber, Rank, DenseRank, PercentRank and CumeDist over an ordering', async () => {
    const rows = await run(
      pipe(
        Book.objects,
        annotate({
          rn: Window(RowNumber(), { orderBy: ['-rating', 'pk'] }),
          rank: Window(Rank(), { orderBy: '-rating' }),
          dense: Window(DenseRank(), { orderBy: F('rating').desc() }),
          pct: Window(PercentRank(), { orderBy: '-rating' }),
          cume: Window(CumeDist(), { orderBy: '-rating' }),
        }),
        orderBy('rn'),
        valuesList('rating', 'rn', 'rank', 'dense', 'pct', 'cume'),
        toArray,
      ),
    )
    expect(rows).toEqual([
      [5, 1, 1, 1, 0, 1 / 6],
      [4.5, 2, 2, 2, 0.2, 2 / 6],
      [4, 3, 3, 3, 0.4, 5 / 6],
      [4, 4, 3, 3, 0.4, 5 / 6],
      [4, 5, 3, 3, 0.4, 5 / 6],
      [3, 6, 6, 4, 1, 1],
    ])
  })

  it('partitions: a rank per publisher', async () => {
    const rows = await run(
      pipe(Book.objects, annotate({ rank: Window(Rank(), { partitionBy: 'publisher', orderBy: '-pages' }) }), orderBy('pk'), valuesList('pages', 'rank'), toArray),
    )
    expect(rows).toEqual([
      [447, 1],
      [528, 1],
      [300, 2],
      [350, 2],
      [1132, 1],
      [946, 1],
    ])
  })

  it('aggregates over windows: per partition, running totals with a frame, over everything', async () => {
    const rows = await run(
      pipe(
        Book.objects,
        annotate({
          perPublisher: Window(Sum('pages'), { partitionBy: F('publisher') }),
          running: Window(Sum('pages'), { orderBy: 'pubdate', frame: RowRange(null, 0) }),
          around: Window(Max('pages'), { orderBy: 'pubdate', frame: RowRange(-1, 1) }),
          meanPrice: Window(Avg('price'), { partitionBy: 'publisher' }),
        }),
        byDate,
        valuesList('perPublisher', 'running', 'around', 'meanPrice'),
        toArray,
      ),
    )
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      [946, 946, 1132],
      [1482, 2078, 1132],
      [747, 2525, 1132],
      [528, 3053, 528],
      [747, 3353, 528],
      [1482, 3703, 350],
    ])
    // Separate: MariaDB 10.11 mixes up a partitioned window when OVER () and an ordered frame share
    // its query (a server bug, not a compile one: the SQL is the same as on the other backends).
    const totals = await run(
      pipe(Book.objects, annotate({ total: Window(Count('*')), share: Window(Sum('pages'), { partitionBy: 'publisher' }) }), byDate, valuesList('total', 'share'), toArray),
    )
    expect(totals).toEqual([
      [6, 946],
      [6, 1482],
      [6, 747],
      [6, 528],
      [6, 747],
      [6, 1482],
    ])
    const means = rows.map((r) => r[3])
    expect(means.every((m) => typeof m === 'number')).toBe(true)
    expect(means[0]).toBeCloseTo(75, 10)
    expect(means[1]).toBeCloseTo(56.245, 10)
    expect(means[2]).toBeCloseTo(29.845, 10)
  })

  it('a RANGE frame groups the ordering’s peers', async () => {
    const rows = await run(
      pipe(Book.objects, annotate({ upTo: Window(Sum('pages'), { orderBy: 'rating', frame: ValueRange(null, 0) }) }), orderBy('rating', 'pk'), valuesList('rating', 'upTo'), toArray),
    )
    expect(rows).toEqual([
      [3, 528],
      [4, 2310],
      [4, 2310],
      [4, 2310],
      [4.5, 2757],
      [5, 3703],
    ])
  })

  it('Lag and Lead, with an offset and a default; FirstValue, LastValue, NthValue; NTile', async () => {
    const rows = await run(
      pipe(
        Book.objects,
        annotate({
          prev: Window(Lag('pages'), { orderBy: 'pubdate' }),
          prev2: Window(Lag('pages', 2), { orderBy: 'pubdate' }),
          next: Window(Lead('pages', 1, 0), { orderBy: 'pubdate' }),
          first: Window(FirstValue('pages'), { orderBy: 'pubdate' }),
          last: Window(LastValue('pages'), { orderBy: 'pubdate', frame: RowRange(null, null) }),
          second: Window(NthValue('pages', 2), { orderBy: 'pubdate' }),
        }),
        byDate,
        valuesList('pages', 'prev', 'prev2', 'next', 'first', 'last', 'second'),
        toArray,
      ),
    )
    expect(rows).toEqual([
      [946, null, null, 1132, 946, 350, null],
      [1132, 946, null, 447, 946, 350, 1132],
      [447, 1132, 946, 528, 946, 350, 1132],
      [528, 447, 1132, 300, 946, 350, 1132],
      [300, 528, 447, 350, 946, 350, 1132],
      [350, 300, 528, 0, 946, 350, 1132],
    ])
    const prices = await run(pipe(Book.objects, annotate({ prevPrice: Window(Lag('price'), { orderBy: 'pubdate' }) }), byDate, valuesList('prevPrice', { flat: true }), toArray))
    expect(prices).toEqual([null, '75.00', '82.80', '30.00', '23.09', '29.69'])
    const tiles = await run(pipe(Book.objects, annotate({ tile: Window(NTile(3), { orderBy: 'pages' }) }), orderBy('pages'), valuesList('tile', { flat: true }), toArray))
    expect(tiles).toEqual([1, 1, 2, 2, 3, 3])
  })

  it('ordering by a window annotation', async () => {
    const names = await run(
      pipe(Book.objects, annotate({ rn: Window(RowNumber(), { orderBy: 'pubdate' }) }), orderBy('-rn'), valuesList('pages', { flat: true }), toArray),
    )
    expect(names).toEqual([350, 300, 528, 447, 1132, 946])
  })

  describe('filtering on a window annotation', () => {
    const ranked = () => pipe(Book.objects, annotate({ rank: Window(Rank(), { partitionBy: 'publisher', orderBy: '-pages' }) }))

    it('wraps the query: the condition applies outside', async () => {
      const q = pipe(ranked(), filter({ rank: 1 }), orderBy('pk'))
      expect(await run(pipe(q, valuesList('pages', { flat: true }), toArray))).toEqual([447, 528, 1132, 946])
      expect(toSql(q)(ctx().db).sql).toMatch(/from \(select/i)
      expect(await run(pipe(q, count))).toBe(4)
      const rows = await run(toArray(q))
      expect(rows[0]).toMatchObject({ name: 'The Definitive Guide to Django: Web Development Done Right', rank: 1 })
    })

    it('other conditions of the same filter() apply first, inside (as Django)', async () => {
      const q = pipe(ranked(), filter({ rank: 1, rating__lt: 4.5 }), orderBy('pk'), valuesList('pages', { flat: true }), toArray)
      // Among books rated under 4.5, the longest of each publisher.
      expect(await run(q)).toEqual([528, 300, 1132])
    })

    it('exclude, OR with a plain condition, and ordering and slicing outside', async () => {
      expect(await run(pipe(ranked(), exclude({ rank: 1 }), orderBy('pk'), valuesList('pages', { flat: true }), toArray))).toEqual([300, 350])
      const either = pipe(ranked(), filter(or({ rank: 2 }, { name__startswith: 'Sams' })), orderBy('pk'), valuesList('pages', { flat: true }), toArray)
      expect(await run(either)).toEqual([528, 300, 350])
      const top = pipe(ranked(), filter({ rank__lte: 1 }), orderBy('-pages'), slice(1, 3), valuesList('pages', { flat: true }), toArray)
      expect(await run(top)).toEqual([946, 528])
    })

    it('over values(), and aggregate() over a window annotation', async () => {
      const rows = await run(pipe(ranked(), filter({ rank: 2 }), orderBy('pages'), values('pages', 'rank'), toArray))
      expect(rows).toEqual([
        { pages: 300, rank: 2 },
        { pages: 350, rank: 2 },
      ])
      const running = pipe(Book.objects, annotate({ running: Window(Sum('pages'), { orderBy: 'pubdate', frame: RowRange(null, 0) }) }))
      expect(await run(pipe(running, aggregate({ top: Max('running') })))).toEqual({ top: 3703 })
    })
  })
})
