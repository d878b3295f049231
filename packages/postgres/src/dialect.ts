// PostgreSQL as a Fjord Dialect: features, operations, transactions, DDL and error mapping.
import { type BoundField, columnTypeFrom, DatabaseError, type Dialect, defaultFeatures, IntegrityError, type IsolationLevel } from '@fjord/core'
import { PostgresAdapter, PostgresQueryCompiler } from 'kysely'
import { postgresOperations } from './operations.js'
import { formatDuration } from './types.js'

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

const columnType = columnTypeFrom({
  char: 'varchar({maxLength})',
  slug: 'varchar({maxLength})',
  email: 'varchar({maxLength})',
  url: 'varchar({maxLength})',
  text: 'text',
  integer: 'integer',
  positiveInteger: 'integer',
  auto: 'integer',
  smallInteger: 'smallint',
  positiveSmallInteger: 'smallint',
  bigInteger: 'bigint',
  positiveBigInteger: 'bigint',
  bigAuto: 'bigint',
  foreignKey: 'bigint',
  oneToOne: 'bigint',
  float: 'double precision',
  decimal: 'numeric({maxDigits}, {decimalPlaces})',
  boolean: 'boolean',
  date: 'date',
  dateTime: 'timestamp with time zone',
  time: 'time',
  duration: 'interval',
  uuid: 'uuid',
  json: 'jsonb',
  binary: 'bytea',
})

const text = (s: string) => `'${s.replace(/'/g, "''")}'`

/** A default as a typed literal (DDL takes no parameters); undefined when it has no literal form. */
const defaultLiteral = (bf: BoundField, v: unknown): string | undefined => {
  if (v === null) return 'NULL'
  switch (bf.field.type) {
    case 'boolean':
      return v ? 'TRUE' : 'FALSE'
    case 'json':
      return `${text(JSON.stringify(v))}::jsonb`
    case 'duration':
      return typeof v === 'number' ? `${text(formatDuration(v))}::interval` : undefined
    case 'dateTime':
      return v instanceof Date ? `${text(v.toISOString())}::timestamptz` : typeof v === 'string' ? text(v) : undefined
    case 'binary':
      return v instanceof Uint8Array ? `'\\x${Buffer.from(v).toString('hex')}'::bytea` : undefined
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'string') return text(v)
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  return undefined
}

/** Where a pool connects, for messages. */
export interface ServerInfo {
  readonly host?: string
  readonly port?: number
  readonly database?: string
  readonly user?: string
}

const CONSTRAINT: Record<string, IntegrityError['kind']> = {
  '23505': 'unique',
  '23503': 'foreignKey',
  '23502': 'notNull',
  '23514': 'check',
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'])

const where = (info: ServerInfo) => `${info.host ?? 'localhost'}:${info.port ?? 5432}`

/** A connection failure that is not the server's answer (no SQLSTATE): refused, reset, timed out. */
export const isConnectionFailure = (e: unknown): boolean => {
  const err = e as { code?: unknown; message?: unknown; errors?: unknown }
  const code = typeof err?.code === 'string' ? err.code : ''
  if (NETWORK.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true
  const message = typeof err?.message === 'string' ? err.message : ''
  return /timeout|terminated|Connection ended|not queryable|ECONNREFUSED/i.test(message) && !/^\d/.test(code)
}

/** Map a pg (or socket) error to an OrmError; `info` names the server in connection messages. */
export const mapPostgresError = (e: unknown, info: ServerInfo = {}): Error => {
  const err = e as { code?: string; message?: string; detail?: string; constraint?: string }
  const code = typeof err?.code === 'string' ? err.code : ''
  const message = err?.message || String(e)
  if (code.startsWith('23')) {
    return new IntegrityError(err.detail ? `${message}: ${err.detail}` : message, CONSTRAINT[code] ?? 'other', e)
  }
  switch (code) {
    case '40001':
      return new DatabaseError(message, 'serialization', e, code)
    case '40P01':
      return new DatabaseError(message, 'deadlock', e, code)
    case '55P03':
      return new DatabaseError(message, 'lockTimeout', e, code)
    case '28P01':
    case '28000':
      return new DatabaseError(`PostgreSQL at ${where(info)} refused to authenticate${info.user ? ` user "${info.user}"` : ''}: ${message}`, 'authentication', e, code)
    case '3D000':
      return new DatabaseError(`The database ${info.database ? `"${info.database}" ` : ''}does not exist on PostgreSQL at ${where(info)}: ${message}`, 'unknownDatabase', e, code)
  }
  if (isConnectionFailure(e)) {
    const detail = message || (e as { errors?: Error[] }).errors?.map((x) => x.message).join('; ') || code
    return new DatabaseError(`PostgreSQL server at ${where(info)} is unreachable: ${detail}`, 'connection', e, code || undefined)
  }
  return new DatabaseError(message, 'other', e, code || undefined)
}

const ISOLATION: Record<IsolationLevel, string> = {
  readUncommitted: 'READ UNCOMMITTED',
  readCommitted: 'READ COMMITTED',
  repeatableRead: 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
}

/** The PostgreSQL dialect; `info` only names the server in error messages. */
export const postgresDialectFor = (info: ServerInfo = {}): Dialect => ({
  name: 'postgres',
  features: {
    ...defaultFeatures,
    canReturnRowsFromInsert: true,
    canReturnRowsFromUpdate: true,
    supportsDistinctOn: true,
    supportsNullsOrdering: true,
    maxQueryParams: 65535,
    supportsTransactionalDdl: true,
    hasSelectForUpdate: true,
    hasSelectForUpdateNowait: true,
    hasSelectForUpdateSkipLocked: true,
    hasSelectForUpdateOf: true,
    hasSelectForNoKeyUpdate: true,
    supportsIgnoreConflicts: true,
    supportsUpdateConflicts: true,
    supportsUpdateConflictsWithTarget: true,
    canStreamFromServer: true,
    supportsAggregateFilterClause: true,
    allowsGroupBySelectedPks: true,
    supportsDefaultInLeadLag: true,
    hasNativeBoolean: true,
    supportsTimezones: true,
    supportsSlicingOrderingInCompound: true,
  },
  ops: postgresOperations,
  createAdapter: () => new PostgresAdapter(),
  createQueryCompiler: () => new PostgresQueryCompiler(),
  mapError: (e) => mapPostgresError(e, info),
  transactions: {
    begin: ({ isolationLevel, readOnly }) => {
      const modes = [isolationLevel ? `ISOLATION LEVEL ${ISOLATION[isolationLevel]}` : '', readOnly ? 'READ ONLY' : ''].filter(Boolean)
      return [modes.length ? `BEGIN ${modes.join(' ')}` : 'BEGIN']
    },
    commit: () => 'COMMIT',
    rollback: () => 'ROLLBACK',
    savepoint: (n) => `SAVEPOINT ${q(n)}`,
    rollbackTo: (n) => `ROLLBACK TO SAVEPOINT ${q(n)}`,
    release: (n) => `RELEASE SAVEPOINT ${q(n)}`,
  },
  schema: {
    columnType,
    autoColumn: (bf) => `${bf.field.type === 'auto' ? 'integer' : 'bigint'} GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY`,
    defaultLiteral,
    maxNameLength: 63,
    dropTable: (table, quote) => `DROP TABLE IF EXISTS ${quote(table)} CASCADE`,
    canAlterAddForeignKey: true,
    inlineForeignKeys: false,
    alterColumn: (table, c, quote) => {
      const at = `ALTER TABLE ${quote(table)} ALTER COLUMN ${quote(c.column)}`
      const out: string[] = []
      // The default goes first: the old one may not convert to the new type.
      if (c.defaultChanged || c.typeChanged) out.push(`${at} DROP DEFAULT`)
      if (c.typeChanged) out.push(`${at} TYPE ${c.type} USING ${quote(c.column)}::${c.type}`)
      if ((c.defaultChanged || c.typeChanged) && c.defaultLiteral !== undefined) out.push(`${at} SET DEFAULT ${c.defaultLiteral}`)
      if (c.nullChanged) out.push(`${at} ${c.to.field.options.null ? 'DROP' : 'SET'} NOT NULL`)
      return out
    },
  },
})

/** The PostgreSQL dialect with no server named in its messages (for compiling without a pool). */
export const postgresDialect: Dialect = postgresDialectFor()
