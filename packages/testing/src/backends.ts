// The backends the behavioural suite runs on. SQLite always (in memory); PostgreSQL and MariaDB/MySQL
// whenever they answer (FJORD_REQUIRE_SERVERS=1 makes "not reachable" a failure); Oracle where
// FJORD_ORACLE_URL is set. Each vitest worker gets its own schema or database.
import type { Db, Features } from '@fjord/core'
import { sqlite } from '@fjord/sqlite'

/** Pool settings a test may ask for; SQLite has no pool and ignores them. */
export interface ConnectOptions {
  /** Connections in the pool. */
  readonly poolSize?: number
  /** Milliseconds to wait for a free connection before failing. */
  readonly acquireTimeoutMs?: number
}

export interface Backend {
  readonly name: 'sqlite' | 'postgres' | 'mysql' | 'oracle'
  /** A fresh, empty database (schema) for one test file or test; close it when done. */
  connect(options?: ConnectOptions): Promise<Db>
  /** Why this backend is not available here, or undefined when it is. */
  unavailable(): Promise<string | undefined>
}

/** A number unique to this vitest worker (and this process). */
export const workerId = (): string => process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? String(process.pid)

const sqliteBackend: Backend = {
  name: 'sqlite',
  connect: async () => sqlite({ filename: ':memory:' }),
  unavailable: async () => undefined,
}

/** Server backends register here (see backend-*.ts beside this file). */
export const serverBackends: Backend[] = []
export const registerBackend = (b: Backend): void => {
  if (!serverBackends.some((x) => x.name === b.name)) serverBackends.push(b)
}

export const requireServers = (): boolean => process.env.FJORD_REQUIRE_SERVERS === '1'

/** Every backend to run on: SQLite, and the servers that answer. */
export const allBackends = (): readonly Backend[] => [sqliteBackend, ...serverBackends]

export type { Db, Features }
