// Compile-only: QuerySet combinators, expressions and row locks as Oracle SQL, through the real core
// API on a Db that never connects. `none()` is run for real: it must not reach the database at all.
import {
  type AnyQuerySet,
  annotate,
  Cast,
  Coalesce,
  Concat,
  count,
  dates,
  defer,
  difference,
  distinct,
  exclude,
  Exists,
  Extract,
  F,
  f,
  filter,
  Greatest,
  intersection,
  Least,
  Length,
  model,
  none,
  not,
  Now,
  only,
  or,
  orderBy,
  OuterRef,
  pipe,
  Q,
  reverse,
  schema,
  slice,
  Subquery,
  toArray,
  toSql,
  Trunc,
  union,
  Upper,
  values,
  Value,
  valuesList,
} from '@fjord/core'
import { foreignKey } from '@fjord/relations'
import { selectForUpdate } from '@fjord/transaction'
import { describe, expect, test } from 'vitest'
import { fromInterval, oracle, shortenIdentifier } from './index.js'

const { Writer, Entry } = schema({
  Writer: model({ name: f.char({ maxLength: 50 }) }),
  Entry: model({
    headline: f.char({ maxLength: 100 }),
    body: f.text(),
    pubDate: f.dateTime(),
    rating: f.integer({ null: true }),
    writer: foreignKey('Writer', { onDelete: 'CASCADE' }),
  }),
})
const { LongNamed } = schema({
  LongNamed: model(
    { aColumnNameFarLongerThanThirtyBytes: f.integer() },
    { dbTable: 'a_table_name_far_longer_than_thirty_bytes' },
  ),
})

const db = oracle({ user: 'fjord', password: 'unused', connectString: '127.0.0.1:1/NOWHERE' })
const COLUMNS = '"entry"."id", "entry"."headline", "entry"."body", "entry"."pub_date", "entry"."rating", "entry"."writer_id"'
const SELECT = `select ${COLUMNS} from "entry"`
const compiled = (qs: AnyQuerySet) => toSql(qs)(db)

describe('filter, exclude, Q, or, not', () => {
  test('filter and exclude combine with AND; exclude guards a nullable column against NULL', () => {
    expect(compiled(pipe(Entry.objects, filter({ rating__gt: 1 }), exclude({ headline: 'x' })))).toEqual({
      sql: `${SELECT} where "entry"."rating" > :1 and NOT ("entry"."headline" = :2)`,
      parameters: [1, 'x'],
    })
    expect(compiled(pipe(Entry.objects, exclude({ rating__gt: 1 }))).sql).toBe(
      `${SELECT} where NOT (("entry"."rating" > :1 AND "entry"."rating" IS NOT NULL))`,
    )
  })

  test('or and not', () => {
    expect(compiled(pipe(Entry.objects, filter(or(Q({ rating: 1 }), not(Q({ headline__startswith: 'a' }))))))).toEqual({
      sql: `${SELECT} where ("entry"."rating" = :1) OR (NOT ("entry"."headline" LIKE :2 ESCAPE '\\'))`,
      parameters: [1, 'a%'],
    })
  })

  test('F on the right-hand side, with arithmetic', () => {
    expect(compiled(pipe(Entry.objects, filter({ rating__gt: F('writer').add(1) })))).toEqual({
      sql: `${SELECT} where "entry"."rating" > ("entry"."writer_id" + :1)`,
      parameters: [1],
    })
  })

  test('a subquery in, Exists with OuterRef, a scalar Subquery', () => {
    expect(compiled(pipe(Entry.objects, filter({ writer__in: pipe(Writer.objects, filter({ name__startswith: 'J' })) })))).toEqual({
      sql: `${SELECT} where "entry"."writer_id" IN (select "U1"."id" from "writer" "U1" where "U1"."name" LIKE :1 ESCAPE '\\')`,
      parameters: ['J%'],
    })
    expect(compiled(pipe(Writer.objects, filter(Exists(pipe(Entry.objects, filter({ writer: OuterRef('pk') }))))))).toEqual({
      sql: 'select "writer"."id", "writer"."name" from "writer" where EXISTS (select 1 from "entry" "U1" where "U1"."writer_id" = "writer"."id" offset 0 rows fetch next 1 rows only)',
      parameters: [],
    })
    const latest = Subquery(pipe(Entry.objects, filter({ writer: OuterRef('pk') }), orderBy('-pubDate'), values('headline'), slice(0, 1)))
    expect(compiled(pipe(Writer.objects, annotate({ latest }))).sql).toBe(
      'select "writer"."id", "writer"."name", (select "U1"."headline" from "entry" "U1" where "U1"."writer_id" = "writer"."id" order by "U1"."pub_date" DESC offset 0 rows fetch next 1 rows only) as "latest" from "writer"',
    )
    // No boolean in a select list: a selected EXISTS is CASE WHEN … THEN 1 ELSE 0 END; in WHERE it stays a condition.
    const wrote = Exists(pipe(Entry.objects, filter({ writer: OuterRef('pk') })))
    expect(compiled(pipe(Writer.objects, annotate({ wrote }), filter({ wrote: true }))).sql).toBe(
      'select "writer"."id", "writer"."name", CASE WHEN EXISTS (select 1 from "entry" "U1" where "U1"."writer_id" = "writer"."id" offset 0 rows fetch next 1 rows only) THEN 1 ELSE 0 END as "wrote" from "writer" where EXISTS (select 1 from "entry" "U1" where "U1"."writer_id" = "writer"."id" offset 0 rows fetch next 1 rows only)',
    )
  })
})

describe('ordering and slicing', () => {
  test("orderBy with '-x', reverse, random, and NULLS LAST", () => {
    expect(compiled(pipe(Entry.objects, orderBy('-pubDate', 'headline'))).sql).toBe(
      `${SELECT} order by "entry"."pub_date" DESC, "entry"."headline" ASC`,
    )
    expect(compiled(pipe(Entry.objects, orderBy('-pubDate', 'headline'), reverse())).sql).toBe(
      `${SELECT} order by "entry"."pub_date" ASC, "entry"."headline" DESC`,
    )
    expect(compiled(pipe(Entry.objects, orderBy('?'))).sql).toBe(`${SELECT} order by DBMS_RANDOM.VALUE`)
    expect(compiled(pipe(Entry.objects, orderBy(F('rating').desc({ nullsLast: true })))).sql).toBe(
      `${SELECT} order by "entry"."rating" DESC NULLS LAST`,
    )
  })

  test('slices become OFFSET … ROWS FETCH NEXT … ROWS ONLY', () => {
    expect(compiled(pipe(Entry.objects, orderBy('id'), slice(0, 10))).sql).toBe(
      `${SELECT} order by "entry"."id" ASC offset 0 rows fetch next 10 rows only`,
    )
    expect(compiled(pipe(Entry.objects, orderBy('id'), slice(5, 15))).sql).toBe(
      `${SELECT} order by "entry"."id" ASC offset 5 rows fetch next 10 rows only`,
    )
    expect(compiled(pipe(Entry.objects, slice(5))).sql).toBe(`${SELECT} offset 5 rows`)
  })

  test('distinct', () => {
    expect(compiled(pipe(Entry.objects, values('headline'), distinct())).sql).toBe('select distinct "entry"."headline" from "entry"')
  })
})

describe('selections', () => {
  test('values, across a relation with a LEFT JOIN', () => {
    expect(compiled(pipe(Entry.objects, values('headline', 'writer__name'))).sql).toBe(
      'select "entry"."headline", "writer"."name" from "entry" left join "writer" on "entry"."writer_id" = "writer"."id"',
    )
  })

  test('valuesList, only and defer', () => {
    expect(compiled(pipe(Entry.objects, valuesList('headline', { flat: true }))).sql).toBe('select "entry"."headline" from "entry"')
    expect(compiled(pipe(Entry.objects, only('headline'))).sql).toBe('select "entry"."id", "entry"."headline" from "entry"')
    expect(compiled(pipe(Entry.objects, defer('body'))).sql).toBe(
      'select "entry"."id", "entry"."headline", "entry"."pub_date", "entry"."rating", "entry"."writer_id" from "entry"',
    )
  })

  test('annotate with Length, Upper, Coalesce, Concat (||), and integer division that truncates', () => {
    const qs = pipe(
      Entry.objects,
      annotate({
        n: Length('headline'),
        u: Upper('headline'),
        c: Coalesce('rating', 0),
        k: Concat('headline', 'body'),
        half: F('rating').div(2),
        m: F('rating').mul(2).add(1),
      }),
      values('n', 'u', 'c', 'k', 'half', 'm'),
    )
    expect(compiled(qs)).toEqual({
      sql:
        'select LENGTH("entry"."headline") as "n", UPPER("entry"."headline") as "u", COALESCE("entry"."rating", :1) as "c", ' +
        '("entry"."headline" || "entry"."body") as "k", TRUNC("entry"."rating" / :2) as "half", (("entry"."rating" * :3) + :4) as "m" from "entry"',
      parameters: [0, 2, 2, 1],
    })
  })

  test('Now, Extract, Trunc, Greatest, Least and Cast with Oracle names', () => {
    const qs = pipe(
      Entry.objects,
      annotate({
        now: Now(),
        wd: Extract('pubDate', 'weekDay'),
        month: Trunc('pubDate', 'month'),
        hi: Greatest('rating', 1),
        lo: Least('rating', 9),
        asText: Cast('rating', 'text'),
        asInt: Cast('headline', 'integer'),
        asDate: Cast('pubDate', 'date'),
      }),
      values('now', 'wd', 'month', 'hi', 'lo', 'asText', 'asInt', 'asDate'),
    )
    expect(compiled(qs)).toEqual({
      sql:
        'select SYS_EXTRACT_UTC(SYSTIMESTAMP) as "now", ' +
        `(MOD((TRUNC("entry"."pub_date") - TRUNC("entry"."pub_date", 'IW')) + 1, 7) + 1) as "wd", ` +
        `TRUNC("entry"."pub_date", 'MONTH') as "month", GREATEST("entry"."rating", :1) as "hi", LEAST("entry"."rating", :2) as "lo", ` +
        'TO_NCLOB("entry"."rating") as "asText", CAST("entry"."headline" AS NUMBER(11)) as "asInt", ' +
        'TRUNC(CAST("entry"."pub_date" AS DATE)) as "asDate" from "entry"',
      parameters: [1, 9],
    })
  })

  test('temporal arithmetic is native; standalone dates are typed with TO_TIMESTAMP', () => {
    const qs = pipe(
      Entry.objects,
      annotate({
        later: F('pubDate').add(Value(1500, 'duration')),
        since: F('pubDate').sub(Value(new Date('2020-01-01T00:00:00Z'))),
      }),
      values('later', 'since'),
    )
    const { sql, parameters } = compiled(qs)
    expect(sql).toBe('select ("entry"."pub_date" + :1) as "later", ("entry"."pub_date" - TO_TIMESTAMP(:2)) as "since" from "entry"')
    expect(fromInterval(parameters[0] as Parameters<typeof fromInterval>[0])).toBe(1500)
    expect(parameters[1]).toBe('2020-01-01 00:00:00.000000')
  })

  test('dates() truncates with TRUNC', () => {
    expect(compiled(pipe(Entry.objects, dates('pubDate', 'month'))).sql).toBe(
      `select distinct TRUNC("entry"."pub_date", 'MONTH') from "entry" where TRUNC("entry"."pub_date", 'MONTH') IS NOT NULL order by 1 ASC`,
    )
  })
})

describe('set operations', () => {
  const headlines = pipe(Entry.objects, values('headline'))
  test('union, union all, intersection, and difference as MINUS', () => {
    expect(compiled(pipe(headlines, union(pipe(headlines, filter({ rating: 1 })))))).toEqual({
      sql: 'select "entry"."headline" from "entry" union select "entry"."headline" from "entry" where "entry"."rating" = :1',
      parameters: [1],
    })
    expect(compiled(pipe(headlines, union(headlines, { all: true }))).sql).toBe(
      'select "entry"."headline" from "entry" union all select "entry"."headline" from "entry"',
    )
    expect(compiled(pipe(headlines, intersection(headlines))).sql).toBe(
      'select "entry"."headline" from "entry" intersect select "entry"."headline" from "entry"',
    )
    expect(compiled(pipe(headlines, difference(headlines))).sql).toBe(
      'select "entry"."headline" from "entry" minus select "entry"."headline" from "entry"',
    )
  })
})

describe('row locks', () => {
  test('FOR UPDATE with NOWAIT, SKIP LOCKED, and OF as a column of the table', () => {
    expect(compiled(pipe(Entry.objects, filter({ rating: 1 }), selectForUpdate({ nowait: true, of: ['self'] })))).toEqual({
      sql: `${SELECT} where "entry"."rating" = :1 for update of "entry"."id" nowait`,
      parameters: [1],
    })
    expect(compiled(pipe(Entry.objects, selectForUpdate({ skipLocked: true }))).sql).toBe(`${SELECT} for update skip locked`)
  })

  test("get()'s limit becomes ROWNUM, since Oracle refuses FETCH with FOR UPDATE", () => {
    expect(compiled(pipe(Entry.objects, filter({ rating: 1 }), slice(0, 21), selectForUpdate())).sql).toBe(
      `${SELECT} where "entry"."rating" = :1 and rownum <= 21 for update`,
    )
  })
})

describe('none() and long names', () => {
  test('none() sends no statement: the Db, which could not connect, is never asked', async () => {
    const seen: string[] = []
    const off = db.onQuery((e) => seen.push(e.sql))
    try {
      expect(await db.run(toArray(pipe(Entry.objects, filter({ rating: 1 }), none())))).toEqual([])
      expect(await db.run(count(pipe(Entry.objects, none())))).toBe(0)
    } finally {
      off()
    }
    expect(seen).toEqual([])
  })

  test('table and column names over 30 bytes are shortened the same way in every statement', () => {
    const t = shortenIdentifier('a_table_name_far_longer_than_thirty_bytes')
    const c = shortenIdentifier('a_column_name_far_longer_than_thirty_bytes')
    expect([t.length, c.length]).toEqual([30, 30])
    expect(t).toMatch(/^a_table_name_far_longer_th[0-9a-f]{4}$/)
    expect(compiled(pipe(LongNamed.objects, filter({ aColumnNameFarLongerThanThirtyBytes: 1 })))).toEqual({
      sql: `select "${t}"."id", "${t}"."${c}" from "${t}" where "${t}"."${c}" = :1`,
      parameters: [1],
    })
  })
})
