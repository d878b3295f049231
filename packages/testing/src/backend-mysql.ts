// The MySQL/MariaDB backend for the suite: FJORD_MYSQL_URL (default mysql://root@127.0.0.1:3306/test).
// Each connect() gets a database of its own, with a case-insensitive default collation (so the
// case-sensitive lookups are really put to the test), dropped again on close.
import type { Db } from '@fjord/core'
import { connectMysql } from '@fjord/mysql'
import { type ConnectOptions, registerBackend, workerId } from './backends.js'

const url = (): string => process.env.FJORD_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'

const withDatabase = (base: string, name: string): string => {
  const u = new URL(base)
  u.pathname = `/${name}`
  return u.toString()
}

let counter = 0
let reachable: Promise<string | undefined> | undefined

const probe = async (): Promise<string | undefined> => {
  try {
    const db = await connectMysql({ uri: url(), connectTimeout: 2000, connectionLimit: 1 })
    await db.close()
    return undefined
  } catch (e) {
    return `${url().replace(/\/\/[^@/]*@/, '//')}: ${(e as Error).message}`
  }
}

registerBackend({
  name: 'mysql',
  unavailable: () => {
    reachable ??= probe()
    return reachable
  },
  async connect(pool: ConnectOptions = {}): Promise<Db> {
    // The pid keeps databases apart when several test runs share one server.
    const name = `fjord_${workerId()}_${process.pid}_${++counter}`
    const admin = await connectMysql({ uri: url(), connectionLimit: 1 })
    try {
      await admin.execute(`DROP DATABASE IF EXISTS \`${name}\``, [], { returnsRows: false })
      await admin.execute(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`, [], { returnsRows: false })
    } finally {
      await admin.close()
    }
    const db = await connectMysql({
      uri: withDatabase(url(), name),
      connectionLimit: pool.poolSize ?? 5,
      ...(pool.acquireTimeoutMs ? { acquireTimeout: pool.acquireTimeoutMs } : {}),
    })
    return {
      ...db,
      close: async () => {
        try {
          await db.execute(`DROP DATABASE IF EXISTS \`${name}\``, [], { returnsRows: false })
        } finally {
          await db.close()
        }
      },
    }
  },
})
