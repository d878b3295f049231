// SQLite as a Fjord Dialect: features, operations, transactions, DDL names and error mapping.
import { DatabaseError, type Dialect, defaultFeatures, IntegrityError, type BoundField } from '@fjord/core'
import { SqliteAdapter, SqliteQueryCompiler } from 'kysely'
import { sqliteOperations } from './operations.js'

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

const columnType = (bf: BoundField): string => {
  const f = bf.field
  const o = f.options
  switch (f.type) {
    case 'char':
    case 'slug':
    case 'email':
    case 'url':
      return `varchar(${o.maxLength})`
    case 'text':
      return 'text'
    case 'integer':
    case 'auto':
    case 'bigAuto':
      return 'integer'
    case 'smallInteger':
      return 'smallint'
    case 'bigInteger':
      return 'bigint'
    case 'positiveInteger':
      return 'integer unsigned'
    case 'positiveSmallInteger':
      return 'smallint unsigned'
    case 'positiveBigInteger':
      return 'bigint unsigned'
    case 'float':
      return 'real'
    case 'decimal':
      return `decimal(${o.maxDigits}, ${o.decimalPlaces})`
    case 'boolean':
      return 'bool'
    case 'date':
      return 'date'
    case 'dateTime':
      return 'datetime'
    case 'time':
      return 'time'
    case 'duration':
      return 'bigint'
    case 'uuid':
      return 'char(36)'
    case 'json':
      return 'text'
    case 'binary':
      return 'BLOB'
    case 'foreignKey':
    case 'oneToOne':
      return 'bigint'
    case 'manyToMany':
      throw new Error('A many-to-many field has no column.')
  }
}

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
