// Values round-trip exactly: decimals as strings, bigints, UTC datetimes, dates as text, booleans,
// json, uuid, binary and durations; and what PostgreSQL's columns and parsers actually hold.
import {
  count,
  create,
  DatabaseError,
  type Db,
  f,
  filter,
  get,
  model,
  orderBy,
  schema,
  toArray,
  update,
  valuesList,
} from '@fjord/core'
import { createTables, sqlCreateTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseInterval, parseTimestamp } from './types.js'
import { postgres } from './index.js'
import { freshDb, pgUrl, serverMissing } from './test-support/server.js'

const { Sample, Counter, Flag } = schema({
  Sample: model({
    price: f.decimal({ maxDigits: 30, decimalPlaces: 10, null: true }),
    big: f.bigInteger({ null: true }),
    small: f.smallInteger({ null: true }),
    ratio: f.float({ null: true }),
    active: f.boolean({ null: true }),
    day: f.date({ null: true }),
    at: f.dateTime({ null: true }),
    alarm: f.time({ null: true }),
    elapsed: f.duration({ null: true }),
    token: f.uuid({ null: true }),
    payload: f.json({ null: true }),
    data: f.binary({ null: true }),
  }),
  Counter: model({ id: f.bigAuto(), label: f.char({ maxLength: 10 }) }),
  Flag: model({ on: f.boolean({ default: true }), wait: f.duration({ default: 1500 }) }),
})

const missing = await serverMissing()

describe.skipIf(missing)('type round-trips on PostgreSQL', () => {
  let db: Db
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Sample, Counter, Flag]))
  })
  afterAll(() => db?.close())

  it('keeps a decimal exact, past what a double holds', async () => {
    const price = '12345678901234567890.0123456789'
    const row = await db.run(create(Sample, { price }))
    const back = await db.run(pipe(Sample.objects, get({ pk: row.id })))
    expect(back.price).toBe(price)
    expect(await db.run(pipe(Sample.objects, filter({ price }), count))).toBe(1)
    // The column's scale pads what is stored.
    const short = await db.run(create(Sample, { price: '1.5' }))
    expect((await db.run(pipe(Sample.objects, get({ pk: short.id })))).price).toBe('1.5000000000')
  })

  it('reads bigInteger as bigint, exactly, at both ends of int8', async () => {
    for (const big of [9223372036854775807n, -9223372036854775808n, 0n]) {
      const row = await db.run(create(Sample, { big }))
      const back = await db.run(pipe(Sample.objects, get({ pk: row.id })))
      expect(back.big).toBe(big)
      expect(await db.run(pipe(Sample.objects, filter({ big }), count))).toBeGreaterThanOrEqual(1)
    }
  })

  it('stores datetimes as timestamptz and reads them back as the same instant, whatever the session zone', async () => {
    const at = new Date('2023-03-26T01:30:00.123Z')
    const row = await db.run(create(Sample, { at }))
    const [[current]] = (await db.execute('SELECT current_schema()', [], { returnsRows: true })).rows
    const elsewhere = postgres({ connectionString: pgUrl(), options: `-c search_path=${current} -c TimeZone=America/New_York`, max: 1 })
    try {
      expect((await elsewhere.execute('SHOW TimeZone', [], { returnsRows: true })).rows).toEqual([['America/New_York']])
      expect((await elsewhere.run(pipe(Sample.objects, get({ pk: row.id })))).at).toEqual(at)
      // Date parts are taken in UTC, not in the session's zone (01:30 UTC is still the 25th in New York).
      expect(await elsewhere.run(pipe(Sample.objects, filter({ at__year: 2023, at__month: 3, at__day: 26, at__hour: 1 }), count))).toBe(1)
      expect(await elsewhere.run(pipe(Sample.objects, filter({ at__date: '2023-03-26', at__time: '01:30:00.123' }), count))).toBe(1)
    } finally {
      await elsewhere.close()
    }
    const { rows } = await db.execute(
      `SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'sample' AND column_name = 'at'`,
      [],
      { returnsRows: true },
    )
    expect(rows).toEqual([['timestamp with time zone']])
  })

  it("reads a date as 'YYYY-MM-DD' text and a time as text", async () => {
    const row = await db.run(create(Sample, { day: '1999-12-31', alarm: '23:59:58.25' }))
    const back = await db.run(pipe(Sample.objects, get({ pk: row.id })))
    expect(back.day).toBe('1999-12-31')
    expect(back.alarm).toBe('23:59:58.25')
    expect(await db.run(pipe(Sample.objects, filter({ day__lt: '2000-01-01', day__year: 1999 }), count))).toBe(1)
  })

  it('uses native booleans, and writes defaults as typed literals', async () => {
    const t = await db.run(create(Sample, { active: true }))
    const n = await db.run(create(Sample, { active: false }))
    expect((await db.run(pipe(Sample.objects, get({ pk: t.id })))).active).toBe(true)
    expect((await db.run(pipe(Sample.objects, get({ pk: n.id })))).active).toBe(false)
    const ddl = sqlCreateTables([Flag])(db)
    expect(ddl).toContain('"on" boolean NOT NULL DEFAULT TRUE')
    expect(ddl).toContain(`"wait" interval NOT NULL DEFAULT '1500000 microseconds'::interval`)
    await db.execute('INSERT INTO "flag" DEFAULT VALUES', [], { returnsRows: false })
    expect(await db.run(pipe(Flag.objects, toArray))).toEqual([{ id: expect.any(Number), on: true, wait: 1500 }])
  })

  it('stores json as jsonb and gives back what was given, strings and arrays included', async () => {
    for (const payload of [{ a: [1, 2, { b: null }], c: 'é' }, 'just a string', [1, 'two'], 3.5, true]) {
      const row = await db.run(create(Sample, { payload }))
      expect((await db.run(pipe(Sample.objects, get({ pk: row.id })))).payload).toEqual(payload)
    }
  })

  it('uses the uuid type, and pattern lookups still work on it', async () => {
    const token = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'
    const row = await db.run(create(Sample, { token }))
    expect((await db.run(pipe(Sample.objects, get({ pk: row.id })))).token).toBe(token)
    expect(await db.run(pipe(Sample.objects, filter({ token__icontains: 'BB6D' }), count))).toBe(1)
    expect(await db.run(pipe(Sample.objects, filter({ token__startswith: 'a0ee' }), count))).toBe(1)
    expect(await db.run(pipe(Sample.objects, filter({ token__iexact: token.toUpperCase() }), count))).toBe(1)
  })

  it('reads binary as a plain Uint8Array', async () => {
    const data = new Uint8Array([0, 1, 2, 250, 255])
    const row = await db.run(create(Sample, { data }))
    const back = (await db.run(pipe(Sample.objects, get({ pk: row.id })))).data
    expect(back).toBeInstanceOf(Uint8Array)
    expect(Buffer.isBuffer(back)).toBe(false)
    expect(Array.from(back!)).toEqual([0, 1, 2, 250, 255])
  })

  it('stores durations as interval and reads milliseconds, to the microsecond', async () => {
    const day = 86_400_000
    for (const elapsed of [1500, 0.001, -2500, 3 * day + 4_000, 45 * day]) {
      const row = await db.run(create(Sample, { elapsed }))
      expect((await db.run(pipe(Sample.objects, get({ pk: row.id })))).elapsed).toBeCloseTo(elapsed, 6)
    }
    expect(await db.run(pipe(Sample.objects, filter({ elapsed__gt: 40 * day }), count))).toBe(1)
  })

  it('reads small integers and floats as numbers', async () => {
    const row = await db.run(create(Sample, { small: -32768, ratio: 0.1 }))
    const back = await db.run(pipe(Sample.objects, get({ pk: row.id })))
    expect(back.small).toBe(-32768)
    expect(back.ratio).toBe(0.1)
  })

  it('reads a bigAuto key as a number, and refuses one past MAX_SAFE_INTEGER rather than round it', async () => {
    const a = await db.run(create(Counter, { label: 'a' }))
    expect(typeof a.id).toBe('number')
    await db.execute('INSERT INTO "counter" ("id", "label") VALUES ($1, $2)', ['9007199254740993', 'huge'], { returnsRows: false })
    const err = await db.run(pipe(Counter.objects, filter({ label: 'huge' }), toArray)).catch((e) => e)
    expect(err).toBeInstanceOf(DatabaseError)
    expect((err as Error).message).toContain('9007199254740993')
    expect(await db.run(pipe(Counter.objects, filter({ label: 'a' }), valuesList('id', { flat: true }), toArray))).toEqual([a.id])
  })

  it('leaves every nullable column NULL, and reads NULLs back as null', async () => {
    const row = await db.run(create(Sample, {}))
    const back = await db.run(pipe(Sample.objects, get({ pk: row.id })))
    const { id, ...rest } = back
    expect(Object.values(rest).every((v) => v === null)).toBe(true)
  })

  it("changes none of pg's global type parsers", async () => {
    expect(pg.types.getTypeParser(1082, 'text')('2020-01-02')).not.toBe('2020-01-02')
    await db.run(pipe(Sample.objects, orderBy('pk'), update({ small: 1 })))
    expect(await db.run(pipe(Sample.objects, filter({ small: 1 }), count))).toBeGreaterThan(0)
  })
})

describe('text parsers', () => {
  it('reads timestamps with and without offsets as instants', () => {
    expect(parseTimestamp('2023-05-01 10:00:00+00')).toEqual(new Date('2023-05-01T10:00:00Z'))
    expect(parseTimestamp('2023-05-01 12:00:00.5+02')).toEqual(new Date('2023-05-01T10:00:00.500Z'))
    expect(parseTimestamp('2023-05-01 04:30:00-05:30')).toEqual(new Date('2023-05-01T10:00:00Z'))
    expect(parseTimestamp('2023-05-01 10:00:00.123456')).toEqual(new Date('2023-05-01T10:00:00.123Z'))
    expect(parseTimestamp('0001-01-01 00:00:00+00')).toEqual(new Date('0001-01-01T00:00:00Z'))
    expect(parseTimestamp('infinity')).toBe('infinity')
  })

  it('reads the usual shape digit by digit exactly as the full pattern does, and hands any other text to it', () => {
    expect(parseTimestamp('2023-05-01 10:00:00.1234+05:30:15')).toEqual(new Date('2023-05-01T04:29:45.123Z'))
    expect(parseTimestamp('2023-05-01 10:00:00-0530')).toEqual(new Date('2023-05-01T15:30:00Z'))
    expect(parseTimestamp('0099-03-04 05:06:07+00')).toEqual(new Date('0099-03-04T05:06:07Z'))
    expect(parseTimestamp('2000-01-01 00:00:00+00 BC')).toEqual(new Date('-001999-01-01T00:00:00Z'))
    expect(parseTimestamp('12345-01-01 00:00:00+00')).toEqual(new Date('+012345-01-01T00:00:00Z'))
    // Not timestamps (the pattern fails, as before): whatever Date makes of them.
    for (const text of ['2023-05-01 10:00:00+', '2023-05-01 10:00:00.1234567', '2023-05-01 10:00:00.', '2023-05-01 10:00:00+5']) {
      expect(String(parseTimestamp(text))).toBe(String(new Date(text)))
    }
  })

  it('reads intervals in the postgres and iso_8601 styles', () => {
    expect(parseInterval('00:00:01.5')).toBe(1500)
    expect(parseInterval('-00:00:02.5')).toBe(-2500)
    expect(parseInterval('3 days 00:00:04')).toBe(3 * 86_400_000 + 4000)
    expect(parseInterval('-1 days +23:59:59')).toBe(-1000)
    expect(parseInterval('1 year 2 mons')).toBe((365 + 60) * 86_400_000)
    expect(parseInterval('00:00:00.000001')).toBe(0.001)
    expect(parseInterval('P1DT2H3M4.5S')).toBe(86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4500)
    expect(parseInterval('PT-1S')).toBe(-1000)
  })
})
