// @fjord/postgres: the PostgreSQL backend, over pg's Pool.
import { type Db, makeDb } from '@fjord/core'
import pg from 'pg'
import { postgresDialectFor, type ServerInfo } from './dialect.js'
import { PostgresDriver, PreparedStatements } from './driver.js'

/** pg's pool options (host, port, user, password, database, connectionString, max, ssl, …), or a pool. */
export interface PostgresOptions extends pg.PoolConfig {
  /** A pool to use instead of making one; Fjord does not end it on close(). */
  readonly pool?: pg.Pool
  /**
   * Send the statements the Db runs again and again as server-side prepared statements: from a
   * statement's `threshold`-th run (default 2) each connection parses it once, then only binds and
   * executes it, which saves the server's parsing and planning (at most `maxPerConnection`, default
   * 200, per connection). `true` takes the defaults. Off by default: prepared statements live in
   * the session, so they need a real connection per client (not a transaction-pooling pgbouncer
   * older than 1.21). A statement whose tables changed under it runs again unnamed outside a
   * transaction; inside one its error ends the transaction, as any other.
   */
  readonly prepare?: boolean | { readonly threshold?: number; readonly maxPerConnection?: number }
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000

/** Where a configuration points, for error messages (URL parts win, then options, then PG* variables). */
const serverInfo = (config: pg.PoolConfig): ServerInfo => {
  let url: URL | undefined
  if (config.connectionString) {
    try {
      url = new URL(config.connectionString)
    } catch {
      url = undefined
    }
  }
  const env = process.env
  const user = (url?.username && decodeURIComponent(url.username)) || config.user || env.PGUSER
  return {
    host: (url?.hostname && decodeURIComponent(url.hostname)) || config.host || env.PGHOST || 'localhost',
    port: Number(url?.port || config.port || env.PGPORT || 5432),
    database: (url?.pathname && decodeURIComponent(url.pathname.slice(1))) || config.database || env.PGDATABASE || user,
    user,
  }
}

/**
 * A Db over a PostgreSQL pool: a URL, pg's pool options, or `{ pool }`.
 * @example const db = postgres({ connectionString: 'postgres://postgres@127.0.0.1:5432/blog' })
 */
export const postgres = (options: PostgresOptions | string = {}): Db => {
  const { pool: given, prepare, ...config } = typeof options === 'string' ? ({ connectionString: options } as PostgresOptions) : options
  let pool = given
  if (!pool) {
    pool = new pg.Pool({ ...config, connectionTimeoutMillis: config.connectionTimeoutMillis ?? DEFAULT_CONNECT_TIMEOUT_MS })
    // An idle client that loses its server is dropped by the pool; without a listener Node would crash.
    pool.on('error', () => undefined)
  }
  const info = serverInfo(given ? ((given as unknown as { options: pg.PoolConfig }).options ?? {}) : config)
  const tuning = prepare === true ? {} : prepare || undefined
  const statements = tuning && new PreparedStatements(Math.max(1, tuning.threshold ?? 2), tuning.maxPerConnection ?? 200)
  return makeDb(postgresDialectFor(info), new PostgresDriver(pool, info, !given, statements))
}

export { isConnectionFailure, mapPostgresError, postgresDialect, postgresDialectFor } from './dialect.js'
export type { ServerInfo } from './dialect.js'
export { PostgresDriver, PreparedStatements } from './driver.js'
export { postgresOperations } from './operations.js'
export { fjordTypes, formatDuration, parseInterval, parseTimestamp } from './types.js'
