// The Dialect contract: everything that differs between backends, as hooks and flags.
// Core never branches on a vendor's name; a backend is a package that provides one of these.
import type { DialectAdapter, InsertQueryBuilder, QueryCompiler, RawBuilder } from 'kysely'
import type { FieldType } from './fields.js'
import type { BoundField } from './model.js'
import type { DatePart, OutputType, TruncKind } from './expressions.js'

// biome-ignore lint/suspicious/noExplicitAny: Kysely's raw fragments are untyped here
export type Sql = RawBuilder<any>

/** Capability flags, each with a conservative default (see `defaultFeatures`). */
export interface Features {
  /** INSERT … RETURNING gives back generated columns. */
  readonly canReturnRowsFromInsert: boolean
  /** UPDATE/DELETE … RETURNING. */
  readonly canReturnRowsFromUpdate: boolean
  /** SELECT DISTINCT ON (…). */
  readonly supportsDistinctOn: boolean
  /** ORDER BY … NULLS FIRST / NULLS LAST. */
  readonly supportsNullsOrdering: boolean
  /** Largest number of bound parameters in one statement. */
  readonly maxQueryParams: number
  /** Largest number of items in one IN (…) list, or null for no limit. */
  readonly maxInListSize: number | null
  /** DDL runs inside transactions and rolls back. */
  readonly supportsTransactionalDdl: boolean
  /** SELECT … FOR UPDATE (and its NOWAIT / SKIP LOCKED options). */
  readonly hasSelectForUpdate: boolean
  readonly hasSelectForUpdateNowait: boolean
  readonly hasSelectForUpdateSkipLocked: boolean
  readonly hasSelectForUpdateOf: boolean
  readonly hasSelectForNoKeyUpdate: boolean
  /** INSERT … ON CONFLICT DO NOTHING (or its equivalent). */
  readonly supportsIgnoreConflicts: boolean
  /** INSERT … ON CONFLICT DO UPDATE (or its equivalent). */
  readonly supportsUpdateConflicts: boolean
  /** ON CONFLICT needs the unique fields named. */
  readonly supportsUpdateConflictsWithTarget: boolean
  /** The driver streams rows from a server-side cursor. */
  readonly canStreamFromServer: boolean
  /** The empty string is stored as NULL (Oracle). */
  readonly interpretsEmptyStringsAsNulls: boolean
  /** Savepoints can be released (Oracle has no RELEASE SAVEPOINT). */
  readonly canReleaseSavepoints: boolean
  /** Window functions. */
  readonly supportsOverClause: boolean
  /** FILTER (WHERE …) on aggregates. */
  readonly supportsAggregateFilterClause: boolean
  /** LAG/LEAD take a default value as a third argument (MariaDB's don't: it is emulated). */
  readonly supportsDefaultInLeadLag: boolean
  /** GROUP BY a table's primary key covers its other columns (Django's allows_group_by_selected_pks). */
  readonly allowsGroupBySelectedPks: boolean
  /** A column of type boolean exists natively. */
  readonly hasNativeBoolean: boolean
  /** A subquery in UPDATE/DELETE may read the table being changed (MySQL may not). */
  readonly updateCanSelfSelect: boolean
  /** `x IN (SELECT … LIMIT n)` is allowed (MySQL refuses it; a derived table stands in). */
  readonly allowSlicedSubqueriesWithIn: boolean
  /** Timezone-aware datetimes. */
  readonly supportsTimezones: boolean
  /** UNION/INTERSECT/EXCEPT with ORDER BY/LIMIT in the parts. */
  readonly supportsSlicingOrderingInCompound: boolean
  readonly supportsIntersect: boolean
  readonly supportsExcept: boolean
  /** EXPLAIN output is available. */
  readonly supportsExplain: boolean
  /** A condition (EXISTS, a comparison) can be a selected column (Oracle before 23ai: no, CASE stands in). */
  readonly supportsBooleanExprInSelectClause: boolean
}

export const defaultFeatures: Features = {
  canReturnRowsFromInsert: false,
  canReturnRowsFromUpdate: false,
  supportsDistinctOn: false,
  supportsNullsOrdering: false,
  maxQueryParams: 999,
  maxInListSize: null,
  supportsTransactionalDdl: false,
  hasSelectForUpdate: false,
  hasSelectForUpdateNowait: false,
  hasSelectForUpdateSkipLocked: false,
  hasSelectForUpdateOf: false,
  hasSelectForNoKeyUpdate: false,
  supportsIgnoreConflicts: false,
  supportsUpdateConflicts: false,
  supportsUpdateConflictsWithTarget: false,
  canStreamFromServer: false,
  interpretsEmptyStringsAsNulls: false,
  canReleaseSavepoints: true,
  supportsOverClause: true,
  supportsAggregateFilterClause: false,
  supportsDefaultInLeadLag: false,
  allowsGroupBySelectedPks: false,
  hasNativeBoolean: false,
  updateCanSelfSelect: true,
  allowSlicedSubqueriesWithIn: true,
  supportsTimezones: false,
  supportsSlicingOrderingInCompound: false,
  supportsIntersect: true,
  supportsExcept: true,
  supportsExplain: true,
  supportsBooleanExprInSelectClause: true,
}

/** Compiles one lookup: `lhs` and `rhs` are SQL fragments; `field` is the left side's field, if any. */
export type LookupSql = (lhs: Sql, rhs: Sql, field: FieldType | undefined) => Sql

/** Vendor operations, in the spirit of Django's `backends/<vendor>/operations.py`. */
export interface Operations {
  /** Lookups this backend compiles differently (by name: `exact`, `contains`, `regex`, …). */
  readonly lookups?: Readonly<Partial<Record<string, LookupSql>>>
  /**
   * Functions this backend compiles differently (by name: `Concat`, `Length`, `Greatest`, …); `types`
   * are the arguments' types, for backends whose functions take some types only (PostgreSQL's `MOD`).
   */
  readonly functions?: Readonly<
    Partial<Record<string, (args: readonly Sql[], options: Readonly<Record<string, unknown>>, types?: readonly (FieldType | OutputType | undefined)[]) => Sql>>
  >
  /** The bound value of a pattern lookup, when this backend matches some of them without LIKE (SQLite's GLOB). */
  readonly patternValue?: (lookup: string, value: string) => string | undefined
  /**
   * The pattern of a pattern lookup whose right side is an expression (`name__contains=F('other')`),
   * where this backend matches some of them without LIKE (SQLite's GLOB); undefined keeps LIKE with
   * the expression's value escaped in SQL.
   */
  readonly patternExpr?: (lookup: string, value: Sql) => Sql | undefined
  /** Escape a value for a LIKE pattern (default: backslash before `%`, `_`, `\`). */
  readonly escapeLike?: (value: string) => string
  /** `EXTRACT`-style date part, numbered as Django numbers it. */
  datePart(part: DatePart, lhs: Sql, type: FieldType | OutputType): Sql
  /** Truncate a date or datetime. */
  dateTrunc(kind: TruncKind, lhs: Sql, type: FieldType | OutputType): Sql
  /** The date of a datetime (`__date`) and its time (`__time`). */
  dateCast(lhs: Sql): Sql
  timeCast(lhs: Sql): Sql
  /** `CAST(x AS type)` with this backend's type names. */
  cast(lhs: Sql, type: OutputType): Sql
  /** A JavaScript value ready to bind for a column of this type. */
  toDb(type: FieldType | OutputType, value: unknown): unknown
  /** A driver value for a column of this type, as Fjord's documented TypeScript value (default: the `converter`'s; see fromDbValue). */
  fromDb?(type: FieldType | OutputType, value: unknown, field?: BoundField): unknown
  /** Random ordering. */
  random(): Sql
  /** ORDER BY term with NULLS FIRST/LAST emulated where unsupported. */
  orderBy?(expr: Sql, desc: boolean, nulls: 'first' | 'last' | undefined): Sql
  /** The LIMIT to use when only an OFFSET is wanted (SQLite: -1, MySQL: 2^64-1); undefined where OFFSET stands alone. */
  readonly offsetWithoutLimit?: number | bigint
  /** Division of two integers, truncating as `/` does on the other backends (MySQL: `DIV`). */
  readonly integerDivide?: (lhs: Sql, rhs: Sql) => Sql
  /**
   * A standalone value's parameter (`Value(5)`, a CASE branch, a function argument), where nothing
   * around it gives the placeholder a type: PostgreSQL would read it as text. Undefined leaves it bare.
   */
  readonly typedValue?: (type: FieldType | OutputType | undefined, placeholder: Sql) => Sql
  /**
   * `+`/`-` with a date, datetime or duration operand (`pubDate + wait`, `end - start`), where the
   * operator alone does not do it; undefined keeps the plain operator.
   */
  readonly temporalArithmetic?: (op: '+' | '-', lhs: Sql, rhs: Sql, lhsType: FieldType | OutputType | undefined, rhsType: FieldType | OutputType | undefined) => Sql | undefined
  /** A converter for driver values of this type, or null when the driver's value is already right. */
  converter?(type: FieldType | OutputType, field?: BoundField): ((value: unknown) => unknown) | null
  /** Add ON CONFLICT / INSERT IGNORE / ON DUPLICATE KEY UPDATE to an insert. */
  insertConflict?<Q extends InsertQueryBuilder<any, any, any>>(q: Q, conflict: { readonly ignore?: boolean; readonly update?: { readonly uniqueColumns: readonly string[]; readonly updateColumns: readonly string[] } }): Q
  /**
   * A value's placeholder in a multi-row INSERT. Oracle combines the rows with UNION ALL, where a
   * NULL bind (typed as text) beside a number fails (ORA-01790); a conversion gives each column its type.
   */
  bulkInsertValue?(type: FieldType, value: Sql): Sql
  /** The SQL of an EXPLAIN for a statement. */
  explain?(sql: string): string
}

/** A statement's result from a driver: positional rows and counts. */
export interface ExecResult {
  readonly rows: readonly (readonly unknown[])[]
  readonly columns?: readonly string[]
  readonly affected: number
  readonly insertId?: number | bigint
}

export interface ExecOptions {
  /** Rows are wanted (a SELECT or a RETURNING). */
  readonly returnsRows: boolean
  /** Read integers as bigint (a bigInteger column is in the result). */
  readonly bigints?: boolean
  /** Column names are wanted (raw SQL hydrated by name). */
  readonly columns?: boolean
  /**
   * Only the first row of a read is wanted (a count, an exists): a driver may stop after it. Never
   * for a write, RETURNING included: SQLite reports a deferred constraint's failure only to a
   * statement run to its end.
   */
  readonly single?: boolean
  /** With `single`: only that row's first value is wanted (a count); a driver may read just it, as a one-value row. */
  readonly scalar?: boolean
}

/** One connection (or the pool, outside transactions). */
export interface Connection {
  execute(sql: string, params: readonly unknown[], options: ExecOptions): Promise<ExecResult>
  /** The same, synchronously, for embedded drivers; undefined when it must wait (a transaction holds the connection). */
  executeSync?(sql: string, params: readonly unknown[], options: ExecOptions): ExecResult | undefined
  stream?(sql: string, params: readonly unknown[], options: ExecOptions & { chunkSize: number }): AsyncIterable<readonly unknown[]>
}

/** The driver a Db runs on: a pool of connections. */
export interface Driver extends Connection {
  /** Pin one connection (for transactions); `release` gives it back (destroy when broken). */
  acquire(): Promise<PinnedConnection>
  close(): Promise<void>
}
export interface PinnedConnection extends Connection {
  release(broken?: boolean): void
}

/** A backend, as a Dialect package provides it. */
export interface Dialect {
  /** For messages only: core never branches on it. */
  readonly name: string
  readonly features: Features
  readonly ops: Operations
  /** Kysely's adapter and compiler for this backend (identifier quoting, placeholders, LIMIT syntax). */
  createAdapter(): DialectAdapter
  createQueryCompiler(): QueryCompiler
  /** Map a driver error to an OrmError (IntegrityError, DatabaseError, …). */
  mapError(error: unknown): Error
  /** SQL to start, commit and roll back, and savepoints. */
  readonly transactions: TransactionOps
  /** DDL type names and options; used by @fjord/migrate. */
  readonly schema: SchemaOps
}

export interface TransactionOps {
  begin(options: { isolationLevel?: IsolationLevel; readOnly?: boolean; writes?: boolean }): readonly string[]
  commit(): string
  rollback(): string
  savepoint(name: string): string
  rollbackTo(name: string): string
  /** Null where savepoints can't be released. */
  release(name: string): string | null
}
export type IsolationLevel = 'readUncommitted' | 'readCommitted' | 'repeatableRead' | 'serializable'

export interface SchemaOps {
  /** Column type for a field (`varchar(100)`, `integer`, …). */
  columnType(field: BoundField): string
  /** The primary key column definition for an auto field (`integer PRIMARY KEY AUTOINCREMENT`, identity …). */
  autoColumn(field: BoundField): string
  /** A default value as SQL literal text, or undefined when it can't be expressed in DDL. */
  defaultLiteral?(field: BoundField, value: unknown): string | undefined
  /** Longest identifier, for deterministic shortening. */
  readonly maxNameLength: number
  /** Extra statements after CREATE TABLE (sequences, triggers). */
  afterCreateTable?(table: string, fields: readonly BoundField[]): readonly string[]
  /** DROP TABLE with what the backend needs to cascade. */
  dropTable(table: string, quote: (id: string) => string): string
  /** Whether a foreign key can be added by ALTER TABLE (SQLite can't). */
  readonly canAlterAddForeignKey: boolean
  /** Inline foreign keys in CREATE TABLE. */
  readonly inlineForeignKeys: boolean
  /** Foreign keys may be DEFERRABLE INITIALLY DEFERRED (default true; MySQL can't). */
  readonly deferrableForeignKeys?: boolean
  /** Written after CREATE TABLE's closing parenthesis (MySQL: `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`). */
  readonly tableOptions?: string
  /** Whether a `dbIndex` index can be made on this column (MySQL: not on TEXT, BLOB or JSON; Django skips those). */
  canIndex?(field: BoundField): boolean
  /** CREATE INDEX … WHERE exists (default true); without it a conditional unique constraint is left out, as Django does. */
  readonly supportsPartialIndexes?: boolean

  // Schema changes (migrations). Each has a default in @fjord/migrate written in standard SQL.

  /**
   * Columns are changed by copying the table (create the new shape, copy the rows, drop, rename), as
   * Django's SQLite schema editor does, because ALTER TABLE can't change a column's type or constraints.
   */
  readonly remakeTableToAlter?: boolean
  /**
   * Change a column's type, nullability or default in place: `ALTER COLUMN … TYPE` (default), `MODIFY`
   * (MySQL, Oracle). `definition` is the new column's full definition without constraints.
   */
  alterColumn?(table: string, change: ColumnChange, quote: (id: string) => string): readonly string[]
  /** Drop a named constraint (default `ALTER TABLE … DROP CONSTRAINT`; MySQL drops a unique as an index, a foreign key by its own words). */
  dropConstraint?(table: string, name: string, kind: 'unique' | 'foreignKey' | 'check', quote: (id: string) => string): string
  /** Drop an index (default `DROP INDEX name`; MySQL names the table). */
  dropIndex?(table: string, name: string, quote: (id: string) => string): string
  /** Statements outside the transaction around one migration's schema changes (SQLite turns foreign key enforcement off and back on). */
  readonly beforeMigration?: readonly string[]
  readonly afterMigration?: readonly string[]
  /** A query whose rows are foreign key violations, run before a migration commits where enforcement was off. */
  readonly foreignKeyCheck?: string
}

/** What changes about one column, for SchemaOps.alterColumn. */
export interface ColumnChange {
  readonly column: string
  readonly from: BoundField
  readonly to: BoundField
  /** The new type as columnType gives it (for a foreign key: the target key's type). */
  readonly type: string
  readonly typeChanged: boolean
  readonly nullChanged: boolean
  readonly defaultChanged: boolean
  /** The new DEFAULT literal, or undefined for none. */
  readonly defaultLiteral: string | undefined
  /** The new column definition: type, DEFAULT, NULL/NOT NULL (no key, unique or reference). */
  readonly definition: string
}

/** A driver value as Fjord's TypeScript value: the dialect's `fromDb`, else its `converter` (NULL stays NULL). */
export const fromDbValue = (ops: Operations, type: FieldType | OutputType, value: unknown, field?: BoundField): unknown => {
  if (ops.fromDb) return ops.fromDb(type, value, field)
  if (value === null || value === undefined) return null
  const convert = ops.converter?.(type, field)
  return convert ? convert(value) : value
}

/**
 * A `toDb` for backends that bind booleans as 1/0, JSON as text and durations as whole microseconds
 * (SQLite, MySQL); how a datetime, a decimal and bytes are bound is the backend's.
 */
export const integerBooleanToDb =
  (bind: { readonly dateTime: (d: Date) => unknown; readonly decimal: (v: unknown) => unknown; readonly binary: (v: Uint8Array) => unknown }) =>
  (type: FieldType | OutputType, v: unknown): unknown => {
    if (v === null || v === undefined) return null
    switch (type) {
      case 'boolean':
        return v ? 1 : 0
      case 'decimal':
        return bind.decimal(v)
      case 'json':
        return JSON.stringify(v)
      case 'duration':
        return Math.round((v as number) * 1000)
      case 'binary':
        return v instanceof Uint8Array ? bind.binary(v) : v
      default:
        if (typeof v === 'boolean') return v ? 1 : 0
        if (v instanceof Date) return bind.dateTime(v)
        return v
    }
  }
