// better-sqlite3 as a Fjord Driver: one connection, a statement cache, rows as arrays.
// Transactions pin the connection: other work waits for them, so async code can't interleave.
import type { Connection, Driver, ExecOptions, ExecResult, PinnedConnection } from '@fjord/core'
import type BetterSqlite3 from 'better-sqlite3'

type Statement = BetterSqlite3.Statement<unknown[], unknown>

/** The rows of a statement that returns none (shared: results are read-only). */
const NO_ROWS: readonly unknown[][] = Object.freeze([])

export class SqliteDriver implements Driver {
  /** Prepared statements by SQL, one per reading mode (plain / bigint / first value), set up once. */
  private readonly statements = new Map<string, Statement>()
  private readonly bigintStatements = new Map<string, Statement>()
  private readonly scalarStatements = new Map<string, Statement>()
  private lock: Promise<void> = Promise.resolve()
  private locked = false

  constructor(
    readonly database: BetterSqlite3.Database,
    private readonly cacheSize = 1000,
  ) {}

  private prepare(text: string, bigints: boolean, scalar = false): Statement {
    const cache = scalar ? this.scalarStatements : bigints ? this.bigintStatements : this.statements
    let stmt = cache.get(text)
    if (stmt === undefined) {
      stmt = this.database.prepare(text)
      if (stmt.reader) {
        if (scalar) stmt.pluck(true)
        else stmt.raw(true)
        if (bigints) stmt.safeIntegers(true)
      }
      if (cache.size >= this.cacheSize) {
        const first = cache.keys().next()
        if (!first.done) cache.delete(first.value)
      }
      cache.set(text, stmt)
    }
    return stmt
  }

  /** Run one statement now (the caller holds, or needs no, lock). */
  run(text: string, params: readonly unknown[], options: ExecOptions): ExecResult {
    if (options.scalar === true && options.single === true && options.columns !== true) {
      // The first value alone (a count): no row array made by the driver.
      const stmt = this.prepare(text, options.bigints === true, true)
      if (stmt.reader && stmt.readonly) {
        const value = stmt.get(...params)
        return { rows: value === undefined ? [] : [[value]], affected: 0 }
      }
    }
    const stmt = this.prepare(text, options.bigints === true)
    if (stmt.reader) {
      let rows: unknown[][]
      // A read stops after its first row when that is all that is wanted (a count, an exists); a write
      // runs to its end, where SQLite checks deferred constraints.
      if (options.single === true && stmt.readonly) {
        const row = stmt.get(...params) as unknown[] | undefined
        rows = row === undefined ? [] : [row]
      } else rows = stmt.all(...params) as unknown[][]
      return { rows, affected: 0, columns: options.columns ? stmt.columns().map((c) => c.name) : undefined }
    }
    const info = stmt.run(...params)
    return { rows: NO_ROWS, affected: info.changes, insertId: info.lastInsertRowid }
  }

  executeSync(text: string, params: readonly unknown[], options: ExecOptions): ExecResult | undefined {
    return this.locked ? undefined : this.run(text, params, options)
  }

  async execute(text: string, params: readonly unknown[], options: ExecOptions): Promise<ExecResult> {
    if (this.locked) await this.waitUnlocked()
    return this.run(text, params, options)
  }

  private async waitUnlocked(): Promise<void> {
    while (this.locked) await this.lock
  }

  async *stream(text: string, params: readonly unknown[], options: ExecOptions & { chunkSize: number }): AsyncIterable<readonly unknown[]> {
    if (this.locked) await this.waitUnlocked()
    // A fresh statement: iterating keeps it busy, and the cached one may be needed meanwhile.
    const stmt = this.database.prepare(text)
    stmt.raw(true)
    stmt.safeIntegers(options.bigints === true)
    yield* stmt.iterate(...params) as Iterable<unknown[]>
  }

  async acquire(): Promise<PinnedConnection> {
    while (this.locked) await this.lock
    this.locked = true
    let release!: () => void
    this.lock = new Promise((r) => {
      release = r
    })
    let done = false
    const conn: Connection & PinnedConnection = {
      execute: async (text, params, options) => this.run(text, params, options),
      executeSync: (text, params, options) => this.run(text, params, options),
      stream: (text, params, options) => {
        const stmt = this.database.prepare(text)
        stmt.raw(true)
        stmt.safeIntegers(options.bigints === true)
        const it = stmt.iterate(...params) as Iterable<unknown[]>
        return {
          async *[Symbol.asyncIterator]() {
            yield* it
          },
        }
      },
      release: () => {
        if (done) return
        done = true
        if (this.database.inTransaction) {
          try {
            this.database.exec('ROLLBACK')
          } catch {
            // nothing to roll back
          }
        }
        this.locked = false
        release()
      },
    }
    return conn
  }

  async close(): Promise<void> {
    this.statements.clear()
    this.bigintStatements.clear()
    this.scalarStatements.clear()
    if (this.database.open) this.database.close()
  }
}
