// Oracle as a Fjord Dialect: capability flags, operations, transactions, DDL and error mapping,
// compiled through the Kysely dialect of this package (OracleQueryCompiler).
import { type Dialect, defaultFeatures, type Features, type IsolationLevel } from '@fjord/core'
import { ORACLE_LEGACY_IDENTIFIER_LENGTH, quoteIdentifier } from './identifiers.js'
import { mapOracleError } from './errors.js'
import { OracleAdapter } from './oracle-dialect.js'
import { OracleQueryCompiler } from './oracle-query-compiler.js'
import { oracleOperations } from './operations.js'
import { oracleSchema } from './schema.js'

export const oracleFeatures: Features = {
  ...defaultFeatures,
  // Through RETURNING … INTO out binds, one row at a time (a multi-row insert returns nothing).
  canReturnRowsFromInsert: true,
  supportsNullsOrdering: true,
  // Oracle's limit on bind variables in one statement.
  maxQueryParams: 65535,
  // ORA-01795: at most 1000 expressions in a list; core splits longer lists into ORed INs.
  maxInListSize: 1000,
  hasSelectForUpdate: true,
  hasSelectForUpdateNowait: true,
  hasSelectForUpdateSkipLocked: true,
  hasSelectForUpdateOf: true,
  // MERGE would be needed; not implemented.
  supportsIgnoreConflicts: false,
  supportsUpdateConflicts: false,
  canStreamFromServer: true,
  interpretsEmptyStringsAsNulls: true,
  canReleaseSavepoints: false,
  supportsAggregateFilterClause: false,
  // Every DDL statement commits.
  supportsTransactionalDdl: false,
  hasNativeBoolean: false,
  supportsIntersect: true,
  // As MINUS (the compiler rewrites EXCEPT).
  supportsExcept: true,
  // EXPLAIN PLAN FOR … then a read of PLAN_TABLE: two statements, not one.
  supportsExplain: false,
  // No boolean in a select list before 23ai: a selected condition is CASE WHEN … THEN 1 ELSE 0 END.
  supportsBooleanExprInSelectClause: false,
}

// Oracle knows only READ COMMITTED and SERIALIZABLE; weaker requests get the next stronger level.
const ISOLATION: Record<IsolationLevel, string> = {
  readUncommitted: 'READ COMMITTED',
  readCommitted: 'READ COMMITTED',
  repeatableRead: 'SERIALIZABLE',
  serializable: 'SERIALIZABLE',
}

export interface OracleDialectSettings {
  /** Longest identifier in bytes: 30 (the default, every version) or 128 (12.2 and later). */
  readonly maxNameLength?: number
}

/** An Oracle Dialect; `maxNameLength` decides how long names are shortened in DDL and queries alike. */
export const makeOracleDialect = (settings: OracleDialectSettings = {}): Dialect => {
  const maxNameLength = settings.maxNameLength ?? ORACLE_LEGACY_IDENTIFIER_LENGTH
  const q = (name: string) => quoteIdentifier(name, maxNameLength)
  return {
    name: 'oracle',
    features: oracleFeatures,
    ops: oracleOperations,
    createAdapter: () => new OracleAdapter(),
    createQueryCompiler: () =>
      new OracleQueryCompiler({
        maxIdentifierLength: maxNameLength,
        // Out binds are typed before the statement runs; text holds any key (NUMBER converts to
        // it) and the field's converter turns it back into the key's type.
        returningType: () => 'string',
        multiRowReturning: 'omit',
      }),
    mapError: mapOracleError,
    transactions: {
      // Oracle starts a transaction with the first statement; only its mode can be set.
      begin: ({ isolationLevel, readOnly }) =>
        readOnly ? ['SET TRANSACTION READ ONLY'] : isolationLevel ? [`SET TRANSACTION ISOLATION LEVEL ${ISOLATION[isolationLevel]}`] : [],
      commit: () => 'COMMIT',
      rollback: () => 'ROLLBACK',
      savepoint: (n) => `SAVEPOINT ${q(n)}`,
      rollbackTo: (n) => `ROLLBACK TO SAVEPOINT ${q(n)}`,
      // Savepoints last until the transaction ends.
      release: () => null,
    },
    schema: oracleSchema(maxNameLength),
  }
}

/** The Oracle Dialect with 30-byte names, which every Oracle version accepts. */
export const oracleDialect: Dialect = makeOracleDialect()
