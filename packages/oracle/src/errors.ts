// Oracle and node-oracledb errors as Fjord's OrmErrors, by ORA-/NJS- code.
import { DatabaseError, IntegrityError } from '@fjord/core'

const INTEGRITY: Readonly<Record<string, IntegrityError['kind']>> = {
  'ORA-00001': 'unique',
  'ORA-02291': 'foreignKey',
  'ORA-02292': 'foreignKey',
  'ORA-01400': 'notNull',
  'ORA-01407': 'notNull',
  'ORA-02290': 'check',
}

const DATABASE: Readonly<Record<string, DatabaseError['kind']>> = {
  'ORA-08177': 'serialization',
  'ORA-00060': 'deadlock',
  'ORA-00054': 'lockTimeout',
  'ORA-30006': 'lockTimeout',
  'ORA-01017': 'authentication',
  'ORA-01005': 'authentication',
  'ORA-28000': 'authentication',
  'ORA-28001': 'authentication',
  'ORA-12514': 'unknownDatabase',
  'ORA-12505': 'unknownDatabase',
  // The listener or the network: nothing reached a database.
  'ORA-12541': 'connection',
  'ORA-12170': 'connection',
  'ORA-03113': 'connection',
  'ORA-03114': 'connection',
  'ORA-03135': 'connection',
  'NJS-500': 'connection',
  'NJS-501': 'connection',
  'NJS-503': 'connection',
  'NJS-510': 'connection',
  'NJS-511': 'connection',
  'NJS-521': 'connection',
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'])

/** The `ORA-nnnnn` / `NJS-nnn` code of an error (oracledb puts it in `code`; older paths only in the message). */
export const oracleCode = (e: unknown): string | undefined => {
  const err = e as { code?: unknown; message?: unknown } | null
  if (typeof err?.code === 'string' && err.code !== '') return err.code
  const m = /\b(ORA-\d{5}|NJS-\d{3})\b/.exec(String(err?.message ?? ''))
  return m?.[1]
}

/** True when the connection itself failed (the session is gone; drop it rather than reuse it). */
export const isConnectionFailure = (e: unknown): boolean => {
  const code = oracleCode(e)
  if (code !== undefined && (DATABASE[code] === 'connection' || NETWORK_CODES.has(code))) return true
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause
  return typeof cause?.code === 'string' && NETWORK_CODES.has(cause.code)
}

/** Map a node-oracledb error to an OrmError (IntegrityError by constraint kind, DatabaseError by kind). */
export const mapOracleError = (e: unknown): Error => {
  const code = oracleCode(e)
  const message = String((e as { message?: unknown } | null)?.message ?? e)
  if (code !== undefined) {
    const integrity = INTEGRITY[code]
    if (integrity) return new IntegrityError(message, integrity, e)
    const kind = DATABASE[code]
    if (kind) return new DatabaseError(kind === 'connection' ? `Cannot reach the Oracle database: ${message}` : message, kind, e, code)
  }
  if (isConnectionFailure(e)) return new DatabaseError(`Cannot reach the Oracle database: ${message}`, 'connection', e, code)
  return new DatabaseError(message, 'other', e, code)
}
