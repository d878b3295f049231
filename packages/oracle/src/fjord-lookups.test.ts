// Compile-only: every lookup and date transform as Oracle SQL, through the real core API on a Db
// that never connects (the pool is made on first use, and nothing here runs a statement).
import { type AnyQuerySet, exclude, f, filter, model, pipe, Q, schema, toSql } from '@fjord/core'
import { foreignKey } from '@fjord/relations'
import { describe, expect, test } from 'vitest'
import { oracle } from './index.js'

const { Entry } = schema({
  Writer: model({ name: f.char({ maxLength: 50 }) }),
  Entry: model({
    headline: f.char({ maxLength: 100 }),
    body: f.text(),
    pubDate: f.dateTime(),
    day: f.date(),
    clock: f.time({ null: true }),
    rating: f.integer({ null: true }),
    writer: foreignKey('Writer', { onDelete: 'CASCADE' }),
  }),
})

const db = oracle({ user: 'fjord', password: 'unused', connectString: '127.0.0.1:1/NOWHERE' })
const SELECT =
  'select "entry"."id", "entry"."headline", "entry"."body", "entry"."pub_date", "entry"."day", "entry"."clock", "entry"."rating", "entry"."writer_id" from "entry"'

const compiled = (qs: AnyQuerySet) => toSql(qs)(db)
/** The SQL of Entry filtered by `cond`: the WHERE clause and the parameters. */
const where = (cond: object) => {
  const { sql, parameters } = compiled(pipe(Entry.objects, filter(Q(cond as never))))
  expect(sql.startsWith(`${SELECT} where `)).toBe(true)
  return { where: sql.slice(SELECT.length + ' where '.length), parameters }
}
const placeholders = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `:${from + i}`).join(', ')

describe('comparison lookups', () => {
  test('exact, and exact with null', () => {
    expect(where({ headline: 'Hello' })).toEqual({ where: '"entry"."headline" = :1', parameters: ['Hello'] })
    expect(where({ rating__exact: 3 })).toEqual({ where: '"entry"."rating" = :1', parameters: [3] })
    expect(where({ rating: null })).toEqual({ where: '"entry"."rating" IS NULL', parameters: [] })
  })

  test("exact '' is IS NULL, since Oracle stores '' as NULL", () => {
    expect(where({ headline: '' })).toEqual({ where: '"entry"."headline" IS NULL', parameters: [] })
    expect(where({ headline__exact: '' })).toEqual({ where: '"entry"."headline" IS NULL', parameters: [] })
  })

  test('gt, gte, lt, lte', () => {
    expect(where({ rating__gt: 1 })).toEqual({ where: '"entry"."rating" > :1', parameters: [1] })
    expect(where({ rating__gte: 2 })).toEqual({ where: '"entry"."rating" >= :1', parameters: [2] })
    expect(where({ rating__lt: 3 })).toEqual({ where: '"entry"."rating" < :1', parameters: [3] })
    expect(where({ rating__lte: 4 })).toEqual({ where: '"entry"."rating" <= :1', parameters: [4] })
  })

  test('range, with datetimes bound as UTC text in the session format', () => {
    expect(where({ rating__range: [1, 5] })).toEqual({ where: '"entry"."rating" BETWEEN :1 AND :2', parameters: [1, 5] })
    expect(where({ pubDate__range: [new Date('2020-01-01T00:00:00Z'), new Date('2020-12-31T23:59:59.5Z')] })).toEqual({
      where: '"entry"."pub_date" BETWEEN :1 AND :2',
      parameters: ['2020-01-01 00:00:00.000000', '2020-12-31 23:59:59.500000'],
    })
  })

  test('isnull', () => {
    expect(where({ rating__isnull: true })).toEqual({ where: '"entry"."rating" IS NULL', parameters: [] })
    expect(where({ rating__isnull: false })).toEqual({ where: '"entry"."rating" IS NOT NULL', parameters: [] })
  })

  test('in, and an empty in that sends nothing', () => {
    expect(where({ rating__in: [1, 2, 3] })).toEqual({ where: '"entry"."rating" IN (:1, :2, :3)', parameters: [1, 2, 3] })
    expect(compiled(pipe(Entry.objects, filter({ rating__in: [] }))).sql).toBe(`${SELECT} where 1 = 0`)
  })

  test('in with more than 1000 items is split into ORed lists of at most 1000 (ORA-01795)', () => {
    const ids = Array.from({ length: 2500 }, (_, i) => i + 1)
    const col = '"entry"."id"'
    expect(where({ id__in: ids })).toEqual({
      where: `(${col} IN (${placeholders(1, 1000)}) OR ${col} IN (${placeholders(1001, 2000)}) OR ${col} IN (${placeholders(2001, 2500)}))`,
      parameters: ids,
    })
    // Exactly 1000 stays one list.
    expect(where({ id__in: ids.slice(0, 1000) }).where).toBe(`${col} IN (${placeholders(1, 1000)})`)
  })

  test('exclude of a long in on a nullable column keeps NULL rows (IS NOT NULL guard)', () => {
    const ids = Array.from({ length: 1001 }, (_, i) => i)
    const col = '"entry"."rating"'
    expect(compiled(pipe(Entry.objects, exclude({ rating__in: ids }))).sql).toBe(
      `${SELECT} where NOT (((${col} IN (${placeholders(1, 1000)}) OR ${col} IN (:1001)) AND ${col} IS NOT NULL))`,
    )
  })
})

describe('pattern lookups: LIKE with an explicit ESCAPE, wildcards in values are literal', () => {
  test('contains, startswith, endswith are case-sensitive LIKE', () => {
    expect(where({ headline__contains: '50%_off' })).toEqual({
      where: `"entry"."headline" LIKE :1 ESCAPE '\\'`,
      parameters: ['%50\\%\\_off%'],
    })
    expect(where({ headline__startswith: 'Ab' })).toEqual({ where: `"entry"."headline" LIKE :1 ESCAPE '\\'`, parameters: ['Ab%'] })
    expect(where({ headline__endswith: 'yz' })).toEqual({ where: `"entry"."headline" LIKE :1 ESCAPE '\\'`, parameters: ['%yz'] })
  })

  test('iexact, icontains, istartswith, iendswith compare UPPER() of both sides', () => {
    const ilike = `UPPER("entry"."headline") LIKE UPPER(:1) ESCAPE '\\'`
    expect(where({ headline__iexact: 'a_b' })).toEqual({ where: ilike, parameters: ['a\\_b'] })
    expect(where({ headline__icontains: 'ab' })).toEqual({ where: ilike, parameters: ['%ab%'] })
    expect(where({ headline__istartswith: 'ab' })).toEqual({ where: ilike, parameters: ['ab%'] })
    expect(where({ headline__iendswith: 'ab' })).toEqual({ where: ilike, parameters: ['%ab'] })
  })

  test('regex and iregex use REGEXP_LIKE with the c and i match parameters', () => {
    expect(where({ headline__regex: '^H.*o$' })).toEqual({ where: `REGEXP_LIKE("entry"."headline", :1, 'c')`, parameters: ['^H.*o$'] })
    expect(where({ headline__iregex: '^h' })).toEqual({ where: `REGEXP_LIKE("entry"."headline", :1, 'i')`, parameters: ['^h'] })
  })

  test('an NCLOB column is compared through DBMS_LOB.SUBSTR, as Django does (ORA-00932 otherwise)', () => {
    const body = 'DBMS_LOB.SUBSTR("entry"."body")'
    expect(where({ body: 'x' })).toEqual({ where: `${body} = :1`, parameters: ['x'] })
    expect(where({ body__contains: 'x' })).toEqual({ where: `${body} LIKE :1 ESCAPE '\\'`, parameters: ['%x%'] })
    expect(where({ body__in: ['a', 'b'] })).toEqual({ where: `${body} IN (:1, :2)`, parameters: ['a', 'b'] })
    expect(where({ body__regex: 'a+' })).toEqual({ where: `REGEXP_LIKE(${body}, :1, 'c')`, parameters: ['a+'] })
    // LIKE reads an NCLOB directly, so UPPER() needs no cut.
    expect(where({ body__icontains: 'x' })).toEqual({ where: `UPPER("entry"."body") LIKE UPPER(:1) ESCAPE '\\'`, parameters: ['%x%'] })
    expect(where({ body__isnull: true })).toEqual({ where: '"entry"."body" IS NULL', parameters: [] })
  })
})

describe('date and time transforms, numbered as Django numbers them', () => {
  const pub = '"entry"."pub_date"'

  test('date is TRUNC; dates are bound as text', () => {
    expect(where({ pubDate__date: '2020-01-02' })).toEqual({ where: `TRUNC(${pub}) = :1`, parameters: ['2020-01-02'] })
  })

  test('year, month, day, hour, minute through EXTRACT; second without its fraction', () => {
    // A year compared on the column itself is a range of the column (an index serves it), as Django's YearLookup.
    expect(where({ pubDate__year: 2020 })).toEqual({ where: `(${pub} >= :1 AND ${pub} < :2)`, parameters: ['2020-01-01 00:00:00.000000', '2021-01-01 00:00:00.000000'] })
    expect(where({ pubDate__year__in: [2020, 2021] })).toEqual({ where: `EXTRACT(YEAR FROM ${pub}) IN (:1, :2)`, parameters: [2020, 2021] })
    expect(where({ pubDate__month: 2 })).toEqual({ where: `EXTRACT(MONTH FROM ${pub}) = :1`, parameters: [2] })
    expect(where({ pubDate__day: 3 })).toEqual({ where: `EXTRACT(DAY FROM ${pub}) = :1`, parameters: [3] })
    expect(where({ pubDate__hour: 4 })).toEqual({ where: `EXTRACT(HOUR FROM ${pub}) = :1`, parameters: [4] })
    expect(where({ pubDate__minute: 5 })).toEqual({ where: `EXTRACT(MINUTE FROM ${pub}) = :1`, parameters: [5] })
    expect(where({ pubDate__second: 6 })).toEqual({ where: `TRUNC(EXTRACT(SECOND FROM ${pub})) = :1`, parameters: [6] })
  })

  test('isoYear, week and quarter through TO_CHAR formats that do not depend on NLS', () => {
    expect(where({ pubDate__isoYear: 2020 })).toEqual({ where: `TO_NUMBER(TO_CHAR(${pub}, 'IYYY')) = :1`, parameters: [2020] })
    expect(where({ pubDate__week: 53 })).toEqual({ where: `TO_NUMBER(TO_CHAR(${pub}, 'IW')) = :1`, parameters: [53] })
    expect(where({ pubDate__quarter: 4 })).toEqual({ where: `TO_NUMBER(TO_CHAR(${pub}, 'Q')) = :1`, parameters: [4] })
  })

  test('weekDay (1 = Sunday) and isoWeekDay (1 = Monday) from the ISO week, whatever NLS_TERRITORY says', () => {
    const sinceMonday = `(TRUNC(${pub}) - TRUNC(${pub}, 'IW'))`
    expect(where({ pubDate__weekDay: 1 })).toEqual({ where: `(MOD(${sinceMonday} + 1, 7) + 1) = :1`, parameters: [1] })
    expect(where({ pubDate__isoWeekDay: 7 })).toEqual({ where: `(${sinceMonday} + 1) = :1`, parameters: [7] })
  })

  test('time is the time-of-day TIMESTAMP on 1900-01-01 that time fields store', () => {
    expect(where({ pubDate__time: '10:30' })).toEqual({
      where: `(CASE WHEN ${pub} IS NOT NULL THEN TO_TIMESTAMP('1900-01-01 ' || TO_CHAR(CAST(${pub} AS TIMESTAMP), 'HH24:MI:SS.FF6'), 'YYYY-MM-DD HH24:MI:SS.FF6') END) = :1`,
      parameters: ['1900-01-01 10:30:00'],
    })
  })

  test('date and time fields take their own parts', () => {
    expect(where({ day__year: 2021 })).toEqual({ where: '("entry"."day" >= :1 AND "entry"."day" < :2)', parameters: ['2021-01-01', '2022-01-01'] })
    expect(where({ day: '2021-06-30' })).toEqual({ where: '"entry"."day" = :1', parameters: ['2021-06-30'] })
    expect(where({ clock__hour: 9 })).toEqual({ where: 'EXTRACT(HOUR FROM "entry"."clock") = :1', parameters: [9] })
    expect(where({ clock: '09:15:00.25' })).toEqual({ where: '"entry"."clock" = :1', parameters: ['1900-01-01 09:15:00.250000'] })
  })

  test('transforms chain into other lookups', () => {
    expect(where({ pubDate__year__gte: 2020 })).toEqual({ where: `${pub} >= :1`, parameters: ['2020-01-01 00:00:00.000000'] })
    expect(where({ pubDate__month__in: [1, 2] })).toEqual({ where: `EXTRACT(MONTH FROM ${pub}) IN (:1, :2)`, parameters: [1, 2] })
    expect(where({ pubDate__date__lt: '2020-01-01' })).toEqual({ where: `TRUNC(${pub}) < :1`, parameters: ['2020-01-01'] })
    expect(where({ pubDate__quarter__range: [1, 2] })).toEqual({
      where: `TO_NUMBER(TO_CHAR(${pub}, 'Q')) BETWEEN :1 AND :2`,
      parameters: [1, 2],
    })
  })

  test('a datetime value is bound as its UTC wall clock', () => {
    expect(where({ pubDate: new Date('2020-01-02T03:04:05.678Z') })).toEqual({
      where: `${pub} = :1`,
      parameters: ['2020-01-02 03:04:05.678000'],
    })
  })
})

describe('across relations', () => {
  test('a forward foreign key joins, its key alone does not', () => {
    expect(compiled(pipe(Entry.objects, filter(Q({ writer__name__iexact: 'Ann' }))))).toEqual({
      sql: `${SELECT} inner join "writer" on "entry"."writer_id" = "writer"."id" where UPPER("writer"."name") LIKE UPPER(:1) ESCAPE '\\'`,
      parameters: ['Ann'],
    })
    expect(where({ writer__id: 7 })).toEqual({ where: '"entry"."writer_id" = :1', parameters: [7] })
  })
})
