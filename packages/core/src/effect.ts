// Effects: terminals and instance operations are ReaderTaskEither<Db, OrmError, A>.
import type { Either } from 'fp-ts/lib/Either.js'
import { DIRECT, type Db, type Effect } from './db.js'
import { type OrmError, isOrmError } from './errors.js'

// fp-ts's Either values, built directly: no runtime import, so core loads under plain Node ESM.
const right = <A>(a: A): Either<never, A> => ({ _tag: 'Right', right: a })
const left = <E>(e: E): Either<E, never> => ({ _tag: 'Left', left: e })

/**
 * An effect from a function of the Db, synchronous or async. Expected failures (OrmErrors, thrown or
 * returned by the driver) travel in the Left; anything else is a bug and rejects.
 */
export const effect = <A>(run: (db: Db) => A | Promise<A>): Effect<A> => {
  const eff: Effect<A> & { [DIRECT]?: (db: Db) => A | Promise<A> } = (db) => async () => {
    try {
      return right(await run(db))
    } catch (e) {
      if (isOrmError(e)) return left(e as OrmError)
      throw e
    }
  }
  // Db.run calls the body itself: no Either, no extra promise.
  eff[DIRECT] = run
  return eff
}

/** Run an effect inside another effect's body: its Left is thrown, to be caught by `effect`. */
export const unwrap = async <A>(db: Db, eff: Effect<A>): Promise<A> => {
  const direct = (eff as { [DIRECT]?: (db: Db) => A | Promise<A> })[DIRECT]
  if (direct !== undefined) return direct(db)
  const r = await eff(db)()
  if (r._tag === 'Left') throw r.left
  return r.right
}
