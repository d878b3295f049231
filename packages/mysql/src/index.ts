// @fjord/mysql: MySQL 8 and MariaDB 10.6+ over mysql2's promise pool.
import { type Db, type IsolationLevel, makeDb } from '@fjord/core'
import { createPool, type Pool, type PoolOptions } from 'mysql2/promise'
import { MysqlDialect, parseServerVersion } from './dialect.js'
import { MysqlDriver } from './driver.js'
import type { Target } from './errors.js'

export interface MysqlOptions extends Omit<PoolOptions, 'uri'> {
  /** `mysql://user:password@host:3306/database`. */
  readonly uri?: string
  /** An existing pool (created with `mysqlPoolOptions`); `db.close()` leaves it open. */
  readonly pool?: Pool
  /** The server's version (`SELECT VERSION()`), to skip reading it on the first connection. */
  readonly serverVersion?: string
  /** Every session's isolation level; Django's MySQL default, read committed, unless told otherwise (null keeps the server's). */
  readonly isolationLevel?: IsolationLevel | null
  /**
   * Milliseconds a statement or transaction waits for a free connection when all `connectionLimit`
   * are in use, before failing with a DatabaseError (kind 'connection', code 'POOL_TIMEOUT');
   * default 10,000, 0 waits without limit.
   */
  readonly acquireTimeout?: number
}

/**
 * The pool options Fjord's conversions rely on: exact BIGINT and DECIMAL strings, JSON and dates as
 * text, rows as arrays, UTC. Give them to `createPool` when passing your own pool.
 */
export const mysqlPoolOptions: PoolOptions = Object.freeze({
  connectTimeout: 5000,
  timezone: 'Z',
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
  jsonStrings: true,
  rowsAsArray: true,
})

const targetOf = (options: MysqlOptions): Target => {
  if (options.pool) {
    const c = (options.pool as unknown as { pool?: { config?: { connectionConfig?: PoolOptions } } }).pool?.config?.connectionConfig ?? {}
    return { host: c.host ?? 'localhost', port: c.port ?? 3306, user: c.user, database: c.database }
  }
  if (options.uri) {
    const u = new URL(options.uri)
    return {
      host: decodeURIComponent(u.hostname) || 'localhost',
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username) || undefined,
      database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    }
  }
  return { host: options.host ?? 'localhost', port: options.port ?? 3306, user: options.user, database: options.database }
}

const checkPool = (pool: Pool): void => {
  const c = (pool as unknown as { pool?: { config?: { connectionConfig?: PoolOptions } } }).pool?.config?.connectionConfig
  if (c && (c.jsonStrings !== true || c.decimalNumbers === true)) {
    throw new Error('@fjord/mysql: create the pool with mysqlPoolOptions (jsonStrings: true, decimalNumbers: false) so values read back exactly.')
  }
}

/**
 * A Db over a MySQL or MariaDB pool. The server's version is read when the first connection opens;
 * until then features hold for every supported server (no INSERT … RETURNING). Use
 * `connectMysql` to start with the exact features.
 * @example const db = mysql({ uri: 'mysql://root@127.0.0.1:3306/blog' })
 */
export const mysql = (options: MysqlOptions = {}): Db => {
  const { pool: given, serverVersion, isolationLevel = 'readCommitted', acquireTimeout, uri, ...rest } = options
  if (given) checkPool(given)
  const pool = given ?? createPool({ ...mysqlPoolOptions, ...rest, ...(uri ? { uri } : {}) })
  const declared = serverVersion ? parseServerVersion(serverVersion) : undefined
  const dialect = new MysqlDialect(targetOf(options), declared)
  let db: Db | undefined
  const driver = new MysqlDriver(
    pool,
    { isolationLevel, acquireTimeout },
    (server) => {
      // Plans compiled before the version was known used the common features: compile again.
      if (dialect.setServer(server)) db?.plans.clear()
    },
    given === undefined,
    declared,
  )
  db = makeDb(dialect, driver)
  return db
}

/** A Db whose server has answered: its features are the server's from the first statement on. */
export const connectMysql = async (options: MysqlOptions = {}): Promise<Db> => {
  const db = mysql(options)
  try {
    await (db.driver as MysqlDriver).server()
  } catch (e) {
    await db.close().catch(() => undefined)
    throw db.dialect.mapError(e)
  }
  return db
}

/** The server behind a Db made by `mysql()` (connecting if needed). */
export const serverOf = (db: Db) => (db.driver as MysqlDriver).server()

export { featuresFor, MysqlDialect, parseServerVersion } from './dialect.js'
export type { ServerInfo } from './dialect.js'
export { MysqlDriver } from './driver.js'
export { errorMapper } from './errors.js'
export { formatDateTime, mysqlOperations, parseDateTime } from './operations.js'
export { mysqlSchema } from './schema.js'
