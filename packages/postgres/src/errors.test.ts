// SQLSTATEs become Fjord's errors: constraint violations are IntegrityErrors of the right kind; lock,
// deadlock and serialization failures are DatabaseErrors that `retrying` can recognise.
import { create, DatabaseError, type Db, f, IntegrityError, model, schema } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { foreignKey } from '@fjord/relations'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { freshDb, serverMissing } from './test-support/server.js'

const { Author, Book } = schema({
  Author: model({ name: f.char({ maxLength: 20, unique: true }), age: f.positiveInteger({ default: 0 }) }),
  Book: model({ title: f.char({ maxLength: 20 }), author: foreignKey('Author', { onDelete: 'CASCADE' }) }),
})

const missing = await serverMissing()

/** The error a statement fails with; a thunk, so that a synchronous throw counts too. */
const rejected = async (run: () => unknown): Promise<Error> => {
  const e = await Promise.resolve()
    .then(run)
    .then(
    () => undefined,
    (x: Error) => x,
  )
  if (!e) throw new Error('expected a rejection')
  return e
}

const none = { returnsRows: false }

describe.skipIf(missing)('error mapping on PostgreSQL', () => {
  let db: Db
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Author, Book]))
  })
  afterAll(() => db?.close())
  beforeEach(async () => {
    await db.execute('DELETE FROM "book"', [], none)
    await db.execute('DELETE FROM "author"', [], none)
  })

  it('maps a duplicate to IntegrityError unique, with the detail', async () => {
    await db.run(create(Author, { name: 'Ann' }))
    const e = await rejected(() => db.run(create(Author, { name: 'Ann' })))
    expect(e).toBeInstanceOf(IntegrityError)
    expect((e as IntegrityError).kind).toBe('unique')
    expect(e.message).toContain('(name)=(Ann)')
    expect((e as { cause?: { code?: string } }).cause?.code).toBe('23505')
  })

  it('maps a missing foreign row to IntegrityError foreignKey (the constraint is added by ALTER TABLE)', async () => {
    const e = await rejected(() => db.run(create(Book, { title: 'x', author: 999_999 })))
    expect(e).toBeInstanceOf(IntegrityError)
    expect((e as IntegrityError).kind).toBe('foreignKey')
    const { rows } = await db.execute(
      `SELECT condeferrable, condeferred FROM pg_constraint WHERE contype = 'f' AND conrelid = 'book'::regclass`,
      [],
      { returnsRows: true },
    )
    expect(rows).toEqual([[true, true]])
  })

  it('maps NULL into a NOT NULL column to notNull and a failed CHECK to check', async () => {
    const n = await rejected(() => db.execute('INSERT INTO "author" ("name", "age") VALUES (NULL, 1)', [], none))
    expect(n).toBeInstanceOf(IntegrityError)
    expect((n as IntegrityError).kind).toBe('notNull')
    const c = await rejected(() => db.execute(`INSERT INTO "author" ("name", "age") VALUES ('Neg', -1)`, [], none))
    expect(c).toBeInstanceOf(IntegrityError)
    expect((c as IntegrityError).kind).toBe('check')
  })

  it('keeps the connection usable after an error', async () => {
    await db.run(create(Author, { name: 'Bo' }))
    for (let i = 0; i < 12; i++) await rejected(() => db.run(create(Author, { name: 'Bo' })))
    expect((await db.execute('SELECT count(*) FROM "author"', [], { returnsRows: true })).rows).toEqual([['1']])
  })

  it('maps NOWAIT on a locked row to lockTimeout', async () => {
    const a = await db.run(create(Author, { name: 'Cy' }))
    const holder = await db.driver.acquire()
    try {
      await holder.execute('BEGIN', [], none)
      await holder.execute('SELECT 1 FROM "author" WHERE "id" = $1 FOR UPDATE', [a.id], none)
      const e = await rejected(() => db.execute('SELECT 1 FROM "author" WHERE "id" = $1 FOR UPDATE NOWAIT', [a.id], none))
      expect(e).toBeInstanceOf(DatabaseError)
      expect((e as DatabaseError).kind).toBe('lockTimeout')
      expect((e as DatabaseError).code).toBe('55P03')
    } finally {
      await holder.execute('ROLLBACK', [], none)
      holder.release()
    }
  })

  it('maps a deadlock to kind deadlock', async () => {
    const [a, b] = [await db.run(create(Author, { name: 'Di' })), await db.run(create(Author, { name: 'Ed' }))]
    const one = await db.driver.acquire()
    const two = await db.driver.acquire()
    try {
      for (const c of [one, two]) {
        await c.execute('BEGIN', [], none)
        await c.execute(`SET LOCAL deadlock_timeout = '50ms'`, [], none)
      }
      await one.execute('UPDATE "author" SET "age" = 1 WHERE "id" = $1', [a.id], none)
      await two.execute('UPDATE "author" SET "age" = 1 WHERE "id" = $1', [b.id], none)
      const results = await Promise.allSettled([
        one.execute('UPDATE "author" SET "age" = 2 WHERE "id" = $1', [b.id], none),
        two.execute('UPDATE "author" SET "age" = 2 WHERE "id" = $1', [a.id], none),
      ])
      const failures = results.filter((r) => r.status === 'rejected').map((r) => db.dialect.mapError((r as PromiseRejectedResult).reason))
      expect(failures).toHaveLength(1)
      expect(failures[0]).toBeInstanceOf(DatabaseError)
      expect((failures[0] as DatabaseError).kind).toBe('deadlock')
    } finally {
      for (const c of [one, two]) {
        await c.execute('ROLLBACK', [], none)
        c.release()
      }
    }
  })

  it('maps a serialization failure under SERIALIZABLE to kind serialization', async () => {
    const begin = db.dialect.transactions.begin({ isolationLevel: 'serializable' })
    expect(begin).toEqual(['BEGIN ISOLATION LEVEL SERIALIZABLE'])
    const one = await db.driver.acquire()
    const two = await db.driver.acquire()
    try {
      for (const c of [one, two]) {
        for (const s of begin) await c.execute(s, [], none)
        await c.execute('SELECT count(*) FROM "author"', [], { returnsRows: true })
      }
      // Write skew: the failure may come at the second insert or at the second commit.
      const failures: unknown[] = []
      const attempt = (c: typeof one, text: string) => Promise.resolve(c.execute(text, [], none)).catch((e) => failures.push(e))
      await attempt(one, `INSERT INTO "author" ("name") VALUES ('Fay')`)
      await attempt(two, `INSERT INTO "author" ("name") VALUES ('Gil')`)
      await attempt(one, 'COMMIT')
      await attempt(two, 'COMMIT')
      expect(failures).toHaveLength(1)
      const e = db.dialect.mapError(failures[0])
      expect(e).toBeInstanceOf(DatabaseError)
      expect((e as DatabaseError).kind).toBe('serialization')
    } finally {
      for (const c of [one, two]) {
        await c.execute('ROLLBACK', [], none).catch(() => undefined)
        c.release()
      }
    }
  })
})
