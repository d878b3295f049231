// Lookups and transforms live in registries (values), so users and backends can add their own.
// A lookup has a name, says how its right-hand side is prepared, and compiles to SQL once.
import { sql } from 'kysely'
import type { Sql } from './dialect.js'
import type { DatePart } from './expressions.js'
import type { Category, FieldType } from './fields.js'
import type { OutputType } from './expressions.js'

/** How a lookup's value becomes parameters. */
export type RhsKind =
  | { readonly kind: 'value' }
  | { readonly kind: 'list' }
  | { readonly kind: 'range' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'pattern'; readonly wrap: (escaped: string) => string }
  | { readonly kind: 'string' }

export interface LookupDef {
  readonly name: string
  /** Categories whose fields have this lookup; '*' for all. */
  readonly categories: readonly Category[] | '*'
  readonly rhs: RhsKind
  /** The default SQL; a backend may override a lookup by name in its Operations. */
  readonly sql: (lhs: Sql, rhs: Sql, type: FieldType | OutputType | undefined) => Sql
}

export interface TransformDef {
  readonly name: string
  readonly categories: readonly Category[]
  /** What the transformed value is. */
  readonly output: { readonly category: Category; readonly type: OutputType }
  readonly kind: { readonly part: DatePart } | { readonly cast: 'date' | 'time' }
}

const esc = sql`'\\'`
const like = (lhs: Sql, rhs: Sql) => sql`${lhs} LIKE ${rhs} ESCAPE ${esc}`
const ilike = (lhs: Sql, rhs: Sql) => sql`UPPER(${lhs}) LIKE UPPER(${rhs}) ESCAPE ${esc}`
const text: readonly Category[] = ['string', 'uuid']
const ordered: Category[] = ['string', 'number', 'bigint', 'decimal', 'date', 'datetime', 'time', 'duration', 'uuid', 'relation', 'boolean']

const lookup = (def: LookupDef): LookupDef => Object.freeze(def)

export const lookupRegistry = new Map<string, LookupDef>(
  [
    lookup({ name: 'exact', categories: '*', rhs: { kind: 'value' }, sql: (l, r) => sql`${l} = ${r}` }),
    lookup({ name: 'iexact', categories: text, rhs: { kind: 'pattern', wrap: (s) => s }, sql: ilike }),
    lookup({ name: 'gt', categories: ordered, rhs: { kind: 'value' }, sql: (l, r) => sql`${l} > ${r}` }),
    lookup({ name: 'gte', categories: ordered, rhs: { kind: 'value' }, sql: (l, r) => sql`${l} >= ${r}` }),
    lookup({ name: 'lt', categories: ordered, rhs: { kind: 'value' }, sql: (l, r) => sql`${l} < ${r}` }),
    lookup({ name: 'lte', categories: ordered, rhs: { kind: 'value' }, sql: (l, r) => sql`${l} <= ${r}` }),
    lookup({ name: 'in', categories: '*', rhs: { kind: 'list' }, sql: (l, r) => sql`${l} IN ${r}` }),
    lookup({ name: 'range', categories: ordered, rhs: { kind: 'range' }, sql: (l, r) => sql`${l} BETWEEN ${r}` }),
    lookup({ name: 'isnull', categories: '*', rhs: { kind: 'boolean' }, sql: (l) => l }),
    lookup({ name: 'contains', categories: text, rhs: { kind: 'pattern', wrap: (s) => `%${s}%` }, sql: like }),
    lookup({ name: 'icontains', categories: text, rhs: { kind: 'pattern', wrap: (s) => `%${s}%` }, sql: ilike }),
    lookup({ name: 'startswith', categories: text, rhs: { kind: 'pattern', wrap: (s) => `${s}%` }, sql: like }),
    lookup({ name: 'istartswith', categories: text, rhs: { kind: 'pattern', wrap: (s) => `${s}%` }, sql: ilike }),
    lookup({ name: 'endswith', categories: text, rhs: { kind: 'pattern', wrap: (s) => `%${s}` }, sql: like }),
    lookup({ name: 'iendswith', categories: text, rhs: { kind: 'pattern', wrap: (s) => `%${s}` }, sql: ilike }),
    lookup({ name: 'regex', categories: text, rhs: { kind: 'string' }, sql: (l, r) => sql`REGEXP_LIKE(${l}, ${r}, 'c')` }),
    lookup({ name: 'iregex', categories: text, rhs: { kind: 'string' }, sql: (l, r) => sql`REGEXP_LIKE(${l}, ${r}, 'i')` }),
  ].map((d) => [d.name, d]),
)

const dateish: Category[] = ['date', 'datetime']
const timeish: Category[] = ['time', 'datetime']
const part = (name: DatePart, categories: Category[]): TransformDef =>
  Object.freeze({ name, categories, output: { category: 'number' as const, type: 'integer' as const }, kind: { part: name } })

export const transformRegistry = new Map<string, TransformDef>(
  [
    part('year', dateish),
    part('isoYear', dateish),
    part('month', dateish),
    part('day', dateish),
    part('week', dateish),
    part('weekDay', dateish),
    part('isoWeekDay', dateish),
    part('quarter', dateish),
    part('hour', timeish),
    part('minute', timeish),
    part('second', timeish),
    Object.freeze({
      name: 'date',
      categories: ['datetime'] as Category[],
      output: { category: 'date' as const, type: 'date' as const },
      kind: { cast: 'date' as const },
    }),
    Object.freeze({
      name: 'time',
      categories: ['datetime'] as Category[],
      output: { category: 'time' as const, type: 'time' as const },
      kind: { cast: 'time' as const },
    }),
  ].map((d) => [d.name, d]),
)

/** Add a lookup (or replace one) for every model. */
export const registerLookup = (def: LookupDef): void => {
  lookupRegistry.set(def.name, Object.freeze(def))
}
/** Add a transform for every model. */
export const registerTransform = (def: TransformDef): void => {
  transformRegistry.set(def.name, Object.freeze(def))
}

export const lookupApplies = (def: LookupDef | TransformDef, category: Category): boolean =>
  def.categories === '*' || def.categories.includes(category)

/** Default LIKE escaping: `%`, `_` and `\` are matched literally. */
export const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`)

/** The category of a field type or an expression's output type. */
export const categoryOf = (type: FieldType | OutputType | undefined): Category => {
  switch (type) {
    case 'char':
    case 'text':
    case 'slug':
    case 'email':
    case 'url':
      return 'string'
    case 'uuid':
      return 'uuid'
    case 'bigInteger':
      return 'bigint'
    case 'decimal':
      return 'decimal'
    case 'boolean':
      return 'boolean'
    case 'date':
      return 'date'
    case 'dateTime':
      return 'datetime'
    case 'time':
      return 'time'
    case 'duration':
      return 'duration'
    case 'json':
      return 'json'
    case 'binary':
      return 'binary'
    case 'foreignKey':
    case 'oneToOne':
      return 'relation'
    case 'manyToMany':
      return 'manyToMany'
    default:
      return 'number'
  }
}
