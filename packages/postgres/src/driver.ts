// pg's Pool as a Fjord Driver: rows as arrays with Fjord's own type parsers, connections pinned for
// transactions, and server-side cursors for streaming.
import type { Connection, Driver, ExecOptions, ExecResult, PinnedConnection } from '@fjord/core'
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
      throw mapPostgresError(e, this.info)
    }
  }

  // Callbacks rather than awaits: one promise per statement instead of four (this is the hot path).
  execute(text: string, params: readonly unknown[], options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.pool.connect((connectError, client, release) => {
        if (connectError || !client) {
          release?.()
          reject(mapPostgresError(connectError, this.info))
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
    let broken = false
    try {
      yield* cursorRows(client, text, params, options.chunkSize)
    } catch (e) {
      broken = isConnectionFailure(e)
      throw e
    } finally {
      client.release(broken)
    }
  }

  async acquire(): Promise<PinnedConnection> {
    const client = await this.connect()
    let released = false
    const conn: Connection & PinnedConnection = {
      execute: (text, params, options) => run(client, text, params, options),
      stream: (text, params, options) => cursorRows(client, text, params, options.chunkSize),
      release: (broken) => {
        if (released) return
        released = true
        client.release(broken === true)
      },
    }
    return conn
  }

  async close(): Promise<void> {
    if (this.ownsPool && !this.pool.ended) await this.pool.end()
  }
}
