// Compile-only: Django's database functions as Oracle SQL, through the real core API on a Db that
// never connects. Oracle has no LEFT, RIGHT, REPEAT, MD5 or SHA functions and no PI(); NULLIF takes
// no literal NULL first; values are bound, never spliced.
import {
  Abs,
  annotate,
  ATan2,
  Ceil,
  Chr,
  Cos,
  Degrees,
  type Driver,
  Exp,
  type Expression,
  ExtractIsoWeekDay,
  ExtractQuarter,
  ExtractYear,
  F,
  f,
  filter,
  Floor,
  Left,
  Length,
  Ln,
  Log,
  LPad,
  LTrim,
  makeDb,
  MD5,
  Mod,
  model,
  NullIf,
  Ord,
  Pi,
  pipe,
  Power,
  Q,
  Radians,
  Repeat,
  Replace,
  Reverse,
  Right,
  Round,
  RPad,
  RTrim,
  schema,
  SHA1,
  SHA256,
  Sign,
  Sin,
  Sqrt,
  StrIndex,
  Substr,
  Tan,
  toSql,
  Trim,
  TruncDate,
  TruncMonth,
  TruncTime,
  update,
  Value,
} from '@fjord/core'
import { describe, expect, test } from 'vitest'
import { oracle, oracleDialect } from './index.js'

const { Entry } = schema({
  Entry: model({
    headline: f.char({ maxLength: 100 }),
    rating: f.integer({ null: true }),
    score: f.float({ null: true }),
    price: f.decimal({ maxDigits: 6, decimalPlaces: 2 }),
    pubDate: f.dateTime(),
  }),
})

const db = oracle({ user: 'fjord', password: 'unused', connectString: '127.0.0.1:1/NOWHERE' })
const COLUMNS = 'select "entry"."id", "entry"."headline", "entry"."rating", "entry"."score", "entry"."price", "entry"."pub_date", '
const FROM = ' as "x" from "entry"'

/** The SQL of one annotation, and the parameters bound. */
const sqlOf = (e: Expression) => {
  const { sql, parameters } = toSql(pipe(Entry.objects, annotate({ x: e })))(db)
  expect(sql.startsWith(COLUMNS) && sql.endsWith(FROM)).toBe(true)
  return { sql: sql.slice(COLUMNS.length, -FROM.length), parameters }
}
const H = '"entry"."headline"'

describe('text functions', () => {
  test('Left and Right are SUBSTR; Right starts at 1 at most, as SUBSTR before the start is NULL', () => {
    expect(sqlOf(Left('headline', 3))).toEqual({ sql: `SUBSTR(${H}, 1, :1)`, parameters: [3] })
    expect(sqlOf(Right('headline', 3))).toEqual({ sql: `SUBSTR(${H}, GREATEST(LENGTH(${H}) - :1 + 1, 1), :2)`, parameters: [3, 3] })
    expect(sqlOf(Left('headline', Length('headline'))).sql).toBe(`SUBSTR(${H}, 1, LENGTH(${H}))`)
  })

  test('Substr is SUBSTR with 1-based positions; StrIndex is INSTR', () => {
    expect(sqlOf(Substr('headline', 2, 3))).toEqual({ sql: `SUBSTR(${H}, :1, :2)`, parameters: [2, 3] })
    expect(sqlOf(Substr('headline', 2))).toEqual({ sql: `SUBSTR(${H}, :1)`, parameters: [2] })
    expect(sqlOf(StrIndex('headline', Value("R.' OR 1=1")))).toEqual({ sql: `INSTR(${H}, :1)`, parameters: ["R.' OR 1=1"] })
  })

  test('Trim, LTrim, RTrim and Replace are native', () => {
    expect(sqlOf(Trim('headline')).sql).toBe(`TRIM(${H})`)
    expect(sqlOf(LTrim('headline')).sql).toBe(`LTRIM(${H})`)
    expect(sqlOf(RTrim('headline')).sql).toBe(`RTRIM(${H})`)
    expect(sqlOf(Replace('headline', Value('a'), Value('b')))).toEqual({ sql: `REPLACE(${H}, :1, :2)`, parameters: ['a', 'b'] })
    expect(sqlOf(Replace('headline', Value('a')))).toEqual({ sql: `REPLACE(${H}, :1, :2)`, parameters: ['a', ''] })
  })

  test('Repeat pads the text with itself; LPad and RPad are native, a space by default', () => {
    expect(sqlOf(Repeat('headline', 3))).toEqual({ sql: `RPAD(${H}, LENGTH(${H}) * :1, ${H})`, parameters: [3] })
    expect(sqlOf(LPad('headline', 10))).toEqual({ sql: `LPAD(${H}, :1, :2)`, parameters: [10, ' '] })
    expect(sqlOf(RPad('headline', 10, Value('.')))).toEqual({ sql: `RPAD(${H}, :1, :2)`, parameters: [10, '.'] })
  })

  test('Reverse takes the characters last first in a subquery (REVERSE reverses bytes)', () => {
    expect(sqlOf(Reverse('headline')).sql).toBe(
      `(SELECT LISTAGG(SUBSTR(${H}, LEVEL, 1)) WITHIN GROUP (ORDER BY LEVEL DESC) FROM DUAL CONNECT BY LEVEL <= LENGTH(${H}))`,
    )
  })

  test('Chr in the national character set; Ord is ASCII', () => {
    expect(sqlOf(Chr('rating')).sql).toBe('CHR("entry"."rating" USING NCHAR_CS)')
    expect(sqlOf(Ord('headline')).sql).toBe(`ASCII(${H})`)
  })

  test('MD5, SHA1 and SHA256 hash the UTF-8 bytes with STANDARD_HASH, in lowercase hex', () => {
    const hash = (algorithm: string) => `LOWER(RAWTOHEX(STANDARD_HASH(UTL_I18N.STRING_TO_RAW(${H}, 'AL32UTF8'), '${algorithm}')))`
    expect(sqlOf(MD5('headline')).sql).toBe(hash('MD5'))
    expect(sqlOf(SHA1('headline')).sql).toBe(hash('SHA1'))
    expect(sqlOf(SHA256('headline')).sql).toBe(hash('SHA256'))
  })
})

describe('comparison', () => {
  test('NullIf is the CASE NULLIF stands for, so a NULL first argument is allowed', () => {
    expect(sqlOf(NullIf('headline', Value('x')))).toEqual({ sql: `(CASE WHEN ${H} = :1 THEN NULL ELSE ${H} END)`, parameters: ['x'] })
    expect(sqlOf(NullIf(Value(null), 'headline')).sql).toBe(`(CASE WHEN NULL = ${H} THEN NULL ELSE NULL END)`)
  })
})

describe('math functions', () => {
  const S = '"entry"."score"'
  test('Ceil is CEIL; Abs, Floor, Sign, Mod, Power, Sqrt, Exp, Ln, trigonometry are native', () => {
    expect(sqlOf(Ceil('score')).sql).toBe(`CEIL(${S})`)
    expect(sqlOf(Abs('score')).sql).toBe(`ABS(${S})`)
    expect(sqlOf(Floor('score')).sql).toBe(`FLOOR(${S})`)
    expect(sqlOf(Sign('score')).sql).toBe(`SIGN(${S})`)
    expect(sqlOf(Mod('rating', 3))).toEqual({ sql: 'MOD("entry"."rating", :1)', parameters: [3] })
    expect(sqlOf(Power('score', 2))).toEqual({ sql: `POWER(${S}, :1)`, parameters: [2] })
    expect(sqlOf(Sqrt('score')).sql).toBe(`SQRT(${S})`)
    expect(sqlOf(Exp('score')).sql).toBe(`EXP(${S})`)
    expect(sqlOf(Ln('score')).sql).toBe(`LN(${S})`)
    expect(sqlOf(Sin('score')).sql).toBe(`SIN(${S})`)
    expect(sqlOf(Cos('score')).sql).toBe(`COS(${S})`)
    expect(sqlOf(Tan('score')).sql).toBe(`TAN(${S})`)
    expect(sqlOf(ATan2('score', 'rating')).sql).toBe(`ATAN2(${S}, "entry"."rating")`)
  })

  test('Log takes the base first, as Oracle does; Round takes a bound precision', () => {
    expect(sqlOf(Log(10, 'score'))).toEqual({ sql: `LOG(:1, ${S})`, parameters: [10] })
    expect(sqlOf(Round('price', 1))).toEqual({ sql: 'ROUND("entry"."price", :1)', parameters: [1] })
    expect(sqlOf(Round('rating', -2))).toEqual({ sql: 'ROUND("entry"."rating", :1)', parameters: [-2] })
    expect(sqlOf(Round('rating'))).toEqual({ sql: 'ROUND("entry"."rating", :1)', parameters: [0] })
  })

  test('no PI(): π, degrees and radians as arithmetic on the constant', () => {
    expect(sqlOf(Pi())).toEqual({ sql: String(Math.PI), parameters: [] })
    expect(sqlOf(Degrees('score')).sql).toBe(`((${S}) * 180 / ${Math.PI})`)
    expect(sqlOf(Radians('score')).sql).toBe(`((${S}) * ${Math.PI} / 180)`)
  })
})

describe('dates and times', () => {
  const D = '"entry"."pub_date"'
  test('Extract… and Trunc… shorthands are Extract and Trunc', () => {
    expect(sqlOf(ExtractYear('pubDate')).sql).toBe(`EXTRACT(YEAR FROM ${D})`)
    expect(sqlOf(ExtractQuarter('pubDate')).sql).toBe(`TO_NUMBER(TO_CHAR(${D}, 'Q'))`)
    expect(sqlOf(ExtractIsoWeekDay('pubDate')).sql).toBe(`((TRUNC(${D}) - TRUNC(${D}, 'IW')) + 1)`)
    expect(sqlOf(TruncMonth('pubDate')).sql).toBe(`TRUNC(${D}, 'MONTH')`)
    expect(sqlOf(TruncDate('pubDate')).sql).toBe(`TRUNC(${D}, 'DD')`)
    expect(sqlOf(TruncTime('pubDate')).sql).toContain("TO_CHAR(CAST(")
  })
})

describe('in filter and update', () => {
  test('a function on either side of a condition, and as the new value of a column', () => {
    const where = toSql(pipe(Entry.objects, filter(Q({ headline: Left(Value('Hello world'), 5) }))))(db)
    expect(where.sql.endsWith(`where ${H} = SUBSTR(:1, 1, :2)`)).toBe(true)
    expect(where.parameters).toEqual(['Hello world', 5])
    const annotated = toSql(pipe(Entry.objects, annotate({ n: StrIndex('headline', Value('x')) }), filter(Q({ n__gt: 0 }))))(db)
    expect(annotated.sql.endsWith(`INSTR(${H}, :1) as "n" from "entry" where INSTR(${H}, :2) > :3`)).toBe(true)
    expect(annotated.parameters).toEqual(['x', 'x', 0])
  })

  test('update sets columns from functions, values bound', async () => {
    const sent: { sql: string; params: readonly unknown[] }[] = []
    const driver: Driver = {
      execute: async (sql, params) => {
        sent.push({ sql, params })
        return { rows: [], affected: 2 }
      },
      acquire: async () => ({ execute: async () => ({ rows: [], affected: 0 }), release: () => undefined }),
      close: async () => undefined,
    }
    const recording = makeDb(oracleDialect, driver)
    const changed = await recording.run(pipe(Entry.objects, filter({ rating__gt: 0 }), update({ headline: Repeat(Value('ab'), F('rating')), score: Round(Sqrt('score'), 2) })))
    expect(changed).toBe(2)
    expect(sent).toEqual([
      {
        sql: `update "entry" set "headline" = RPAD(:1, LENGTH(:2) * "entry"."rating", :3), "score" = ROUND(SQRT("entry"."score"), :4) where "entry"."rating" > :5`,
        params: ['ab', 'ab', 'ab', 2, 0],
      },
    ])
  })
})
