// Every connection is set up for Fjord, whoever opened it: UTC, strict mode, backslash escapes,
// read committed. A pool made elsewhere works when created with mysqlPoolOptions.
import { count, create, f, filter, model, schema } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import { createPool } from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mysql, mysqlPoolOptions } from './index.js'
import { freshDb, rows, unavailable, urlWith } from './test-support/server.js'

const { Note } = schema({ Note: model({ text: f.char({ maxLength: 20 }) }) })

const reason = await unavailable()
type TestDb = Awaited<ReturnType<typeof freshDb>>

describe.skipIf(reason)('session set-up', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Note]))
    await db.run(create(Note, { text: 'a\\b%c' }))
  })
  afterAll(async () => {
    await db?.close()
  })

  it('UTC, strict mode and read committed on every connection', async () => {
    const [[zone, mode]] = await rows(db, 'SELECT @@SESSION.time_zone, @@SESSION.sql_mode')
    expect(zone).toBe('+00:00')
    expect(String(mode).split(',')).toContain('STRICT_TRANS_TABLES')
    const isolation = await rows(db, 'SELECT @@SESSION.tx_isolation').catch(() => rows(db, 'SELECT @@SESSION.transaction_isolation'))
    expect(isolation[0][0]).toBe('READ-COMMITTED')
  })

  it("a pool made elsewhere is set up on first use (NO_BACKSLASH_ESCAPES is turned off); close() leaves it open", async () => {
    const pool = createPool({ ...mysqlPoolOptions, uri: urlWith((u) => (u.pathname = `/${db.database}`)), connectionLimit: 1 })
    try {
      const conn = await pool.getConnection()
      await conn.query("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES', SESSION time_zone = '+05:00'")
      conn.release()
      const other = mysql({ pool })
      expect(await other.run(pipe(Note.objects, filter({ text__contains: '\\b%' }), count))).toBe(1)
      const [[zone, mode]] = await rows(other, 'SELECT @@SESSION.time_zone, @@SESSION.sql_mode')
      expect(zone).toBe('+00:00')
      expect(String(mode)).not.toContain('NO_BACKSLASH_ESCAPES')
      await other.close()
      const [[one]] = (await pool.query({ sql: 'SELECT 1', rowsAsArray: true })) as unknown as [[number]]
      expect(one).toEqual([1])
    } finally {
      await pool.end()
    }
  })

  it('a pool without the options Fjord needs is refused with a clear message', async () => {
    const pool = createPool({ uri: urlWith(() => undefined), connectionLimit: 1 })
    try {
      expect(() => mysql({ pool })).toThrow(/mysqlPoolOptions/)
    } finally {
      await pool.end()
    }
  })
})
