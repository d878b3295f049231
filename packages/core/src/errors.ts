// The OrmError tagged union. Every error is also an Error subclass, so it can be thrown through the
// Promise door (`db.run`) and still be matched by `_tag`.

abstract class OrmErrorBase<Tag extends string> extends Error {
  abstract readonly _tag: Tag
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** `get` found no row. */
export class DoesNotExist extends OrmErrorBase<'DoesNotExist'> {
  readonly _tag = 'DoesNotExist' as const
  constructor(
    readonly model: string,
    message = `${model} matching query does not exist.`,
  ) {
    super(message)
  }
}

/** `get` found more than one row. */
export class MultipleObjectsReturned extends OrmErrorBase<'MultipleObjectsReturned'> {
  readonly _tag = 'MultipleObjectsReturned' as const
  constructor(
    readonly model: string,
    readonly found: number | 'more',
  ) {
    super(`get() returned more than one ${model} -- it returned ${found === 'more' ? 'more than 20' : found}!`)
  }
}

/** A bad field path, lookup, alias or expression. Raised before any statement is sent. */
export class FieldError extends OrmErrorBase<'FieldError'> {
  readonly _tag = 'FieldError' as const
  constructor(
    message: string,
    readonly details: { model?: string; part?: string; choices?: readonly string[] } = {},
  ) {
    super(message)
  }
}

/** A value that does not fit its field. Raised before any statement is sent. */
export class ValidationError extends OrmErrorBase<'ValidationError'> {
  readonly _tag = 'ValidationError' as const
  constructor(
    message: string,
    readonly details: { model?: string; field?: string; errors?: Readonly<Record<string, readonly string[]>> } = {},
  ) {
    super(message)
  }
}

/** The database refused a write for a constraint: unique, foreign key, not null, check. */
export class IntegrityError extends OrmErrorBase<'IntegrityError'> {
  readonly _tag = 'IntegrityError' as const
  constructor(
    message: string,
    readonly kind: 'unique' | 'foreignKey' | 'notNull' | 'check' | 'other',
    cause?: unknown,
  ) {
    super(message, { cause })
  }
}

/** A delete blocked by `on_delete=PROTECT`. */
export class ProtectedError extends OrmErrorBase<'ProtectedError'> {
  readonly _tag = 'ProtectedError' as const
  constructor(
    message: string,
    readonly protectedObjects: readonly { model: string; pk: unknown }[],
  ) {
    super(message)
  }
}

/** A delete blocked by `on_delete=RESTRICT`. */
export class RestrictedError extends OrmErrorBase<'RestrictedError'> {
  readonly _tag = 'RestrictedError' as const
  constructor(
    message: string,
    readonly restrictedObjects: readonly { model: string; pk: unknown }[],
  ) {
    super(message)
  }
}

/** Misuse of transactions (e.g. a durable block nested in another). */
export class TransactionManagementError extends OrmErrorBase<'TransactionManagementError'> {
  readonly _tag = 'TransactionManagementError' as const
}

/** Any other failure of the database or the connection; `code` is the vendor's, `cause` the driver's error. */
export class DatabaseError extends OrmErrorBase<'DatabaseError'> {
  readonly _tag = 'DatabaseError' as const
  constructor(
    message: string,
    readonly kind: 'connection' | 'authentication' | 'unknownDatabase' | 'serialization' | 'deadlock' | 'lockTimeout' | 'other' = 'other',
    cause?: unknown,
    readonly code?: string | number,
  ) {
    super(message, { cause })
  }
}

export type OrmError =
  | DoesNotExist
  | MultipleObjectsReturned
  | FieldError
  | ValidationError
  | IntegrityError
  | ProtectedError
  | RestrictedError
  | TransactionManagementError
  | DatabaseError

/** True when `e` is one of Fjord's errors. */
export const isOrmError = (e: unknown): e is OrmError => e instanceof OrmErrorBase

/** Levenshtein distance, for "did you mean" hints. */
const distance = (a: string, b: string): number => {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = tmp
    }
  }
  return prev[b.length]
}

/** The closest choice to `word`, when one is close enough to suggest. */
export const didYouMean = (word: string, choices: readonly string[]): string | undefined => {
  let best: string | undefined
  let bestScore = Number.POSITIVE_INFINITY
  const lower = word.toLowerCase()
  for (const c of choices) {
    const d = distance(lower, c.toLowerCase())
    if (d < bestScore) {
      bestScore = d
      best = c
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}
