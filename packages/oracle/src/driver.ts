// node-oracledb (thin mode) as a Fjord Driver: rows as arrays, exact numbers as text, LOBs as plain
// values, RETURNING … INTO out binds turned back into rows, and autocommit only outside transactions.
// (oracle-driver.ts is the Kysely driver of the same package; Fjord compiles with Kysely but runs here.)
import type { Connection, Driver, ExecOptions, ExecResult, PinnedConnection } from '@fjord/core'
import oracledb from 'oracledb'
import { isConnectionFailure, mapOracleError } from './errors.js'
import { OutBind, type OutBindType } from './oracle-query-compiler.js'

/**
 * The session Fjord's SQL is written for, as Django sets it: text binds of dates and timestamps
 * read in fixed formats, '.' as the decimal separator, and UTC as the session's zone.
 */
export const SESSION_SQL =
  "ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF' NLS_NUMERIC_CHARACTERS = '.,' TIME_ZONE = 'UTC'"

/** A pool `sessionCallback` that sets Fjord's session up once per new connection. */
export const oracleSessionCallback = (connection: oracledb.Connection, _tag: string, done: (error?: unknown) => void): void => {
  connection.execute(SESSION_SQL).then(() => done(), done)
}

export interface OracleDriverOptions {
  readonly user?: string
  readonly password?: string
  /** `host:port/service`, an Easy Connect string or a TNS descriptor. */
  readonly connectString?: string
  /** An oracledb pool (or a function making one) to use instead; Fjord does not close it. */
  readonly pool?: oracledb.Pool | (() => Promise<oracledb.Pool>)
  /**
   * A given pool already sets Fjord's session (its `sessionCallback` is `oracleSessionCallback`).
   * Otherwise every checkout from it runs `SESSION_SQL` first.
   */
  readonly poolSetsSession?: boolean
  /** Seconds to wait for a connection before failing with a DatabaseError of kind 'connection' (default 10). */
  readonly connectTimeout?: number
  /** More `oracledb.createPool` settings (poolMax, poolMin, …). */
  readonly poolAttributes?: oracledb.PoolAttributes
}

// Binds longer than this (in bytes) go as LOBs: plain VARCHAR2/RAW binds stop at 4000/2000 bytes.
const MAX_STRING_BIND = 4000
const MAX_RAW_BIND = 2000
const OUT_MAX_SIZE = 32767
const OUT_TYPES: Record<OutBindType, oracledb.DbType> = {
  number: oracledb.DB_TYPE_NUMBER,
  string: oracledb.DB_TYPE_VARCHAR,
  date: oracledb.DB_TYPE_TIMESTAMP,
  buffer: oracledb.DB_TYPE_RAW,
}

/** oracledb binds for Fjord's parameters, and the out binds a RETURNING … INTO fills. */
export const toBinds = (params: readonly unknown[]): { binds: oracledb.BindParameter[]; outs: number } => {
  let outs = 0
  const binds = params.map((p): oracledb.BindParameter => {
    if (p instanceof OutBind) {
      outs++
      const sized = p.type === 'string' || p.type === 'buffer'
      return { dir: oracledb.BIND_OUT, type: OUT_TYPES[p.type], ...(sized ? { maxSize: OUT_MAX_SIZE } : {}) }
    }
    if (p === undefined || p === null) return { val: null }
    if (typeof p === 'string' && p.length > MAX_STRING_BIND / 4 && Buffer.byteLength(p) > MAX_STRING_BIND) {
      return { val: p, type: oracledb.DB_TYPE_CLOB }
    }
    if (Buffer.isBuffer(p) && p.length > MAX_RAW_BIND) return { val: p, type: oracledb.DB_TYPE_BLOB }
    return { val: p as oracledb.BindParameter['val'] }
  })
  return { binds, outs }
}

/** RETURNING … INTO gives one array per out bind, one value per changed row: rows, column by column. */
export const rowsFromOutBinds = (outBinds: unknown): unknown[][] => {
  const columns = (Array.isArray(outBinds) ? outBinds : []) as unknown[]
  const arrays = columns.map((c) => (Array.isArray(c) ? c : [c]))
  const count = arrays.reduce((n, a) => Math.max(n, a.length), 0)
  return Array.from({ length: count }, (_, i) => arrays.map((a) => a[i] ?? null))
}

/**
 * How columns are fetched: LOBs as strings and Buffers; NUMBER as text unless it is an integer
 * a double holds exactly (decimals, NUMBER(19) and computed numbers stay exact); the rest natively.
 */
export const fetchTypeHandler = (m: oracledb.Metadata<unknown>): oracledb.FetchTypeResponse | undefined => {
  if (m.dbType === oracledb.DB_TYPE_CLOB || m.dbType === oracledb.DB_TYPE_NCLOB) return { type: oracledb.STRING }
  if (m.dbType === oracledb.DB_TYPE_BLOB) return { type: oracledb.BUFFER }
  if (m.dbType === oracledb.DB_TYPE_NUMBER) {
    const precision = m.precision ?? 0
    const exactInDouble = m.scale === 0 && precision > 0 && precision <= 15
    return exactInDouble ? undefined : { type: oracledb.STRING }
  }
  return undefined
}

const run = async (connection: oracledb.Connection, text: string, params: readonly unknown[], options: ExecOptions, autoCommit: boolean): Promise<ExecResult> => {
  const { binds, outs } = toBinds(params)
  const result = await connection.execute<unknown[]>(text, binds, { outFormat: oracledb.OUT_FORMAT_ARRAY, autoCommit, fetchTypeHandler })
  const rows = outs > 0 ? rowsFromOutBinds(result.outBinds) : (result.rows ?? [])
  return {
    rows,
    affected: result.rowsAffected ?? 0,
    columns: options.returnsRows && result.metaData ? result.metaData.map((c) => c.name) : undefined,
  }
}

async function* streamRows(connection: oracledb.Connection, text: string, params: readonly unknown[], chunkSize: number, autoCommit: boolean): AsyncGenerator<readonly unknown[]> {
  const { binds } = toBinds(params)
  const result = await connection.execute<unknown[]>(text, binds, {
    outFormat: oracledb.OUT_FORMAT_ARRAY,
    autoCommit,
    fetchTypeHandler,
    resultSet: true,
    fetchArraySize: chunkSize,
  })
  const resultSet = result.resultSet
  if (!resultSet) {
    yield* result.rows ?? []
    return
  }
  try {
    for (;;) {
      const rows = await resultSet.getRows(chunkSize)
      if (rows.length === 0) return
      yield* rows
    }
  } finally {
    await resultSet.close().catch(() => undefined)
  }
}

const DEFAULT_CONNECT_TIMEOUT = 10

export class OracleFjordDriver implements Driver {
  #pool: Promise<oracledb.Pool> | undefined
  readonly #owns: boolean

  constructor(private readonly options: OracleDriverOptions) {
    this.#owns = options.pool === undefined
  }

  /** The pool, made on first use: building a Db never connects. */
  private pool(): Promise<oracledb.Pool> {
    if (!this.#pool) {
      const { pool, user, password, connectString, poolAttributes } = this.options
      const timeout = this.options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT
      const made = typeof pool === 'function' ? pool() : pool ? Promise.resolve(pool) : oracledb.createPool({
            user,
            password,
            connectString,
            connectTimeout: timeout,
            transportConnectTimeout: timeout,
            // Waiting in the pool's queue is bounded too, so nothing hangs on an unreachable server.
            queueTimeout: timeout * 1000 + 5000,
            sessionCallback: oracleSessionCallback,
            ...poolAttributes,
          })
      this.#pool = made.catch((e) => {
        this.#pool = undefined
        throw e
      })
    }
    return this.#pool
  }

  /** A session from the pool, set up for Fjord; failures become DatabaseErrors. */
  private async connection(): Promise<oracledb.Connection> {
    let conn: oracledb.Connection | undefined
    try {
      conn = await (await this.pool()).getConnection()
      if (!this.#owns && !this.options.poolSetsSession) await conn.execute(SESSION_SQL)
      return conn
    } catch (e) {
      if (conn) await conn.close({ drop: true }).catch(() => undefined)
      throw mapOracleError(e)
    }
  }

  async execute(text: string, params: readonly unknown[], options: ExecOptions): Promise<ExecResult> {
    const conn = await this.connection()
    let broken = false
    try {
      return await run(conn, text, params, options, true)
    } catch (e) {
      broken = isConnectionFailure(e)
      throw e
    } finally {
      await conn.close({ drop: broken }).catch(() => undefined)
    }
  }

  async *stream(text: string, params: readonly unknown[], options: ExecOptions & { chunkSize: number }): AsyncIterable<readonly unknown[]> {
    const conn = await this.connection()
    let broken = false
    try {
      yield* streamRows(conn, text, params, options.chunkSize, true)
    } catch (e) {
      broken = isConnectionFailure(e)
      throw e
    } finally {
      await conn.close({ drop: broken }).catch(() => undefined)
    }
  }

  /** A connection pinned to a transaction: nothing autocommits until COMMIT. */
  async acquire(): Promise<PinnedConnection> {
    const conn = await this.connection()
    let released = false
    const pinned: Connection & PinnedConnection = {
      execute: (text, params, options) => run(conn, text, params, options, false),
      stream: (text, params, options) => streamRows(conn, text, params, options.chunkSize, false),
      release: (broken) => {
        if (released) return
        released = true
        // Back in the pool, oracledb rolls back whatever is still open; a broken session is dropped.
        conn.close({ drop: broken === true }).catch(() => undefined)
      },
    }
    return pinned
  }

  async close(): Promise<void> {
    const pending = this.#pool
    this.#pool = undefined
    if (!pending || !this.#owns) return
    const pool = await pending.catch(() => undefined)
    await pool?.close(0)
  }
}
