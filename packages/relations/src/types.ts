// Relations at the type level: which model a path part leads to, from the schema's definitions that
// `schema()` carries on every model (`Model<N, F, D>`). Core resolves paths part by part through the
// `RelationHops` hook this file fills in, only for the keys a program actually writes.
import type { Fields, Model, RelationHop, Row, WithId } from '@fjord/core'

type DefsOf<M> = M extends Model<string, Fields, infer D> ? D : never
type NameOf<M> = M extends Model<infer N, Fields, unknown> ? N : never
type FieldsOfModel<M> = M extends Model<string, infer F, unknown> ? F : never
type SpecOfField<F> = F extends { readonly _S?: infer S } ? S : never

/** The model a schema's definitions `D` name `T`, typed exactly as `schema()` returns it. */
export type ModelNamed<D, T> = T extends keyof D & string
  ? D[T] extends { readonly fields: infer F extends Fields }
    ? Model<T, WithId<F>, D>
    : never
  : never

type TargetOf<M, T> = T extends 'self' ? M : ModelNamed<DefsOf<M>, T>

/** A relation field of M named `Name`, crossed forwards. */
type ForwardHop<M, Name> = Name extends keyof FieldsOfModel<M>
  ? SpecOfField<FieldsOfModel<M>[Name]> extends infer S
    ? S extends { readonly category: 'relation'; readonly target: infer T; readonly null: infer N extends boolean }
      ? RelationHop<TargetOf<M, T>, N, false>
      : S extends { readonly category: 'manyToMany'; readonly target: infer T }
        ? RelationHop<TargetOf<M, T>, true, true>
        : never
    : never
  : never

type Hidden<RN> = RN extends `${string}+` ? true : false
type QueryNameOf<X extends string, S> = S extends { readonly relatedQueryName: infer Q extends string }
  ? Q
  : S extends { readonly relatedName: infer R extends string }
    ? R
    : Uncapitalize<X>
type AccessorOf<X extends string, S> = S extends { readonly relatedName: infer R extends string }
  ? R
  : S extends { readonly relationKind: 'oneToOne' }
    ? Uncapitalize<X>
    : `${Uncapitalize<X>}Set`

/** One reverse relation: model X's field points at the model named N. */
interface ReverseEntry<X extends string, Q extends string, A extends string, Many extends boolean> {
  readonly from: X
  readonly query: Q
  readonly accessor: A
  readonly many: Many
}
type EntryOf<X extends string, S, N extends string> = S extends {
  readonly category: 'relation' | 'manyToMany'
  readonly target: infer T
  readonly relatedName: infer RN
}
  ? Hidden<RN> extends true
    ? never
    : T extends N | (X extends N ? 'self' : never)
      ? S extends { readonly category: 'manyToMany'; readonly symmetrical: infer Sym }
        ? T extends 'self'
          ? Sym extends false
            ? ReverseEntry<X, QueryNameOf<X, S>, AccessorOf<X, S>, true>
            : never
          : ReverseEntry<X, QueryNameOf<X, S>, AccessorOf<X, S>, true>
        : ReverseEntry<X, QueryNameOf<X, S>, AccessorOf<X, S>, S extends { readonly relationKind: 'oneToOne' } ? false : true>
      : never
  : never

/** Every reverse relation onto the model named N in the definitions D. */
type ReverseEntries<D, N extends string> = {
  [X in keyof D & string]: D[X] extends { readonly fields: infer F }
    ? { [K in keyof F & string]: EntryOf<X, SpecOfField<F[K]>, N> }[keyof F & string]
    : never
}[keyof D & string]

/** A reverse relation of M named `Name` (by its query name, or by its accessor). */
export type ReverseHop<M, Name, By extends 'query' | 'accessor' = 'query'> =
  Extract<ReverseEntries<DefsOf<M>, NameOf<M>>, { readonly [P in By]: Name }> extends infer E
    ? E extends ReverseEntry<infer X, string, string, infer Many>
      ? RelationHop<ModelNamed<DefsOf<M>, X>, true, Many>
      : never
    : never

/** The relation a part named `Name` crosses from M, in lookups. */
export type LookupHop<M, Name> = ForwardHop<M, Name> | ReverseHop<M, Name, 'query'>

declare module '@fjord/core' {
  interface RelationHops<M, Name extends string> {
    readonly relations: LookupHop<M, Name>
  }
}

// ---------------------------------------------------------------------------------------------
// loading related rows: what selectRelated and prefetchRelated add to rows

type Simplify<T> = { [K in keyof T]: T[K] } & {}
type Crossed<H> = [H] extends [never] ? 'no relation' : H

/** A relation that loads one row (foreign key, one-to-one, reverse one-to-one by its accessor): selectRelated follows these. */
export type SingleHop<M, Name> = Extract<ForwardHop<M, Name> | ReverseHop<M, Name, 'accessor'>, { readonly many: false }>
/** Any relation by the name rows carry it under (field name, or reverse accessor): prefetchRelated follows these. */
export type LoadHop<M, Name> = ForwardHop<M, Name> | ReverseHop<M, Name, 'accessor'>

type Head<P> = P extends `${infer H}__${string}` ? H : P
type TailsOf<P, H extends string> = P extends `${H}__${infer T}` ? T : never

/** Paths of P that don't name a chain of single-row relations from M. */
export type BadSelectPaths<M, P, D extends unknown[] = [1, 1, 1, 1, 1, 1, 1]> = P extends `${infer H}__${infer T}`
  ? Crossed<SingleHop<M, H>> extends RelationHop<infer To>
    ? D extends [unknown, ...infer Rest]
      ? BadSelectPaths<To, T, Rest> extends never
        ? never
        : P
      : P
    : P
  : Crossed<SingleHop<M, P>> extends RelationHop
    ? never
    : P

/** The nested rows selectRelated adds for the paths P (null where the relation may find no row). */
export type SelectedRows<M, P extends string> = {
  readonly [H in Head<P>]: Crossed<SingleHop<M, H>> extends RelationHop<infer To, infer N>
    ? Simplify<Row<To> & SelectedRows<To, TailsOf<P, H>>> | (N extends true ? null : never)
    : never
}

// ---------------------------------------------------------------------------------------------
// related rows of one row: related(), addRelated() and friends

type FieldRelationNames<M> = {
  [K in keyof FieldsOfModel<M> & string]: SpecOfField<FieldsOfModel<M>[K]> extends { readonly category: 'relation' | 'manyToMany' } ? K : never
}[keyof FieldsOfModel<M> & string]
type ReverseAccessors<M> = ReverseEntries<DefsOf<M>, NameOf<M>> extends infer E ? (E extends { readonly accessor: infer A } ? A : never) : never

/** The names `related()` takes for M: relation fields, and reverse relations by accessor. */
export type RelatedName<M> = FieldRelationNames<M> | ReverseAccessors<M>
/** The multi-valued relations of M (many-to-many fields, reverse foreign keys and many-to-manys). */
export type ManyName<M> = { [N in RelatedName<M>]: LoadHop<M, N> extends RelationHop<unknown, boolean, true> ? N : never }[RelatedName<M>]

type NonNullRelations<M> = {
  [K in keyof FieldsOfModel<M> & string]: SpecOfField<FieldsOfModel<M>[K]> extends { readonly category: 'relation'; readonly null: false } ? K : never
}[keyof FieldsOfModel<M> & string]

/** What `selectRelated()` without names adds: every non-null foreign key, followed to 5 levels (Django's). */
export type AutoSelected<M, D extends unknown[] = [1, 1, 1, 1, 1]> = D extends [unknown, ...infer Rest]
  ? { readonly [K in NonNullRelations<M>]: ForwardHop<M, K> extends RelationHop<infer To> ? Simplify<Row<To> & AutoSelected<To, Rest>> : never }
  : {}
