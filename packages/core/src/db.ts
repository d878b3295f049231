// The Db handle: a driver, a dialect, listeners, and the plan cache. Effects read it from their environment.
import type { Either } from 'fp-ts/lib/Either.js'
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js'
import { DummyDriver, Kysely } from 'kysely'
import type { Connection, Dialect, Driver, ExecOptions, ExecResult, IsolationLevel } from './dialect.js'
import { DatabaseError, type OrmError, isOrmError } from './errors.js'

export type QueryKind = 'query' | 'transaction'
export interface QueryEvent {
  readonly sql: string
  readonly parameters: readonly unknown[]
  readonly durationMs: number
  readonly kind: QueryKind
  readonly error?: unknown
}
export type QueryListener = (event: QueryEvent) => void

/**
 * Where an effect made by `effect()` keeps its body, `(db) => A | Promise<A>` (it throws or rejects
 * with the OrmError): `Db.run` calls it directly.
 */
export const DIRECT: unique symbol = Symbol.for('fjord.effect.body') as never

/** An effect that needs a Db: the shape of every terminal. */
export type Effect<A, E = OrmError> = ReaderTaskEither<Db, E, A>

/** State of the transaction a Db is pinned to (see @fjord/transaction). */
export interface TransactionState {
  readonly depth: number
  readonly savepoints: string[]
  readonly onCommit: (() => void | Promise<void>)[][]
  readonly isolationLevel?: IsolationLevel
  broken: boolean
}

/**
 * One node of the shape trie: a query's shape as a sequence of tokens (strings, numbers, models,
 * markers), one step per token, so a lookup builds no key string. `value` is what is filed under the
 * shape that ends here.
 */
export class ShapeNode {
  value: unknown = undefined
  /** The first child, inline (most nodes have one). */
  token: unknown = undefined
  child: ShapeNode | undefined = undefined
  /** The other children. */
  more: Map<unknown, ShapeNode> | undefined = undefined
}

/** A bounded map from a query's shape to its compiled plan. */
export class PlanCache<P> {
  private readonly map = new Map<string, P>()
  private root = new ShapeNode()
  private nodes = 0
  constructor(private readonly limit = 2000) {}
  /** The root of the shape trie (the fast path's keys). */
  get shapes(): ShapeNode {
    return this.root
  }
  /** The child of `node` for `token`, added when missing; past its budget the whole trie is dropped. */
  step(node: ShapeNode, token: unknown): ShapeNode {
    if (node.child !== undefined && node.token === token) return node.child
    let next = node.more?.get(token)
    if (next !== undefined) return next
    if (++this.nodes > this.limit * 16) {
      this.root = new ShapeNode()
      this.nodes = 0
    }
    next = new ShapeNode()
    if (node.child === undefined) {
      node.token = token
      node.child = next
    } else {
      if (node.more === undefined) node.more = new Map()
      node.more.set(token, next)
    }
    return next
  }
  get(key: string): P | undefined {
    return this.map.get(key)
  }
  set(key: string, plan: P): void {
    if (this.map.size >= this.limit) {
      const first = this.map.keys().next()
      if (!first.done) this.map.delete(first.value)
    }
    this.map.set(key, plan)
  }
  get size(): number {
    return this.map.size
  }
  /** Forget every plan (the dialect's features changed, e.g. once the server's version is known). */
  clear(): void {
    this.map.clear()
    this.root = new ShapeNode()
    this.nodes = 0
  }
}

export interface Db {
  readonly dialect: Dialect
  /** A compile-only Kysely instance for this backend. */
  readonly kysely: Kysely<any>
  /** Run an effect; resolves with its value, rejects with the OrmError. */
  run<A, E = OrmError>(effect: ReaderTaskEither<Db, E, A>): Promise<A>
  /** Listen to every statement; returns the unsubscribe function. */
  onQuery(listener: QueryListener): () => void
  /** End the pool (or close the file). */
  close(): Promise<void>
  /** Send one statement (parameters bound, never spliced). */
  execute(sql: string, params: readonly unknown[], options: ExecOptions, kind?: QueryKind): Promise<ExecResult> | ExecResult
  /** Rows of a statement, chunk by chunk. */
  stream(sql: string, params: readonly unknown[], options: ExecOptions & { chunkSize: number }): AsyncIterable<readonly unknown[]>
  /** The driver (pool) behind this Db. */
  readonly driver: Driver
  /** Where statements go: the pool, or the connection pinned to a transaction. */
  readonly connection: Connection
  /** The transaction this Db is pinned to, if any. */
  readonly transaction: TransactionState | null
  /** A Db that sends its statements to `connection`, inside `transaction`. */
  pinned(connection: Connection, transaction: TransactionState): Db
  /** @internal compiled plans by shape. */
  readonly plans: PlanCache<unknown>
}

interface Shared {
  readonly listeners: Set<QueryListener>
  readonly plans: PlanCache<unknown>
  readonly kysely: Kysely<any>
}

const compileOnlyKysely = (dialect: Dialect): Kysely<any> =>
  new Kysely<any>({
    dialect: {
      createAdapter: () => dialect.createAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: () => {
        throw new Error('Fjord compiles with Kysely; it does not introspect through it.')
      },
      createQueryCompiler: () => dialect.createQueryCompiler(),
    },
  })

const toOrmError = (dialect: Dialect, e: unknown): OrmError => {
  if (isOrmError(e)) return e
  const mapped = dialect.mapError(e)
  return isOrmError(mapped) ? mapped : new DatabaseError(String((e as Error)?.message ?? e), 'other', e)
}

const build = (dialect: Dialect, driver: Driver, shared: Shared, connection: Connection, transaction: TransactionState | null): Db => {
  const { listeners } = shared
  const mapError = (e: unknown): never => {
    throw toOrmError(dialect, e)
  }
  const executeOn = (sql: string, params: readonly unknown[], options: ExecOptions, kind: QueryKind): Promise<ExecResult> => {
    if (listeners.size === 0) {
      // The driver's promise, errors mapped: no async frame of our own on the hot path.
      try {
        return connection.execute(sql, params, options).then(undefined, mapError)
      } catch (e) {
        return Promise.reject(toOrmError(dialect, e))
      }
    }
    return executeObserved(sql, params, options, kind)
  }
  const executeObserved = async (sql: string, params: readonly unknown[], options: ExecOptions, kind: QueryKind): Promise<ExecResult> => {
    const start = performance.now()
    try {
      const result = await connection.execute(sql, params, options)
      emit(listeners, { sql, parameters: params, durationMs: performance.now() - start, kind })
      return result
    } catch (e) {
      emit(listeners, { sql, parameters: params, durationMs: performance.now() - start, kind, error: e })
      throw toOrmError(dialect, e)
    }
  }
  const db: Db = {
    dialect,
    kysely: shared.kysely,
    driver,
    connection,
    transaction,
    plans: shared.plans,
    run<A, E>(effect: ReaderTaskEither<Db, E, A>): Promise<A> {
      // An effect made by `effect()` carries its body: run it without the Either and the extra awaits.
      const direct = (effect as { [DIRECT]?: (db: Db) => A | Promise<A> })[DIRECT]
      if (direct !== undefined) {
        try {
          return Promise.resolve(direct(db))
        } catch (e) {
          return Promise.reject(e)
        }
      }
      return runEither(db, effect)
    },
    onQuery(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close: () => driver.close(),
    execute(sql, params, options, kind = 'query') {
      if (listeners.size === 0 && connection.executeSync) {
        // An embedded driver answers at once: no promise on the hot path.
        let now: ExecResult | undefined
        try {
          now = connection.executeSync(sql, params, options)
        } catch (e) {
          return Promise.reject(toOrmError(dialect, e))
        }
        if (now !== undefined) return now
      }
      return executeOn(sql, params, options, kind)
    },
    stream(sql, params, options) {
      emit(listeners, { sql, parameters: params, durationMs: 0, kind: 'query' })
      const source = connection.stream
      if (!source) throw new DatabaseError(`${dialect.name}: this connection cannot stream`)
      return {
        async *[Symbol.asyncIterator]() {
          try {
            yield* source.call(connection, sql, params, options)
          } catch (e) {
            throw toOrmError(dialect, e)
          }
        },
      }
    },
    pinned: (conn, tx) => build(dialect, driver, shared, conn, tx),
  }
  return db
}

const runEither = async <A, E>(db: Db, effect: ReaderTaskEither<Db, E, A>): Promise<A> => {
  const result: Either<E, A> = await effect(db)()
  if (result._tag === 'Left') throw result.left
  return result.right
}

const emit = (listeners: Set<QueryListener>, event: QueryEvent): void => {
  for (const l of listeners) l(event)
}

/** Make a Db from a driver and its dialect; dialect packages call this. */
export const makeDb = (dialect: Dialect, driver: Driver): Db =>
  build(dialect, driver, { listeners: new Set(), plans: new PlanCache(), kysely: compileOnlyKysely(dialect) }, driver, null)

/** Map any thrown value to an OrmError for this Db. */
export const errorFor = (db: Db, e: unknown): OrmError => toOrmError(db.dialect, e)
