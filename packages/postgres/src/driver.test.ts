// The driver: streaming through a server-side cursor in chunks, pinned connections for transactions,
// isolation levels and savepoints, and a broken connection destroyed rather than reused.
import { count, create, type Db, f, filter, inTransaction, model, orderBy, type QueryEvent, schema, stream, toArray } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import type pg from 'pg'
import Cursor from 'pg-cursor'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { freshDb, serverMissing } from './test-support/server.js'

const { Item } = schema({ Item: model({ n: f.integer(), label: f.char({ maxLength: 20 }) }) })

const missing = await serverMissing()
const none = { returnsRows: false }

const poolOf = (db: Db): pg.Pool => (db.driver as unknown as { pool: pg.Pool }).pool

describe.skipIf(missing)('the pg driver', () => {
  let db: Db
  const total = 5000
  beforeAll(async () => {
    db = await freshDb({ max: 3 })
    await db.run(createTables([Item]))
    await db.execute(`INSERT INTO "item" ("n", "label") SELECT g, 'item ' || g FROM generate_series(1, ${total}) g`, [], none)
  })
  afterAll(() => db?.close())

  it('streams every row in order, reading chunkSize rows at a time from a cursor', async () => {
    const reads: number[] = []
    const readOriginal = Cursor.prototype.read
    const spy = vi.spyOn(Cursor.prototype, 'read').mockImplementation(async function (this: Cursor, size: number) {
      const rows: unknown[] = (await readOriginal.call(this, size)) ?? []
      reads.push(rows.length)
      return rows
    } as never)
    try {
      let expected = 1
      for await (const row of stream(pipe(Item.objects, orderBy('n')), { chunkSize: 700 })(db)) {
        expect(row.n).toBe(expected++)
      }
      expect(expected - 1).toBe(total)
    } finally {
      spy.mockRestore()
    }
    expect(Math.max(...reads)).toBe(700)
    expect(reads.reduce((a, b) => a + b, 0)).toBe(total)
    expect(reads).toHaveLength(Math.ceil(total / 700) + 1)
    expect(poolOf(db).totalCount - poolOf(db).idleCount).toBe(0)
  })

  it('stops reading when the loop is abandoned, and gives the connection back', async () => {
    // A result far too large to read whole (an SRF in the select list is produced row by row): only a
    // cursor can hand back the first rows.
    let seen = 0
    for await (const row of db.stream('SELECT generate_series(1, 2000000000)', [], { returnsRows: true, chunkSize: 100 })) {
      seen += row.length
      if (seen === 250) break
    }
    expect(seen).toBe(250)
    expect(poolOf(db).totalCount - poolOf(db).idleCount).toBe(0)
    expect(await db.run(count(Item.objects))).toBe(total)
  })

  it('streams inside a transaction on the pinned connection, seeing its uncommitted rows', async () => {
    const labels = await inTransaction(db, async (tx) => {
      await tx.run(create(Item, { n: -1, label: 'uncommitted' }))
      const out: string[] = []
      for await (const row of stream(pipe(Item.objects, filter({ n__lt: 3 }), orderBy('n')), { chunkSize: 1 })(tx)) out.push(row.label)
      throw Object.assign(new Error('roll back'), { labels: out })
    }).catch((e: { labels: string[] }) => e.labels)
    expect(labels).toEqual(['uncommitted', 'item 1', 'item 2'])
    expect(await db.run(pipe(Item.objects, filter({ n: -1 }), count))).toBe(0)
  })

  it('begins with the isolation level asked for, and quotes and releases savepoints', async () => {
    const queries: QueryEvent[] = []
    const off = db.onQuery((q) => queries.push(q))
    await inTransaction(
        db,
        async (tx) => {
          const level = await tx.execute('SHOW transaction_isolation', [], { returnsRows: true })
          await inTransaction(tx, async (inner) => inner.run(create(Item, { n: -2, label: 'nested' })))
          return level
        },
        { isolationLevel: 'repeatableRead' },
      ).finally(off)
    const statements = queries.map((q) => q.sql)
    expect(statements[0]).toBe('BEGIN ISOLATION LEVEL REPEATABLE READ')
    expect(queries.find((q) => q.sql.startsWith('SHOW'))).toBeDefined()
    expect(statements.some((s) => /^SAVEPOINT "s\d+_x"$/.test(s))).toBe(true)
    expect(statements.some((s) => /^RELEASE SAVEPOINT "s\d+_x"$/.test(s))).toBe(true)
    expect(statements.at(-1)).toBe('COMMIT')
    expect(await db.run(pipe(Item.objects, filter({ label: 'nested' }), toArray))).toHaveLength(1)
  })

  it('reports the isolation level inside the transaction', async () => {
    const level = await inTransaction(db, async (tx) => tx.execute('SHOW transaction_isolation', [], { returnsRows: true }), { isolationLevel: 'serializable' })
    expect(level.rows).toEqual([['serializable']])
  })

  it('destroys a connection released as broken, and keeps one released as sound', async () => {
    const pool = poolOf(db)
    const first = await db.driver.acquire()
    const [[pidA]] = (await first.execute('SELECT pg_backend_pid()', [], { returnsRows: true })).rows
    first.release()
    const again = await db.driver.acquire()
    const [[pidB]] = (await again.execute('SELECT pg_backend_pid()', [], { returnsRows: true })).rows
    expect(pidB).toBe(pidA)
    const before = pool.totalCount
    again.release(true)
    expect(pool.totalCount).toBe(before - 1)
    const third = await db.driver.acquire()
    const [[pidC]] = (await third.execute('SELECT pg_backend_pid()', [], { returnsRows: true })).rows
    third.release()
    expect(pidC).not.toBe(pidA)
  })
})
