// The `prepare` option: statements run again and again become named server-side prepared statements,
// at most so many per connection; a statement the server lost or whose result type changed runs again.
import { type Db, f, filter, get, inTransaction, model, pipe, schema, toArray, update, valuesList } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { afterEach, describe, expect, it } from 'vitest'
import type { PostgresOptions } from './index.js'
import { freshDb, serverMissing } from './test-support/server.js'

const { Gadget } = schema({ Gadget: model({ label: f.char({ maxLength: 20 }), size: f.integer() }) })

const missing = await serverMissing()
const none = { returnsRows: false }

/** The texts of this session's named statements (one connection: max 1). */
const prepared = async (db: Db): Promise<string[]> => {
  const { rows } = await db.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'fjord\\_%' ORDER BY prepare_time", [], {
    returnsRows: true,
  })
  return rows.map((r) => String(r[0])).filter((s) => !s.includes('pg_prepared_statements'))
}

describe.skipIf(missing)('prepared statements (the prepare option)', () => {
  let db: Db | undefined
  const open = async (prepare: PostgresOptions['prepare']) => {
    db = await freshDb({ max: 1, prepare })
    await db.run(createTables([Gadget]))
    await db.execute(`INSERT INTO "gadget" ("label", "size") SELECT 'g' || g, g FROM generate_series(1, 10) g`, [], none)
    return db
  }
  afterEach(async () => {
    await db?.close()
    db = undefined
  })

  const sizeOf = (db: Db, pk: number) => db.run(pipe(Gadget.objects, filter({ pk }), valuesList('size', { flat: true }), get()))

  it('are off by default', async () => {
    const db = await open(undefined)
    for (let pk = 1; pk <= 5; pk++) expect(await sizeOf(db, pk)).toBe(pk)
    expect(await prepared(db)).toEqual([])
  })

  it('name a statement from its second run on, and keep answering with the new values', async () => {
    const db = await open(true)
    expect(await sizeOf(db, 1)).toBe(1)
    expect(await prepared(db)).toEqual([])
    for (let pk = 2; pk <= 6; pk++) expect(await sizeOf(db, pk)).toBe(pk)
    const texts = await prepared(db)
    expect(texts).toHaveLength(1)
    expect(texts[0]).toMatch(/^select "gadget"."size" from "gadget"/)
    expect(await db.run(pipe(Gadget.objects, filter({ pk: 3 }), update({ size: 30 })))).toBe(1)
    expect(await db.run(pipe(Gadget.objects, filter({ pk: 4 }), update({ size: 40 })))).toBe(1)
    expect(await sizeOf(db, 3)).toBe(30)
    expect(await sizeOf(db, 4)).toBe(40)
    expect(await prepared(db)).toHaveLength(2)
  })

  it('keep at most maxPerConnection on a connection; the others run unnamed', async () => {
    const db = await open({ threshold: 2, maxPerConnection: 2 })
    for (let round = 0; round < 3; round++) {
      expect(await sizeOf(db, 2)).toBe(2)
      expect((await db.run(pipe(Gadget.objects, filter({ size__lte: 2 }), toArray))).map((g) => g.size).sort()).toEqual([1, 2])
      expect(await db.run(pipe(Gadget.objects, filter({ label: 'g5' }), valuesList('size', { flat: true }), toArray))).toEqual([5])
    }
    const texts = await prepared(db)
    expect(texts).toHaveLength(2)
    for (const t of texts) expect(t).toMatch(/^select /)
  })

  it('leave transaction control, DDL and SET alone', async () => {
    const db = await open({ threshold: 1 })
    for (let i = 0; i < 3; i++) {
      await inTransaction(db, async (tx) => {
        await tx.execute('SET LOCAL statement_timeout = 5000', [], none)
        return sizeOf(tx, 1)
      })
    }
    const texts = await prepared(db)
    expect(texts.length).toBeGreaterThan(0)
    for (const t of texts) expect(t).toMatch(/^(select|insert) /i)
  })

  it('run again when the server dropped them (DEALLOCATE ALL)', async () => {
    const db = await open({ threshold: 1 })
    expect(await sizeOf(db, 1)).toBe(1)
    expect(await prepared(db)).toContainEqual(expect.stringMatching(/^select "gadget"."size"/))
    await db.execute('DEALLOCATE ALL', [], none)
    expect(await prepared(db)).toEqual([])
    expect(await sizeOf(db, 2)).toBe(2)
    expect(await sizeOf(db, 3)).toBe(3)
  })

  it("run again when a column's type changed under them; inside a transaction the error ends it", async () => {
    const db = await open({ threshold: 1 })
    expect(await sizeOf(db, 1)).toBe(1)
    await db.execute('ALTER TABLE "gadget" ALTER COLUMN "size" TYPE bigint', [], none)
    // Outside a transaction: the stale statement is dropped and the query runs again.
    expect(Number(await sizeOf(db, 2))).toBe(2)
    expect(Number(await sizeOf(db, 3))).toBe(3)
    await db.execute('ALTER TABLE "gadget" ALTER COLUMN "size" TYPE integer', [], none)
    await expect(inTransaction(db, (tx) => sizeOf(tx, 4))).rejects.toThrow(/cached plan must not change result type/)
    // Forgotten with the failed transaction: the next run prepares it afresh.
    expect(await sizeOf(db, 5)).toBe(5)
    expect(await sizeOf(db, 6)).toBe(6)
  })
})
