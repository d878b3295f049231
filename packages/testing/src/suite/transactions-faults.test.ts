// Transactions when things go wrong on a real server: a connection killed inside atomic, a pool with
// every connection held, and two serializable transactions that conflict (retried by `retrying`).
import {
  count,
  create,
  DatabaseError,
  type Db,
  type Effect,
  effect,
  f,
  filter,
  model,
  orderBy,
  pipe,
  schema,
  toArray,
  unwrap,
  update,
  valuesList,
} from '@fjord/core'
import { mysql } from '@fjord/mysql'
import { postgres } from '@fjord/postgres'
import { atomic, retrying } from '@fjord/transaction'
import { beforeEach, expect, it } from 'vitest'
import { serverBackends } from '../backends.js'
import { describeEachBackend, truncate } from '../helpers.js'

const { Entry, Doctor, Note } = schema({
  Entry: model({ label: f.char({ maxLength: 30 }) }, { ordering: ['label'] }),
  Doctor: model({ name: f.char({ maxLength: 30, unique: true }), onCall: f.boolean() }),
  Note: model({ text: f.char({ maxLength: 60 }) }),
})

const labels = (db: Db) => db.run(pipe(Entry.objects, valuesList('label', { flat: true }), toArray))
const addEntry = (label: string) => create(Entry, { label })

/** A promise with its resolver, to order the steps of concurrent transactions. */
const gate = () => {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

/** The server's id of the connection a (pinned) Db sends its statements to. */
const sessionId = async (tx: Db): Promise<number> => {
  const sql = tx.dialect.name === 'postgres' ? 'SELECT pg_backend_pid()' : 'SELECT CONNECTION_ID()'
  const { rows } = await tx.execute(sql, [], { returnsRows: true })
  const id = Number(rows[0]?.[0])
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`no session id: ${String(rows[0]?.[0])}`)
  return id
}

/** End that session from another connection of the pool, as an administrator would. */
const killSession = async (db: Db, id: number): Promise<void> => {
  if (db.dialect.name === 'postgres') {
    // With a timeout, pg_terminate_backend waits until the backend has really gone.
    const { rows } = await db.execute('SELECT pg_terminate_backend($1, 5000)', [id], { returnsRows: true })
    expect(rows[0]?.[0]).toBe(true)
  } else {
    await db.execute(`KILL CONNECTION ${id}`, [], { returnsRows: false })
  }
}

const isServer = (db: Db): boolean => serverBackends.some((b) => b.name === db.dialect.name)

describeEachBackend('transactions under faults', [Entry, Doctor, Note], (ctx) => {
  beforeEach(async (t) => {
    if (!isServer(ctx().db)) t.skip('needs a database server (connections to kill, a pool to exhaust)')
    await truncate(ctx().db, [Entry, Doctor, Note])
  })

  /** After a fault: the pool still serves transactions, one after another and five at once (the whole of the MySQL pool). */
  const poolRecovers = async (db: Db) => {
    await db.run(atomic(addEntry('after')))
    expect(await labels(db)).toEqual(['after'])
    await Promise.all(Array.from({ length: 5 }, (_, i) => db.run(atomic(addEntry(`after ${i}`)))))
    expect(await labels(db)).toEqual(['after', 'after 0', 'after 1', 'after 2', 'after 3', 'after 4'])
  }

  it('a connection killed inside atomic: the next statement fails, nothing written survives, the pool recovers', async () => {
    const { db } = ctx()
    let statementError: unknown
    const result = await atomic(
      effect(async (tx) => {
        await unwrap(tx, addEntry('before kill 1'))
        await unwrap(tx, addEntry('before kill 2'))
        await killSession(db, await sessionId(tx))
        try {
          await unwrap(tx, addEntry('after kill'))
        } catch (e) {
          statementError = e
          throw e
        }
      }),
    )(db)()
    expect(statementError).toBeInstanceOf(DatabaseError)
    expect(result._tag).toBe('Left')
    const left = (result as { left: unknown }).left
    expect(left).toBe(statementError)
    expect((left as DatabaseError).kind).toBe('connection')
    expect(await labels(db)).toEqual([])
    await poolRecovers(db)
  })

  it('a connection killed just before COMMIT: db.run rejects with a DatabaseError, nothing survives, the pool recovers', async () => {
    const { db } = ctx()
    const run = db.run(
      atomic(
        effect(async (tx) => {
          await unwrap(tx, addEntry('doomed'))
          await killSession(db, await sessionId(tx))
          return 'done'
        }),
      ),
    )
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(DatabaseError)
    expect((error as DatabaseError).kind).toBe('connection')
    expect(await labels(db)).toEqual([])
    await poolRecovers(db)
  })

  it('a transaction that cannot get a connection at all is a Left DatabaseError, not a driver error', async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const nowhere =
      ctx().db.dialect.name === 'postgres'
        ? postgres({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectionTimeoutMillis: 2000 })
        : mysql({ uri: 'mysql://root@127.0.0.1:1/test', connectTimeout: 2000 })
    try {
      const result = await atomic(addEntry('never'))(nowhere)()
      expect(result._tag).toBe('Left')
      const left = (result as { left: unknown }).left
      expect(left).toBeInstanceOf(DatabaseError)
      expect((left as DatabaseError).kind).toBe('connection')
      expect((left as DatabaseError).message).toContain('127.0.0.1:1')
    } finally {
      await nowhere.close()
    }
  })

  it('every connection of the pool held by an open transaction: the next one fails after the bounded wait, then the pool serves again', async () => {
    const size = 2
    const waitMs = 300
    const small = await ctx().backend.connect({ poolSize: size, acquireTimeoutMs: waitMs })
    const release = gate()
    try {
      const opened = Array.from({ length: size }, gate)
      const holders = opened.map((g) =>
        small.run(
          atomic(
            effect(async (tx) => {
              await tx.execute('SELECT 1', [], { returnsRows: true })
              g.open()
              await release.opened
              return sessionId(tx)
            }),
          ),
        ),
      )
      await Promise.all(opened.map((g) => g.opened))

      const t0 = performance.now()
      const result = await atomic(effect(async (tx) => tx.execute('SELECT 1', [], { returnsRows: true })))(small)()
      const waited = performance.now() - t0
      expect(result._tag).toBe('Left')
      const left = (result as { left: unknown }).left
      expect(left).toBeInstanceOf(DatabaseError)
      expect((left as DatabaseError).kind).toBe('connection')
      expect((left as DatabaseError).message).toMatch(/pool/i)
      expect((left as DatabaseError).message).toMatch(/exhausted/i)
      expect((left as DatabaseError).message).toContain(`${waitMs} ms`)
      expect(waited).toBeGreaterThanOrEqual(waitMs - 5)
      expect(waited).toBeLessThan(waitMs + 2000)

      // A statement outside atomic needs a connection too: the same error, as a rejection.
      const t1 = performance.now()
      const plain = await Promise.resolve(small.execute('SELECT 1', [], { returnsRows: true })).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(plain).toBeInstanceOf(DatabaseError)
      expect((plain as DatabaseError).message).toMatch(/exhausted/i)
      expect(performance.now() - t1).toBeLessThan(waitMs + 2000)

      release.open()
      const sessions = await Promise.all(holders)
      expect(new Set(sessions).size).toBe(size)
      const again = await small.run(atomic(effect(async (tx) => sessionId(tx))))
      expect(sessions).toContain(again)
    } finally {
      release.open()
      await small.close()
    }
  }, 15_000)

  it('two serializable transactions in conflict: one commits, the other is retried, the result is a serial one', async () => {
    const { db } = ctx()
    const seed = async () => {
      await truncate(db, [Doctor, Note])
      await db.run(create(Doctor, { name: 'alice', onCall: true }))
      await db.run(create(Doctor, { name: 'bob', onCall: true }))
    }
    const state = async () => ({
      doctors: await db.run(pipe(Doctor.objects, orderBy('name'), valuesList('name', 'onCall'), toArray)),
      notes: await db.run(pipe(Note.objects, orderBy('id'), valuesList('text', { flat: true }), toArray)),
    })
    const onCall = pipe(Doctor.objects, filter({ onCall: true }), count)
    const offCall = (name: string) => pipe(Doctor.objects, filter({ name }), update({ onCall: false }))

    // Each doctor may leave the rota if another is still on call: the classic write skew. Alice also
    // hands over her patients first, which makes hers the heavier transaction (InnoDB rolls back the
    // lighter one of a deadlock).
    interface Steps {
      readonly aliceRead: Promise<void>
      readonly bobRead: Promise<void>
      /** Bob writes once this is open: Alice's commit (PostgreSQL) or Alice blocked on her write (MariaDB). */
      readonly bobMayWrite: () => Promise<void>
      readonly signal: (step: 'aliceRead' | 'bobRead' | 'aliceWriting') => void
    }
    const attempts = { alice: 0, bob: 0 }
    const alice = (s: Steps) =>
      atomic(
        effect(async (tx) => {
          attempts.alice++
          for (const patient of [1, 2, 3]) await unwrap(tx, create(Note, { text: `alice hands over patient ${patient}` }))
          const others = (await unwrap(tx, onCall)) - 1
          s.signal('aliceRead')
          await s.bobRead
          if (others > 0) {
            s.signal('aliceWriting')
            await unwrap(tx, offCall('alice'))
          }
          await unwrap(tx, create(Note, { text: others > 0 ? 'alice: off call' : 'alice: stays on call' }))
        }),
        { isolationLevel: 'serializable' },
      )
    const bob = (s: Steps) =>
      atomic(
        effect(async (tx) => {
          attempts.bob++
          const others = (await unwrap(tx, onCall)) - 1
          s.signal('bobRead')
          await s.aliceRead
          if (others > 0) {
            await s.bobMayWrite()
            await unwrap(tx, offCall('bob'))
          }
          await unwrap(tx, create(Note, { text: others > 0 ? 'bob: off call' : 'bob: stays on call' }))
        }),
        { isolationLevel: 'serializable' },
      )
    const retry = { attempts: 3, backoff: () => 0 }

    // Serially, Alice then Bob: no barriers to wait at.
    await seed()
    const none: Steps = { aliceRead: Promise.resolve(), bobRead: Promise.resolve(), bobMayWrite: async () => {}, signal: () => {} }
    await db.run(retrying(alice(none), retry))
    await db.run(retrying(bob(none), retry))
    const serial = await state()
    expect(serial).toEqual({
      doctors: [
        ['alice', false],
        ['bob', true],
      ],
      notes: ['alice hands over patient 1', 'alice hands over patient 2', 'alice hands over patient 3', 'alice: off call', 'bob: stays on call'],
    })

    // Concurrently: both read before either writes.
    await seed()
    attempts.alice = 0
    attempts.bob = 0
    const gates = { aliceRead: gate(), bobRead: gate(), aliceWriting: gate(), aliceDone: gate() }
    const steps: Steps = {
      aliceRead: gates.aliceRead.opened,
      bobRead: gates.bobRead.opened,
      bobMayWrite: () => (db.dialect.name === 'postgres' ? gates.aliceDone.opened : gates.aliceWriting.opened),
      signal: (step) => gates[step].open(),
    }
    const failures: unknown[] = []
    const recorded =
      <A>(eff: Effect<A>): Effect<A> =>
      (d) =>
      async () => {
        const r = await eff(d)()
        if (r._tag === 'Left') failures.push(r.left)
        return r
      }
    const aliceRun = db.run(retrying(recorded(alice(steps)), retry)).finally(() => gates.aliceDone.open())
    const bobRun = db.run(retrying(recorded(bob(steps)), retry))
    await Promise.all([aliceRun, bobRun])
    expect(attempts).toEqual({ alice: 1, bob: 2 })
    expect(failures).toHaveLength(1)
    expect(failures[0]).toBeInstanceOf(DatabaseError)
    expect((failures[0] as DatabaseError).kind).toBe(db.dialect.name === 'postgres' ? 'serialization' : 'deadlock')
    expect((failures[0] as DatabaseError).code).toBe(db.dialect.name === 'postgres' ? '40001' : 1213)
    expect(await state()).toEqual(serial)
  })
})
