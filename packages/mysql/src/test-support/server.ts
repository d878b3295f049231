// The MariaDB/MySQL server the package's tests use: FJORD_MYSQL_URL, a fresh database per call.
import type { Db } from '@fjord/core'
import { connectMysql, type MysqlOptions } from '../index.js'

export const serverUrl = (): string => process.env.FJORD_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'

/** The URL with another database (or another port, user …). */
export const urlWith = (change: (u: URL) => void): string => {
  const u = new URL(serverUrl())
  change(u)
  return u.toString()
}

/** Why the server can't be used here, or undefined; FJORD_REQUIRE_SERVERS=1 turns a reason into a failure. */
export const unavailable = async (): Promise<string | undefined> => {
  try {
    const db = await connectMysql({ uri: serverUrl(), connectTimeout: 2000, connectionLimit: 1 })
    await db.close()
    return undefined
  } catch (e) {
    if (process.env.FJORD_REQUIRE_SERVERS === '1') throw e
    return (e as Error).message
  }
}

let counter = 0

/** A Db on a new database with a case-insensitive default collation; `close()` drops it. */
export const freshDb = async (options: MysqlOptions = {}): Promise<Db & { readonly database: string }> => {
  const name = `fjord_mysql_${process.pid}_${++counter}`
  const admin = await connectMysql({ uri: serverUrl(), connectionLimit: 1 })
  try {
    await admin.execute(`DROP DATABASE IF EXISTS \`${name}\``, [], { returnsRows: false })
    await admin.execute(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`, [], { returnsRows: false })
  } finally {
    await admin.close()
  }
  const db = await connectMysql({ uri: urlWith((u) => (u.pathname = `/${name}`)), ...options })
  return {
    ...db,
    database: name,
    close: async () => {
      try {
        await db.execute(`DROP DATABASE IF EXISTS \`${name}\``, [], { returnsRows: false })
      } finally {
        await db.close()
      }
    },
  }
}

/** Run one statement and return its rows. */
export const rows = async (db: Db, sql: string, params: readonly unknown[] = []): Promise<readonly (readonly unknown[])[]> =>
  (await db.execute(sql, params, { returnsRows: true })).rows
