// Failing to connect is a DatabaseError that says why: unreachable, unknown database, refused login.
import { count, DatabaseError, f, model, schema } from '@fjord/core'
import { describe, expect, it } from 'vitest'
import { postgres } from './index.js'
import { pgParts, serverMissing } from './test-support/server.js'

const { Thing } = schema({ Thing: model({ name: f.char({ maxLength: 10 }) }) })

const missing = await serverMissing()

const failure = async (run: () => unknown): Promise<DatabaseError> => {
  try {
    await run()
  } catch (e) {
    expect(e).toBeInstanceOf(DatabaseError)
    return e as DatabaseError
  }
  throw new Error('expected the statement to fail')
}

describe('connecting', () => {
  it('reports a refused port as kind connection, naming host and port', async () => {
    // Port 1 is closed on loopback: the refusal comes at once.
    const db = postgres({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'test' })
    try {
      const e = await failure(() => db.run(count(Thing.objects)))
      expect(e.kind).toBe('connection')
      expect(e.message).toContain('127.0.0.1:1')
      expect(e.message).toMatch(/unreachable/)
      expect(e.cause).toBeDefined()
    } finally {
      await db.close()
    }
  })

  it('gives up after connectionTimeoutMillis on a server that never answers', async () => {
    // A listening socket that accepts and never speaks: the connect timeout is what ends the wait.
    const net = await import('node:net')
    const sockets: import('node:net').Socket[] = []
    const server = net.createServer((s) => sockets.push(s))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as import('node:net').AddressInfo).port
    const db = postgres({ host: '127.0.0.1', port, user: 'postgres', database: 'test', connectionTimeoutMillis: 200 })
    try {
      const e = await failure(() => db.execute('SELECT 1', [], { returnsRows: true }))
      expect(e.kind).toBe('connection')
      expect(e.message).toContain(`127.0.0.1:${port}`)
    } finally {
      await db.close()
      for (const s of sockets) s.destroy()
      await new Promise((r) => server.close(r))
    }
  })

  it.skipIf(missing)('names an unknown database', async () => {
    const url = pgParts()
    url.pathname = '/fjord_no_such_database'
    const db = postgres({ connectionString: url.toString() })
    try {
      const e = await failure(() => db.execute('SELECT 1', [], { returnsRows: true }))
      expect(e.kind).toBe('unknownDatabase')
      expect(e.code).toBe('3D000')
      expect(e.message).toContain('fjord_no_such_database')
    } finally {
      await db.close()
    }
  })

  it.skipIf(missing)('reports a role that does not exist as an authentication failure', async () => {
    const url = pgParts()
    url.username = 'fjord_no_such_role'
    url.password = 'wrong'
    const db = postgres({ connectionString: url.toString() })
    try {
      const e = await failure(() => db.execute('SELECT 1', [], { returnsRows: true }))
      expect(e.kind).toBe('authentication')
      expect(e.message).toContain('fjord_no_such_role')
    } finally {
      await db.close()
    }
  })

  it.skipIf(missing)('takes a URL on its own', async () => {
    const db = postgres(pgParts().toString())
    try {
      expect((await db.execute('SELECT current_database()', [], { returnsRows: true })).rows).toEqual([[pgParts().pathname.slice(1)]])
    } finally {
      await db.close()
    }
  })

  it.skipIf(missing)('works over a pool the application made, and leaves it open on close()', async () => {
    const pg = (await import('pg')).default
    const pool = new pg.Pool({ connectionString: pgParts().toString(), max: 2 })
    try {
      const db = postgres({ pool })
      const res = await db.execute('SELECT 1 + 1', [], { returnsRows: true })
      expect(res.rows).toEqual([[2]])
      await db.close()
      expect(pool.ended).toBe(false)
      expect((await pool.query('SELECT 2 AS n')).rows).toEqual([{ n: 2 }])
    } finally {
      await pool.end()
    }
  })
})
