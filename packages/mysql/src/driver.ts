// mysql2's promise pool as a Fjord Driver: rows as arrays, every connection prepared once (UTC
// session, strict SQL mode), server-side streaming through the text protocol's row stream.
import { DatabaseError, type Driver, type ExecOptions, type ExecResult, type IsolationLevel, type PinnedConnection } from '@fjord/core'
import type { PoolConnection as CoreConnection, QueryError } from 'mysql2'
import type { FieldPacket, Pool, PoolConnection, QueryOptions, ResultSetHeader } from 'mysql2/promise'
import { isolationSql, parseServerVersion, type ServerInfo } from './dialect.js'

// Per statement, so a pool made elsewhere reads values the way Fjord's converters expect:
// BIGINT and DECIMAL as exact strings, dates as text (read as UTC by the converters).
const QUERY_OPTIONS = {
  rowsAsArray: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  dateStrings: true,
} as const

// Strict mode makes an over-long string or an out-of-range number an error, not a silent
// truncation; backslash escapes stay on, as the driver's escaping and Fjord's LIKE patterns assume.
const SQL_MODE = `CONCAT_WS(',', TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ',')), 'STRICT_TRANS_TABLES')`

export interface SessionOptions {
  /** The isolation level of every session (Django's MySQL default is read committed). */
  readonly isolationLevel?: IsolationLevel | null
  /** Milliseconds to wait for a connection from the pool (0: no limit; default DEFAULT_ACQUIRE_TIMEOUT_MS). */
  readonly acquireTimeout?: number
}

/** How long a statement or a transaction waits for a free connection by default. */
const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000

/** What mysql2 keeps about its pool (not typed): for the message of an exhausted pool, and whether one is free. */
interface PoolState {
  readonly _allConnections?: { readonly length: number }
  readonly _freeConnections?: { readonly length: number }
  readonly _closed?: boolean
  readonly config?: { readonly connectionLimit?: number; readonly connectionConfig?: Readonly<Record<string, unknown>> }
  getConnection(cb: (error: NodeJS.ErrnoException | null, conn: CoreConnection) => void): void
}

/** Whether the pool's connections already read values as QUERY_OPTIONS asks (a pool made with mysqlPoolOptions). */
const readsAsFjord = (state: PoolState | undefined): boolean => {
  const c = state?.config?.connectionConfig
  return !!c && Object.entries(QUERY_OPTIONS).every(([k, v]) => c[k] === v)
}

type Raw = unknown[][] | ResultSetHeader

const toResult = (raw: Raw, fields: FieldPacket[] | undefined, options: ExecOptions | undefined): ExecResult => {
  if (Array.isArray(raw)) {
    return { rows: raw, affected: 0, columns: options?.columns && fields ? fields.map((f) => f.name) : undefined }
  }
  return { rows: [], affected: raw.affectedRows, insertId: raw.insertId }
}

export class MysqlDriver implements Driver {
  private readonly prepared = new WeakSet<object>()
  private known: ServerInfo | undefined
  private probing: Promise<ServerInfo> | undefined
  /** The pool's own options are Fjord's: statements go as (sql, values), without an options object to merge. */
  private readonly plain: boolean

  constructor(
    readonly pool: Pool,
    private readonly session: SessionOptions,
    /** Told the server's version once, when the first connection opens. */
    private readonly onServer: (server: ServerInfo) => void,
    private readonly ownsPool = true,
    /** Given by the caller (`serverVersion`): no probe then. */
    known?: ServerInfo,
  ) {
    this.known = known
    this.plain = readsAsFjord((pool as unknown as { pool?: PoolState }).pool)
  }

  /** The server's version (connecting when none is open yet). */
  async server(): Promise<ServerInfo> {
    if (!this.known) (await this.connection()).release()
    return this.known as ServerInfo
  }

  private async readServer(conn: PoolConnection): Promise<ServerInfo> {
    const [rows] = (await conn.query({ sql: 'SELECT VERSION()', ...QUERY_OPTIONS })) as [unknown[][], FieldPacket[]]
    const info = parseServerVersion(String(rows[0]?.[0] ?? ''))
    if (!this.known) {
      this.known = info
      this.onServer(info)
    }
    return info
  }

  /**
   * A connection from the pool, waited for at most `acquireTimeout` ms: mysql2's pool would queue the
   * request for ever. A connection that comes after the wait goes back to the pool.
   */
  private getConnection(): Promise<PoolConnection> {
    const ms = this.session.acquireTimeout ?? DEFAULT_ACQUIRE_TIMEOUT_MS
    if (!(ms > 0)) return this.pool.getConnection()
    const state = (this.pool as unknown as { pool?: PoolState }).pool
    const limit = state?.config?.connectionLimit
    const full = !!limit && (state?._allConnections?.length ?? 0) >= limit && (state?._freeConnections?.length ?? 0) === 0
    return new Promise((resolve, reject) => {
      let late = false
      const timer = setTimeout(() => {
        late = true
        const why = full
          ? `the pool is exhausted (all ${limit} connections in use). Raise connectionLimit or acquireTimeout, or hold connections for less time.`
          : 'no new connection to the server opened in time.'
        reject(new DatabaseError(`Timed out after ${ms} ms waiting for a connection: ${why}`, 'connection', undefined, 'POOL_TIMEOUT'))
      }, ms)
      this.pool.getConnection().then(
        (conn) => {
          clearTimeout(timer)
          if (late) conn.release()
          else resolve(conn)
        },
        (e: unknown) => {
          clearTimeout(timer)
          if (!late) reject(e)
        },
      )
    })
  }

  /** A pool connection, set up for Fjord on first use. */
  private async connection(): Promise<PoolConnection> {
    const conn = await this.getConnection()
    const raw = (conn as unknown as { connection: object }).connection
    if (this.prepared.has(raw)) return conn
    try {
      await conn.query(`SET SESSION time_zone = '+00:00', SESSION sql_mode = ${SQL_MODE}`)
      const level = this.session.isolationLevel
      if (level) await conn.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${isolationSql(level)}`)
      if (!this.known) {
        // Connections opening together share one probe.
        this.probing ??= this.readServer(conn).finally(() => {
          this.probing = undefined
        })
        await this.probing
      }
    } catch (e) {
      conn.destroy()
      throw e
    }
    this.prepared.add(raw)
    return conn
  }

  execute(text: string, params: readonly unknown[], options?: ExecOptions): Promise<ExecResult> {
    // A free connection comes at once: no wait to bound, so no timer, and callbacks rather than
    // awaits (one promise per statement; this is the hot path).
    const core = (this.pool as unknown as { pool?: PoolState }).pool
    if (core && !core._closed && (core._freeConnections?.length ?? 0) > 0) {
      return new Promise((resolve, reject) => {
        core.getConnection((connectError, conn) => {
          if (connectError) {
            reject(connectError)
            return
          }
          if (!this.prepared.has(conn)) {
            // Not set up for Fjord yet (made by the pool's owner): the long way, which sets it up.
            conn.release()
            this.executeAwaiting(text, params, options).then(resolve, reject)
            return
          }
          const done = (error: QueryError | null, raw: unknown, fields: FieldPacket[]) => {
            conn.release()
            if (error) reject(error)
            else resolve(toResult(raw as Raw, fields, options))
          }
          if (!this.plain) conn.query({ sql: text, values: params.length ? (params as unknown[]) : undefined, ...QUERY_OPTIONS }, done)
          else if (params.length) conn.query(text, params as unknown[], done)
          else conn.query(text, done)
        })
      })
    }
    return this.executeAwaiting(text, params, options)
  }

  /** A statement that may wait for a connection (at most acquireTimeout), or open and set one up. */
  private async executeAwaiting(text: string, params: readonly unknown[], options?: ExecOptions): Promise<ExecResult> {
    const conn = await this.connection()
    try {
      return await run(conn, text, params, options)
    } finally {
      conn.release()
    }
  }

  async *stream(text: string, params: readonly unknown[], options: ExecOptions & { chunkSize: number }): AsyncIterable<readonly unknown[]> {
    const conn = await this.connection()
    let finished = false
    try {
      yield* streamRows(conn, text, params, options.chunkSize)
      finished = true
    } finally {
      // Left early: the rest of the result is still coming; closing the connection is quicker than reading it.
      if (finished) conn.release()
      else conn.destroy()
    }
  }

  async acquire(): Promise<PinnedConnection> {
    const conn = await this.connection()
    let released = false
    return {
      execute: (text, params, options) => run(conn, text, params, options),
      stream: (text, params, options) => ({
        async *[Symbol.asyncIterator]() {
          const rows = streamRows(conn, text, params, options.chunkSize)[Symbol.asyncIterator]()
          try {
            for (let r = await rows.next(); !r.done; r = await rows.next()) yield r.value
          } finally {
            // The connection holds a transaction: read the rest of the result rather than close it.
            while (!(await rows.next()).done) {
              // discard
            }
          }
        },
      }),
      release: (broken) => {
        if (released) return
        released = true
        if (broken) conn.destroy()
        else conn.release()
      },
    }
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end()
  }
}

const run = async (conn: PoolConnection, text: string, params: readonly unknown[], options?: ExecOptions): Promise<ExecResult> => {
  const query: QueryOptions = { sql: text, values: params.length ? (params as unknown[]) : undefined, ...QUERY_OPTIONS }
  const [raw, fields] = await conn.query(query)
  return toResult(raw as Raw, fields, options)
}

const streamRows = (conn: PoolConnection, text: string, params: readonly unknown[], chunkSize: number): AsyncIterable<readonly unknown[]> => {
  const core = (conn as unknown as { connection: { query(o: QueryOptions): { stream(o: { highWaterMark: number }): AsyncIterable<unknown[]> } } }).connection
  return core.query({ sql: text, values: params.length ? (params as unknown[]) : undefined, ...QUERY_OPTIONS }).stream({ highWaterMark: chunkSize })
}

