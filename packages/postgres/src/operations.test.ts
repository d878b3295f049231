// PostgreSQL's operations against the real server: date parts numbered as Django numbers them, in UTC;
// truncation; casts; Concat of parameters; aggregates read as numbers; ON CONFLICT; EXPLAIN; DISTINCT ON.
import {
  annotate,
  bulkCreate,
  Case,
  Cast,
  Concat,
  count,
  create,
  type Db,
  distinct,
  explain,
  Extract,
  F,
  f,
  filter,
  fromDbValue,
  Func,
  model,
  orderBy,
  Q,
  schema,
  toArray,
  toSql,
  Trunc,
  Value,
  values,
  valuesList,
  When,
} from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, serverMissing } from './test-support/server.js'

const { Event } = schema({
  Event: model({
    name: f.char({ maxLength: 30, unique: true }),
    at: f.dateTime(),
    on: f.date(),
    starts: f.time(),
    score: f.integer({ default: 0 }),
    price: f.decimal({ maxDigits: 8, decimalPlaces: 2, default: '0' }),
    wait: f.duration({ default: 90_000 }),
    until: f.date({ null: true }),
  }),
})

const missing = await serverMissing()

// 2021-01-03 is a Sunday; ISO week 53 of ISO year 2020. 23:30 UTC is already the 4th east of UTC.
const sunday = { name: 'sunday', at: new Date('2021-01-03T23:30:45.900Z'), on: '2021-01-03', starts: '23:30:45', score: 3, price: '1.25', until: '2021-01-10' }
// 2022-06-15 is a Wednesday, in the second quarter, ISO week 24.
const wednesday = { name: 'wednesday', at: new Date('2022-06-15T08:05:00Z'), on: '2022-06-15', starts: '08:05:00', score: 5, price: '2.50' }

describe.skipIf(missing)('PostgreSQL operations', () => {
  let db: Db
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Event]))
    await db.run(create(Event, sunday))
    await db.run(create(Event, wednesday))
  })
  afterAll(() => db?.close())

  const names = (qs: Parameters<typeof toArray>[0]) => db.run(pipe(qs, toArray)).then((rows) => (rows as { name: string }[]).map((r) => r.name))

  it('numbers week days as Django: weekDay 1 = Sunday, isoWeekDay 7 = Sunday', async () => {
    expect(await names(pipe(Event.objects, filter({ at__weekDay: 1 })))).toEqual(['sunday'])
    expect(await names(pipe(Event.objects, filter({ at__isoWeekDay: 7 })))).toEqual(['sunday'])
    expect(await names(pipe(Event.objects, filter({ on__weekDay: 4 })))).toEqual(['wednesday'])
    expect(await names(pipe(Event.objects, filter({ on__isoWeekDay: 3 })))).toEqual(['wednesday'])
  })

  it('takes ISO weeks and years, quarters and time parts', async () => {
    expect(await names(pipe(Event.objects, filter({ at__week: 53, at__isoYear: 2020, at__year: 2021 })))).toEqual(['sunday'])
    expect(await names(pipe(Event.objects, filter({ on__quarter: 2, on__week: 24 })))).toEqual(['wednesday'])
    expect(await names(pipe(Event.objects, filter({ at__hour: 23, at__minute: 30, at__second: 45 })))).toEqual(['sunday'])
    expect(await names(pipe(Event.objects, filter({ starts__hour: 8, starts__minute: 5 })))).toEqual(['wednesday'])
  })

  it('reads extracted parts as integers', async () => {
    const rows = await db.run(
      pipe(
        Event.objects,
        orderBy('at'),
        annotate({ y: Extract('at', 'year'), wd: Extract('on', 'weekDay'), s: Extract('at', 'second'), q: Extract('at', 'quarter') }),
        values('y', 'wd', 's', 'q'),
        toArray,
      ),
    )
    expect(rows).toEqual([
      { y: 2021, wd: 1, s: 45, q: 1 },
      { y: 2022, wd: 4, s: 0, q: 2 },
    ])
  })

  it('truncates in UTC and returns the type of its input', async () => {
    const rows = await db.run(
      pipe(
        Event.objects,
        orderBy('at'),
        annotate({ month: Trunc('at', 'month'), week: Trunc('on', 'week'), hour: Trunc('starts', 'hour'), day: Trunc('at', 'date') }),
        values('month', 'week', 'hour', 'day'),
        toArray,
      ),
    )
    expect(rows).toEqual([
      { month: new Date('2021-01-01T00:00:00Z'), week: '2020-12-28', hour: '23:00:00', day: '2021-01-03' },
      { month: new Date('2022-06-01T00:00:00Z'), week: '2022-06-13', hour: '08:00:00', day: '2022-06-15' },
    ])
  })

  it('casts with PostgreSQL type names', async () => {
    const rows = await db.run(
      pipe(
        Event.objects,
        orderBy('at'),
        annotate({ asText: Cast('score', 'text'), asFloat: Cast('price', 'float'), asDec: Cast('score', 'decimal') }),
        values('asText', 'asFloat', 'asDec'),
        toArray,
      ),
    )
    expect(rows).toEqual([
      { asText: '3', asFloat: 1.25, asDec: '3' },
      { asText: '5', asFloat: 2.5, asDec: '5' },
    ])
  })

  it('concatenates parameters and columns of any type', async () => {
    const rows = await db.run(
      pipe(Event.objects, orderBy('at'), annotate({ label: Concat(Value('#'), 'score', Value(' '), 'name') }), valuesList('label', { flat: true }), toArray),
    )
    expect(rows).toEqual(['#3 sunday', '#5 wednesday'])
  })

  it('reads COUNT (int8) and SUM/AVG (numeric) as numbers', async () => {
    const grouped = await db.run(
      pipe(Event.objects, values('on'), annotate({ n: Func('Count', ['id'], { output: 'integer', aggregate: true }) }), orderBy('on'), valuesList('n', { flat: true }), toArray),
    )
    expect(grouped).toEqual([1, 1])
    expect(await db.run(count(Event.objects))).toBe(2)
    const { rows } = await db.execute('SELECT COUNT(*), SUM("score"), AVG("score") FROM "event"', [], { returnsRows: true })
    expect(rows).toEqual([['2', '8', '4.0000000000000000']])
    expect(fromDbValue(db.dialect.ops, 'integer', '8')).toBe(8)
    expect(fromDbValue(db.dialect.ops, 'float', '4.0000000000000000')).toBe(4)
  })

  it('uses F arithmetic in updates and filters', async () => {
    const moved = await db.run(pipe(Event.objects, filter({ score__lt: F('score').add(1) }), count))
    expect(moved).toBe(2)
  })

  it('skips or updates conflicting rows in bulkCreate with ON CONFLICT', async () => {
    const base = { at: new Date('2020-01-01T00:00:00Z'), on: '2020-01-01', starts: '00:00:00' }
    await db.run(bulkCreate(Event, [{ ...base, name: 'sunday', score: 99 }, { ...base, name: 'new' }], { ignoreConflicts: true }))
    expect(await db.run(pipe(Event.objects, orderBy('name'), valuesList('name', 'score'), toArray))).toEqual([
      ['new', 0],
      ['sunday', 3],
      ['wednesday', 5],
    ])
    await db.run(bulkCreate(Event, [{ ...base, name: 'new', score: 7 }], { updateConflicts: true, uniqueFields: ['name'], updateFields: ['score'] }))
    expect(await db.run(pipe(Event.objects, filter({ name: 'new' }), valuesList('score', { flat: true }), toArray))).toEqual([7])
  })

  it('types standalone values, so CASE branches compare as numbers and booleans read as booleans', async () => {
    const big = Case(When(Q({ name: 'sunday' }), 10), { default: 2 })
    expect(await names(pipe(Event.objects, annotate({ big }), filter(Q({ big__gt: 3 }))))).toEqual(['sunday'])
    const row = await db.run(pipe(Event.objects, filter({ name: 'sunday' }), annotate({ five: Value(5), yes: Value(true), when: Value(new Date('2020-01-01T00:00:00Z')) }), values('five', 'yes', 'when'), toArray))
    expect(row).toEqual([{ five: 5, yes: true, when: new Date('2020-01-01T00:00:00Z') }])
    // The same shape with other value types does not reuse the first reader.
    const again = await db.run(pipe(Event.objects, filter({ name: 'sunday' }), annotate({ five: Value('five'), yes: Value(0), when: Value(null) }), values('five', 'yes', 'when'), toArray))
    expect(again).toEqual([{ five: 'five', yes: 0, when: null }])
  })

  it('adds durations to datetimes, dates and times, and subtracts dates into durations', async () => {
    const rows = await db.run(
      pipe(
        Event.objects,
        filter({ name: 'sunday' }),
        annotate({
          later: F('at').add(F('wait')),
          dayAfter: F('on').add(Value(86_400_000, 'duration')),
          clock: F('starts').add(F('wait')),
          span: F('until').sub(F('on')),
          gap: F('at').sub(Value(new Date('2021-01-03T00:00:00Z'))),
        }),
        values('later', 'dayAfter', 'clock', 'span', 'gap'),
        toArray,
      ),
    )
    expect(rows).toEqual([
      {
        later: new Date('2021-01-03T23:32:15.900Z'),
        dayAfter: '2021-01-04',
        clock: '23:32:15',
        span: 7 * 86_400_000,
        gap: (23 * 3600 + 30 * 60 + 45.9) * 1000,
      },
    ])
    expect(await names(pipe(Event.objects, filter({ name__in: ['sunday', 'wednesday'], at__lt: F('at').add(F('wait')) }), orderBy('at')))).toEqual(['sunday', 'wednesday'])
  })

  it('explains a query', async () => {
    const plan = await db.run(pipe(Event.objects, filter({ name: 'sunday' }), explain))
    expect(plan).toMatch(/Scan/)
  })

  it('compiles DISTINCT ON where fields are given', async () => {
    const qs = pipe(Event.objects, orderBy('score'), distinct('score'))
    const { sql } = toSql(qs)(db)
    expect(sql).toMatch(/distinct on/i)
    expect(await db.run(pipe(qs, count))).toBe(3)
  })
})
