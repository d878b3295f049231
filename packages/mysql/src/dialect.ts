// MySQL and MariaDB as a Fjord Dialect. The two servers differ in a few capabilities (INSERT …
// RETURNING is MariaDB's, SELECT … FOR UPDATE OF is MySQL's), so the features follow the server
// version, read once when the first connection opens.
import { type Dialect, type Features, defaultFeatures, type IsolationLevel, type TransactionOps } from '@fjord/core'
import {
  type InsertQueryNode,
  MysqlAdapter,
  MysqlQueryCompiler,
  PrimitiveValueListNode,
  type QueryCompiler,
  ValuesNode,
} from 'kysely'
import { errorMapper, type Target } from './errors.js'
import { mysqlOperations } from './operations.js'
import { mysqlSchema } from './schema.js'

/** The server a Db talks to, from `SELECT VERSION()`. */
export interface ServerInfo {
  readonly mariadb: boolean
  readonly version: readonly [number, number, number]
}

/** Parse `8.0.36`, `10.11.6-MariaDB-0+deb12u1`, `5.5.5-10.6.12-MariaDB` into a ServerInfo. */
export const parseServerVersion = (text: string): ServerInfo => {
  const mariadb = /mariadb/i.test(text)
  // Old MariaDB servers prefix `5.5.5-` for clients that expect MySQL 5.
  const m = /(?:5\.5\.5-)?(\d+)\.(\d+)\.(\d+)/.exec(text)
  const version: [number, number, number] = m ? [+m[1], +m[2], +m[3]] : [0, 0, 0]
  return { mariadb, version }
}

const atLeast = (s: ServerInfo, major: number, minor = 0, patch = 0): boolean => {
  const [a, b, c] = s.version
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch
}

/** The features of a server; `undefined` (not yet known) gives what holds on every supported server. */
export const featuresFor = (s: ServerInfo | undefined): Features => {
  const maria = s?.mariadb === true
  return Object.freeze({
    ...defaultFeatures,
    // MariaDB 10.5+ has INSERT … RETURNING. MySQL has not: a single insert reads LAST_INSERT_ID
    // (the driver's insertId), and bulk inserts don't return keys, as in Django. Consecutive ids
    // from the first insertId are not relied on: innodb_autoinc_lock_mode=2 (MySQL 8's default) and
    // auto_increment_increment may break the sequence.
    canReturnRowsFromInsert: s !== undefined && maria && atLeast(s, 10, 5),
    supportsNullsOrdering: false,
    maxQueryParams: 65535,
    supportsTransactionalDdl: false,
    hasSelectForUpdate: true,
    hasSelectForUpdateNowait: true,
    hasSelectForUpdateSkipLocked: s === undefined || (maria ? atLeast(s, 10, 6) : atLeast(s, 8, 0, 1)),
    hasSelectForUpdateOf: s !== undefined && !maria && atLeast(s, 8, 0, 1),
    supportsIgnoreConflicts: true,
    supportsUpdateConflicts: true,
    // ON DUPLICATE KEY UPDATE fires on whichever unique key collides: no target can be named.
    supportsUpdateConflictsWithTarget: false,
    canStreamFromServer: true,
    supportsOverClause: s === undefined || (maria ? atLeast(s, 10, 2) : atLeast(s, 8, 0, 2)),
    supportsAggregateFilterClause: false,
    supportsDefaultInLeadLag: s !== undefined && !maria && atLeast(s, 8, 0, 2),
    hasNativeBoolean: false,
    updateCanSelfSelect: false,
    // `IN (SELECT … LIMIT n)` is refused (error 1235); core wraps the subquery in a derived table.
    allowSlicedSubqueriesWithIn: false,
    supportsTimezones: false,
    supportsSlicingOrderingInCompound: true,
    supportsIntersect: s === undefined || (maria ? atLeast(s, 10, 3) : atLeast(s, 8, 0, 31)),
    supportsExcept: s === undefined || (maria ? atLeast(s, 10, 3) : atLeast(s, 8, 0, 31)),
    supportsExplain: true,
  })
}

/** Kysely's MySQL compiler, with `INSERT … () VALUES ()` where Kysely writes DEFAULT VALUES. */
class FjordMysqlQueryCompiler extends MysqlQueryCompiler {
  protected override visitInsertQuery(node: InsertQueryNode): void {
    super.visitInsertQuery(
      node.defaultValues
        ? ({ ...node, defaultValues: undefined, columns: [], values: ValuesNode.create([PrimitiveValueListNode.create([])]) } as InsertQueryNode)
        : node,
    )
  }
}

const LEVELS: Readonly<Record<IsolationLevel, string>> = {
  readUncommitted: 'READ UNCOMMITTED',
  readCommitted: 'READ COMMITTED',
  repeatableRead: 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
}
export const isolationSql = (level: IsolationLevel): string => LEVELS[level]

const q = (name: string) => `\`${name.replace(/`/g, '``')}\``

const transactions: TransactionOps = {
  // SET TRANSACTION (without SESSION) applies to the next transaction only.
  begin: ({ isolationLevel, readOnly }) => [
    ...(isolationLevel ? [`SET TRANSACTION ISOLATION LEVEL ${LEVELS[isolationLevel]}`] : []),
    readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION',
  ],
  commit: () => 'COMMIT',
  rollback: () => 'ROLLBACK',
  savepoint: (n) => `SAVEPOINT ${q(n)}`,
  rollbackTo: (n) => `ROLLBACK TO SAVEPOINT ${q(n)}`,
  release: (n) => `RELEASE SAVEPOINT ${q(n)}`,
}

/** The Dialect of one Db: its features follow the server once `setServer` has been called. */
export class MysqlDialect implements Dialect {
  readonly name = 'mysql'
  readonly ops = mysqlOperations
  readonly transactions = transactions
  readonly schema = mysqlSchema
  readonly mapError: (e: unknown) => Error
  private current: Features
  private info: ServerInfo | undefined

  constructor(
    readonly target: Target,
    server?: ServerInfo,
  ) {
    this.info = server
    this.current = featuresFor(server)
    this.mapError = errorMapper(target)
  }

  get features(): Features {
    return this.current
  }

  get server(): ServerInfo | undefined {
    return this.info
  }

  /** Record the server's version; true when that changed a feature (compiled plans are then stale). */
  setServer(server: ServerInfo): boolean {
    const next = featuresFor(server)
    const changed = JSON.stringify(next) !== JSON.stringify(this.current)
    this.info = server
    this.current = next
    return changed
  }

  createAdapter(): MysqlAdapter {
    return new MysqlAdapter()
  }

  createQueryCompiler(): QueryCompiler {
    return new FjordMysqlQueryCompiler()
  }
}
