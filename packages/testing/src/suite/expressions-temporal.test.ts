// Arithmetic on dates, datetimes and durations, after Django's tests/expressions (FTimeDeltaTests):
// a point in time moved by a duration, the duration between two points, on every backend.
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { annotate, bulkCreate, count, type Effect, F, filter, orderBy, toArray, update, Value, valuesList } from '@fjord/core'
import { describeEachBackend, truncate } from '../helpers.js'
import { Event, eventModels } from './fixtures-query.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

describeEachBackend('expressions: dates, datetimes and durations', eventModels, (ctx) => {
  beforeAll(async () => {
    await truncate(ctx().db, [...eventModels])
    await ctx().db.run(
      bulkCreate(Event, [
        { name: 'a', at: new Date('2020-01-01T10:00:00Z'), day: '2020-01-01', span: HOUR },
        { name: 'b', at: new Date('2020-01-31T23:30:00Z'), day: '2020-01-31', span: 2 * DAY },
        { name: 'c', at: new Date('2020-03-01T00:00:00.250Z'), day: '2020-02-28', span: null },
      ]),
    )
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  const col = (name: string, qs = Event.objects) => run(pipe(qs, orderBy('name'), valuesList(name as 'name', { flat: true }), toArray)) as Promise<unknown[]>
  const iso = (xs: unknown[]) => xs.map((d) => (d instanceof Date ? d.toISOString() : d))

  it('a datetime plus or minus a duration value', async () => {
    expect(iso(await col('later', pipe(Event.objects, annotate({ later: F('at').add(Value(DAY, 'duration')) }))))).toEqual([
      '2020-01-02T10:00:00.000Z',
      '2020-02-01T23:30:00.000Z',
      '2020-03-02T00:00:00.250Z',
    ])
    expect(iso(await col('earlier', pipe(Event.objects, annotate({ earlier: F('at').sub(Value(HOUR, 'duration')) }))))).toEqual([
      '2020-01-01T09:00:00.000Z',
      '2020-01-31T22:30:00.000Z',
      '2020-02-29T23:00:00.250Z',
    ])
  })

  it('a datetime plus a duration column; NULL spans give NULL', async () => {
    expect(iso(await col('end', pipe(Event.objects, annotate({ end: F('at').add(F('span')) }))))).toEqual(['2020-01-01T11:00:00.000Z', '2020-02-02T23:30:00.000Z', null])
  })

  it('a date plus a duration is a date', async () => {
    expect(await col('next', pipe(Event.objects, annotate({ next: F('day').add(Value(DAY, 'duration')) })))).toEqual(['2020-01-02', '2020-02-01', '2020-02-29'])
  })

  it('the difference of two datetimes is a duration in milliseconds', async () => {
    const since = await col('since', pipe(Event.objects, annotate({ since: F('at').sub(Value(new Date('2020-01-01T00:00:00Z'))) })))
    expect(since).toEqual([10 * HOUR, 30 * DAY + 23.5 * HOUR, 60 * DAY + 250])
  })

  it('temporal arithmetic in filters and updates', async () => {
    expect(await run(pipe(Event.objects, filter({ at__gt: Value(new Date('2020-01-31T00:00:00Z')) }), count))).toBe(2)
    expect(await run(pipe(Event.objects, filter({ at__lt: F('at').add(Value(1, 'duration')) }), count))).toBe(3)
    expect(await run(pipe(Event.objects, filter({ at__gte: Value(new Date('2020-02-01T00:00:00Z')).sub(F('span')) }), valuesList('name', { flat: true }), toArray))).toEqual(['b'])
    expect(await run(pipe(Event.objects, filter({ name: 'a' }), update({ at: F('at').add(Value(30 * 60_000, 'duration')) })))).toBe(1)
    expect(iso(await col('at', pipe(Event.objects, filter({ name: 'a' }))))).toEqual(['2020-01-01T10:30:00.000Z'])
  })
})
