// Effects: terminals and instance operations are ReaderTaskEither<Db, OrmError, A>.
import * as E from 'fp-ts/Either'
import type { Db, Effect } from './db.js'
import { type OrmError, isOrmError } from './errors.js'

/**
 * An effect from an async function of the Db. Expected failures (OrmErrors, thrown or returned by the
 * driver) travel in the Left; anything else is a bug and rejects.
 */
export const effect =
  <A>(run: (db: Db) => Promise<A>): Effect<A> =>
  (db) =>
  async () => {
    try {
      return E.right(await run(db))
    } catch (e) {
      if (isOrmError(e)) return E.left(e as OrmError)
      throw e
    }
  }

/** Run an effect inside another effect's body: its Left is thrown, to be caught by `effect`. */
export const unwrap = async <A>(db: Db, eff: Effect<A>): Promise<A> => {
  const r = await eff(db)()
  if (E.isLeft(r)) throw r.left
  return r.right
}
