// Field descriptors: immutable values that say how a column is stored, validated and typed.
// The type parameter S carries, at the type level only, what a row holds for the field.

/** The family of lookups and transforms a field's values support. */
export type Category =
  | 'string'
  | 'number'
  | 'bigint'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'time'
  | 'duration'
  | 'uuid'
  | 'json'
  | 'binary'
  | 'relation'
  | 'manyToMany'

export type FieldType =
  | 'char'
  | 'text'
  | 'slug'
  | 'email'
  | 'url'
  | 'integer'
  | 'smallInteger'
  | 'bigInteger'
  | 'positiveInteger'
  | 'positiveSmallInteger'
  | 'positiveBigInteger'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'dateTime'
  | 'time'
  | 'duration'
  | 'uuid'
  | 'json'
  | 'binary'
  | 'auto'
  | 'bigAuto'
  | 'foreignKey'
  | 'oneToOne'
  | 'manyToMany'

/** What a field contributes to the types: the value, nullability, whether `create` may omit it, primary key. */
export interface FieldSpec {
  readonly value: unknown
  readonly null: boolean
  readonly optional: boolean
  readonly pk: boolean
  readonly category: Category
}

export type Choice<T> = T | readonly [T, string]

export interface BaseOptions<T> {
  readonly null?: boolean
  readonly blank?: boolean
  readonly default?: T | (() => T)
  readonly unique?: boolean
  readonly dbIndex?: boolean
  readonly dbColumn?: string
  readonly choices?: readonly Choice<T>[]
  readonly primaryKey?: boolean
  readonly editable?: boolean
  readonly verboseName?: string
  readonly helpText?: string
}

/** Relation metadata; filled in by @fjord/relations, understood by core's path resolver and collector. */
export interface RelationInfo {
  readonly kind: 'foreignKey' | 'oneToOne' | 'manyToMany'
  readonly target: string
  readonly onDelete?: OnDelete
  readonly relatedName?: string
  readonly relatedQueryName?: string
  readonly toField?: string
  readonly through?: string
  readonly throughFields?: readonly [string, string]
  readonly symmetrical?: boolean
  readonly dbConstraint?: boolean
}

export type OnDelete =
  | 'CASCADE'
  | 'PROTECT'
  | 'RESTRICT'
  | 'SET_NULL'
  | 'SET_DEFAULT'
  | 'DO_NOTHING'
  | { readonly kind: 'SET'; readonly value: unknown }

/** An unbound field descriptor, as written in `model({...})`. */
export interface Field<S extends FieldSpec = FieldSpec> {
  readonly _tag: 'Field'
  readonly type: FieldType
  readonly category: Category
  readonly options: BaseOptions<unknown> & {
    readonly maxLength?: number
    readonly maxDigits?: number
    readonly decimalPlaces?: number
    readonly autoNow?: boolean
    readonly autoNowAdd?: boolean
  }
  readonly relation?: RelationInfo
  /** Phantom: never present at run time. */
  readonly _S?: S
}

export type AnyField = Field<FieldSpec>

type IsTrue<B> = [B] extends [true] ? true : false
type HasDefault<O> = O extends { readonly default: unknown } ? ([O['default']] extends [undefined] ? false : true) : false
type Or<A extends boolean, B extends boolean> = A extends true ? true : B

/** The spec of a field built from options `O` over values `T`. */
export type SpecOf<T, C extends Category, O, ForceOptional extends boolean = false> = {
  readonly value: T
  readonly null: IsTrue<O extends { readonly null?: infer N } ? N : false>
  readonly optional: Or<
    Or<ForceOptional, IsTrue<O extends { readonly null?: infer N } ? N : false>>,
    Or<HasDefault<O>, Or<IsTrue<O extends { autoNow?: infer A } ? A : false>, IsTrue<O extends { autoNowAdd?: infer A } ? A : false>>>
  >
  readonly pk: IsTrue<O extends { readonly primaryKey?: infer P } ? P : false>
  readonly category: C
}

const make = <S extends FieldSpec>(type: FieldType, category: Category, options: object, relation?: RelationInfo): Field<S> =>
  Object.freeze({
    _tag: 'Field',
    type,
    category,
    options: Object.freeze({ ...options }),
    ...(relation ? { relation: Object.freeze({ ...relation }) } : {}),
  }) as Field<S>

export interface CharOptions extends BaseOptions<string> {
  readonly maxLength: number
}
export interface StringOptions extends BaseOptions<string> {
  readonly maxLength?: number
}
export type IntOptions = BaseOptions<number>
export interface DecimalOptions extends BaseOptions<string> {
  readonly maxDigits: number
  readonly decimalPlaces: number
}
export interface DateOptions<T> extends BaseOptions<T> {
  readonly autoNow?: boolean
  readonly autoNowAdd?: boolean
}

/** Field constructors, one per Django field type. */
export const f = {
  char: <const O extends CharOptions>(o: O) => make<SpecOf<string, 'string', O>>('char', 'string', o),
  text: <const O extends BaseOptions<string> = {}>(o: O = {} as O) => make<SpecOf<string, 'string', O>>('text', 'string', o),
  slug: <const O extends StringOptions = {}>(o: O = {} as O) =>
    make<SpecOf<string, 'string', O>>('slug', 'string', { maxLength: 50, dbIndex: true, ...o }),
  email: <const O extends StringOptions = {}>(o: O = {} as O) =>
    make<SpecOf<string, 'string', O>>('email', 'string', { maxLength: 254, ...o }),
  url: <const O extends StringOptions = {}>(o: O = {} as O) =>
    make<SpecOf<string, 'string', O>>('url', 'string', { maxLength: 200, ...o }),
  integer: <const O extends IntOptions = {}>(o: O = {} as O) => make<SpecOf<number, 'number', O>>('integer', 'number', o),
  smallInteger: <const O extends IntOptions = {}>(o: O = {} as O) =>
    make<SpecOf<number, 'number', O>>('smallInteger', 'number', o),
  positiveInteger: <const O extends IntOptions = {}>(o: O = {} as O) =>
    make<SpecOf<number, 'number', O>>('positiveInteger', 'number', o),
  positiveSmallInteger: <const O extends IntOptions = {}>(o: O = {} as O) =>
    make<SpecOf<number, 'number', O>>('positiveSmallInteger', 'number', o),
  bigInteger: <const O extends BaseOptions<bigint> = {}>(o: O = {} as O) =>
    make<SpecOf<bigint, 'bigint', O>>('bigInteger', 'bigint', o),
  float: <const O extends IntOptions = {}>(o: O = {} as O) => make<SpecOf<number, 'number', O>>('float', 'number', o),
  decimal: <const O extends DecimalOptions>(o: O) => make<SpecOf<string, 'decimal', O>>('decimal', 'decimal', o),
  boolean: <const O extends BaseOptions<boolean> = {}>(o: O = {} as O) =>
    make<SpecOf<boolean, 'boolean', O>>('boolean', 'boolean', o),
  date: <const O extends DateOptions<string> = {}>(o: O = {} as O) => make<SpecOf<string, 'date', O>>('date', 'date', o),
  dateTime: <const O extends DateOptions<Date> = {}>(o: O = {} as O) =>
    make<SpecOf<Date, 'datetime', O>>('dateTime', 'datetime', o),
  time: <const O extends DateOptions<string> = {}>(o: O = {} as O) => make<SpecOf<string, 'time', O>>('time', 'time', o),
  duration: <const O extends IntOptions = {}>(o: O = {} as O) =>
    make<SpecOf<number, 'duration', O>>('duration', 'duration', o),
  uuid: <const O extends BaseOptions<string> = {}>(o: O = {} as O) => make<SpecOf<string, 'uuid', O>>('uuid', 'uuid', o),
  json: <const O extends BaseOptions<unknown> = {}>(o: O = {} as O) => make<SpecOf<unknown, 'json', O>>('json', 'json', o),
  binary: <const O extends BaseOptions<Uint8Array> = {}>(o: O = {} as O) =>
    make<SpecOf<Uint8Array, 'binary', O>>('binary', 'binary', o),
  auto: <const O extends IntOptions = {}>(o: O = {} as O) =>
    make<SpecOf<number, 'number', O & { readonly primaryKey: true }, true>>('auto', 'number', { primaryKey: true, ...o }),
  bigAuto: <const O extends IntOptions = {}>(o: O = {} as O) =>
    make<SpecOf<number, 'number', O & { readonly primaryKey: true }, true>>('bigAuto', 'number', { primaryKey: true, ...o }),
} as const

/** Build a field descriptor of any type; used by other packages (relations) to add field kinds. */
export const makeField = make

export const isAutoField = (field: AnyField): boolean => field.type === 'auto' || field.type === 'bigAuto'

/** Integer ranges as Django's backends define them. */
export const INTEGER_RANGES: Partial<Record<FieldType, readonly [number, number]>> = {
  smallInteger: [-32768, 32767],
  positiveSmallInteger: [0, 32767],
  integer: [-2147483648, 2147483647],
  positiveInteger: [0, 2147483647],
  auto: [1, 2147483647],
  bigAuto: [1, Number.MAX_SAFE_INTEGER],
}
export const BIGINT_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const
