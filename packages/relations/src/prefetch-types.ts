// What prefetchRelated adds to rows, at the type level: one entry per first name of the lookups, an
// array for multi-valued relations, a row (or null) for single-valued ones, nested for longer paths.
import type { ResultOf, Row } from '@fjord/core'
import type { Prefetch } from './prefetch.js'
import type { LoadHop } from './types.js'
import type { RelationHop } from '@fjord/core'

/** A lookup given to prefetchRelated: a path of relation names, or a Prefetch. */
export type PrefetchLookup = string | Prefetch<string, unknown, string | undefined>

type Simplify<T> = { [K in keyof T]: T[K] } & {}
type Crossed<H> = [H] extends [never] ? 'no relation' : H
type Head<P> = P extends `${infer H}__${string}` ? H : P
type ReplaceLast<P, T extends string> = P extends `${infer H}__${infer R}` ? `${H}__${ReplaceLast<R, T>}` : T

/** The path of attribute names a lookup fills (a Prefetch's `toAttr` renames its last part). */
type NamePath<L> = L extends string ? L : L extends Prefetch<infer Lk, unknown, infer T> ? (T extends string ? ReplaceLast<Lk, T> : Lk) : never
/** The relation crossed under attribute H by the lookups L. */
type RelationAt<L, H> = L extends string
  ? Head<L> extends H
    ? H
    : never
  : L extends Prefetch<infer Lk>
    ? Head<NamePath<L>> extends H
      ? Head<Lk>
      : never
    : never
/** The QuerySet a Prefetch gives for exactly the attribute H. */
type QueryAt<L, H> = L extends Prefetch<string, infer Q> ? (NamePath<L> extends H ? ([Q] extends [undefined] ? never : Q) : never) : never
/** The rest of each lookup below attribute H. */
type TailsAt<L, H extends string> = L extends string
  ? L extends `${H}__${infer T}`
    ? T
    : never
  : L extends Prefetch<infer Lk, infer Q, infer T>
    ? NamePath<L> extends `${H}__${string}`
      ? Lk extends `${string}__${infer Rest}`
        ? Prefetch<Rest, Q, T>
        : never
      : never
    : never

type Element<To, L, H extends string> = Simplify<([QueryAt<L, H>] extends [never] ? Row<To> : ResultOf<QueryAt<L, H>>) & Prefetched<To, TailsAt<L, H>>>

/** What the lookups L add to the rows of M. */
export type Prefetched<M, L> = {
  readonly [H in Head<NamePath<L>>]: Crossed<LoadHop<M, RelationAt<L, H>>> extends RelationHop<infer To, infer N, infer Many>
    ? Many extends true
      ? Element<To, L, H>[]
      : Element<To, L, H> | (N extends true ? null : never)
    : never
}

/** Attribute paths of the lookups that name no relation to prefetch from M (reported in the compile error). */
export type BadPrefetch<M, All, D extends unknown[] = [1, 1, 1, 1]> = BadAt<M, All, Head<NamePath<All>>, D>
type BadAt<M, All, H, D extends unknown[]> = H extends string
  ? Crossed<LoadHop<M, RelationAt<All, H>>> extends RelationHop<infer To>
    ? [TailsAt<All, H>] extends [never]
      ? never
      : D extends [unknown, ...infer Rest extends unknown[]]
        ? BadAt<To, TailsAt<All, H>, Head<NamePath<TailsAt<All, H>>>, Rest> extends infer B
          ? [B] extends [never]
            ? never
            : `${H}__${B & string}`
          : never
        : never
    : H
  : never
