import {
  type CompiledQuery,
  createQueryId,
  type DatabaseConnection,
  type Driver,
  IdentifierNode,
  type QueryCompiler,
  type QueryResult,
  RawNode,
  type TransactionSettings,
} from 'kysely'
import oracledb from 'oracledb'
import { OutBind, type OutBindType } from './oracle-query-compiler.js'

export interface OracleDialectConfig {
  /** An oracledb pool, or a function that makes one; called on first use. */
  pool?: oracledb.Pool | (() => Promise<oracledb.Pool>)
  user?: string
  password?: string
  connectString?: string
  /** Extra pool settings passed to `oracledb.createPool` when no `pool` is given. */
  poolAttributes?: oracledb.PoolAttributes
}

// Sizes for string/buffer OUT binds: the largest values plain SQL can return.
const OUT_STRING_MAX = 32767

const OUT_TYPES: Record<OutBindType, oracledb.DbType> = {
  number: oracledb.NUMBER,
  string: oracledb.STRING,
  date: oracledb.DATE,
  buffer: oracledb.BUFFER,
}

// LOBs come back as stream objects by default; rows should hold plain values.
function fetchTypeHandler(metadata: oracledb.Metadata<unknown>): oracledb.FetchTypeResponse | undefined {
  if (metadata.dbType === oracledb.DB_TYPE_CLOB || metadata.dbType === oracledb.DB_TYPE_NCLOB) {
    return { type: oracledb.STRING }
  }
  if (metadata.dbType === oracledb.DB_TYPE_BLOB) return { type: oracledb.BUFFER }
  return undefined
}

function toBinds(parameters: readonly unknown[]): { binds: unknown[]; outs: OutBind[] } {
  const outs: OutBind[] = []
  const binds = parameters.map((p) => {
    if (p instanceof OutBind) {
      outs.push(p)
      const maxSize = p.type === 'string' || p.type === 'buffer' ? OUT_STRING_MAX : undefined
      return { dir: oracledb.BIND_OUT, type: OUT_TYPES[p.type], ...(maxSize ? { maxSize } : {}) }
    }
    return p === undefined ? null : p
  })
  return { binds, outs }
}

// DML RETURNING INTO yields one array per out bind, holding one value per affected row.
function rowsFromOutBinds(outs: OutBind[], outBinds: unknown): Record<string, unknown>[] {
  const values = (Array.isArray(outBinds) ? outBinds : []) as unknown[][]
  const count = Math.max(0, ...values.map((v) => (Array.isArray(v) ? v.length : 0)))
  const rows: Record<string, unknown>[] = []
  for (let i = 0; i < count; i++) {
    const row: Record<string, unknown> = {}
    outs.forEach((out, k) => {
      row[out.name] = values[k]?.[i]
    })
    rows.push(row)
  }
  return rows
}

export class OracleConnection implements DatabaseConnection {
  /** True between beginTransaction and commit/rollback: statements then must not autocommit. */
  inTransaction = false

  constructor(readonly connection: oracledb.Connection) {}

  #options(extra: oracledb.ExecuteOptions = {}): oracledb.ExecuteOptions {
    return { outFormat: oracledb.OUT_FORMAT_OBJECT, autoCommit: !this.inTransaction, fetchTypeHandler, ...extra }
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // The compiler turns RELEASE SAVEPOINT into an empty statement.
    if (compiledQuery.sql === '') return { rows: [] }
    const { binds, outs } = toBinds(compiledQuery.parameters)
    const result = await this.connection.execute<R>(compiledQuery.sql, binds as oracledb.BindParameters, this.#options())
    const rows = outs.length > 0 ? (rowsFromOutBinds(outs, result.outBinds) as R[]) : (result.rows ?? [])
    return {
      rows,
      ...(result.rowsAffected !== undefined ? { numAffectedRows: BigInt(result.rowsAffected) } : {}),
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new Error('chunkSize must be a positive integer')
    const { binds } = toBinds(compiledQuery.parameters)
    const result = await this.connection.execute<R>(
      compiledQuery.sql,
      binds as oracledb.BindParameters,
      this.#options({ resultSet: true, fetchArraySize: chunkSize }),
    )
    const resultSet = result.resultSet
    if (!resultSet) throw new Error('Oracle: streamQuery needs a statement that returns rows')
    try {
      for (;;) {
        const rows = await resultSet.getRows(chunkSize)
        if (rows.length === 0) return
        yield { rows }
      }
    } finally {
      await resultSet.close()
    }
  }
}

const ISOLATION_LEVELS: Partial<Record<string, string>> = {
  serializable: 'serializable',
  'read committed': 'read committed',
}

function savepointCommand(command: string, name: string): RawNode {
  // The identifier node gets the name quoted and escaped by the compiler.
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)])
}

export class OracleDriver implements Driver {
  readonly #config: OracleDialectConfig
  #pool?: oracledb.Pool

  constructor(config: OracleDialectConfig) {
    this.#config = config
  }

  async init(): Promise<void> {
    const { pool, user, password, connectString, poolAttributes } = this.#config
    if (typeof pool === 'function') this.#pool = await pool()
    else if (pool) this.#pool = pool
    else this.#pool = await oracledb.createPool({ user, password, connectString, ...poolAttributes })
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#pool) throw new Error('OracleDriver used before init() or after destroy()')
    return new OracleConnection(await this.#pool.getConnection())
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // Oracle opens a transaction implicitly with the first DML; only its mode can be set.
    const conn = connection as OracleConnection
    if (settings.isolationLevel && settings.accessMode) {
      throw new Error('Oracle accepts either an isolation level or an access mode per transaction, not both')
    }
    let statement: string | undefined
    if (settings.isolationLevel) {
      const level = ISOLATION_LEVELS[settings.isolationLevel]
      if (!level) throw new Error(`Oracle does not support isolation level "${settings.isolationLevel}"`)
      statement = `set transaction isolation level ${level}`
    } else if (settings.accessMode) {
      statement = `set transaction ${settings.accessMode}`
    }
    conn.inTransaction = true
    if (statement) await conn.connection.execute(statement, [], { autoCommit: false })
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as OracleConnection
    await conn.connection.commit()
    conn.inTransaction = false
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as OracleConnection
    await conn.connection.rollback()
    conn.inTransaction = false
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('savepoint', name), createQueryId()))
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('rollback to savepoint', name), createQueryId()))
  }

  /** No-op: Oracle has no RELEASE SAVEPOINT; savepoints end with the transaction. */
  async releaseSavepoint(): Promise<void> {}

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const conn = connection as OracleConnection
    // Closing with work pending would roll it back silently; make that explicit instead.
    if (conn.inTransaction) {
      await conn.connection.rollback()
      conn.inTransaction = false
    }
    await conn.connection.close()
  }

  async destroy(): Promise<void> {
    const pool = this.#pool
    this.#pool = undefined
    await pool?.close(0)
  }
}
