// Compile-only: the statements core sends for writes and transactions on Oracle, recorded by a fake
// driver that runs nothing (no server here). It answers only what the statements need to go on:
// the key a RETURNING … INTO would give back, as the text the dialect asks for.
import {
  bulkCreate,
  create,
  deleteAll,
  type Driver,
  type ExecResult,
  F,
  f,
  filter,
  get,
  makeDb,
  model,
  pipe,
  schema,
  update,
} from '@fjord/core'
import { atomic, selectForUpdate } from '@fjord/transaction'
import { describe, expect, test } from 'vitest'
import { OutBind, oracleDialect } from './index.js'

const { Entry } = schema({
  Entry: model({
    headline: f.char({ maxLength: 100 }),
    body: f.text({ default: '' }),
    pubDate: f.dateTime(),
    rating: f.integer({ null: true }),
    score: f.decimal({ maxDigits: 5, decimalPlaces: 2, null: true }),
  }),
})

interface Sent {
  readonly sql: string
  readonly params: readonly unknown[]
  readonly pinned: boolean
}

/** A Db whose driver records every statement and runs none. */
const recording = () => {
  const sent: Sent[] = []
  let nextKey = 41
  const answer = (sql: string, params: readonly unknown[], pinned: boolean): ExecResult => {
    sent.push({ sql, params, pinned })
    const outs = params.filter((p) => p instanceof OutBind).length
    // RETURNING … INTO: one key per row, as text (the out bind is a string).
    if (outs > 0) return { rows: [[String(++nextKey)]], affected: 1 }
    if (sql.startsWith('select')) return { rows: [[String(nextKey), 'a', null, new Date(2020, 0, 2, 3, 4, 5), 1, '1.5']], affected: 0 }
    return { rows: [], affected: 1 }
  }
  const driver: Driver = {
    execute: async (sql, params) => answer(sql, params, false),
    acquire: async () => ({ execute: async (sql, params) => answer(sql, params, true), release: () => undefined }),
    close: async () => undefined,
  }
  return { db: makeDb(oracleDialect, driver), sent }
}

const at = new Date('2020-01-02T03:04:05Z')

describe('writes', () => {
  test('create: INSERT … RETURNING "id" INTO an out bind; the key comes back as a number', async () => {
    const { db, sent } = recording()
    const row = await db.run(create(Entry, { headline: 'Hi', pubDate: at, score: '1.5' }))
    expect(sent).toEqual([
      {
        sql: 'insert into "entry" ("headline", "body", "pub_date", "rating", "score") values (:1, :2, :3, :4, :5) returning "id" into :6',
        params: ['Hi', '', '2020-01-02 03:04:05.000000', null, '1.5', new OutBind('string', 'id')],
        pinned: false,
      },
    ])
    expect(row.id).toBe(42)
    expect(row.score).toBe('1.50')
  })

  test('bulkCreate: one INSERT … SELECT … UNION ALL in a derived table, each value typed, no RETURNING', async () => {
    const { db, sent } = recording()
    const rows = await db.run(
      bulkCreate(Entry, [
        { headline: 'a', pubDate: at, rating: 1 },
        { headline: 'b', pubDate: at, rating: null, body: 'long text' },
      ]),
    )
    expect(sent.map((s) => s.sql)).toEqual([
      'insert into "entry" ("headline", "body", "pub_date", "rating", "score") select * from (' +
        'select :1 c0, TO_NCLOB(:2) c1, TO_TIMESTAMP(:3) c2, TO_NUMBER(:4) c3, TO_NUMBER(:5) c4 from dual union all ' +
        'select :6, TO_NCLOB(:7), TO_TIMESTAMP(:8), TO_NUMBER(:9), TO_NUMBER(:10) from dual)',
      'COMMIT',
    ])
    expect(sent[0].params).toEqual(['a', '', '2020-01-02 03:04:05.000000', 1, null, 'b', 'long text', '2020-01-02 03:04:05.000000', null, null])
    expect(sent.every((s) => s.pinned)).toBe(true)
    // Oracle returns no keys from a multi-row insert (as Django on Oracle): the rows come back without one.
    expect(rows.map((r) => r.id)).toEqual([undefined, undefined])
  })

  test('update with an F expression, and a delete', async () => {
    const { db, sent } = recording()
    await db.run(pipe(Entry.objects, filter({ rating__gte: 3 }), update({ rating: F('rating').add(1), headline: '' })))
    expect(sent[0]).toEqual({
      sql: 'update "entry" set "rating" = ("entry"."rating" + :1), "headline" = :2 where "entry"."rating" >= :3',
      params: [1, '', 3],
      pinned: false,
    })
    sent.length = 0
    await db.run(pipe(Entry.objects, filter({ headline: 'x' }), deleteAll))
    expect(sent.map((s) => s.sql)).toContain('delete from "entry" where "entry"."headline" = :1')
  })
})

describe('transactions', () => {
  test('no BEGIN; a nested atomic is a SAVEPOINT that is never released; COMMIT at the end', async () => {
    const { db, sent } = recording()
    await db.run(atomic(atomic(create(Entry, { headline: 'x', pubDate: at }))))
    expect(sent.map((s) => s.sql.replace(/"s\d+_x"/, '"S"'))).toEqual([
      'SAVEPOINT "S"',
      'insert into "entry" ("headline", "body", "pub_date", "rating", "score") values (:1, :2, :3, :4, :5) returning "id" into :6',
      'COMMIT',
    ])
    expect(sent.every((s) => s.pinned)).toBe(true)
  })

  test('an isolation level is set first', async () => {
    const { db, sent } = recording()
    await db.run(atomic(create(Entry, { headline: 'x', pubDate: at }), { isolationLevel: 'serializable' }))
    expect(sent[0].sql).toBe('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE')
  })

  test("get() under selectForUpdate locks through ROWNUM; a NOT NULL string read as NULL is ''", async () => {
    const { db, sent } = recording()
    const row = await db.run(atomic(pipe(Entry.objects, selectForUpdate(), get({ pk: 41 }))))
    expect(sent[0].sql).toBe(
      'select "entry"."id", "entry"."headline", "entry"."body", "entry"."pub_date", "entry"."rating", "entry"."score" from "entry" where "entry"."id" = :1 and rownum <= 21 for update',
    )
    expect(row).toEqual({ id: 41, headline: 'a', body: '', pubDate: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)), rating: 1, score: '1.50' })
  })
})
