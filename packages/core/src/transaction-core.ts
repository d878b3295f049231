// The transaction primitive that multi-statement operations use (the deletion collector, bulkCreate in
// batches, getOrCreate). @fjord/transaction builds `atomic` on it.
import { type Db, errorFor, type TransactionState } from './db.js'
import type { IsolationLevel, PinnedConnection } from './dialect.js'
import { TransactionManagementError } from './errors.js'

export interface AtomicOptions {
  readonly isolationLevel?: IsolationLevel
  readonly durable?: boolean
  /** The body writes (SQLite takes the write lock at BEGIN). */
  readonly writes?: boolean
}

let savepointCounter = 0

/**
 * Run `body` in a transaction: BEGIN on a pinned connection, or a SAVEPOINT when already inside one.
 * The body's rejection rolls back to this boundary and is re-thrown unchanged.
 */
export const inTransaction = async <A>(db: Db, body: (tx: Db) => Promise<A>, options: AtomicOptions = {}): Promise<A> => {
  const t = db.dialect.transactions
  if (db.transaction) {
    if (options.durable) {
      throw new TransactionManagementError('A durable atomic block cannot be nested within another atomic block.')
    }
    if (db.transaction.broken) {
      throw new TransactionManagementError(
        "An error occurred in the current transaction. You can't execute queries until the end of the 'atomic' block.",
      )
    }
    const name = `s${++savepointCounter}_x`
    await db.execute(t.savepoint(name), [], { returnsRows: false }, 'transaction')
    const tx = db.transaction
    tx.onCommit.push([])
    try {
      const result = await body(db)
      const release = t.release(name)
      if (release) await db.execute(release, [], { returnsRows: false }, 'transaction')
      const mine = tx.onCommit.pop() ?? []
      tx.onCommit[tx.onCommit.length - 1].push(...mine)
      return result
    } catch (e) {
      tx.onCommit.pop()
      try {
        await db.execute(t.rollbackTo(name), [], { returnsRows: false }, 'transaction')
      } catch {
        tx.broken = true
      }
      throw e
    }
  }
  // A failure to get a connection (server unreachable, pool exhausted) is an OrmError like any other.
  let conn: PinnedConnection
  try {
    conn = await db.driver.acquire()
  } catch (e) {
    throw errorFor(db, e)
  }
  const state: TransactionState = { depth: 1, savepoints: [], onCommit: [[]], isolationLevel: options.isolationLevel, broken: false }
  const tx = db.pinned(conn, state)
  let broken = false
  let released = false
  const release = (b: boolean) => {
    if (!released) conn.release(b)
    released = true
  }
  try {
    for (const stmt of t.begin({ isolationLevel: options.isolationLevel, writes: options.writes })) {
      await tx.execute(stmt, [], { returnsRows: false }, 'transaction')
    }
    let result: A
    try {
      result = await body(tx)
    } catch (e) {
      try {
        await tx.execute(t.rollback(), [], { returnsRows: false }, 'transaction')
      } catch {
        broken = true
      }
      throw e
    }
    await tx.execute(t.commit(), [], { returnsRows: false }, 'transaction')
    const callbacks = state.onCommit.flat()
    release(false)
    for (const cb of callbacks) await cb()
    return result
  } catch (e) {
    release(broken)
    throw e
  }
}
