// pg's Pool as a Fjord Driver: rows as arrays with Fjord's own type parsers, connections pinned for
// transactions, and server-side cursors for streaming.
import { type Connection, DatabaseError, type Driver, type ExecOptions, type ExecResult, type PinnedConnection } from '@fjord/core'
import type pg from 'pg'
import Cursor from 'pg-cursor'
import { isConnectionFailure, mapPostgresError, type ServerInfo } from './dialect.js'
import { fjordTypes } from './types.js'

const toResult = (res: pg.QueryResult<unknown[]>, options: ExecOptions): ExecResult => ({
  rows: res.rows,
  affected: res.rowCount ?? 0,
  columns: options.columns ? res.fields.map((f) => f.name) : undefined,
})

const queryConfig = (text: string, params: readonly unknown[]): pg.QueryArrayConfig =>
  ({ text, values: params as unknown[], rowMode: 'array', types: fjordTypes }) as pg.QueryArrayConfig

const run = async (client: pg.ClientBase, text: string, params: readonly unknown[], options: ExecOptions): Promise<ExecResult> =>
  toResult(await client.query<unknown[]>(queryConfig(text, params)), options)

/** Rows of a statement read through a cursor, `chunkSize` at a time; the cursor is closed however the loop ends. */
async function* cursorRows(client: pg.ClientBase, text: string, params: readonly unknown[], chunkSize: number): AsyncGenerator<readonly unknown[]> {
  const cursor = client.query(new Cursor<unknown[]>(text, params as unknown[], { rowMode: 'array', types: fjordTypes }))
  try {
    for (;;) {
      const rows = await cursor.read(chunkSize)
      if (rows.length === 0) return
      for (const row of rows) yield row
    }
  } finally {
    await cursor.close().catch(() => undefined)
  }
}

/** pg-pool's error when no client came free within connectionTimeoutMillis. */
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect'

/**
 * Watch a checked-out client for the loss of its connection. The pool listens only to idle clients:
 * without a listener, a session ended by the server between two statements (pg_terminate_backend, a
 * restart) would be an uncaught 'error' event. `lost()` tells whether to destroy it on release.
 */
const watch = (client: pg.PoolClient): { lost: () => boolean; stop: () => void } => {
  let lost = false
  const onError = () => {
    lost = true
  }
  client.on('error', onError)
  return { lost: () => lost, stop: () => client.removeListener('error', onError) }
}

export class PostgresDriver implements Driver {
  constructor(
    readonly pool: pg.Pool,
    readonly info: ServerInfo,
    private readonly ownsPool: boolean,
  ) {}

  /** A client from the pool; a failure to connect names the server. */
  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect()
    } catch (e) {
      throw this.connectFailure(e)
    }
  }

  /** Why no client came: every one was in use for the whole wait (the pool's fault), or the server's. */
  private connectFailure(e: unknown): Error {
    if ((e as Error | undefined)?.message !== POOL_WAIT_TIMEOUT) return mapPostgresError(e, this.info)
    const { max, connectionTimeoutMillis } = this.pool.options
    return new DatabaseError(
      `Timed out after ${connectionTimeoutMillis} ms waiting for a connection: the pool is exhausted (all ${max} connections in use). ` +
        'Raise max or connectionTimeoutMillis, or hold connections for less time.',
      'connection',
      e,
      'POOL_TIMEOUT',
    )
  }

  // Callbacks rather than awaits: one promise per statement instead of four (this is the hot path).
  execute(text: string, params: readonly unknown[], options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.pool.connect((connectError, client, release) => {
        if (connectError || !client) {
          release?.()
          reject(this.connectFailure(connectError))
          return
        }
        client.query<unknown[]>(queryConfig(text, params), (error, res) => {
          // A broken connection is destroyed (a truthy argument); a statement's error keeps it.
          release(error && isConnectionFailure(error) ? error : undefined)
          if (error) reject(error)
          else resolve(toResult(res, options))
        })
      })
    })
  }

  async *stream(text: string, params: readonly unknown[], options: ExecOptions & { chunkSize: number }): AsyncIterable<readonly unknown[]> {
    const client = await this.connect()
    const watched = watch(client)
    let broken = false
    try {
      yield* cursorRows(client, text, params, options.chunkSize)
    } catch (e) {
      broken = isConnectionFailure(e)
      throw e
    } finally {
      watched.stop()
      client.release(broken || watched.lost())
    }
  }

  async acquire(): Promise<PinnedConnection> {
    const client = await this.connect()
    const watched = watch(client)
    let released = false
    const conn: Connection & PinnedConnection = {
      execute: (text, params, options) => run(client, text, params, options),
      stream: (text, params, options) => cursorRows(client, text, params, options.chunkSize),
      release: (broken) => {
        if (released) return
        released = true
        watched.stop()
        // A lost connection is destroyed whatever the caller thinks (a COMMIT that failed with it, say).
        client.release(broken === true || watched.lost())
      },
    }
    return conn
  }

  async close(): Promise<void> {
    if (this.ownsPool && !this.pool.ended) await this.pool.end()
  }
}
