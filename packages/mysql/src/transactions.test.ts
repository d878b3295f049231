// Transactions on a pinned connection, savepoints, streaming, and the features that follow the
// server's version once it is known.
import { bulkCreate, count, create, f, filter, inTransaction, model, orderBy, schema, slice, stream, toArray, update, valuesList, explain } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mysql, serverOf } from './index.js'
import { freshDb, rows, unavailable, urlWith } from './test-support/server.js'

const { Item } = schema({
  Item: model({ name: f.char({ maxLength: 20, unique: true }), n: f.integer({ default: 0 }) }),
})

const reason = await unavailable()
type TestDb = Awaited<ReturnType<typeof freshDb>>

describe.skipIf(reason)('transactions, streaming and version-dependent features', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Item]))
  })
  afterAll(async () => {
    await db?.close()
  })
  const names = () => db.run(pipe(Item.objects, orderBy('name'), valuesList('name', { flat: true }), toArray))
  const clear = () => db.execute('DELETE FROM item', [], { returnsRows: false })

  it('a rolled-back savepoint keeps the outer work; the isolation level is set before START TRANSACTION', async () => {
    await clear()
    const sent: string[] = []
    const off = db.onQuery((e) => e.kind === 'transaction' && sent.push(e.sql))
    await inTransaction(
      db,
      async (tx) => {
        await tx.run(create(Item, { name: 'outer' }))
        await inTransaction(tx, async (inner) => {
          await inner.run(create(Item, { name: 'inner' }))
          throw new Error('undo inner')
        }).catch(() => undefined)
        await inTransaction(tx, async (inner) => {
          await inner.run(create(Item, { name: 'kept' }))
        })
      },
      { isolationLevel: 'serializable' },
    )
    off()
    expect(await names()).toEqual(['kept', 'outer'])
    expect(sent[0]).toBe('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE')
    expect(sent[1]).toBe('START TRANSACTION')
    expect(sent.filter((s) => s.startsWith('ROLLBACK TO SAVEPOINT'))).toHaveLength(1)
    expect(sent.filter((s) => s.startsWith('RELEASE SAVEPOINT'))).toHaveLength(1)
    expect(sent.at(-1)).toBe('COMMIT')
  })

  it('a failed transaction rolls back everything, and its connection is reusable', async () => {
    await clear()
    const e = await inTransaction(db, async (tx) => {
      await tx.run(create(Item, { name: 'a' }))
      await tx.run(create(Item, { name: 'a' }))
    }).catch((x: unknown) => x)
    expect((e as { _tag?: string })._tag).toBe('IntegrityError')
    expect(await names()).toEqual([])
    expect(await db.run(count(Item.objects))).toBe(0)
  })

  it('streams rows in chunks; leaving early frees the connection, inside a transaction too', async () => {
    await clear()
    await db.run(bulkCreate(Item, Array.from({ length: 3000 }, (_, i) => ({ name: `s${String(i).padStart(5, '0')}`, n: i }))))
    let seen = 0
    for await (const row of stream(pipe(Item.objects, orderBy('n')), { chunkSize: 100 })(db)) {
      expect(row.n).toBe(seen)
      seen++
    }
    expect(seen).toBe(3000)
    for await (const row of stream(pipe(Item.objects, orderBy('n')), { chunkSize: 10 })(db)) if (row.n === 5) break
    expect(await db.run(count(Item.objects))).toBe(3000)
    await inTransaction(db, async (tx) => {
      for await (const row of stream(pipe(Item.objects, orderBy('n')), { chunkSize: 10 })(tx)) if (row.n === 5) break
      expect(await tx.run(pipe(Item.objects, filter({ n__lt: 3 }), update({ n: 0 })))).toBe(3)
    })
    expect(await db.run(pipe(Item.objects, filter({ n: 0 }), count))).toBe(3)
  })

  it('bulkCreate with ignoreConflicts skips duplicates; updateConflicts updates them', async () => {
    await clear()
    await db.run(create(Item, { name: 'x', n: 1 }))
    await db.run(bulkCreate(Item, [{ name: 'x', n: 2 }, { name: 'y', n: 3 }], { ignoreConflicts: true }))
    expect(await db.run(pipe(Item.objects, orderBy('name'), valuesList('name', 'n'), toArray))).toEqual([
      ['x', 1],
      ['y', 3],
    ])
    await db.run(bulkCreate(Item, [{ name: 'x', n: 5 }, { name: 'z', n: 6 }], { updateConflicts: true, updateFields: ['n'] }))
    expect(await db.run(pipe(Item.objects, orderBy('name'), valuesList('name', 'n'), toArray))).toEqual([
      ['x', 5],
      ['y', 3],
      ['z', 6],
    ])
  })

  it('bulkCreate returns keys where the server has INSERT … RETURNING', async () => {
    await clear()
    const made = await db.run(bulkCreate(Item, [{ name: 'k1' }, { name: 'k2' }]))
    if (db.dialect.features.canReturnRowsFromInsert) {
      const ids = await db.run(pipe(Item.objects, orderBy('name'), valuesList('id', { flat: true }), toArray))
      expect(made.map((r) => r.id)).toEqual(ids)
    } else {
      expect(made.map((r) => r.id)).toEqual([undefined, undefined])
    }
  })

  it('slices: OFFSET alone gets the largest LIMIT; EXPLAIN answers', async () => {
    await clear()
    for (const name of ['a', 'b', 'c']) await db.run(create(Item, { name }))
    expect(await db.run(pipe(Item.objects, orderBy('name'), slice(1), valuesList('name', { flat: true }), toArray))).toEqual(['b', 'c'])
    expect(await db.run(explain(pipe(Item.objects, filter({ name: 'a' }))))).toContain('item')
  })

  it('the features follow the server: plans made before the version was known are made again', async () => {
    const fresh = mysql({ uri: urlWith((u) => (u.pathname = `/${db.database}`)) })
    try {
      expect(fresh.dialect.features.canReturnRowsFromInsert).toBe(false)
      const sent: string[] = []
      fresh.onQuery((e) => sent.push(e.sql))
      await fresh.run(create(Item, { name: 'v1' }))
      const server = await serverOf(fresh)
      const returning = server.mariadb && (server.version[0] > 10 || (server.version[0] === 10 && server.version[1] >= 5))
      expect(fresh.dialect.features.canReturnRowsFromInsert).toBe(returning)
      const row = await fresh.run(create(Item, { name: 'v2' }))
      expect(sent[0]).not.toContain('returning')
      expect(sent[1].includes('returning')).toBe(returning)
      const [[id]] = await rows(fresh, "SELECT id FROM item WHERE name = 'v2'")
      expect(row.id).toBe(Number(id))
    } finally {
      await fresh.close()
    }
  })
})

// MySQL's code paths (no RETURNING) on whatever server answers, by declaring the version.
describe.skipIf(reason)('without INSERT … RETURNING (as on MySQL 8)', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await freshDb({ serverVersion: '8.0.36' })
    await db.run(createTables([Item]))
  })
  afterAll(async () => {
    await db?.close()
  })

  it('create reads the key from LAST_INSERT_ID; bulkCreate returns rows without keys, as Django does', async () => {
    expect(db.dialect.features.canReturnRowsFromInsert).toBe(false)
    const sent: string[] = []
    const off = db.onQuery((e) => sent.push(e.sql))
    const a = await db.run(create(Item, { name: 'a' }))
    const b = await db.run(create(Item, { name: 'b' }))
    off()
    expect(sent.every((s) => !s.includes('returning'))).toBe(true)
    expect([a.id, b.id]).toEqual(await db.run(pipe(Item.objects, orderBy('name'), valuesList('id', { flat: true }), toArray)))
    const made = await db.run(bulkCreate(Item, [{ name: 'c' }, { name: 'd' }]))
    expect(made.map((r) => [r.name, r.id])).toEqual([
      ['c', undefined],
      ['d', undefined],
    ])
  })

  it('a generated key past Number.MAX_SAFE_INTEGER is an error, not a rounded number', async () => {
    await db.execute('ALTER TABLE item AUTO_INCREMENT = 9007199254740993', [], { returnsRows: false })
    const e = await db.run(create(Item, { name: 'huge' })).catch((x: unknown) => x)
    expect((e as { _tag?: string })._tag).toBe('DatabaseError')
    expect((e as Error).message).toContain('9007199254740993')
  })
})
