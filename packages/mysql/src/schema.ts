// DDL names and options for MySQL and MariaDB, as Django's MySQL schema editor writes them.
import { type BoundField, columnTypeFrom, type SchemaOps } from '@fjord/core'
import { formatDateTime } from './operations.js'

// A duration is stored in microseconds, as Django stores a DurationField on MySQL.
const columnType = columnTypeFrom({
  char: 'varchar({maxLength})',
  slug: 'varchar({maxLength})',
  email: 'varchar({maxLength})',
  url: 'varchar({maxLength})',
  text: 'longtext',
  integer: 'integer',
  auto: 'integer',
  smallInteger: 'smallint',
  bigInteger: 'bigint',
  bigAuto: 'bigint',
  positiveInteger: 'integer UNSIGNED',
  positiveSmallInteger: 'smallint UNSIGNED',
  positiveBigInteger: 'bigint UNSIGNED',
  float: 'double precision',
  decimal: 'numeric({maxDigits}, {decimalPlaces})',
  boolean: 'bool',
  date: 'date',
  dateTime: 'datetime(6)',
  time: 'time(6)',
  duration: 'bigint',
  uuid: 'char(36)',
  json: 'json',
  binary: 'longblob',
  foreignKey: 'bigint',
  oneToOne: 'bigint',
})

/** A string literal under MySQL's default quoting, where the backslash escapes. */
const quoteString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

// TEXT, BLOB and JSON columns take no literal DEFAULT (and no index without a prefix length).
const LIMITED_TYPES = new Set(['text', 'json', 'binary'])

const defaultLiteral = (bf: BoundField, value: unknown): string | undefined => {
  const t = bf.field.type
  if (LIMITED_TYPES.has(t) || value === undefined) return undefined
  if (value === null) return 'NULL'
  if (t === 'boolean') return value ? '1' : '0'
  if (t === 'duration' && typeof value === 'number') return String(Math.round(value * 1000))
  if (value instanceof Date) return quoteString(formatDateTime(value))
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (typeof value === 'string') return quoteString(value)
  return undefined
}

export const mysqlSchema: SchemaOps = {
  columnType,
  autoColumn: (bf) => `${bf.field.type === 'auto' ? 'integer' : 'bigint'} AUTO_INCREMENT NOT NULL PRIMARY KEY`,
  defaultLiteral,
  maxNameLength: 64,
  dropTable: (table, quote) => `DROP TABLE IF EXISTS ${quote(table)}`,
  canAlterAddForeignKey: true,
  // Added by ALTER TABLE once every table exists, so creation order and cycles don't matter.
  inlineForeignKeys: false,
  deferrableForeignKeys: false,
  // utf8mb4 with its default collation, which is case-insensitive: the i… lookups rely on it.
  tableOptions: 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  // TEXT, BLOB and JSON can't be indexed without a prefix length.
  canIndex: (bf) => !LIMITED_TYPES.has(bf.field.type),
  supportsPartialIndexes: false,
  // MODIFY restates the whole column: type, default and nullability together.
  alterColumn: (table, c, quote) => [`ALTER TABLE ${quote(table)} MODIFY ${quote(c.column)} ${c.definition}`],
  // A unique constraint is an index; a foreign key and a check are dropped by their own words.
  dropConstraint: (table, name, kind, quote) =>
    `ALTER TABLE ${quote(table)} DROP ${kind === 'unique' ? 'INDEX' : kind === 'foreignKey' ? 'FOREIGN KEY' : 'CONSTRAINT'} ${quote(name)}`,
  dropIndex: (table, name, quote) => `DROP INDEX ${quote(name)} ON ${quote(table)}`,
}
