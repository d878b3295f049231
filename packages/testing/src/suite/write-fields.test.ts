// Every field type written and read back with its documented TypeScript value, at the edges of its
// range (after Django's tests/model_fields). The row `create` returns must equal the row read back.
import { count, create, filter, get, type Insert, type Row, toArray, ValidationError } from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { rejection, typeModels } from './fixtures-write.js'

const { Sample } = typeModels
type SampleInsert = Insert<typeof Sample>

describeEachBackend('field round-trips', typeModels, (ctx) => {
  beforeEach(() => truncate(ctx().db, [Sample]))

  /** Create, then read back by pk: both must equal, and `expected` must hold of the stored row. */
  const roundTrip = async (data: SampleInsert, expected: Partial<Row<typeof Sample>>) => {
    const { db } = ctx()
    const created = await db.run(create(Sample, data))
    const back = await db.run(pipe(Sample.objects, get({ pk: created.id })))
    expect(back).toEqual(created)
    expect(back).toMatchObject(expected)
    return back
  }

  it('stores NULL in every nullable field', async () => {
    const row = await roundTrip({}, {})
    for (const [k, v] of Object.entries(row)) if (k !== 'id') expect(v, k).toBeNull()
  })

  it('strings: char, text, slug, email, url keep their text exactly', async () => {
    const text = "Quotes ' \" back\\slash 100% _under_ tab\t newline\n ünïcödé 日本語 🙂"
    await roundTrip(
      {
        title: 'Ωmega 🙂 30 characters long...',
        body: text.repeat(50),
        slug: 'a-slug_with-123',
        email: 'someone@example.com',
        website: 'https://example.com/path?q=1&r=2#frag',
      },
      { title: 'Ωmega 🙂 30 characters long...', body: text.repeat(50), website: 'https://example.com/path?q=1&r=2#frag' },
    )
  })

  it('the empty string stays an empty string where the backend keeps it', async (t) => {
    if (ctx().db.dialect.features.interpretsEmptyStringsAsNulls) t.skip('this backend stores empty strings as NULL')
    await roundTrip({ title: '', body: '' }, { title: '', body: '' })
  })

  it('integers at the edges of their ranges', async () => {
    await roundTrip(
      { smallNum: -32768, intNum: -2147483648, posNum: 0, posSmallNum: 0 },
      { smallNum: -32768, intNum: -2147483648, posNum: 0, posSmallNum: 0 },
    )
    await roundTrip(
      { smallNum: 32767, intNum: 2147483647, posNum: 2147483647, posSmallNum: 32767 },
      { smallNum: 32767, intNum: 2147483647, posNum: 2147483647, posSmallNum: 32767 },
    )
  })

  it('bigInteger is a bigint, exact past 2^53 and at the 64-bit edges', async () => {
    for (const big of [2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 0n, -1n]) {
      const row = await roundTrip({ bigNum: big }, { bigNum: big })
      expect(typeof row.bigNum).toBe('bigint')
    }
    const { db } = ctx()
    expect(await db.run(pipe(Sample.objects, filter({ bigNum__gt: 2n ** 53n }), count))).toBe(2)
    expect(await db.run(pipe(Sample.objects, filter({ bigNum: 2n ** 53n + 1n }), count))).toBe(1)
  })

  it('float keeps a double', async () => {
    await roundTrip({ ratio: 0.1 + 0.2 }, { ratio: 0.1 + 0.2 })
    await roundTrip({ ratio: -1.5e-10 }, { ratio: -1.5e-10 })
  })

  it('decimal is an exact string, padded to its places', async () => {
    await roundTrip({ price: '12345.67' }, { price: '12345.67' })
    await roundTrip({ price: '0.1' }, { price: '0.10' })
    await roundTrip({ price: '-99999.99' }, { price: '-99999.99' })
    await roundTrip({ price: '7' }, { price: '7.00' })
    const { db } = ctx()
    expect(await db.run(pipe(Sample.objects, filter({ price: '12345.67' }), count))).toBe(1)
    expect(await db.run(pipe(Sample.objects, filter({ price__gt: '0.05', price__lt: '8' }), count))).toBe(2)
  })

  it('decimal with too many places or digits is a ValidationError, with no statement', async () => {
    const { db } = ctx()
    for (const price of ['1.234', '123456.78', '1e3', 'abc']) {
      let err: unknown
      expect(await countQueries(db, async () => void (err = await rejection(db.run(create(Sample, { price })))))).toBe(0)
      expect(err, price).toBeInstanceOf(ValidationError)
      expect((err as ValidationError).details.field).toBe('price')
    }
  })

  it('boolean is a boolean on every backend', async () => {
    const yes = await roundTrip({ active: true }, { active: true })
    const no = await roundTrip({ active: false }, { active: false })
    expect(typeof yes.active).toBe('boolean')
    expect(typeof no.active).toBe('boolean')
    const { db } = ctx()
    expect(await db.run(pipe(Sample.objects, filter({ active: false }), count))).toBe(1)
  })

  it("date is a 'YYYY-MM-DD' string, leap days and far years included", async () => {
    for (const d of ['2024-02-29', '1900-01-01', '9999-12-31', '0001-01-01']) await roundTrip({ birthday: d }, { birthday: d })
    const err = await rejection(ctx().db.run(create(Sample, { birthday: '2023-02-29' })))
    expect(err).toBeInstanceOf(ValidationError)
  })

  it('dateTime is a Date in UTC with millisecond precision', async () => {
    for (const iso of ['2023-05-01T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2000-02-29T12:00:00.001Z']) {
      const row = await roundTrip({ seenAt: new Date(iso) }, { seenAt: new Date(iso) })
      expect(row.seenAt?.toISOString()).toBe(iso)
    }
    const { db } = ctx()
    const before = await db.run(pipe(Sample.objects, filter({ seenAt__lt: new Date('2000-02-29T12:00:00.001Z') }), count))
    expect(before).toBe(1)
  })

  it("time is 'HH:MM:SS[.ffffff]'", async () => {
    await roundTrip({ alarm: '13:45:30' }, { alarm: '13:45:30' })
    await roundTrip({ alarm: '00:00' }, { alarm: '00:00:00' })
    await roundTrip({ alarm: '23:59:59.123456' }, { alarm: '23:59:59.123456' })
  })

  it('duration is milliseconds', async () => {
    const day = 24 * 3600 * 1000
    await roundTrip({ elapsed: day + 3661001 }, { elapsed: day + 3661001 })
    await roundTrip({ elapsed: 1.5 }, { elapsed: 1.5 })
    await roundTrip({ elapsed: -250 }, { elapsed: -250 })
  })

  it('uuid is a lower-case hyphenated string', async () => {
    await roundTrip({ token: '12345678-9ABC-DEF0-1234-56789ABCDEF0' }, { token: '12345678-9abc-def0-1234-56789abcdef0' })
    await roundTrip({ token: '0123456789abcdef0123456789abcdef' }, { token: '01234567-89ab-cdef-0123-456789abcdef' })
    const { db } = ctx()
    expect(await db.run(pipe(Sample.objects, filter({ token: '01234567-89ab-cdef-0123-456789abcdef' }), count))).toBe(1)
  })

  it('json keeps objects, arrays, nesting, unicode and scalars', async () => {
    const values: unknown[] = [
      { a: 1, b: [true, false, null], c: { d: 'e', f: { g: [1.5, -2] } } },
      [1, 'two', { three: 3 }, []],
      { unicode: 'ÆØÅ 日本 🙂', quote: "it's \"quoted\" \\ back", empty: {} },
      'a string',
      42,
      true,
    ]
    for (const payload of values) await roundTrip({ payload }, { payload })
  })

  it('binary is a Uint8Array of the same bytes', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
    const row = await roundTrip({ data: bytes }, {})
    expect(row.data).toBeInstanceOf(Uint8Array)
    expect(Array.from(row.data ?? [])).toEqual(Array.from(bytes))
    const empty = await roundTrip({ data: new Uint8Array(0) }, {})
    expect(empty.data?.length).toBe(0)
  })

  it('every type at once, read back by toArray', async () => {
    const { db } = ctx()
    const full: SampleInsert = {
      title: 't',
      body: 'b',
      slug: 's',
      email: 'e@x.no',
      website: 'http://x.no',
      smallNum: 1,
      intNum: 2,
      bigNum: 3n,
      posNum: 4,
      posSmallNum: 5,
      ratio: 6.5,
      price: '7.25',
      active: true,
      birthday: '2020-01-02',
      seenAt: new Date('2020-01-02T03:04:05.006Z'),
      alarm: '03:04:05',
      elapsed: 7000,
      token: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
      payload: { k: ['v'] },
      data: Uint8Array.of(1, 2, 3),
    }
    const created = await db.run(create(Sample, full))
    const rows = await db.run(toArray(Sample.objects))
    expect(rows).toEqual([created])
  })
})
