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

/** The spec of a relation field to model `T` (a name, or 'self'). */
export interface RelationSpec<T extends string, N extends boolean, D extends boolean, K extends 'foreignKey' | 'oneToOne'> {
  readonly value: number
  readonly null: N
  readonly optional: D extends true ? true : N
  readonly pk: false
  readonly category: 'relation'
  readonly target: T
  readonly relationKind: K
}

/**
 * A many-to-one relation, stored as `<name>_id` and read as `<name>Id`.
 * @example post: foreignKey('Post', { onDelete: 'CASCADE' })
 */
export const foreignKey = <const T extends string, const O extends ForeignKeyOptions>(target: T, options: O) =>
  makeField<RelationSpec<T, NullOf<O>, HasDefault<O>, 'foreignKey'>>('foreignKey', 'relation', options, {
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
  makeField<RelationSpec<T, NullOf<O>, HasDefault<O>, 'oneToOne'>>('oneToOne', 'relation', { ...options, unique: true }, {
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

export interface ManyToManySpec<T extends string> {
  readonly value: never
  readonly null: false
  readonly optional: true
  readonly pk: false
  readonly category: 'manyToMany'
  readonly target: T
}

/** A many-to-many relation through a join table (automatic, or a `through` model). */
export const manyToMany = <const T extends string, const O extends ManyToManyOptions = {}>(target: T, options: O = {} as O): Field<ManyToManySpec<T>> =>
  makeField<ManyToManySpec<T>>('manyToMany', 'manyToMany', { dbTable: options.dbTable }, {
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
