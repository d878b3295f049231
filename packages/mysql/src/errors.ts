// mysql2's errors as Fjord's OrmErrors: server error numbers (`errno`) and socket codes (`code`).
import { DatabaseError, IntegrityError } from '@fjord/core'

/** Where the Db connects, for messages. */
export interface Target {
  readonly host: string
  readonly port: number
  readonly user?: string
  readonly database?: string
}

const INTEGRITY: Readonly<Record<number, IntegrityError['kind']>> = {
  1062: 'unique', // ER_DUP_ENTRY
  1586: 'unique', // ER_DUP_ENTRY_WITH_KEY_NAME
  1216: 'foreignKey', // ER_NO_REFERENCED_ROW
  1217: 'foreignKey', // ER_ROW_IS_REFERENCED
  1451: 'foreignKey', // ER_ROW_IS_REFERENCED_2
  1452: 'foreignKey', // ER_NO_REFERENCED_ROW_2
  1048: 'notNull', // ER_BAD_NULL_ERROR
  1364: 'notNull', // ER_NO_DEFAULT_FOR_FIELD: a NOT NULL column left out
  3819: 'check', // MySQL: ER_CHECK_CONSTRAINT_VIOLATED
  4025: 'check', // MariaDB: ER_CONSTRAINT_FAILED
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE'])
const LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'POOL_CLOSED'])

interface DriverError {
  readonly errno?: number
  readonly code?: string
  readonly sqlMessage?: string
  readonly message?: string
  readonly fatal?: boolean
}

/** An error mapper that names this Db's server and database in connection failures. */
export const errorMapper =
  (target: Target) =>
  (e: unknown): Error => {
    const err = (e ?? {}) as DriverError
    const errno = typeof err.errno === 'number' ? err.errno : undefined
    const code = err.code ?? ''
    const message = err.sqlMessage ?? err.message ?? String(e)
    const where = `${target.host}:${target.port}`
    if (errno !== undefined && INTEGRITY[errno]) return new IntegrityError(message, INTEGRITY[errno], e)
    switch (errno) {
      case 1213:
        return new DatabaseError(`Deadlock: ${message}`, 'deadlock', e, errno)
      case 1205: // lock wait timeout; MariaDB's NOWAIT too
      case 3572: // MySQL: ER_LOCK_NOWAIT
        return new DatabaseError(message, 'lockTimeout', e, errno)
      case 1045: // ER_ACCESS_DENIED_ERROR
      case 1044: // ER_DBACCESS_DENIED_ERROR
      case 1698: // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
        return new DatabaseError(`Authentication failed at ${where}${target.user ? ` for user '${target.user}'` : ''}: ${message}`, 'authentication', e, errno)
      case 1049: // ER_BAD_DB_ERROR
        return new DatabaseError(
          `Unknown database '${target.database ?? '?'}' at ${where}: ${message}`,
          'unknownDatabase',
          e,
          errno,
        )
      case 1406: // ER_DATA_TOO_LONG (validation checks lengths before; this is a column narrower than its field)
        return new DatabaseError(`Value too long for its column: ${message}`, 'other', e, errno)
    }
    if (SOCKET_CODES.has(code)) return new DatabaseError(`Cannot connect to MySQL at ${where} (${code}): ${message}`, 'connection', e, code)
    if (LOST_CODES.has(code) || err.fatal === true) {
      return new DatabaseError(`Connection to MySQL at ${where} failed: ${message}`, 'connection', e, code || errno)
    }
    return new DatabaseError(message, 'other', e, errno ?? (code || undefined))
  }
