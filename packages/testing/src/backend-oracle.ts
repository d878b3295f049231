// The Oracle backend for the suite, registered only when FJORD_ORACLE_URL is set
// (oracle://user:password@host:1521/service).
//
// Other backends give every connect() a fresh schema; on Oracle a schema is a user, and creating
// one needs DBA rights. So every test file uses the URL's own schema, and describeEachBackend's
// drop-then-create of the models' tables (before the file, and again after it) keeps files apart.
// Two files running at the same time would still meet in that schema if they use the same table
// names, so either run Oracle serially (`npx vitest run --no-file-parallelism`), or pre-create one
// user per vitest worker and put `{worker}` in the URL's user (oracle://fjord_w{worker}:pw@…),
// which becomes the worker's number. FJORD_ORACLE_MAX_NAME_LENGTH=128 tests 12.2+ name lengths.
import type { Db } from '@fjord/core'
import { oracle, type OracleOptions, parseOracleUrl } from '@fjord/oracle'
import { registerBackend, workerId } from './backends.js'

const template = process.env.FJORD_ORACLE_URL

/** The URL with its password hidden, for messages. */
const shown = (url: string): string => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')

if (template) {
  const url = (): string => template.replaceAll('{worker}', workerId().replace(/\W/g, ''))
  const options = (): OracleOptions => ({
    ...parseOracleUrl(url()),
    maxNameLength: Number(process.env.FJORD_ORACLE_MAX_NAME_LENGTH ?? 30),
  })

  let probe: Promise<string | undefined> | undefined
  /** Why the server can't be used, checked once per process with a short timeout. */
  const unavailable = (): Promise<string | undefined> =>
    (probe ??= (async () => {
      const db = oracle({ ...options(), connectTimeout: 5, poolAttributes: { poolMax: 1 } })
      try {
        await db.execute('SELECT 1 FROM DUAL', [], { returnsRows: true })
        return undefined
      } catch (e) {
        return `Oracle at ${shown(url())} did not answer: ${(e as Error).message}`
      } finally {
        await db.close().catch(() => undefined)
      }
    })())

  const connect = async (): Promise<Db> => oracle(options())

  registerBackend({ name: 'oracle', connect, unavailable })
}
