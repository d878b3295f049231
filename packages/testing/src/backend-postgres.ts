// The PostgreSQL backend for the suite. Every connect() gets a schema of its own (worker, process and a
// counter in its name) as the pool's search_path, so test files running in parallel never share a table.
import type { Db } from '@fjord/core'
import { postgres } from '@fjord/postgres'
import { type ConnectOptions, registerBackend, workerId } from './backends.js'

const url = (): string => process.env.FJORD_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

let counter = 0
let probe: Promise<string | undefined> | undefined
let swept: Promise<void> | undefined

/** Run `fn` on a one-connection Db in the default schema, then close it. */
const admin = async <A>(fn: (run: (text: string) => Promise<readonly (readonly unknown[])[]>) => Promise<A>, timeoutMs = 5000): Promise<A> => {
  const db = postgres({ connectionString: url(), connectionTimeoutMillis: timeoutMs, max: 1 })
  try {
    return await fn(async (text) => (await db.execute(text, [], { returnsRows: true })).rows)
  } finally {
    await db.close().catch(() => undefined)
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Drop the schemas of test processes on this machine that have gone (a run that was killed). */
const sweep = (): Promise<void> =>
  (swept ??= admin(async (run) => {
    const rows = await run(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'fjord\\_w%\\_p%'`)
    for (const [name] of rows) {
      const pid = Number(/_p(\d+)_/.exec(String(name))?.[1])
      if (pid && pid !== process.pid && !alive(pid)) await run(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).catch(() => undefined)
    }
  }).catch(() => undefined))

const connect = async (pool: ConnectOptions = {}): Promise<Db> => {
  await sweep()
  const schema = `fjord_w${workerId().replace(/\W/g, '')}_p${process.pid}_${++counter}`
  await admin(async (run) => {
    await run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await run(`CREATE SCHEMA "${schema}"`)
  })
  const db = postgres({
    connectionString: url(),
    options: `-c search_path=${schema}`,
    ...(pool.poolSize ? { max: pool.poolSize } : {}),
    ...(pool.acquireTimeoutMs ? { connectionTimeoutMillis: pool.acquireTimeoutMs } : {}),
  })
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

/** Why the server can't be used, checked once per process with a short timeout. */
const unavailable = (): Promise<string | undefined> =>
  (probe ??= admin(async (run) => {
    await run('SELECT 1')
    return undefined
  }, 2000).catch((e: Error) => `PostgreSQL at ${url()} did not answer: ${e.message}`))

registerBackend({ name: 'postgres', connect, unavailable })
