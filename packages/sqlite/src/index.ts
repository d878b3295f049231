// @fjord/sqlite: the embedded default backend, over better-sqlite3.
import { type Db, makeDb } from '@fjord/core'
import Database from 'better-sqlite3'
import { sqliteDialect } from './dialect.js'
import { SqliteDriver } from './driver.js'
import { registerStatistics } from './statistics.js'
import { registerTextFunctions } from './text-functions.js'

export interface SqliteOptions {
  /** A file path, or ':memory:'. */
  readonly filename?: string
  /** An open better-sqlite3 database to use instead. */
  readonly database?: Database.Database
  /** Open read-only. */
  readonly readonly?: boolean
  /** Prepared statements kept (default 1000). */
  readonly statementCacheSize?: number
  /** Milliseconds to wait on a locked database (default 5000). */
  readonly busyTimeout?: number
}

const regexCache = new Map<string, RegExp>()
const regex = (pattern: string, flags: string): RegExp => {
  const key = `${flags}/${pattern}`
  let r = regexCache.get(key)
  if (!r) {
    r = new RegExp(pattern, flags)
    if (regexCache.size > 500) regexCache.clear()
    regexCache.set(key, r)
  }
  return r
}

/** Set a connection up as Fjord expects: foreign keys on, case-sensitive LIKE, regex, statistics and text functions. */
export const prepareConnection = (database: Database.Database, options: SqliteOptions = {}): void => {
  database.pragma('foreign_keys = ON')
  database.pragma(`busy_timeout = ${options.busyTimeout ?? 5000}`)
  if (database.name !== ':memory:' && database.name !== '' && !options.readonly) database.pragma('journal_mode = WAL')
  const test = (flags: string) => (pattern: unknown, value: unknown) =>
    pattern === null || value === null ? null : regex(String(pattern), flags).test(String(value)) ? 1 : 0
  database.function('regexp', { deterministic: true }, test(''))
  database.function('fjord_iregexp', { deterministic: true }, test('i'))
  registerStatistics(database)
  registerTextFunctions(database)
}

/**
 * A Db over a SQLite file (or memory).
 * @example const db = sqlite({ filename: 'blog.db' })
 */
export const sqlite = (options: SqliteOptions = {}): Db => {
  const database = options.database ?? new Database(options.filename ?? ':memory:', { readonly: options.readonly ?? false })
  prepareConnection(database, options)
  return makeDb(sqliteDialect, new SqliteDriver(database, options.statementCacheSize))
}

export { sqliteDialect, mapSqliteError } from './dialect.js'
export { SqliteDriver } from './driver.js'
export { formatDateTime, parseDateTime, sqliteOperations } from './operations.js'
