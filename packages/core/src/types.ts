// Types derived from model descriptors: rows, inserts, lookup keys and their value types.
import type { Expression } from './expressions.js'
import type { Field, FieldSpec } from './fields.js'
import type { AnyModel, Model } from './model.js'
import type { AnyQuerySet } from './queryset.js'

export type SpecOf<F> = F extends Field<infer S> ? S : never
export type FieldsOf<M> = M extends Model<string, infer F, any> ? F : never
export type ValueOfSpec<S extends FieldSpec> = S['null'] extends true ? S['value'] | null : S['value']

type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** Field names that live in the model's table (not many-to-many). */
export type ConcreteNames<M> = {
  [K in keyof FieldsOf<M> & string]: SpecOf<FieldsOf<M>[K]>['category'] extends 'manyToMany' ? never : K
}[keyof FieldsOf<M> & string]

/** Key of a field on rows: `postId` for a foreign key `post`. */
export type AttName<K extends string, F> = SpecOf<F>['category'] extends 'relation' ? `${K}Id` : K

/** What a query returns for model M: every concrete field by its attribute name. */
export type Row<M> = Simplify<{
  readonly [K in ConcreteNames<M> as AttName<K, FieldsOf<M>[K]>]: ValueOfSpec<SpecOf<FieldsOf<M>[K]>>
}>

/** A related row or its primary key, accepted wherever a relation is written. */
export type RelationInput = number | string | bigint | { readonly [k: string]: unknown }

type InsertValue<F> = SpecOf<F>['category'] extends 'relation' ? RelationInput | (SpecOf<F>['null'] extends true ? null : never) : ValueOfSpec<SpecOf<F>>
type RequiredNames<M> = {
  [K in ConcreteNames<M>]: SpecOf<FieldsOf<M>[K]>['optional'] extends true
    ? never
    : SpecOf<FieldsOf<M>[K]>['category'] extends 'relation'
      ? never
      : K
}[ConcreteNames<M>]
type RelationNames<M> = {
  [K in ConcreteNames<M>]: SpecOf<FieldsOf<M>[K]>['category'] extends 'relation' ? K : never
}[ConcreteNames<M>]

/** What `create` takes: defaults, auto fields and nullable fields may be left out; a relation by row or id. */
export type Insert<M> = Simplify<
  { readonly [K in RequiredNames<M>]: InsertValue<FieldsOf<M>[K]> } & {
    readonly [K in Exclude<ConcreteNames<M>, RequiredNames<M>>]?: InsertValue<FieldsOf<M>[K]>
  } & { readonly [K in RelationNames<M> as `${K}Id`]?: RelationInput | null }
>

/** A partial set of field values, as `update` and `save` take them. */
export type Patch<M> = {
  readonly [K in ConcreteNames<M> as K | AttName<K, FieldsOf<M>[K]>]?: InsertValue<FieldsOf<M>[K]> | Expression
}

// ---------------------------------------------------------------------------------------------
// lookups

type Val<T> = T | Expression
type Common<T> = {
  '': Val<T> | null
  exact: Val<T> | null
  in: readonly T[] | AnyQuerySet
  gt: Val<T>
  gte: Val<T>
  lt: Val<T>
  lte: Val<T>
  range: readonly [Val<T>, Val<T>]
  isnull: boolean
}
type StringLookups = {
  iexact: Val<string> | null
  contains: Val<string>
  icontains: Val<string>
  startswith: Val<string>
  istartswith: Val<string>
  endswith: Val<string>
  iendswith: Val<string>
  regex: string
  iregex: string
}
type Prefixed<P extends string, T> = {
  [K in keyof T & string as K extends '' ? P : `${P}__${K}`]: T[K]
}
type Transforms<Parts extends string, T> = { [P in Parts]: Prefixed<P, Common<T>> }[Parts]
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

type DateParts = 'year' | 'isoYear' | 'month' | 'day' | 'week' | 'weekDay' | 'isoWeekDay' | 'quarter'
type TimeParts = 'hour' | 'minute' | 'second'

/** Suffix → value type, for a field of category C whose values are T. '' is the bare field. */
export type LookupTable<C, T> = Common<T> &
  (C extends 'string' | 'uuid' ? StringLookups : unknown) &
  (C extends 'date' ? UnionToIntersection<Transforms<DateParts, number>> : unknown) &
  (C extends 'time' ? UnionToIntersection<Transforms<TimeParts, number>> : unknown) &
  (C extends 'datetime'
    ? UnionToIntersection<Transforms<DateParts | TimeParts, number>> &
        Prefixed<'date', Common<string>> &
        Prefixed<'time', Common<string>>
    : unknown) &
  (C extends 'json' ? { contains: unknown; hasKey: string } : unknown)

type Entries<Name extends string, C, T> = {
  [L in keyof LookupTable<C, T> & string]: [L extends '' ? Name : `${Name}__${L}`, LookupTable<C, T>[L]]
}[keyof LookupTable<C, T> & string]

type FieldEntries<M> = {
  [K in ConcreteNames<M>]: SpecOf<FieldsOf<M>[K]>['category'] extends 'relation'
    ?
        | Entries<K, 'number', RelationInput>
        | Entries<`${K}Id`, 'number', RelationInput>
        | Entries<`${K}_id`, 'number', RelationInput>
    : Entries<K, SpecOf<FieldsOf<M>[K]>['category'], SpecOf<FieldsOf<M>[K]>['value']>
}[ConcreteNames<M>]

type PkName<M> = {
  [K in ConcreteNames<M>]: SpecOf<FieldsOf<M>[K]>['pk'] extends true ? K : never
}[ConcreteNames<M>]
type PkEntries<M> = Entries<'pk', SpecOf<FieldsOf<M>[PkName<M>]>['category'], SpecOf<FieldsOf<M>[PkName<M>]>['value']>

type CategoryOfValue<T> = [T] extends [string]
  ? 'string'
  : [T] extends [number]
    ? 'number'
    : [T] extends [Date]
      ? 'datetime'
      : [T] extends [boolean]
        ? 'boolean'
        : 'other'
type AnnotationEntries<A> = {
  [K in keyof A & string]: Entries<K, CategoryOfValue<NonNullable<A[K]>>, NonNullable<A[K]>>
}[keyof A & string]

/** Extra path entries that other packages add (relations: lookups across relations). */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by other packages
export interface LookupExtensions<M, Depth extends unknown[]> {}

type AllEntries<M, A> = FieldEntries<M> | PkEntries<M> | AnnotationEntries<A>

// ---------------------------------------------------------------------------------------------
// paths across relations: resolved part by part, only for the keys actually written

/** A relation crossed by one part of a path: the model it leads to, whether the join may find no row, and whether it finds many. */
export interface RelationHop<T = unknown, Nullable extends boolean = boolean, Many extends boolean = boolean> {
  readonly model: T
  readonly nullable: Nullable
  readonly many: Many
}

/**
 * The relation a path part `Name` crosses from model M, as other packages compute it (relations:
 * foreign keys, one-to-ones, many-to-manys and their reverse names); `never` when it names none.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by other packages
export interface RelationHops<M, Name extends string> {}

/** The hop a lookup part crosses from M, or never. */
export type HopOf<M, Name extends string> = RelationHops<M, Name>[keyof RelationHops<M, Name>]

/** How many relations a typed path may cross (the run time has no limit). */
type MaxHops = [1, 1, 1, 1]

type Idx<T, K> = K extends keyof T ? T[K] : never

/** A relation compared as a value (`comment: 3`, `tags__in: [1, 2]`): the related row's key. */
type RelationKeyLookups = LookupTable<'number', RelationInput>

/** The value type of a lookup key that crosses relations (`post__title__icontains`), or never. */
export type PathLookupValue<M, K extends string, D extends unknown[] = MaxHops> = K extends `${infer H}__${infer R}`
  ? Crossed<HopOf<M, H>> extends RelationHop<infer T>
    ? R extends keyof Lookup<T>
      ? Exclude<Idx<Lookup<T>, R>, undefined>
      : R extends keyof RelationKeyLookups
        ? RelationKeyLookups[R]
        : D extends [unknown, ...infer Rest]
          ? PathLookupValue<T, R, Rest>
          : never
    : never
  : Crossed<HopOf<M, K>> extends RelationHop
    ? RelationKeyLookups['']
    : never

/** The value at the end of a field path across relations (`post__title`), wrapped as `[V]`; never when it names nothing. */
export type PathValue<M, P extends string, D extends unknown[] = MaxHops> = P extends `${infer H}__${infer R}`
  ? Crossed<HopOf<M, H>> extends RelationHop<infer T, infer N>
    ? R extends FieldName<T>
      ? [ValueOfName<T, {}, R> | (N extends true ? null : never)]
      : D extends [unknown, ...infer Rest]
        ? Unwrapped<PathValue<T, R, Rest>> extends [infer V]
          ? [V | (N extends true ? null : never)]
          : never
        : never
    : never
  : Crossed<HopOf<M, P>> extends RelationHop<infer T>
    ? [Row<T>[PkName<T> & keyof Row<T>] | null]
    : never

/** A wrapped path value, or a marker that no `[V]` pattern matches (never would match them all). */
type Unwrapped<P> = [P] extends [never] ? 'no path' : P

/** A hop, or a value no hop matches (never would match every pattern in a conditional type). */
type Crossed<H> = [H] extends [never] ? 'no relation' : H

/** Names of K that are neither fields of M (or annotations) nor paths across relations. */
export type UnknownPaths<M, A, K> = K extends FieldName<M, A> ? never : K extends string ? ([PathValue<M, K>] extends [never] ? K : never) : K

/** A lookup object for model M (with annotations A): `{ title__icontains: 'x', pubDate__year: 2023 }`. */
export type Lookup<M, A = {}> = {
  readonly [E in AllEntries<M, A> as E[0]]?: E[1]
} & LookupExtensionsOf<M>
type LookupExtensionsOf<M> = keyof LookupExtensions<M, []> extends never
  ? unknown
  : UnionToIntersection<LookupExtensions<M, []>[keyof LookupExtensions<M, []>]>

/** Names that can be ordered by, with an optional leading '-'. */
export type OrderKey<M, A = {}> =
  | OrderName<M, A>
  | `-${OrderName<M, A>}`
  | '?'
type OrderName<M, A> = ConcreteNames<M> | RowKey<M> | 'pk' | (keyof A & string)
type RowKey<M> = keyof Row<M> & string

/** Names accepted by `values`/`valuesList`/`only`/`defer`. */
export type FieldName<M, A = {}> = ConcreteNames<M> | RowKey<M> | 'pk' | (keyof A & string)

type ValueOfName<M, A, K> = K extends keyof A
  ? A[K]
  : K extends 'pk'
    ? Row<M>[PkName<M> & keyof Row<M>]
    : K extends keyof Row<M>
      ? Row<M>[K]
      : K extends ConcreteNames<M>
        ? Row<M>[AttName<K, FieldsOf<M>[K]> & keyof Row<M>]
        : K extends string
          ? Unwrapped<PathValue<M, K>> extends [infer V]
            ? V
            : never
          : never

/** The object `values(...names)` gives. */
export type ValuesRow<M, A, K extends readonly string[]> = K extends readonly []
  ? Simplify<Row<M> & A>
  : Simplify<{ readonly [P in K[number]]: ValueOfName<M, A, P> }>
/** The tuple `valuesList(...names)` gives. */
export type ValuesTuple<M, A, K extends readonly string[]> = { readonly [I in keyof K]: ValueOfName<M, A, K[I]> }

// ---------------------------------------------------------------------------------------------
// aggregates typed from the model they are applied to

/**
 * The result type of an aggregate function, by the function's name, as the package defining it
 * types it once the model is known: `V` is the value at the aggregate's path (a field, an annotation
 * or a path across relations), `T` the aggregate's own type (nullable unless it has a `default`).
 * A function not listed keeps `T`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by other packages
export interface AggregateResults<V, T> {}

/** An aggregate's marker, `_aggregate: { fn, path }`: the function and the path it reads, or never. */
type AggregateMark<E> = E extends { readonly _aggregate?: infer G } ? Extract<G, { readonly fn: string; readonly path: string }> : never

/** The path an aggregate reads (`authors__age`), or never when it reads an expression. */
export type AggregatePath<E> = AggregateMark<E> extends { readonly path: infer P extends string } ? (string extends P ? never : P) : never

type AggregateValue<M, A, E, T> = AggregateMark<E> extends { readonly fn: infer Fn; readonly path: infer P extends string }
  ? string extends P
    ? T
    : Fn extends keyof AggregateResults<unknown, T>
      ? (ValueOfName<M, A, P> extends infer V ? ([V] extends [never] ? TransformValue<P> : V) : never) extends infer V
        ? [V] extends [never]
          ? T
          : unknown extends V
            ? T
            : AggregateResults<V, T>[Fn]
        : never
      : T
  : T

/**
 * The value an expression gives on the rows of model M (with annotations A): an aggregate over a
 * path is typed from the value it reads (`Sum` of a decimal is a string), anything else by its own type.
 */
export type ExpressionValue<M, A, E> = E extends Expression<infer T> ? ([AggregateMark<E>] extends [never] ? T : AggregateValue<M, A, E, T>) : never

/** The transforms core defines, and what they give: a date or time part is a number, `date`/`time` a string. */
type TransformOutput = { readonly [P in DateParts | TimeParts]: number } & { readonly date: string; readonly time: string }
type TransformName = keyof TransformOutput
/** The value of a path ending in a transform (`pubDate__year`), or never. */
type TransformValue<K> = { [T in TransformName]: K extends `${string}__${T}` ? TransformOutput[T] : never }[TransformName]
/** The path under a trailing transform (`pubDate__year` → `pubDate`), or never. */
type Untransformed<K> = { [T in TransformName]: K extends `${infer P}__${T}` ? P : never }[TransformName]

/**
 * Paths of K that an aggregate can't read on M (with annotations A): neither a field, an
 * annotation, a path across relations, nor one of these followed by transforms (`pubDate__year`).
 */
export type UnknownAggregatePaths<M, A, K, D extends unknown[] = [1, 1]> = K extends FieldName<M, A>
  ? never
  : K extends string
    ? [PathValue<M, K>] extends [never]
      ? [Untransformed<K>] extends [never]
        ? K
        : D extends [unknown, ...infer Rest]
          ? [UnknownAggregatePaths<M, A, Untransformed<K>, Rest>] extends [never]
            ? never
            : K
          : K
      : never
    : K

/**
 * A row with some fields left out (`defer`) or kept (`only`); the primary key always stays. `R` is the
 * row before: what it holds beyond the model's fields (selectRelated's related rows) stays, narrowed
 * by the `relation__field` names.
 */
export type OnlyRow<M, A, K extends string, R = Row<M>> = Simplify<
  Pick<Row<M>, (Head<K> | AttNames<M, Head<K>> | PkAttName<M>) & keyof Row<M>> & A & NarrowRelated<Omit<R, keyof Row<M>>, K, 'only'>
>
export type DeferRow<M, A, K extends string, R = Row<M>> = Simplify<
  Omit<Row<M>, Exclude<K | AttNames<M, K>, PkAttName<M>>> & A & NarrowRelated<Omit<R, keyof Row<M>>, K, 'defer'>
>
/** `author__name` → `author`. */
type Head<K> = K extends `${infer H}__${string}` ? H : K
/** The names below relation `P` (`author__name` → `name` for `author`). */
type Sub<K, P extends string> = K extends `${P}__${infer Rest}` ? Rest : never
/** The keys of T that names reach below (related rows to narrow in turn). */
type Deep<T, K> = { [P in keyof T]: P extends string ? ([Sub<K, P>] extends [never] ? never : P) : never }[keyof T]
type Narrow<T, K, How> = T extends null
  ? null
  : Simplify<
      (How extends 'only'
        ? Pick<T, Exclude<(Head<K> | `${Head<K> & string}Id` | 'id') & keyof T, Deep<T, K>>>
        : Omit<T, (K | `${K & string}Id` | Deep<T, K>) & keyof T>) & { readonly [P in Deep<T, K> & keyof T]: Narrow<T[P], Sub<K, P & string>, How> }
    >
type NarrowRelated<E, K, How extends 'only' | 'defer'> = {
  readonly [P in keyof E]: P extends string ? ([Sub<K, P>] extends [never] ? E[P] : Narrow<E[P], Sub<K, P>, How>) : E[P]
}
type AttNames<M, K> = K extends ConcreteNames<M> ? AttName<K, FieldsOf<M>[K]> : never
type PkAttName<M> = AttName<PkName<M>, FieldsOf<M>[PkName<M>]>

export type { AnyModel }
