// Edge cases of lookups from Django's tests/lookup: field names that collide with lookup names
// (test_lookup_collision), regex on NULL and non-ASCII text, NULL inside an `in` list, iexact None.
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { count, create, type Effect, exclude, filter, orderBy, Q, toArray, valuesList } from '@fjord/core'
import { describeEachBackend, truncate } from '../helpers.js'
import { Game, Season, seasonModels } from './fixtures-query.js'

describeEachBackend('lookups: collisions and NULLs', seasonModels, (ctx) => {
  beforeAll(async () => {
    const db = ctx().db
    await truncate(db, [...seasonModels])
    const games: Record<number, string[]> = {
      2009: ['St. Louis Cardinals'],
      2010: ['Chicago Cubs', 'Milwaukee Brewers', 'St. Louis Cardinals'],
      2011: ['St. Louis Cardinals', 'Milwaukee Brewers'],
    }
    const codes: Record<number, number> = { 2009: 111, 2010: 222, 2011: 333 }
    const nick: Record<number, string | null> = { 2009: 'Ünïcode ♠', 2010: null, 2011: 'plain' }
    for (const year of [2009, 2010, 2011]) {
      const season = await db.run(create(Season, { year, gt: codes[year], nickname: nick[year] }))
      for (const away of games[year]) await db.run(create(Game, { season, home: 'Houston Astros', away }))
    }
    await db.run(create(Season, { year: 2012, gt: null }))
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  const gamesWhere = (c: Record<string, unknown>) => run(pipe(Game.objects, filter(Q(c)), count))

  it("fields named 'year' and 'gt' are fields first, lookups after", async () => {
    expect(await run(pipe(Season.objects, filter({ year: 2009 }), count))).toBe(1)
    expect(await run(pipe(Season.objects, filter({ year__gt: 2009 }), count))).toBe(3)
    expect(await run(pipe(Season.objects, filter({ gt: 111 }), count))).toBe(1)
    expect(await run(pipe(Season.objects, filter({ gt__gt: 111 }), count))).toBe(2)
    expect(await run(pipe(Season.objects, filter({ gt__exact: 222 }), valuesList('year', { flat: true }), toArray))).toEqual([2010])
  })

  it('the same names across a relation (Django test_lookup_collision)', async () => {
    expect(await gamesWhere({ season__year: 2010 })).toBe(3)
    expect(await gamesWhere({ season__year__exact: 2010 })).toBe(3)
    expect(await gamesWhere({ season__gt: 222 })).toBe(3)
    expect(await gamesWhere({ season__gt__exact: 222 })).toBe(3)
    expect(await gamesWhere({ season__year: 2011 })).toBe(2)
    expect(await gamesWhere({ season__gt__gt: 222 })).toBe(2)
    expect(await gamesWhere({ season__year__gt: 2010 })).toBe(2)
    expect(await gamesWhere({ season__gt__lt: 222 })).toBe(1)
    expect(await run(pipe(Season.objects, filter(Q({ games__away: 'Chicago Cubs' })), valuesList('year', { flat: true }), toArray))).toEqual([2010])
  })

  it('regex never matches NULL and handles non-ASCII text', async () => {
    expect(await run(pipe(Season.objects, filter({ nickname__regex: '^$' }), count))).toBe(0)
    expect(await run(pipe(Season.objects, filter({ nickname__regex: '♠' }), valuesList('year', { flat: true }), toArray))).toEqual([2009])
    expect(await run(pipe(Season.objects, filter({ nickname__regex: '^Ünï' }), count))).toBe(1)
    expect(await run(pipe(Season.objects, filter({ nickname__contains: 'ï' }), count))).toBe(1)
    expect(await run(pipe(Season.objects, exclude({ nickname__regex: 'a' }), orderBy('year'), valuesList('year', { flat: true }), toArray))).toEqual([2009, 2010, 2012])
  })

  it('NULL inside an in list is ignored; iexact null means IS NULL', async () => {
    expect(await run(pipe(Season.objects, filter({ gt__in: [null as never, 111] }), valuesList('year', { flat: true }), toArray))).toEqual([2009])
    expect(await run(pipe(Season.objects, filter({ nickname__iexact: null }), orderBy('year'), valuesList('year', { flat: true }), toArray))).toEqual([2010, 2012])
    expect(await run(pipe(Season.objects, filter({ gt: null }), valuesList('year', { flat: true }), toArray))).toEqual([2012])
    expect(await run(pipe(Season.objects, exclude({ gt__in: [111, 222] }), orderBy('year'), valuesList('year', { flat: true }), toArray))).toEqual([2011, 2012])
  })
})
