// atomic: run an effect in a transaction (or a savepoint when already in one); onCommit callbacks.
import { type AtomicOptions, type Db, type Effect, inTransaction, type OrmError } from '@fjord/core'
import type { Either } from 'fp-ts/lib/Either.js'
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js'

/** Carries a Left out of the transaction body so the boundary rolls back, then is unwrapped. */
class LeftSignal<E> {
  constructor(readonly left: E) {}
}

/**
 * Run `effect` atomically: on one connection pinned for the transaction; nested, as a savepoint.
 * A Left rolls back to this boundary and comes back as the same Left; a throw rolls back and rejects.
 * @example await db.run(atomic(pipe(Post.objects, filter({ pk }), update({ views: F('views').add(1) }))))
 */
export const atomic =
  <A, E = OrmError>(effect: ReaderTaskEither<Db, E, A>, options: AtomicOptions = {}): ReaderTaskEither<Db, E | OrmError, A> =>
  (db) =>
  async (): Promise<Either<E | OrmError, A>> => {
    try {
      const value = await inTransaction(
        db,
        async (tx) => {
          const result = await effect(tx)()
          if (result._tag === 'Left') throw new LeftSignal(result.left)
          return result.right
        },
        { writes: true, ...options },
      )
      return { _tag: 'Right', right: value }
    } catch (e) {
      if (e instanceof LeftSignal) return { _tag: 'Left', left: e.left as E }
      if (isOrm(e)) return { _tag: 'Left', left: e }
      throw e
    }
  }

const isOrm = (e: unknown): e is OrmError =>
  e instanceof Error && typeof (e as { _tag?: unknown })._tag === 'string'

/**
 * Run `fn` after the outermost transaction commits (never after a rollback); at once outside one.
 * A callback registered inside a savepoint that rolls back is dropped.
 */
export const onCommit =
  (fn: () => void | Promise<void>): Effect<void, never> =>
  (db) =>
  async () => {
    const tx = db.transaction
    if (tx) tx.onCommit[tx.onCommit.length - 1].push(fn)
    else await fn()
    return { _tag: 'Right', right: undefined }
  }

/** True inside `atomic`. */
export const inAtomicBlock = (db: Db): boolean => db.transaction !== null
