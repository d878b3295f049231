// SQLite as a Fjord Dialect: features, operations, transactions, DDL names and error mapping.
import { columnTypeFrom, DatabaseError, type Dialect, defaultFeatures, IntegrityError } from '@fjord/core'
import { SqliteAdapter, SqliteQueryCompiler } from 'kysely'
import { sqliteOperations } from './operations.js'

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

const columnType = columnTypeFrom({
  char: 'varchar({maxLength})',
  slug: 'varchar({maxLength})',
  email: 'varchar({maxLength})',
  url: 'varchar({maxLength})',
  text: 'text',
  integer: 'integer',
  auto: 'integer',
  bigAuto: 'integer',
  smallInteger: 'smallint',
  bigInteger: 'bigint',
  positiveInteger: 'integer unsigned',
  positiveSmallInteger: 'smallint unsigned',
  positiveBigInteger: 'bigint unsigned',
  float: 'real',
  decimal: 'decimal({maxDigits}, {decimalPlaces})',
  boolean: 'bool',
  date: 'date',
  dateTime: 'datetime',
  time: 'time',
  duration: 'bigint',
  uuid: 'char(36)',
  json: 'text',
  binary: 'BLOB',
  foreignKey: 'bigint',
  oneToOne: 'bigint',
})

const CONSTRAINT: Record<string, IntegrityError['kind']> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreignKey',
  SQLITE_CONSTRAINT_NOTNULL: 'notNull',
  SQLITE_CONSTRAINT_CHECK: 'check',
}

export const mapSqliteError = (e: unknown): Error => {
  const err = e as { code?: string; message?: string }
  const code = err?.code ?? ''
  const message = err?.message ?? String(e)
  if (code.startsWith('SQLITE_CONSTRAINT')) return new IntegrityError(message, CONSTRAINT[code] ?? 'other', e)
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new DatabaseError(message, 'lockTimeout', e, code)
  if (code === 'SQLITE_CANTOPEN') return new DatabaseError(`Cannot open the SQLite database: ${message}`, 'connection', e, code)
  return new DatabaseError(message, 'other', e, code || undefined)
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  features: {
    ...defaultFeatures,
    canReturnRowsFromInsert: true,
    canReturnRowsFromUpdate: true,
    supportsNullsOrdering: true,
    maxQueryParams: 32766,
    supportsTransactionalDdl: true,
    supportsIgnoreConflicts: true,
    supportsUpdateConflicts: true,
    supportsUpdateConflictsWithTarget: true,
    supportsAggregateFilterClause: true,
    allowsGroupBySelectedPks: true,
    supportsDefaultInLeadLag: true,
    supportsIntersect: true,
  },
  ops: sqliteOperations,
  createAdapter: () => new SqliteAdapter(),
  createQueryCompiler: () => new SqliteQueryCompiler(),
  mapError: mapSqliteError,
  transactions: {
    begin: ({ writes }) => [writes ? 'BEGIN IMMEDIATE' : 'BEGIN'],
    commit: () => 'COMMIT',
    rollback: () => 'ROLLBACK',
    savepoint: (n) => `SAVEPOINT ${q(n)}`,
    rollbackTo: (n) => `ROLLBACK TO SAVEPOINT ${q(n)}`,
    release: (n) => `RELEASE SAVEPOINT ${q(n)}`,
  },
  schema: {
    columnType,
    autoColumn: () => 'integer NOT NULL PRIMARY KEY AUTOINCREMENT',
    maxNameLength: 1000,
    dropTable: (table, quote) => `DROP TABLE IF EXISTS ${quote(table)}`,
    canAlterAddForeignKey: false,
    inlineForeignKeys: true,
    // ALTER TABLE can't change a column: migrations copy the table, with foreign keys unenforced
    // meanwhile (the pragma is a no-op inside a transaction) and checked before the commit.
    remakeTableToAlter: true,
    beforeMigration: ['PRAGMA foreign_keys = OFF'],
    afterMigration: ['PRAGMA foreign_keys = ON'],
    foreignKeyCheck: 'PRAGMA foreign_key_check',
  },
}
