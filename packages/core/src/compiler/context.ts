// The compile context: one traversal of a QuerySet yields the shape key, the parameter values in
// order, and lazy builders for the SQL. On a cache hit only the key and the values are used.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { Dialect, Sql } from '../dialect.js'
import type { OutputType } from '../expressions.js'
import type { FieldType } from '../fields.js'
import type { AnyModel, BoundField } from '../model.js'

/** A parameter's place in the value list; replaced by the value when a plan runs. */
export class Slot {
  constructor(readonly index: number) {}
}

/** A lazily built SQL fragment. */
export type Frag = () => Sql

/** A compiled expression: its SQL, its type, and whether it holds an aggregate. */
export interface Compiled {
  readonly frag: Frag
  readonly type: FieldType | OutputType | undefined
  readonly field?: BoundField
  /** The table alias, when this is a plain column of a table (GROUP BY can then keep just the key). */
  readonly alias?: string
  /** Reached through a LEFT JOIN: NULL where there is no related row, even for a NOT NULL column. */
  readonly outerJoined?: boolean
  readonly aggregate: boolean
  /** Columns inside an aggregate expression that are not aggregated (`Sum('age') + F('age')`): GROUP BY needs them. */
  readonly groupBy?: readonly Compiled[]
  /** A window function (filtering on it needs a wrapping query). */
  readonly window?: boolean
  /** Always true / always false (e.g. `in: []`), so the statement can be skipped. */
  readonly constant?: boolean
  /** A condition (EXISTS, a Q as an expression): where a backend can't select one, it is selected as CASE WHEN … THEN 1 ELSE 0. */
  readonly condition?: boolean
}

let modelIds = new WeakMap<AnyModel, number>()
let nextModelId = 1
/** A number that tells models apart in shape keys (two schemas may reuse a name). */
export const modelId = (m: AnyModel): number => {
  let id = modelIds.get(m)
  if (id === undefined) {
    id = nextModelId++
    modelIds.set(m, id)
  }
  return id
}
export const resetModelIds = (): void => {
  modelIds = new WeakMap()
}

export class Ctx {
  key = ''
  readonly values: unknown[] = []
  private aliasCounter = 0
  constructor(
    readonly dialect: Dialect,
    /** The compile-only Kysely instance of the Db being compiled for. */
    readonly kyselyRef: Kysely<any>,
  ) {}

  /** Append structure to the shape key. */
  k(part: string): void {
    this.key += part
  }

  /** A bound parameter holding `value` (already converted for the driver). */
  param(value: unknown): Frag {
    const index = this.values.length
    this.values.push(value)
    this.key += '?'
    return () => sql.val(new Slot(index))
  }

  /** A fresh alias for a subquery's table. */
  alias(prefix: string): string {
    this.aliasCounter++
    return `${prefix}${this.aliasCounter}`
  }
}

export const TRUE: Compiled = Object.freeze({ frag: () => sql`1 = 1`, type: 'boolean', aggregate: false, constant: true })
export const FALSE: Compiled = Object.freeze({ frag: () => sql`1 = 0`, type: 'boolean', aggregate: false, constant: false })

export const joinSql = (parts: readonly Frag[], sep: string): Frag => () => sql.join(parts.map((p) => p()), sql.raw(sep))

export const ref = (alias: string, column: string): Frag => () => sql.ref(`${alias}.${column}`)

export type { RawBuilder }
