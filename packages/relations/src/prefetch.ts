// prefetchRelated: related rows loaded by one extra statement per level, whatever the number of
// parents, and attached to each parent (an array, or a row for single-valued relations).
import {
  afterFetchHooks,
  type AnyModel,
  type AnyQuerySet,
  cloneWith,
  type Db,
  FieldError,
  type QuerySet,
} from '@fjord/core'
import { hiddenReverseName, joinTableOf } from './m2m.js'
import { fetchKeyed } from './prefetch-query.js'
import type { BadPrefetch, Prefetched, PrefetchLookup } from './prefetch-types.js'

const EXT = 'prefetchRelated'

/**
 * A prefetch with its own QuerySet (filtered, ordered, with selectRelated…, sliced: the slice is taken
 * of each parent's rows) and/or another attribute name.
 */
export interface Prefetch<L extends string = string, Q = unknown, T extends string | undefined = string | undefined> {
  readonly _tag: 'Prefetch'
  readonly lookup: L
  readonly queryset: Q | undefined
  readonly toAttr: T
}

/**
 * A prefetch lookup with a custom QuerySet and/or the attribute the rows go to.
 * @example Prefetch('commentSet', { queryset: pipe(Comment.objects, filter({ approved: true })), toAttr: 'approved' })
 * @example Prefetch('commentSet', { queryset: pipe(Comment.objects, orderBy('-id'), slice(0, 3)), toAttr: 'latest' }) // three per post
 */
export const Prefetch = <const L extends string, Q extends AnyQuerySet | undefined = undefined, const T extends string | undefined = undefined>(
  lookup: L,
  options: { readonly queryset?: Q; readonly toAttr?: T } = {},
): Prefetch<L, Q, T> => {
  const qs = options.queryset as AnyQuerySet | undefined
  if (qs && qs.select.kind !== 'rows') throw new FieldError('Prefetch querysets cannot use values() or valuesList().')
  return Object.freeze({ _tag: 'Prefetch', lookup, queryset: options.queryset, toAttr: options.toAttr as T })
}

type CheckPrefetch<M, L> = [BadPrefetch<M, L>] extends [never]
  ? unknown
  : { readonly [K in `not a relation to prefetch: ${BadPrefetch<M, L> & string}`]: never }

/**
 * Load related rows in one extra statement per level and attach them to every row
 * (`post.commentSet`, `comment.post`, `Prefetch(…, { toAttr })`).
 * @example pipe(Post.objects, prefetchRelated('commentSet__author', Prefetch('tags', { queryset: pipe(Tag.objects, orderBy('name')) })), toArray)
 */
export const prefetchRelated =
  <const L extends readonly PrefetchLookup[]>(...lookups: L) =>
  <M, R, A>(qs: QuerySet<M, R, A> & CheckPrefetch<M, L[number]>): QuerySet<M, R & Prefetched<M, L[number]>, A> => {
    const before = (qs.ext[EXT] as readonly PrefetchLookup[] | undefined) ?? []
    return cloneWith(qs as AnyQuerySet, { ext: Object.freeze({ ...qs.ext, [EXT]: Object.freeze([...before, ...lookups]) }) }) as never
  }

/** How rows of one model reach their related rows by one name. */
interface Load {
  readonly target: AnyModel
  /** One related row (or null) per parent, rather than an array. */
  readonly single: boolean
  /** The parent rows' attribute holding the key the related rows are matched on. */
  readonly parentKey: string
  /** The path, from the related model, whose value is that key (filtered with `__in`, selected as the match key). */
  readonly childPath: string
}

/** The relation named `name` on `model`, as prefetchRelated follows it (fields by name, reverse relations by accessor). */
const loadFor = (model: AnyModel, name: string, lookup: string): Load => {
  const bf = model.meta.fieldMap.get(name)
  if (bf) {
    const rel = bf.field.relation
    if (!rel) {
      throw new FieldError(`'${lookup}' does not resolve to an item that supports prefetching - this is an invalid parameter to prefetchRelated().`, {
        model: model.name,
        part: name,
      })
    }
    if (rel.kind === 'manyToMany') {
      const jt = joinTableOf(model, bf)
      return { target: jt.target, single: false, parentKey: jt.sourceKey.attname, childPath: hiddenReverseName(jt) }
    }
    const target = rel.target === 'self' ? model : model.meta.registry.get(rel.target)
    return { target, single: true, parentKey: bf.attname, childPath: rel.toField ?? 'pk' }
  }
  const r = model.meta.reverse.find((x) => x.accessor === name)
  if (!r) {
    throw new FieldError(`Cannot find '${name}' on ${model.name} object, '${lookup}' is an invalid parameter to prefetchRelated().`, {
      model: model.name,
      part: name,
    })
  }
  const source = model.meta.registry.get(r.fromModel)
  const field = source.meta.fieldMap.get(r.fromField)!
  if (r.kind === 'manyToMany') {
    const jt = joinTableOf(source, field)
    return { target: source, single: false, parentKey: jt.targetKey.attname, childPath: field.name }
  }
  const toField = field.field.relation?.toField
  const key = toField ? model.meta.fieldMap.get(toField)! : model.meta.pk
  return { target: source, single: r.kind === 'oneToOne', parentKey: key.attname, childPath: field.name }
}

type Obj = Record<string, unknown>

/** The rows reached at one level (the parents of the next). */
interface Level {
  readonly model: AnyModel
  readonly objects: readonly Obj[]
  readonly queryset: AnyQuerySet | undefined
}

const flatten = (values: readonly unknown[]): Obj[] => {
  const out: Obj[] = []
  for (const v of values) {
    if (Array.isArray(v)) for (const x of v) out.push(x as Obj)
    else if (v !== null && v !== undefined) out.push(v as Obj)
  }
  return out
}

/** Keys as Map keys (bigints by value). */
const mapKey = (k: unknown): unknown => (typeof k === 'bigint' ? `${k}n` : k)

/** Fetch the related rows of `parents` through `load` and attach them under `attr`. */
const loadLevel = async (db: Db, parents: readonly Obj[], load: Load, attr: string, queryset: AnyQuerySet | undefined): Promise<Obj[]> => {
  const seen = new Set<unknown>()
  const keys: unknown[] = []
  for (const p of parents) {
    const k = p[load.parentKey]
    if (k === null || k === undefined) continue
    const mk = mapKey(k)
    if (!seen.has(mk)) {
      seen.add(mk)
      keys.push(k)
    }
  }
  const base = queryset ?? (load.target.objects as AnyQuerySet)
  if (base.model !== load.target) {
    throw new FieldError(`The Prefetch queryset for '${attr}' must be a QuerySet of ${load.target.name}, not ${base.model.name}.`)
  }
  const { rows, matchKeys } = keys.length ? await fetchKeyed(db, base, load.childPath, keys) : { rows: [], matchKeys: [] }
  const groups = new Map<unknown, Obj[]>()
  for (let i = 0; i < rows.length; i++) {
    const mk = mapKey(matchKeys[i])
    const g = groups.get(mk)
    if (g) g.push(rows[i] as Obj)
    else groups.set(mk, [rows[i] as Obj])
  }
  for (const p of parents) {
    const k = p[load.parentKey]
    const group = k === null || k === undefined ? undefined : groups.get(mapKey(k))
    p[attr] = load.single ? (group?.[0] ?? null) : group ? [...group] : []
  }
  // The related QuerySet's own prefetches run once over every related row of this level.
  if (rows.length) for (const hook of afterFetchHooks) await hook(db, base, rows as unknown[])
  return rows as Obj[]
}

const lookupOf = (l: PrefetchLookup): { path: string; queryset: AnyQuerySet | undefined; toAttr: string | undefined } =>
  typeof l === 'string' ? { path: l, queryset: undefined, toAttr: undefined } : { path: l.lookup, queryset: l.queryset as AnyQuerySet | undefined, toAttr: l.toAttr }

/** Run the prefetch lookups over fetched rows: one statement per level (more only past the parameter limit). */
export const prefetchRows = async (db: Db, model: AnyModel, rows: readonly Obj[], lookups: readonly PrefetchLookup[]): Promise<void> => {
  const done = new Map<string, Level>([['', { model, objects: rows, queryset: undefined }]])
  for (const raw of lookups) {
    const { path, queryset, toAttr } = lookupOf(raw)
    const parts = path.split('__')
    let at = ''
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1
      const attr = last && toAttr ? toAttr : parts[i]
      const to = at ? `${at}__${attr}` : attr
      const parent = done.get(at)!
      const prior = done.get(to)
      if (prior) {
        if (last && queryset && prior.queryset !== queryset) {
          throw new FieldError(`'${to}' lookup was already seen with a different queryset. You may need to adjust the ordering of your lookups.`)
        }
        at = to
        continue
      }
      const objects = parent.objects
      if (objects.length === 0) {
        done.set(to, { model: parent.model, objects: [], queryset: last ? queryset : undefined })
        at = to
        continue
      }
      const load = loadFor(parent.model, parts[i], path)
      // Rows that already hold the relation (selectRelated) are reused, as Django does.
      const fetched = !queryset && objects.every((o) => attr in o)
      const children = fetched ? flatten(objects.map((o) => o[attr])) : await loadLevel(db, objects, load, attr, last ? queryset : undefined)
      done.set(to, { model: load.target, objects: children, queryset: last ? queryset : undefined })
      at = to
    }
  }
}

afterFetchHooks.push(async (db, qs, rows) => {
  const lookups = qs.ext[EXT] as readonly PrefetchLookup[] | undefined
  if (!lookups || lookups.length === 0 || rows.length === 0 || qs.select.kind !== 'rows') return
  await prefetchRows(db, qs.model, rows as Obj[], lookups)
})

