// selectRelated: related rows (foreign keys, one-to-ones, reverse one-to-ones) loaded in the same
// statement through joins, nested in each row. INNER JOIN where the relation can't be missing, LEFT
// JOIN where it can (and below any LEFT JOIN).
import {
  type AnyModel,
  type AnyQuerySet,
  type BoundField,
  cloneWith,
  type Compiled,
  columnOf,
  FieldError,
  type PathStep,
  type QuerySet,
  type Reader,
  registerSelectExtension,
  relationStep,
  type Scope,
} from '@fjord/core'
import type { AutoSelected, BadSelectPaths, SelectedRows } from './types.js'

const EXT = 'selectRelated'

type CheckSelect<M, P> = [BadSelectPaths<M, P>] extends [never]
  ? unknown
  : { readonly [K in `not a single-valued relation in selectRelated: ${BadSelectPaths<M, P> & string}`]: never }

/** How far `selectRelated()` without names follows foreign keys (Django's max_depth). */
const MAX_DEPTH = 5

/** Every non-null foreign key (and one-to-one) of a model, followed to MAX_DEPTH levels. */
const nonNullPaths = (model: AnyModel, prefix = '', depth = 0): string[] => {
  if (depth >= MAX_DEPTH) return []
  const out: string[] = []
  for (const bf of model.meta.concreteFields) {
    const rel = bf.field.relation
    if (!rel || rel.kind === 'manyToMany' || bf.field.options.null === true) continue
    const target = rel.target === 'self' ? model : model.meta.registry.get(rel.target)
    const path = prefix ? `${prefix}__${bf.name}` : bf.name
    out.push(path, ...nonNullPaths(target, path, depth + 1))
  }
  return out
}

/**
 * Load the related rows of these relations in the same statement; each row gains them nested
 * (`row.post.author`), null where a nullable relation has no row. Without names, every non-null
 * foreign key is followed (to 5 levels), as Django's `select_related()`.
 * @example pipe(Comment.objects, selectRelated('post', 'post__author'), toArray)
 */
export const selectRelated =
  <const P extends readonly string[]>(...paths: P) =>
  <M, R, A>(
    qs: QuerySet<M, R, A> & CheckSelect<M, P[number]>,
  ): QuerySet<M, R & (P extends readonly [] ? AutoSelected<M> : SelectedRows<M, P[number]>), A> => {
    const before = (qs.ext[EXT] as readonly string[] | undefined) ?? []
    const wanted = paths.length ? paths : nonNullPaths((qs as AnyQuerySet).model)
    const all = [...before, ...wanted.filter((p) => !before.includes(p))]
    return cloneWith(qs as AnyQuerySet, { ext: Object.freeze({ ...qs.ext, [EXT]: Object.freeze(all) }) }) as never
  }

/** The relations selectRelated may follow from a model: forward single-valued fields and reverse one-to-ones. */
const choices = (model: AnyModel): string[] => [
  ...model.meta.fields.filter((f) => f.field.relation && f.field.relation.kind !== 'manyToMany').map((f) => f.name),
  ...model.meta.reverse.filter((r) => r.kind === 'oneToOne').map((r) => r.accessor),
]

/** The step for one selectRelated name, and the key the nested row goes under; Django's errors otherwise. */
const stepFor = (model: AnyModel, name: string): { step: PathStep; key: string } => {
  const bf = model.meta.fieldMap.get(name)
  if (bf && !bf.field.relation) {
    throw new FieldError(`Non-relational field given in selectRelated: '${name}'. Choices are: ${choices(model).join(', ') || '(none)'}.`, {
      model: model.name,
      part: name,
      choices: choices(model),
    })
  }
  const reverse = bf ? undefined : model.meta.reverse.find((r) => r.kind === 'oneToOne' && (r.accessor === name || r.queryName === name))
  const step = (bf && bf.field.relation?.kind !== 'manyToMany') || reverse ? relationStep(model, name) : undefined
  if (!step || step.multiValued) {
    throw new FieldError(`Invalid field name(s) given in selectRelated: '${name}'. Choices are: ${choices(model).join(', ') || '(none)'}.`, {
      model: model.name,
      part: name,
      choices: choices(model),
    })
  }
  return { step, key: reverse ? reverse.accessor : name }
}

/** Every path and the paths it goes through (`post__author` needs `post`), parents first. */
const expand = (paths: readonly string[]): string[] => {
  const out: string[] = []
  for (const p of paths) {
    const parts = p.split('__')
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('__')
      if (!out.includes(prefix)) out.push(prefix)
    }
  }
  return out
}

/**
 * Which fields of the level at `path` only()/defer() keep: with only(), those it names below the path
 * (all of them when it names none there but names a deeper level); with defer(), all but those it names.
 */
const restriction = (qs: AnyQuerySet, path: string): ((bf: BoundField) => boolean) => {
  if (qs.select.kind !== 'rows') return () => true
  const { only, defer } = qs.select
  const prefix = `${path}__`
  const here = (names: readonly string[]) => names.filter((n) => n.startsWith(prefix) && !n.slice(prefix.length).includes('__')).map((n) => n.slice(prefix.length))
  const deferred = new Set(here(defer))
  const under = only?.filter((n) => n.startsWith(prefix)) ?? []
  if ((only && under.length === 0 && !only.includes(path)) || defer.includes(path)) {
    throw new FieldError(`Field ${qs.model.name}.${path.split('__')[0]} cannot be both deferred and traversed using selectRelated at the same time.`, { model: qs.model.name, part: path })
  }
  const named = new Set(here(under))
  // A relation a deeper level goes through stays, so its join has a key.
  const through = new Set(under.map((n) => n.slice(prefix.length).split('__')[0]!))
  const keep = (bf: BoundField, set: ReadonlySet<string>) => set.has(bf.name) || set.has(bf.attname)
  return (bf) => !keep(bf, deferred) && (under.length === 0 || keep(bf, named) || through.has(bf.name))
}

interface Level {
  readonly model: AnyModel
  readonly alias: string
  /** LEFT JOINed (or below a LEFT JOIN): everything joined further must be LEFT too. */
  readonly nullable: boolean
  /** Where its columns go in the row. */
  readonly rowPath: readonly string[]
}

const prepare = (qs: AnyQuerySet, scope: Scope, addColumns: (cols: readonly Compiled[], readers: readonly Reader[]) => void): void => {
  const paths = qs.ext[EXT] as readonly string[]
  scope.ctx.k(`SR${paths.join(',')};`)
  const levels = new Map<string, Level>([['', { model: qs.model, alias: scope.alias, nullable: false, rowPath: [] }]])
  for (const path of expand(paths)) {
    const cut = path.lastIndexOf('__')
    const parent = levels.get(cut < 0 ? '' : path.slice(0, cut))!
    const { step, key } = stepFor(parent.model, cut < 0 ? path : path.slice(cut + 2))
    const alias = scope.join(path, parent.alias, step, parent.nullable)
    const level: Level = { model: step.target, alias, nullable: parent.nullable || step.nullable, rowPath: [...parent.rowPath, key] }
    levels.set(path, level)
    // The primary key first: a NULL there means no related row. only()/defer() of `path__field` narrow the rest.
    const pick = restriction(qs, path)
    const fields = [step.target.meta.pk, ...step.target.meta.concreteFields.filter((f) => !f.primaryKey && pick(f))]
    const cols = fields.map((f) => columnOf(alias, f))
    addColumns(
      cols,
      fields.map((f, i) => ({ key: f.attname, type: cols[i].type, field: f, path: level.rowPath })),
    )
  }
}

registerSelectExtension({
  name: EXT,
  prepare(qs, scope, purpose, addColumns) {
    const paths = qs.ext[EXT] as readonly string[] | undefined
    // As in Django, values() and counting ignore selectRelated.
    if (!paths || paths.length === 0 || purpose !== 'rows' || qs.select.kind !== 'rows') return undefined
    prepare(qs, scope, addColumns)
    return undefined
  },
})
