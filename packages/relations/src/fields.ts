// Relation fields: foreignKey, oneToOne, manyToMany, and the SET(value) on_delete.
import { type BaseOptions, type Field, makeField, type OnDelete } from '@fjord/core'

export interface ForeignKeyOptions extends Omit<BaseOptions<unknown>, 'primaryKey' | 'choices'> {
  readonly onDelete: OnDelete
  readonly relatedName?: string
  readonly relatedQueryName?: string
  readonly toField?: string
  readonly dbConstraint?: boolean
  readonly primaryKey?: boolean
}

type IsTrue<B> = [B] extends [true] ? true : false
type NullOf<O> = IsTrue<O extends { readonly null?: infer N } ? N : false>
type HasDefault<O> = O extends { readonly default: unknown } ? true : false
/** A string option as its literal type, or undefined when it is not given. */
type StrOf<O, K extends string> = O extends { readonly [P in K]?: infer V } ? (V extends string ? V : undefined) : undefined
type BoolOf<O, K extends string> = O extends { readonly [P in K]?: infer V } ? (V extends boolean ? V : undefined) : undefined

/**
 * The spec of a relation field to model `T` (a name, or 'self'). The reverse names ride along at the
 * type level so lookups and loading can follow the relation from the other side.
 */
export interface RelationSpec<
  T extends string,
  N extends boolean,
  D extends boolean,
  K extends 'foreignKey' | 'oneToOne',
  RN extends string | undefined = undefined,
  RQN extends string | undefined = undefined,
> {
  readonly value: number
  readonly null: N
  readonly optional: D extends true ? true : N
  readonly pk: false
  readonly category: 'relation'
  readonly target: T
  readonly relationKind: K
  readonly relatedName: RN
  readonly relatedQueryName: RQN
}

/**
 * A many-to-one relation, stored as `<name>_id` and read as `<name>Id`.
 * @example post: foreignKey('Post', { onDelete: 'CASCADE' })
 */
export const foreignKey = <const T extends string, const O extends ForeignKeyOptions>(target: T, options: O) =>
  makeField<RelationSpec<T, NullOf<O>, HasDefault<O>, 'foreignKey', StrOf<O, 'relatedName'>, StrOf<O, 'relatedQueryName'>>>('foreignKey', 'relation', options, {
    kind: 'foreignKey',
    target,
    onDelete: options.onDelete,
    relatedName: options.relatedName,
    relatedQueryName: options.relatedQueryName,
    toField: options.toField,
    dbConstraint: options.dbConstraint,
  })

/** A one-to-one relation: a unique foreign key; the reverse side is a single row. */
export const oneToOne = <const T extends string, const O extends ForeignKeyOptions>(target: T, options: O) =>
  makeField<RelationSpec<T, NullOf<O>, HasDefault<O>, 'oneToOne', StrOf<O, 'relatedName'>, StrOf<O, 'relatedQueryName'>>>('oneToOne', 'relation', { ...options, unique: true }, {
    kind: 'oneToOne',
    target,
    onDelete: options.onDelete,
    relatedName: options.relatedName,
    relatedQueryName: options.relatedQueryName,
    toField: options.toField,
    dbConstraint: options.dbConstraint,
  })

export interface ManyToManyOptions {
  readonly relatedName?: string
  readonly relatedQueryName?: string
  readonly through?: string
  readonly throughFields?: readonly [string, string]
  readonly symmetrical?: boolean
  readonly dbTable?: string
}

export interface ManyToManySpec<
  T extends string,
  RN extends string | undefined = undefined,
  RQN extends string | undefined = undefined,
  S extends boolean | undefined = undefined,
> {
  readonly value: never
  readonly null: false
  readonly optional: true
  readonly pk: false
  readonly category: 'manyToMany'
  readonly target: T
  readonly relatedName: RN
  readonly relatedQueryName: RQN
  readonly symmetrical: S
}

type M2mSpecOf<T extends string, O> = ManyToManySpec<T, StrOf<O, 'relatedName'>, StrOf<O, 'relatedQueryName'>, BoolOf<O, 'symmetrical'>>

/** A many-to-many relation through a join table (automatic, or a `through` model). */
export const manyToMany = <const T extends string, const O extends ManyToManyOptions = {}>(target: T, options: O = {} as O): Field<M2mSpecOf<T, O>> =>
  makeField<M2mSpecOf<T, O>>('manyToMany', 'manyToMany', { dbTable: options.dbTable }, {
    kind: 'manyToMany',
    target,
    relatedName: options.relatedName,
    relatedQueryName: options.relatedQueryName,
    through: options.through,
    throughFields: options.throughFields,
    symmetrical: options.symmetrical,
  })

/** on_delete=SET(value): set the foreign key to `value` (or the result of a function). */
export const SET = (value: unknown): OnDelete => Object.freeze({ kind: 'SET' as const, value })
