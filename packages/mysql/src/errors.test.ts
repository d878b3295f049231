// Server errors map to Fjord's kinds: constraints to IntegrityError, locks to DatabaseError kinds.
import { create, DatabaseError, type Db, f, IntegrityError, model, schema } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, unavailable } from './test-support/server.js'

const { Tag } = schema({ Tag: model({ name: f.char({ maxLength: 10, unique: true }) }) })

const reason = await unavailable()
type TestDb = Awaited<ReturnType<typeof freshDb>>

const failure = async (p: unknown): Promise<Error & { kind?: string; code?: unknown }> => {
  const e = await Promise.resolve(p).then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(Error)
  return e as Error & { kind?: string }
}
const exec = (db: Db, text: string, params: readonly unknown[] = []) => db.execute(text, params, { returnsRows: false })

describe.skipIf(reason)('error mapping on MariaDB/MySQL', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Tag]))
    await exec(db, 'CREATE TABLE parent (id int PRIMARY KEY) ENGINE=InnoDB')
    await exec(db, 'CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL, label varchar(3), qty int, CONSTRAINT qty_positive CHECK (qty > 0), FOREIGN KEY (parent_id) REFERENCES parent (id)) ENGINE=InnoDB')
    await exec(db, 'INSERT INTO parent VALUES (1), (2)')
  })
  afterAll(async () => {
    await db?.close()
  })

  it('unique, foreign key, not null and check violations are IntegrityErrors of their kind', async () => {
    await db.run(create(Tag, { name: 'a' }))
    const unique = await failure(db.run(create(Tag, { name: 'a' })))
    expect(unique).toBeInstanceOf(IntegrityError)
    expect(unique.kind).toBe('unique')
    const fk = await failure(exec(db, 'INSERT INTO child (id, parent_id) VALUES (1, 99)'))
    expect([fk.constructor.name, fk.kind]).toEqual(['IntegrityError', 'foreignKey'])
    await exec(db, 'INSERT INTO child (id, parent_id) VALUES (1, 1)')
    const restrict = await failure(exec(db, 'DELETE FROM parent WHERE id = 1'))
    expect(restrict.kind).toBe('foreignKey')
    const notNull = await failure(exec(db, 'INSERT INTO child (id, parent_id) VALUES (?, ?)', [2, null]))
    expect([notNull.constructor.name, notNull.kind]).toEqual(['IntegrityError', 'notNull'])
    const check = await failure(exec(db, 'INSERT INTO child (id, parent_id, qty) VALUES (3, 1, -1)'))
    expect([check.constructor.name, check.kind]).toEqual(['IntegrityError', 'check'])
  })

  it('strict mode makes an over-long value an error that says so, not a truncation', async () => {
    const e = await failure(exec(db, "INSERT INTO child (id, parent_id, label) VALUES (4, 1, 'toolong')"))
    expect(e).toBeInstanceOf(DatabaseError)
    expect(e.message).toMatch(/too long/i)
    expect(e.code).toBe(1406)
  })

  it('a lock taken elsewhere: NOWAIT fails at once as lockTimeout', async () => {
    const a = await db.driver.acquire()
    const b = await db.driver.acquire()
    try {
      await a.execute('START TRANSACTION', [], { returnsRows: false })
      await a.execute('SELECT id FROM parent WHERE id = 2 FOR UPDATE', [], { returnsRows: true })
      await b.execute('START TRANSACTION', [], { returnsRows: false })
      const e = db.dialect.mapError(await failure(b.execute('SELECT id FROM parent WHERE id = 2 FOR UPDATE NOWAIT', [], { returnsRows: true })))
      expect([e.constructor.name, (e as DatabaseError).kind]).toEqual(['DatabaseError', 'lockTimeout'])
    } finally {
      await a.execute('ROLLBACK', [], { returnsRows: false })
      await b.execute('ROLLBACK', [], { returnsRows: false })
      a.release()
      b.release()
    }
  })

  it('two transactions waiting on each other: one gets a deadlock error', async () => {
    const a = await db.driver.acquire()
    const b = await db.driver.acquire()
    try {
      for (const c of [a, b]) await c.execute('START TRANSACTION', [], { returnsRows: false })
      await a.execute('UPDATE parent SET id = id WHERE id = 1', [], { returnsRows: false })
      await b.execute('UPDATE parent SET id = id WHERE id = 2', [], { returnsRows: false })
      const waiting = a.execute('UPDATE parent SET id = id WHERE id = 2', [], { returnsRows: false })
      await new Promise((r) => setTimeout(r, 200))
      const results = await Promise.allSettled([waiting, b.execute('UPDATE parent SET id = id WHERE id = 1', [], { returnsRows: false })])
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [db.dialect.mapError(r.reason) as DatabaseError] : []))
      expect(errors.map((e) => e.kind)).toEqual(['deadlock'])
    } finally {
      for (const c of [a, b]) await c.execute('ROLLBACK', [], { returnsRows: false })
      a.release()
      b.release()
    }
  })
})
