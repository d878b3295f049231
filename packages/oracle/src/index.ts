// @fjord/oracle: the Oracle Database backend, over node-oracledb in thin mode (no client libraries),
// and the Kysely dialect it compiles with.
import { type Db, makeDb } from '@fjord/core'
import { makeOracleDialect, type OracleDialectSettings } from './dialect.js'
import { OracleFjordDriver, type OracleDriverOptions } from './driver.js'

export interface OracleOptions extends OracleDriverOptions, OracleDialectSettings {}

/**
 * A Db over an Oracle pool, made on first use (building the Db never connects).
 * @example const db = oracle({ user: 'app', password: 'secret', connectString: 'localhost:1521/FREEPDB1' })
 */
export const oracle = (options: OracleOptions): Db => makeDb(makeOracleDialect(options), new OracleFjordDriver(options))

/** `oracle://user:password@host:port/service` as oracle() options. */
export const parseOracleUrl = (url: string): Required<Pick<OracleOptions, 'user' | 'password' | 'connectString'>> => {
  const u = new URL(url)
  if (u.protocol !== 'oracle:') throw new Error(`Not an oracle:// URL: ${url}`)
  return {
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    connectString: `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`,
  }
}

export { makeOracleDialect, oracleDialect, oracleFeatures, type OracleDialectSettings } from './dialect.js'
export { OracleFjordDriver, oracleSessionCallback, SESSION_SQL, fetchTypeHandler, rowsFromOutBinds, toBinds, type OracleDriverOptions } from './driver.js'
export { isConnectionFailure, mapOracleError, oracleCode } from './errors.js'
export { cast, converter, datePart, dateTrunc, oracleOperations, timeCast, toDb } from './operations.js'
export { columnType, defaultLiteral, oracleSchema } from './schema.js'
export {
  dateFromWallClock,
  decimalText,
  formatTime,
  formatTimestamp,
  fromInterval,
  timeFromWallClock,
  toInterval,
  utcFromWallClock,
} from './values.js'
export {
  fnv1a32,
  ORACLE_IDENTIFIER_LENGTH,
  ORACLE_LEGACY_IDENTIFIER_LENGTH,
  quoteIdentifier,
  shortenIdentifier,
  upperIdentifier,
} from './identifiers.js'
export { OracleAdapter, OracleDialect, type OracleDialectOptions } from './oracle-dialect.js'
export { OracleConnection, type OracleDialectConfig, OracleDriver } from './oracle-driver.js'
export { OracleIntrospector } from './oracle-introspector.js'
export {
  defaultReturningType,
  OracleQueryCompiler,
  type OracleQueryCompilerOptions,
  OutBind,
  type OutBindType,
} from './oracle-query-compiler.js'
