import { Kysely, sql } from 'kysely'
import oracledb from 'oracledb'
import { describe, expect, test } from 'vitest'
import { OracleDialect } from './oracle-dialect.js'

interface Call {
  sql: string
  binds: unknown
  options: any
}

// Just enough of an oracledb pool to watch what the driver sends.
function stubPool(respond: (call: Call) => Partial<oracledb.Result<unknown>> = () => ({ rows: [] })) {
  const calls: string[] = []
  const executed: Call[] = []
  let closed = false
  const connection = {
    async execute(text: string, binds: unknown, options: unknown) {
      const call = { sql: text, binds, options }
      executed.push(call)
      return respond(call)
    },
    async commit() {
      calls.push('commit')
    },
    async rollback() {
      calls.push('rollback')
    },
    async close() {
      calls.push('close')
    },
  }
  const pool = {
    async getConnection() {
      return connection
    },
    async close() {
      closed = true
    },
  } as unknown as oracledb.Pool
  return { pool, calls, executed, isClosed: () => closed }
}

describe('OracleDialect driver', () => {
  test('selects autocommit outside transactions and fetch objects', async () => {
    const stub = stubPool(() => ({ rows: [{ id: 1 }] }))
    const db = new Kysely<any>({ dialect: new OracleDialect({ pool: stub.pool }) })
    const rows = await db.selectFrom('person').select('id').where('id', '=', 1).execute()
    expect(rows).toEqual([{ id: 1 }])
    expect(stub.executed[0].sql).toBe('select "id" from "person" where "id" = :1')
    expect(stub.executed[0].binds).toEqual([1])
    expect(stub.executed[0].options.outFormat).toBe(oracledb.OUT_FORMAT_OBJECT)
    expect(stub.executed[0].options.autoCommit).toBe(true)
    await db.destroy()
    expect(stub.isClosed()).toBe(true)
  })

  test('RETURNING … INTO out binds come back as rows', async () => {
    const stub = stubPool(() => ({ rowsAffected: 2, outBinds: [[10, 11], ['a', 'b']] }))
    const db = new Kysely<any>({ dialect: new OracleDialect({ pool: async () => stub.pool }) })
    const rows = await db
      .updateTable('person')
      .set({ active: true })
      .returning(['id', 'name as label'])
      .execute()
    expect(rows).toEqual([
      { id: 10, label: 'a' },
      { id: 11, label: 'b' },
    ])
    expect(stub.executed[0].binds).toEqual([
      1,
      { dir: oracledb.BIND_OUT, type: oracledb.NUMBER },
      { dir: oracledb.BIND_OUT, type: oracledb.STRING, maxSize: 32767 },
    ])
    const result = await db.deleteFrom('person').executeTakeFirst()
    expect(result.numDeletedRows).toBe(2n)
  })

  test('transactions turn autocommit off, set isolation and skip release savepoint', async () => {
    const stub = stubPool()
    const db = new Kysely<any>({ dialect: new OracleDialect({ pool: stub.pool }) })
    const trx = await db.startTransaction().setIsolationLevel('serializable').execute()
    await trx.insertInto('t').values({ a: 1 }).execute()
    const sp = await trx.savepoint('sp1').execute()
    const back = await sp.rollbackToSavepoint('sp1').execute()
    const sp2 = await back.savepoint('sp2').execute()
    await sp2.releaseSavepoint('sp2').execute()
    await trx.commit().execute()
    expect(stub.executed.map((c) => c.sql)).toEqual([
      'set transaction isolation level serializable',
      'insert into "t" ("a") values (:1)',
      'savepoint "sp1"',
      'rollback to savepoint "sp1"',
      'savepoint "sp2"',
    ])
    expect(stub.executed.slice(1).every((c) => c.options.autoCommit === false)).toBe(true)
    expect(stub.calls).toEqual(['commit', 'close'])
  })

  test('unsupported isolation levels are refused', async () => {
    const db = new Kysely<any>({ dialect: new OracleDialect({ pool: stubPool().pool }) })
    await expect(
      db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async () => {}),
    ).rejects.toThrow(/isolation level/)
  })

  test('rollback on error', async () => {
    const stub = stubPool()
    const db = new Kysely<any>({ dialect: new OracleDialect({ pool: stub.pool }) })
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`select 1 from dual`.execute(trx)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(stub.calls).toEqual(['rollback', 'close'])
  })

  test('streaming reads the result set in chunks and closes it', async () => {
    const chunks = [[{ n: 1 }, { n: 2 }], [{ n: 3 }], []]
    let closed = false
    const stub = stubPool(() => ({
      resultSet: {
        getRows: async () => chunks.shift() ?? [],
        close: async () => {
          closed = true
        },
      } as unknown as oracledb.ResultSet<unknown>,
    }))
    const db = new Kysely<any>({ dialect: new OracleDialect({ pool: stub.pool }) })
    const seen: unknown[] = []
    for await (const row of db.selectFrom('t').select('n').stream(2)) seen.push(row)
    expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
    expect(stub.executed[0].options).toMatchObject({ resultSet: true, fetchArraySize: 2 })
    expect(closed).toBe(true)
  })
})

// Runs only against a real server, e.g. FJORD_ORACLE_URL=oracle://user:pass@localhost:1521/FREEPDB1
const url = process.env.FJORD_ORACLE_URL
describe.skipIf(!url)('real Oracle server', () => {
  test('select 1 from dual', async () => {
    const parsed = new URL(url ?? '')
    const db = new Kysely<any>({
      dialect: new OracleDialect({
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
        connectString: `${parsed.host}${parsed.pathname}`,
      }),
    })
    try {
      const { rows } = await sql<{ one: number }>`select 1 as "one" from dual`.execute(db)
      expect(rows).toEqual([{ one: 1 }])
    } finally {
      await db.destroy()
    }
  })
})
