// selectForUpdate: lock the selected rows until the transaction ends.
import {
  type AnyQuerySet,
  beforeFetchHooks,
  cloneWith,
  FieldError,
  registerSelectExtension,
  TransactionManagementError,
} from '@fjord/core'

export interface ForUpdateOptions {
  /** Fail at once instead of waiting for a lock. */
  readonly nowait?: boolean
  /** Leave out rows locked by others. */
  readonly skipLocked?: boolean
  /** Lock only these tables' rows (relation names, or 'self'). */
  readonly of?: readonly string[]
  /** FOR NO KEY UPDATE (PostgreSQL). */
  readonly noKey?: boolean
}

const KEY = 'forUpdate'

/**
 * SELECT … FOR UPDATE: only inside `atomic` (elsewhere a TransactionManagementError); SQLite ignores
 * it, as Django does.
 * @example pipe(Account.objects, filter({ pk }), selectForUpdate(), get())
 */
export const selectForUpdate =
  (options: ForUpdateOptions = {}) =>
  <Q extends AnyQuerySet>(qs: Q): Q =>
    cloneWith(qs, { ext: Object.freeze({ ...qs.ext, [KEY]: Object.freeze({ ...options }) }) }) as unknown as Q

beforeFetchHooks.push((db, qs) => {
  if (qs.ext[KEY] && !db.transaction) {
    throw new TransactionManagementError('selectForUpdate cannot be used outside of a transaction.')
  }
})

registerSelectExtension({
  name: KEY,
  prepare(qs, scope, purpose) {
    const o = qs.ext[KEY] as ForUpdateOptions | undefined
    if (!o || purpose === 'in' || purpose === 'scalar') return undefined
    const f = scope.ctx.dialect.features
    scope.ctx.k(`FU${o.nowait ? 'n' : ''}${o.skipLocked ? 's' : ''}${o.noKey ? 'k' : ''}${o.of?.join(',') ?? ''}`)
    if (!f.hasSelectForUpdate) return undefined
    if (o.nowait && o.skipLocked) throw new FieldError('The nowait option cannot be used with skipLocked.')
    if (o.nowait && !f.hasSelectForUpdateNowait) throw new FieldError(`${scope.ctx.dialect.name} has no SELECT … FOR UPDATE NOWAIT.`)
    if (o.skipLocked && !f.hasSelectForUpdateSkipLocked) throw new FieldError(`${scope.ctx.dialect.name} has no SELECT … FOR UPDATE SKIP LOCKED.`)
    const of = o.of?.map((name) => (name === 'self' ? scope.alias : (scope.joins.get(name)?.alias ?? name)))
    if (of && !f.hasSelectForUpdateOf) throw new FieldError(`${scope.ctx.dialect.name} has no SELECT … FOR UPDATE OF.`)
    return (q) => {
      let out = o.noKey && f.hasSelectForNoKeyUpdate ? q.forNoKeyUpdate() : of ? q.forUpdate(of as never) : q.forUpdate()
      if (o.nowait) out = out.noWait()
      if (o.skipLocked) out = out.skipLocked()
      return out
    }
  },
})
