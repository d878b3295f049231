// @fjord/transaction: atomic with savepoints, onCommit, selectForUpdate, retrying.
export { atomic, inAtomicBlock, onCommit } from './atomic.js'
export { selectForUpdate } from './for-update.js'
export type { ForUpdateOptions } from './for-update.js'
export { retrying } from './retrying.js'
export type { RetryOptions } from './retrying.js'
