// Helpers for tests: count statements, set up tables, run the same test on every backend.
import { type AnyModel, type Db, type QueryEvent } from '@fjord/core'
import { createTables, dropTables } from '@fjord/migrate'
import { afterAll, beforeAll, beforeEach, describe } from 'vitest'
import './backend-postgres.js'
import './backend-mysql.js'
import './backend-oracle.js'
import { allBackends, type Backend, requireServers } from './backends.js'

/** Statements a function sends (transaction statements included, with their kind). */
export const captureQueries = async <A>(db: Db, fn: () => Promise<A>): Promise<{ result: A; queries: QueryEvent[] }> => {
  const queries: QueryEvent[] = []
  const off = db.onQuery((e) => queries.push(e))
  try {
    const result = await fn()
    return { result, queries }
  } finally {
    off()
  }
}

/** How many 'query' statements a function sends. */
export const countQueries = async <A>(db: Db, fn: () => Promise<A>): Promise<number> => {
  const { queries } = await captureQueries(db, fn)
  return queries.filter((q) => q.kind === 'query').length
}

export interface BackendContext {
  readonly backend: Backend
  /** The Db of this backend, with the models' tables created. */
  readonly db: Db
}

/**
 * Declare a suite once per backend: tables for `models` are created before, dropped after.
 * A server that does not answer is skipped, unless FJORD_REQUIRE_SERVERS=1.
 */
export const describeEachBackend = (
  title: string,
  models: readonly AnyModel[] | Readonly<Record<string, AnyModel>>,
  body: (ctx: () => BackendContext) => void,
): void => {
  for (const backend of allBackends()) {
    describe(`${title} [${backend.name}]`, () => {
      let current: BackendContext | undefined
      let skipReason: string | undefined
      beforeAll(async () => {
        skipReason = await backend.unavailable()
        if (skipReason) {
          if (requireServers()) throw new Error(`${backend.name} is required but not reachable: ${skipReason}`)
          return
        }
        const db = await backend.connect()
        await db.run(dropTables(models))
        await db.run(createTables(models))
        current = { backend, db }
      })
      afterAll(async () => {
        if (current) {
          await current.db.run(dropTables(models))
          await current.db.close()
        }
      })
      // Registered before the body's hooks, so an unreachable server skips its tests instead of failing them.
      beforeEach((t) => {
        if (!current && skipReason) t.skip(`${backend.name} is not available: ${skipReason}`)
      })
      body(() => {
        if (!current) throw new Error(`${backend.name} is not available: ${skipReason}`)
        return current
      })
    })
  }
}

/** Delete every row of these models (dependents first), between tests. */
export const truncate = async (db: Db, models: readonly AnyModel[]): Promise<void> => {
  for (const m of [...models].reverse()) {
    await db.execute(`DELETE FROM ${quoteFor(db, m.meta.table)}`, [], { returnsRows: false })
  }
}

const quoteFor = (db: Db, name: string): string => {
  const { sql } = db.kysely.selectFrom(name).selectAll().compile()
  return sql.slice('select * from '.length)
}
