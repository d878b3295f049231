// Effects: terminals and instance operations are ReaderTaskEither<Db, OrmError, A>.
import type { Either } from 'fp-ts/lib/Either.js'
import type { Db, Effect } from './db.js'
import { type OrmError, isOrmError } from './errors.js'

// fp-ts's Either values, built directly: no runtime import, so core loads under plain Node ESM.
const right = <A>(a: A): Either<never, A> => ({ _tag: 'Right', right: a })
const left = <E>(e: E): Either<E, never> => ({ _tag: 'Left', left: e })

/**
 * An effect from an async function of the Db. Expected failures (OrmErrors, thrown or returned by the
 * driver) travel in the Left; anything else is a bug and rejects.
 */
export const effect =
  <A>(run: (db: Db) => Promise<A>): Effect<A> =>
  (db) =>
  async () => {
    try {
      return right(await run(db))
    } catch (e) {
      if (isOrmError(e)) return left(e as OrmError)
      throw e
    }
  }

/** Run an effect inside another effect's body: its Left is thrown, to be caught by `effect`. */
export const unwrap = async <A>(db: Db, eff: Effect<A>): Promise<A> => {
  const r = await eff(db)()
  if (r._tag === 'Left') throw r.left
  return r.right
}
