// Connection failures come back quickly as DatabaseErrors of the right kind, naming what failed.
import { count, DatabaseError, f, model, schema } from '@fjord/core'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { connectMysql, mysql } from './index.js'
import { unavailable, urlWith } from './test-support/server.js'

const { Thing } = schema({ Thing: model({ name: f.char({ maxLength: 10 }) }) })

const reason = await unavailable()

const failure = async (p: unknown): Promise<DatabaseError> => {
  const e = await Promise.resolve(p).then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(DatabaseError)
  return e as DatabaseError
}

describe('connection errors', () => {
  it('an unreachable port is a connection error naming host:port', async () => {
    const db = mysql({ uri: 'mysql://root@127.0.0.1:1/test' })
    try {
      const e = await failure(db.run(count(Thing.objects)))
      expect(e.kind).toBe('connection')
      expect(e.message).toContain('127.0.0.1:1')
      expect(e.cause).toBeDefined()
    } finally {
      await db.close()
    }
  })

  it('a server that never answers times out as a connection error (connectTimeout)', async () => {
    // A local socket that accepts and stays silent: the handshake never comes.
    const silent = createServer(() => undefined)
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const port = (silent.address() as { port: number }).port
    const db = mysql({ uri: `mysql://root@127.0.0.1:${port}/test`, connectTimeout: 300 })
    try {
      const e = await failure(db.run(count(Thing.objects)))
      expect(e.kind).toBe('connection')
      expect(e.message).toContain(`127.0.0.1:${port}`)
      expect(e.code).toBe('ETIMEDOUT')
    } finally {
      await db.close()
      silent.close()
    }
  })

  it('connectMysql rejects with the same mapped error', async () => {
    const e = await failure(connectMysql({ uri: 'mysql://root@127.0.0.1:1/test' }))
    expect(e.kind).toBe('connection')
    expect(e.message).toContain('127.0.0.1:1')
  })

  it.skipIf(reason)('an unknown database is unknownDatabase, naming it', async () => {
    const e = await failure(connectMysql({ uri: urlWith((u) => (u.pathname = '/fjord_no_such_database')) }))
    expect(e.kind).toBe('unknownDatabase')
    expect(e.message).toContain('fjord_no_such_database')
    expect(e.code).toBe(1049)
  })

  it.skipIf(reason)('bad credentials are an authentication error', async () => {
    const db = mysql({
      uri: urlWith((u) => {
        u.username = 'fjord_no_such_user'
        u.password = 'wrong'
      }),
    })
    try {
      const e = await failure(db.run(count(Thing.objects)))
      expect(e.kind).toBe('authentication')
      expect(e.message).toContain('fjord_no_such_user')
      expect(e.code).toBe(1045)
    } finally {
      await db.close()
    }
  })

  it.skipIf(reason)('a failed first attempt is not remembered: the same Db connects once the database exists', async () => {
    const name = `fjord_late_${process.pid}`
    const admin = await connectMysql({ uri: urlWith(() => undefined) })
    await admin.execute(`DROP DATABASE IF EXISTS \`${name}\``, [], { returnsRows: false })
    const db = mysql({ uri: urlWith((u) => (u.pathname = `/${name}`)) })
    try {
      expect((await failure(db.execute('SELECT 1', [], { returnsRows: true }))).kind).toBe('unknownDatabase')
      await admin.execute(`CREATE DATABASE \`${name}\``, [], { returnsRows: false })
      expect((await db.execute('SELECT 1 + 1', [], { returnsRows: true })).rows[0].map(Number)).toEqual([2])
    } finally {
      await db.close()
      await admin.execute(`DROP DATABASE IF EXISTS \`${name}\``, [], { returnsRows: false })
      await admin.close()
    }
  })
})
