// Where MySQL's SQL differs from the others: date arithmetic with BIGINT-microsecond durations,
// integer division, and LIMIT inside an IN subquery (refused by the server, so wrapped).
import { annotate, create, deleteAll, F, f, filter, model, orderBy, schema, slice, toArray, toSql, update, Value, valuesList } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, unavailable } from './test-support/server.js'

const { Event } = schema({
  Event: model({
    n: f.integer(),
    start: f.dateTime(),
    end: f.dateTime(),
    day: f.date(),
    opens: f.time(),
    wait: f.duration(),
  }),
})

const reason = await unavailable()
type TestDb = Awaited<ReturnType<typeof freshDb>>

describe.skipIf(reason)('expressions on MariaDB/MySQL', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Event]))
    for (const n of [1, 2, 3, 4]) {
      await db.run(
        create(Event, {
          n,
          start: new Date(Date.UTC(2023, 0, n, 10)),
          end: new Date(Date.UTC(2023, 0, n, 10) + n * 1500),
          day: `2023-01-0${n}`,
          opens: `0${n}:00:00.25`,
          wait: n * 1000.5,
        }),
      )
    }
  })
  afterAll(async () => {
    await db?.close()
  })
  const column = <T>(expr: unknown, n = 2) =>
    db.run(pipe(Event.objects, filter({ n }), annotate({ x: expr as never }), valuesList('x', { flat: true }), toArray)) as Promise<T[]>

  it('a datetime plus or minus a duration is a datetime', async () => {
    expect(await column(F('start').add(F('wait')))).toEqual([new Date(Date.UTC(2023, 0, 2, 10, 0, 2, 1))])
    expect(await column(F('wait').add(F('start')))).toEqual([new Date(Date.UTC(2023, 0, 2, 10, 0, 2, 1))])
    expect(await column(F('start').sub(Value(60_000, 'duration')))).toEqual([new Date(Date.UTC(2023, 0, 2, 9, 59))])
  })

  it('the difference of two datetimes, dates or times is a duration in milliseconds', async () => {
    expect(await column(F('end').sub(F('start')), 3)).toEqual([4500])
    expect(await column(F('day').sub(Value('2023-01-01', 'date')), 3)).toEqual([2 * 86_400_000])
    expect(await column(F('opens').sub(Value('01:00:00', 'time')), 3)).toEqual([2 * 3_600_000 + 250])
    expect(await column(F('opens').add(F('wait')), 1)).toEqual(['01:00:01.250500'])
  })

  it('a condition on a computed datetime', async () => {
    const late = await db.run(pipe(Event.objects, filter({ end__gte: F('start').add(Value(4000, 'duration')) }), orderBy('n'), valuesList('n', { flat: true }), toArray))
    expect(late).toEqual([3, 4])
  })

  it('integers divide as integers', async () => {
    expect(await column(F('n').div(2), 3)).toEqual([1])
  })

  it('a sliced subquery in IN runs inside a derived table, in SELECT, UPDATE and DELETE', async () => {
    const top2 = pipe(Event.objects, orderBy('-n'), slice(0, 2), valuesList('id', { flat: true }))
    expect(toSql(pipe(Event.objects, filter({ pk__in: top2 })))(db).sql).toMatch(/in \(SELECT \* FROM \(select .* limit 2\) fjord_sliced\d+\)/i)
    expect(await db.run(pipe(Event.objects, filter({ pk__in: top2 }), orderBy('n'), valuesList('n', { flat: true }), toArray))).toEqual([3, 4])
    expect(await db.run(pipe(Event.objects, filter({ pk__in: top2 }), update({ n: F('n').add(10) })))).toBe(2)
    const top1 = pipe(Event.objects, orderBy('-n'), slice(0, 1), valuesList('id', { flat: true }))
    expect((await db.run(pipe(Event.objects, filter({ pk__in: top1 }), deleteAll))).total).toBe(1)
    expect(await db.run(pipe(Event.objects, orderBy('n'), valuesList('n', { flat: true }), toArray))).toEqual([1, 2, 13])
  })
})
