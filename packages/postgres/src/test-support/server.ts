// For this package's tests: a Db in a schema of its own on the test server, dropped on close.
import type { Db } from '@fjord/core'
import { postgres, type PostgresOptions } from '../index.js'

export const pgUrl = (): string => process.env.FJORD_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** The test server's parts, for building URLs to other databases, users and ports. */
export const pgParts = (): URL => new URL(pgUrl())

/** Why the server can't be used here (undefined when it answers). Without it the tests fail only under FJORD_REQUIRE_SERVERS=1. */
export const serverMissing = async (): Promise<string | undefined> => {
  const db = postgres({ connectionString: pgUrl(), connectionTimeoutMillis: 2000, max: 1 })
  try {
    await db.execute('SELECT 1', [], { returnsRows: true })
    return undefined
  } catch (e) {
    if (process.env.FJORD_REQUIRE_SERVERS === '1') throw e
    return (e as Error).message
  } finally {
    await db.close()
  }
}

let counter = 0
let swept = false

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Drop the schemas left by test processes on this machine that were killed before their cleanup. */
const sweep = async (admin: Db): Promise<void> => {
  if (swept) return
  swept = true
  const { rows } = await admin.execute(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'fjord\\_pgtest\\_p%'`, [], { returnsRows: true })
  for (const [name] of rows) {
    const pid = Number(/_p(\d+)_/.exec(String(name))?.[1])
    if (pid && pid !== process.pid && !alive(pid)) await admin.execute(`DROP SCHEMA IF EXISTS "${name}" CASCADE`, [], { returnsRows: false })
  }
}

/** A Db whose search_path is a fresh schema; close() drops it. */
export const freshDb = async (options: PostgresOptions = {}): Promise<Db> => {
  const schema = `fjord_pgtest_p${process.pid}_${++counter}`
  const admin = postgres({ connectionString: pgUrl(), max: 1 })
  try {
    await sweep(admin)
    await admin.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, [], { returnsRows: false })
    await admin.execute(`CREATE SCHEMA "${schema}"`, [], { returnsRows: false })
  } finally {
    await admin.close()
  }
  const db = postgres({ connectionString: pgUrl(), options: `-c search_path=${schema}`, ...options })
  return {
    ...db,
    close: async () => {
      try {
        await db.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, [], { returnsRows: false })
      } finally {
        await db.close()
      }
    },
  }
}
