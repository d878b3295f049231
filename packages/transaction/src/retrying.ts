// retrying: rerun a whole effect on serialization failures and deadlocks, and only on those.
import { DatabaseError, type Db, type OrmError } from '@fjord/core'
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js'

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  readonly attempts?: number
  /** Milliseconds to wait before attempt n+1 (default: 10 · 2^n with jitter). */
  readonly backoff?: (attempt: number) => number
}

const retryable = (e: unknown): boolean => e instanceof DatabaseError && (e.kind === 'serialization' || e.kind === 'deadlock')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Run `effect` (usually an `atomic`) again when it fails with a serialization failure or a deadlock.
 * @example await db.run(retrying(atomic(transfer, { isolationLevel: 'serializable' }), { attempts: 5 }))
 */
export const retrying =
  <A, E = OrmError>(effect: ReaderTaskEither<Db, E, A>, options: RetryOptions = {}): ReaderTaskEither<Db, E, A> =>
  (db) =>
  async () => {
    const attempts = Math.max(1, options.attempts ?? 3)
    const backoff = options.backoff ?? ((n: number) => 10 * 2 ** n * (0.5 + Math.random()))
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await effect(db)()
        if (result._tag === 'Right' || attempt >= attempts || !retryable(result.left)) return result
      } catch (e) {
        if (attempt >= attempts || !retryable(e)) throw e
      }
      await sleep(backoff(attempt))
    }
  }
