// Values round-trip exactly: decimals and BIGINTs as the driver's strings, DATETIME(6) in UTC,
// TINYINT(1) as booleans, JSON parsed, binary as Uint8Array; what can't be read exactly is an error.
import { annotate, Cast, create, DatabaseError, f, filter, Func, get, model, Now, orderBy, raw, schema, toArray, values, valuesList } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, rows, unavailable } from './test-support/server.js'

const { Sample, Counter, Bare, Huge } = schema({
  Sample: model({
    amount: f.decimal({ maxDigits: 30, decimalPlaces: 10, null: true }),
    big: f.bigInteger({ null: true }),
    at: f.dateTime({ null: true }),
    day: f.date({ null: true }),
    clock: f.time({ null: true }),
    flag: f.boolean({ default: false }),
    data: f.json({ null: true }),
    key: f.uuid({ null: true }),
    bytes: f.binary({ null: true }),
    wait: f.duration({ null: true }),
    n: f.integer({ default: 0 }),
  }),
  Counter: model({ id: f.auto(), label: f.char({ maxLength: 10, default: 'x' }) }),
  Bare: model({}),
  Huge: model({ n: f.integer() }),
})

const reason = await unavailable()
type TestDb = Awaited<ReturnType<typeof freshDb>>

describe.skipIf(reason)('type round-trips on MariaDB/MySQL', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Sample, Counter, Bare, Huge]))
  })
  afterAll(async () => {
    await db?.close()
  })
  const back = <R>(row: { id: number }) => db.run(pipe(Sample.objects, get({ pk: row.id }))) as Promise<R>

  it('decimal is an exact string, also past 15 significant digits, and filters exactly', async () => {
    const row = await db.run(create(Sample, { amount: '12345678901234567890.0123456789' }))
    expect((await back<{ amount: string }>(row)).amount).toBe('12345678901234567890.0123456789')
    const near = await db.run(create(Sample, { amount: '12345678901234567890.0123456788' }))
    const ids = await db.run(pipe(Sample.objects, filter({ amount: '12345678901234567890.0123456789' }), valuesList('id', { flat: true }), toArray))
    expect(ids).toEqual([row.id])
    const above = await db.run(pipe(Sample.objects, filter({ amount__gt: '12345678901234567890.0123456788' }), valuesList('id', { flat: true }), toArray))
    expect(above).toEqual([row.id])
    expect(near.id).not.toBe(row.id)
  })

  it('bigInteger is a bigint at the 64-bit edges, and filters exactly', async () => {
    for (const big of [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n]) {
      const row = await db.run(create(Sample, { big }))
      expect((await back<{ big: bigint }>(row)).big).toBe(big)
      expect(await db.run(pipe(Sample.objects, filter({ big }), valuesList('id', { flat: true }), toArray))).toEqual([row.id])
    }
  })

  it('a key past Number.MAX_SAFE_INTEGER is an error when read, never a rounded number', async () => {
    await db.execute('INSERT INTO huge (id, n) VALUES (9007199254740993, 1)', [], { returnsRows: false })
    const e = await db.run(pipe(Huge.objects, toArray)).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(DatabaseError)
    expect((e as Error).message).toContain('9007199254740993')
    // The next generated key is past the limit too: create() refuses to round it.
    const next = await db.run(create(Huge, { n: 2 })).catch((x: unknown) => x)
    expect(next).toBeInstanceOf(DatabaseError)
  })

  it('dateTime is stored in UTC with microseconds and read back as a Date (milliseconds)', async () => {
    const at = new Date('2023-05-01T23:59:58.123Z')
    const row = await db.run(create(Sample, { at }))
    const [[stored, zone]] = await rows(db, 'SELECT CAST(at AS CHAR), @@session.time_zone FROM sample WHERE id = ?', [row.id])
    expect(stored).toBe('2023-05-01 23:59:58.123000')
    expect(zone).toBe('+00:00')
    expect((await back<{ at: Date }>(row)).at).toEqual(at)
    await db.execute("UPDATE sample SET at = '2024-02-29 10:11:12.987654' WHERE id = ?", [row.id], { returnsRows: false })
    expect((await back<{ at: Date }>(row)).at.toISOString()).toBe('2024-02-29T10:11:12.987Z')
    const now = (await db.run(pipe(Sample.objects, filter({ pk: row.id }), annotate({ now: Now() }), valuesList('now', { flat: true }), toArray)))[0] as Date
    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(60_000)
    // Now() keeps microseconds (plain CURRENT_TIMESTAMP would have whole seconds).
    const text = await db.run(pipe(Sample.objects, filter({ pk: row.id }), annotate({ t: Cast(Now(), 'text') }), valuesList('t', { flat: true }), toArray))
    expect(text[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/)
  })

  it('date and time are strings; a time keeps its microseconds', async () => {
    const a = await db.run(create(Sample, { day: '2024-02-29', clock: '10:11:12.123456' }))
    const b = await db.run(create(Sample, { day: '0001-01-01', clock: '23:59:00' }))
    expect(await back(a)).toMatchObject({ day: '2024-02-29', clock: '10:11:12.123456' })
    expect(await back(b)).toMatchObject({ day: '0001-01-01', clock: '23:59:00' })
  })

  it('booleans are stored as 1/0 and read as booleans', async () => {
    const t = await db.run(create(Sample, { flag: true, n: 7 }))
    const [[stored]] = await rows(db, 'SELECT flag FROM sample WHERE id = ?', [t.id])
    expect(Number(stored)).toBe(1)
    expect((await back<{ flag: boolean }>(t)).flag).toBe(true)
    expect(await db.run(pipe(Sample.objects, filter({ flag: true }), valuesList('n', { flat: true }), toArray))).toEqual([7])
  })

  it('json keeps scalars, strings that look like numbers, nesting and unicode', async () => {
    for (const data of ['abc', '1', 1.5, true, [1, null, 'x'], { a: { b: ['ü', '😀'] } }]) {
      const row = await db.run(create(Sample, { data }))
      expect((await back<{ data: unknown }>(row)).data).toEqual(data)
    }
  })

  it('uuid, binary and duration', async () => {
    const bytes = new Uint8Array([0, 1, 127, 128, 255, 0])
    const row = await db.run(create(Sample, { key: '6F1A2B3C-0000-4000-8000-00000000000A', bytes, wait: 1500.25 }))
    const got = await back<{ key: string; bytes: Uint8Array; wait: number }>(row)
    expect(got.key).toBe('6f1a2b3c-0000-4000-8000-00000000000a')
    expect(got.bytes).toEqual(bytes)
    expect(got.wait).toBe(1500.25)
    const [[micro]] = await rows(db, 'SELECT wait FROM sample WHERE id = ?', [row.id])
    expect(String(micro)).toBe('1500250')
  })

  it('AVG and SUM come back as numbers; Cast uses MySQL type names', async () => {
    await db.execute('DELETE FROM sample', [], { returnsRows: false })
    for (const n of [1, 2, 4]) await db.run(create(Sample, { n, flag: n > 1 }))
    const grouped = await db.run(
      pipe(
        Sample.objects,
        values('flag'),
        annotate({ avg: Func('Avg', ['n'], { aggregate: true, output: 'float' }), sum: Func('Sum', ['n'], { aggregate: true }) }),
        orderBy('flag'),
        toArray,
      ),
    )
    expect(grouped).toEqual([
      { flag: false, avg: 1, sum: 1 },
      { flag: true, avg: 3, sum: 6 },
    ])
    const cast = await db.run(
      pipe(Sample.objects, filter({ n: 4 }), annotate({ half: Cast('n', 'float'), text: Cast('n', 'text') }), valuesList('half', 'text'), toArray),
    )
    expect(cast).toEqual([[4, '4']])
  })

  it('an auto key is an integer column; a model without fields inserts default values', async () => {
    const c = await db.run(create(Counter, {}))
    expect(c).toEqual({ id: 1, label: 'x' })
    const [[type]] = await rows(db, "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'counter' AND COLUMN_NAME = 'id'")
    expect(type).toBe('int')
    const b1 = await db.run(create(Bare, {}))
    const b2 = await db.run(create(Bare, {}))
    expect(b2.id).toBe(b1.id + 1)
  })

  it('raw() hydrates rows by column name with the same conversions', async () => {
    const row = await db.run(create(Sample, { flag: true, big: 5n, amount: '1.5' }))
    const [got] = await db.run(raw(Sample, 'SELECT * FROM sample WHERE id = ?', [row.id]))
    expect(got).toMatchObject({ id: row.id, flag: true, big: 5n, amount: '1.5000000000' })
  })
})
