// pg's Pool as a Fjord Driver: rows as arrays with Fjord's own type parsers, connections pinned for
// transactions, and server-side cursors for streaming.
import { type Connection, DatabaseError, type Driver, type ExecOptions, type ExecResult, type PinnedConnection } from '@fjord/core'
import pg from 'pg'
import Cursor from 'pg-cursor'
import { isConnectionFailure, mapPostgresError, type ServerInfo } from './dialect.js'
import { fjordTypes } from './types.js'

const toResult = (res: pg.QueryResult<unknown[]>, options: ExecOptions): ExecResult => ({
  rows: res.rows,
  affected: res.rowCount ?? 0,
  columns: options.columns ? res.fields.map((f) => f.name) : undefined,
})

/**
 * A statement for pg: its own properties are the text and the values; the row mode and Fjord's type
 * parsers come from the prototype. pg copies a config object's own property descriptors for every
 * query (about 2 µs for four properties, half that for two).
 */
class ArrayQuery {
  constructor(
    readonly text: string,
    readonly values: unknown[],
  ) {}
}
Object.defineProperties(ArrayQuery.prototype, {
  rowMode: { value: 'array' },
  types: { value: fjordTypes },
})

/** The same, run as the named (prepared) statement `name`. */
class NamedArrayQuery extends ArrayQuery {
  constructor(
    readonly name: string,
    text: string,
    values: unknown[],
  ) {
    super(text, values)
  }
}

const queryConfig = (text: string, params: readonly unknown[], name?: string): pg.QueryArrayConfig =>
  (name === undefined ? new ArrayQuery(text, params as unknown[]) : new NamedArrayQuery(name, text, params as unknown[])) as unknown as pg.QueryArrayConfig

type Callback = (error: Error | undefined, result: pg.QueryResult<unknown[]>) => void

interface QueryState {
  _rowMode?: string
  types?: unknown
  name?: string
  _result?: unknown
  _results?: unknown
}

/**
 * pg's Query made from the text (the path on which pg copies nothing), then given array rows and
 * Fjord's type parsers: a third of the cost of a config object. It sets fields pg's Query keeps for
 * itself, so it is used only where a probe finds them as expected (else `queryConfig`).
 */
class FjordQuery extends pg.Query {
  constructor(text: string, values: unknown[], name: string | undefined, callback: Callback) {
    super(text, values, callback as never)
    const self = this as unknown as QueryState
    self._rowMode = 'array'
    self.types = fjordTypes
    if (name !== undefined) self.name = name
    self._result = new pg.Result('array', fjordTypes as never)
    self._results = self._result
  }
}

/** Whether pg's Query keeps its row mode and result where FjordQuery sets them (pg 8's layout). */
const queryLayoutKnown = ((): boolean => {
  try {
    const probe = new pg.Query('SELECT 1', [], () => undefined) as unknown as QueryState
    return '_rowMode' in probe && probe._result instanceof pg.Result && probe._results === probe._result && 'types' in probe
  } catch {
    return false
  }
})()

/** Send one statement on a client, by callback. */
const send = (client: pg.ClientBase, text: string, params: readonly unknown[], name: string | undefined, callback: Callback): void => {
  if (queryLayoutKnown && client instanceof pg.Client) client.query(new FjordQuery(text, params as unknown[], name, callback))
  else client.query<unknown[]>(queryConfig(text, params, name), callback as never)
}

/** How many named statements a driver hands out before it starts afresh (each connection also has its cap). */
const MAX_NAMES = 10_000

/** Statements worth preparing: queries and DML (not BEGIN, SAVEPOINT, DDL, SET …). */
const PREPARABLE = /^\s*(select|insert|update|delete|with|values)\b/i

/** pg's record of the statements parsed on a client's connection (not typed). */
const parsedOn = (client: pg.ClientBase): Record<string, string> | undefined =>
  (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements

/**
 * Server-side prepared statements for the queries and DML a Db sends again and again: from its
 * `threshold`-th run a statement's text gets a name, and each connection parses it once and then
 * only binds and executes it (no parsing and planning on the server per statement). At most
 * `maxPerConnection` are kept on one connection; the rest run unnamed, as without this.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>()
  private readonly runs = new Map<string, number>()
  private readonly perClient = new WeakMap<object, number>()
  /** Two Dbs on one pool must not hand out the same name for different texts. */
  private readonly prefix = `fjord_${Math.random().toString(36).slice(2, 8)}_`
  private next = 0

  constructor(
    readonly threshold: number,
    readonly maxPerConnection: number,
  ) {}

  /** The name to run `text` under on `client`, or undefined to run it unnamed. */
  nameFor(client: pg.ClientBase, text: string): string | undefined {
    let name = this.names.get(text)
    if (name === undefined) {
      if (!PREPARABLE.test(text)) return undefined
      const n = (this.runs.get(text) ?? 0) + 1
      if (n < this.threshold) {
        if (this.runs.size >= MAX_NAMES) this.runs.clear()
        this.runs.set(text, n)
        return undefined
      }
      this.runs.delete(text)
      if (this.names.size >= MAX_NAMES) this.names.clear()
      name = `${this.prefix}${++this.next}`
      this.names.set(text, name)
    }
    const parsed = parsedOn(client)
    if (parsed?.[name] === undefined) {
      const count = this.perClient.get(client) ?? 0
      if (count >= this.maxPerConnection) return undefined
      this.perClient.set(client, count + 1)
    }
    return name
  }

  /**
   * The server has lost the named statement (DEALLOCATE ALL, DISCARD ALL) or its result type changed
   * under it (DDL on its tables): it can run again unnamed, and later under a new name.
   */
  isStale(error: unknown): boolean {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
    return code === '26000' || (code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type'))
  }

  /** Forget a stale statement on this client (deallocating it there) and its name. */
  forget(client: pg.ClientBase, text: string, name: string, error: unknown): void {
    if (this.names.get(text) === name) this.names.delete(text)
    const parsed = parsedOn(client)
    if (parsed) delete parsed[name]
    if ((error as { code?: unknown }).code !== '26000') client.query(`DEALLOCATE "${name}"`, () => undefined)
  }
}

const run = async (
  client: pg.ClientBase,
  text: string,
  params: readonly unknown[],
  options: ExecOptions,
  statements?: PreparedStatements,
): Promise<ExecResult> => {
  const name = statements?.nameFor(client, text)
  try {
    const res = await new Promise<pg.QueryResult<unknown[]>>((resolve, reject) =>
      send(client, text, params, name, (error, result) => (error ? reject(error) : resolve(result))),
    )
    return toResult(res, options)
  } catch (e) {
    // In a transaction the error has aborted it: forget the statement, but don't run it again.
    if (name !== undefined && statements?.isStale(e)) statements.forget(client, text, name, e)
    throw e
  }
}

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
    /** Named statements for the ones run again and again (the `prepare` option); none by default. */
    readonly statements?: PreparedStatements,
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
    const statements = this.statements
    return new Promise((resolve, reject) => {
      this.pool.connect((connectError, client, release) => {
        if (connectError || !client) {
          release?.()
          reject(this.connectFailure(connectError))
          return
        }
        const attempt = (name: string | undefined) =>
          send(client, text, params, name, (error, res) => {
            if (error && name !== undefined && statements?.isStale(error)) {
              // Outside a transaction nothing was done: run it again, unnamed.
              statements.forget(client, text, name, error)
              attempt(undefined)
              return
            }
            // A broken connection is destroyed (a truthy argument); a statement's error keeps it.
            release(error && isConnectionFailure(error) ? error : undefined)
            if (error) reject(error)
            else resolve(toResult(res, options))
          })
        attempt(statements?.nameFor(client, text))
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
      execute: (text, params, options) => run(client, text, params, options, this.statements),
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
