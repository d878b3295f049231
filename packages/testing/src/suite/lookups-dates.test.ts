// Date and time transforms with Django's numbering (tests/lookup, tests/db_functions/datetime,
// tests/dates, tests/datetimes): weekDay 1 = Sunday, isoWeekDay 1 = Monday, ISO weeks and years.
// Datetimes are stored and compared in UTC on every backend.
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { annotate, bulkCreate, count, dates, datetimes, deleteAll, type Effect, exclude, Extract, filter, orderBy, type QuerySet, toArray, toSql, Trunc, values, valuesList } from '@fjord/core'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Event, eventModels } from './fixtures-query.js'

// 2015-06-15 is a Monday (ISO week 25); 2016-01-01 a Friday in ISO week 53 of 2015; 2014-12-29 a Monday
// in ISO week 1 of 2015; 2020-11-08 a Sunday; 2015-06-20 a Saturday.
const rows = [
  { name: 'mon', at: new Date('2015-06-15T23:30:50Z'), day: '2015-06-15', clock: '23:30:50' },
  { name: 'newyear', at: new Date('2016-01-01T14:10:05Z'), day: '2016-01-01', clock: '14:10:05' },
  { name: 'isoedge', at: new Date('2014-12-29T00:00:00Z'), day: '2014-12-29', clock: '00:00:00' },
  { name: 'sun', at: new Date('2020-11-08T07:05:59Z'), day: '2020-11-08', clock: null },
  { name: 'sat', at: new Date('2015-06-20T10:00:00Z'), day: '2015-06-20', clock: '10:00:00' },
]

describeEachBackend('lookups: dates and times', eventModels, (ctx) => {
  beforeAll(async () => {
    const db = ctx().db
    await truncate(db, [...eventModels])
    await db.run(bulkCreate(Event, rows))
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  type EventQs = typeof Event.objects
  const names = async (qs: QuerySet<unknown, unknown, unknown> | EventQs) =>
    (await run(pipe(qs as EventQs, orderBy('name'), valuesList('name', { flat: true }), toArray))) as string[]
  const where = (cond: Record<string, unknown>) => names(pipe(Event.objects, filter(cond as never)))

  it('year, on dateTime and date fields', async () => {
    expect(await where({ at__year: 2015 })).toEqual(['mon', 'sat'])
    expect(await where({ day__year: 2016 })).toEqual(['newyear'])
    expect(await where({ at__year: 1999 })).toEqual([])
  })

  it('a year compared on the column is a range of it: bounds, gt/gte/lt/lte, exclude, no EXTRACT', async () => {
    expect(await where({ at__year__gt: 2015 })).toEqual(['newyear', 'sun'])
    expect(await where({ at__year__gte: 2016 })).toEqual(['newyear', 'sun'])
    expect(await where({ at__year__lt: 2015 })).toEqual(['isoedge'])
    expect(await where({ at__year__lte: 2015 })).toEqual(['isoedge', 'mon', 'sat'])
    expect(await where({ day__year__lte: 2014 })).toEqual(['isoedge'])
    expect(await names(pipe(Event.objects, exclude({ at__year: 2015 })))).toEqual(['isoedge', 'newyear', 'sun'])
    // The last instant of a year and the first of the next.
    const { db } = ctx()
    const edge = await db.run(bulkCreate(Event, [{ name: 'edge-a', at: new Date('2030-12-31T23:59:59.999Z'), day: '2030-12-31' }, { name: 'edge-b', at: new Date('2031-01-01T00:00:00Z'), day: '2031-01-01' }]))
    try {
      expect(await where({ at__year: 2030 })).toEqual(['edge-a'])
      expect(await where({ day__year: 2031 })).toEqual(['edge-b'])
    } finally {
      await db.run(deleteAll(pipe(Event.objects, filter({ name__startswith: 'edge-' }))))
    }
    expect(edge).toHaveLength(2)
    const { sql } = toSql(pipe(Event.objects, filter({ at__year: 2015, day__year__gte: 2015 })))(db)
    expect(sql).not.toMatch(/extract|strftime|year\(/i)
  })

  it('isoYear follows ISO weeks, not the calendar year', async () => {
    expect(await where({ at__isoYear: 2015 })).toEqual(['isoedge', 'mon', 'newyear', 'sat'])
    expect(await where({ day__isoYear: 2014 })).toEqual([])
    expect(await where({ day__isoYear: 2020 })).toEqual(['sun'])
  })

  it('month, day and quarter', async () => {
    expect(await where({ at__month: 12 })).toEqual(['isoedge'])
    expect(await where({ day__month: 6 })).toEqual(['mon', 'sat'])
    expect(await where({ at__day: 1 })).toEqual(['newyear'])
    expect(await where({ day__day: 8 })).toEqual(['sun'])
    expect(await where({ at__quarter: 4 })).toEqual(['isoedge', 'sun'])
    expect(await where({ day__quarter: 1 })).toEqual(['newyear'])
    expect(await where({ at__quarter: 2 })).toEqual(['mon', 'sat'])
    expect(await where({ at__quarter: 3 })).toEqual([])
  })

  it('week is the ISO week number', async () => {
    expect(await where({ at__week: 53 })).toEqual(['newyear'])
    expect(await where({ day__week: 1 })).toEqual(['isoedge'])
    expect(await where({ at__week: 25 })).toEqual(['mon', 'sat'])
    expect(await where({ day__week: 45 })).toEqual(['sun'])
  })

  it('weekDay counts from Sunday = 1; isoWeekDay from Monday = 1', async () => {
    expect(await where({ at__weekDay: 1 })).toEqual(['sun'])
    expect(await where({ at__weekDay: 2 })).toEqual(['isoedge', 'mon'])
    expect(await where({ day__weekDay: 6 })).toEqual(['newyear'])
    expect(await where({ at__weekDay: 7 })).toEqual(['sat'])
    expect(await where({ day__isoWeekDay: 6 })).toEqual(['sat'])
    expect(await where({ at__isoWeekDay: 7 })).toEqual(['sun'])
    expect(await where({ day__isoWeekDay: 1 })).toEqual(['isoedge', 'mon'])
    expect(await where({ at__isoWeekDay: 5 })).toEqual(['newyear'])
  })

  it('date and time of a datetime, read in UTC', async () => {
    // 23:30 UTC stays on the 15th whatever the server's time zone.
    expect(await where({ at__date: '2015-06-15' })).toEqual(['mon'])
    expect(await where({ at__date: '2015-06-16' })).toEqual([])
    expect(await where({ at__date__gte: '2016-01-01' })).toEqual(['newyear', 'sun'])
    expect(await where({ at__time: '14:10:05' })).toEqual(['newyear'])
    expect(await where({ at__time__lt: '12:00:00' })).toEqual(['isoedge', 'sat', 'sun'])
    // Transforms of transforms: the date's year, the time's hour.
    expect(await where({ at__date__year: 2016 })).toEqual(['newyear'])
    expect(await where({ at__time__hour: 23 })).toEqual(['mon'])
    expect(await where({ at__date__month__in: [11, 12] })).toEqual(['isoedge', 'sun'])
  })

  it('hour, minute and second on dateTime and time fields', async () => {
    expect(await where({ at__hour: 23 })).toEqual(['mon'])
    expect(await where({ at__minute: 10 })).toEqual(['newyear'])
    expect(await where({ at__second: 59 })).toEqual(['sun'])
    expect(await where({ clock__hour: 14 })).toEqual(['newyear'])
    expect(await where({ clock__minute__gte: 30 })).toEqual(['mon'])
    expect(await where({ clock__second: 0 })).toEqual(['isoedge', 'sat'])
  })

  it('transforms chain into any lookup: year__gte, month__in, hour__range', async () => {
    expect(await where({ at__year__gte: 2016 })).toEqual(['newyear', 'sun'])
    expect(await where({ at__year__lt: 2015 })).toEqual(['isoedge'])
    expect(await where({ day__month__in: [1, 6] })).toEqual(['mon', 'newyear', 'sat'])
    expect(await where({ at__hour__range: [7, 14] })).toEqual(['newyear', 'sat', 'sun'])
    expect(await where({ at__weekDay__gt: 2 })).toEqual(['newyear', 'sat'])
    expect(await run(pipe(Event.objects, filter({ at__year__gte: 2015, at__month__lte: 6 }), count))).toBe(3)
  })

  it('Extract and Trunc as annotations', async () => {
    const got = await run(
      pipe(
        Event.objects,
        annotate({ wd: Extract('at', 'weekDay'), iwd: Extract('day', 'isoWeekDay'), q: Extract('at', 'quarter'), wk: Extract('at', 'week') }),
        orderBy('name'),
        values('name', 'wd', 'iwd', 'q', 'wk'),
        toArray,
      ),
    )
    expect(got).toEqual([
      { name: 'isoedge', wd: 2, iwd: 1, q: 4, wk: 1 },
      { name: 'mon', wd: 2, iwd: 1, q: 2, wk: 25 },
      { name: 'newyear', wd: 6, iwd: 5, q: 1, wk: 53 },
      { name: 'sat', wd: 7, iwd: 6, q: 2, wk: 25 },
      { name: 'sun', wd: 1, iwd: 7, q: 4, wk: 45 },
    ])
    const months = await run(pipe(Event.objects, annotate({ m: Trunc('at', 'month', 'dateTime') }), orderBy('name'), valuesList('m', { flat: true }), toArray))
    expect(months.map((d) => (d as Date).toISOString())).toEqual([
      '2014-12-01T00:00:00.000Z',
      '2015-06-01T00:00:00.000Z',
      '2016-01-01T00:00:00.000Z',
      '2015-06-01T00:00:00.000Z',
      '2020-11-01T00:00:00.000Z',
    ])
    expect(await where({ at__year: 2015, at__date: '2015-06-15' })).toEqual(['mon'])
  })

  it('dates(): distinct truncated dates, ordered, as strings', async () => {
    expect(await run(pipe(Event.objects, dates('day', 'year'), toArray))).toEqual(['2014-01-01', '2015-01-01', '2016-01-01', '2020-01-01'])
    expect(await run(pipe(Event.objects, dates('day', 'month', 'DESC'), toArray))).toEqual(['2020-11-01', '2016-01-01', '2015-06-01', '2014-12-01'])
    // Weeks start on Monday.
    expect(await run(pipe(Event.objects, dates('day', 'week'), toArray))).toEqual(['2014-12-29', '2015-06-15', '2015-12-28', '2020-11-02'])
    expect(await run(pipe(Event.objects, filter({ day__year__gte: 2016 }), dates('day', 'day'), toArray))).toEqual(['2016-01-01', '2020-11-08'])
    expect(await run(pipe(Event.objects, dates('at', 'year'), toArray))).toEqual(['2014-01-01', '2015-01-01', '2016-01-01', '2020-01-01'])
    // count() counts the distinct dates, not the rows.
    expect(await run(pipe(Event.objects, dates('day', 'year'), count))).toBe(4)
    expect(await run(count(Event.objects))).toBe(5)
  })

  it('datetimes(): distinct truncated datetimes in UTC, one statement', async () => {
    const db = ctx().db
    let got: Date[] = []
    expect(await countQueries(db, async () => (got = (await db.run(pipe(Event.objects, datetimes('at', 'year'), toArray))) as Date[]))).toBe(1)
    expect(got.map((d) => d.toISOString())).toEqual([
      '2014-01-01T00:00:00.000Z',
      '2015-01-01T00:00:00.000Z',
      '2016-01-01T00:00:00.000Z',
      '2020-01-01T00:00:00.000Z',
    ])
    const hours = (await run(pipe(Event.objects, filter({ name__in: ['mon', 'sun'] }), datetimes('at', 'hour', 'DESC'), toArray))) as Date[]
    expect(hours.map((d) => d.toISOString())).toEqual(['2020-11-08T07:00:00.000Z', '2015-06-15T23:00:00.000Z'])
    const days = (await run(pipe(Event.objects, datetimes('at', 'day'), toArray))) as Date[]
    expect(days[0].toISOString()).toBe('2014-12-29T00:00:00.000Z')
    expect(days).toHaveLength(5)
  })
})
