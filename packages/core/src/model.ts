// Models: `model(fields, meta)` describes one; `schema({...})` names, binds and validates them all.
import { FieldError } from './errors.js'
import { type AnyField, type Field, type FieldSpec, f, isAutoField } from './fields.js'
import { lowerCamel, snakeCase } from './naming.js'
import type { AnyQuerySet, QuerySet } from './queryset.js'
import { makeQuerySet } from './queryset.js'
import type { Row } from './types.js'

export type Fields = Readonly<Record<string, AnyField>>

export interface Index {
  readonly fields: readonly string[]
  readonly name?: string
  readonly unique?: boolean
}
export type Constraint =
  | { readonly kind: 'unique'; readonly fields: readonly string[]; readonly name: string; readonly condition?: unknown }
  | { readonly kind: 'check'; readonly check: unknown; readonly name: string }

export interface MetaOptions<F extends Fields = Fields> {
  readonly dbTable?: string
  readonly ordering?: readonly string[]
  readonly uniqueTogether?: readonly (readonly (keyof F & string)[])[]
  readonly indexes?: readonly Index[]
  readonly constraints?: readonly Constraint[]
  /** How a row reads as text (Django's __str__); the row is typed from the model's fields. */
  readonly str?: (row: Row<Model<string, WithId<F>>>) => string
  readonly getLatestBy?: string | readonly string[]
  readonly abstract?: boolean
  readonly verboseName?: string
}

/** An unnamed model definition, as written inside `schema({...})`. */
export interface ModelDef<F extends Fields = Fields> {
  readonly _tag: 'ModelDef'
  readonly fields: F
  readonly meta: MetaOptions
}

/** A field bound to its model: name, attribute name on rows, and column. */
export interface BoundField {
  readonly name: string
  /** Key on rows (`postId` for a foreign key `post`). */
  readonly attname: string
  readonly column: string
  readonly field: AnyField
  readonly model: string
  readonly primaryKey: boolean
  /** Stored in this model's table (a many-to-many is not). */
  readonly concrete: boolean
}

/** The other side of a relation, added to the target model by `schema()`. */
export interface ReverseRelation {
  /** Accessor for `prefetchRelated`/`related` (`commentSet`, or `relatedName`). */
  readonly accessor: string
  /** Name in lookups (`comment`, `relatedQueryName` or `relatedName`). */
  readonly queryName: string
  readonly fromModel: string
  readonly fromField: string
  readonly kind: 'foreignKey' | 'oneToOne' | 'manyToMany'
}

export interface ModelMeta {
  readonly name: string
  readonly table: string
  readonly fields: readonly BoundField[]
  readonly concreteFields: readonly BoundField[]
  readonly fieldMap: ReadonlyMap<string, BoundField>
  readonly pk: BoundField
  readonly ordering: readonly string[]
  readonly uniqueTogether: readonly (readonly string[])[]
  readonly indexes: readonly Index[]
  readonly constraints: readonly Constraint[]
  readonly str?: (row: never) => string
  readonly getLatestBy?: readonly string[]
  readonly reverse: readonly ReverseRelation[]
  readonly registry: Registry
}

export interface Registry {
  readonly models: ReadonlyMap<string, AnyModel>
  get(name: string): AnyModel
}

type IsPk<F> = F extends Field<infer S> ? S['pk'] : false
type HasPk<F extends Fields> = true extends { [K in keyof F]: IsPk<F[K]> }[keyof F] ? true : false
type IdField = Field<{ value: number; null: false; optional: true; pk: true; category: 'number' }>

/** The fields of a model definition, with the implicit `id` when no field is the primary key. */
export type WithId<F extends Fields> = HasPk<F> extends true ? F : { readonly id: IdField } & F

/**
 * A model bound by `schema()`. `M['objects']` is the QuerySet of every row. `D` is, at the type level
 * only, the record of definitions the schema was made from, so relation targets named by a string can
 * be resolved to their models (`unknown` for a model typed without its schema).
 */
export interface Model<N extends string = string, F extends Fields = Fields, D = unknown> {
  readonly _tag: 'Model'
  readonly name: N
  readonly fields: F
  readonly meta: ModelMeta
  readonly objects: QuerySet<Model<N, F, D>, Row<Model<N, F, D>>>
  /** Phantom: never present at run time. */
  readonly _D?: D
}
export type AnyModel = Model<string, Fields>

/** Describe a model: its fields and its Meta options. */
export const model = <const F extends Fields>(fields: F, meta: MetaOptions<F> = {}): ModelDef<F> =>
  Object.freeze({ _tag: 'ModelDef', fields: Object.freeze({ ...fields }), meta: Object.freeze({ ...meta }) as MetaOptions })

export type SchemaResult<R extends Record<string, ModelDef>> = {
  readonly [K in keyof R & string]: Model<K, WithId<R[K]['fields']>, R>
}

/** Hooks other packages register to take part in `schema()` (relations add reverse names and join tables). */
export interface SchemaHook {
  /** Called once all models exist; returns reverse relations to add, by target model. */
  reverse?(registry: Registry): ReadonlyMap<string, readonly ReverseRelation[]>
}
const schemaHooks: SchemaHook[] = []
export const registerSchemaHook = (hook: SchemaHook): void => {
  schemaHooks.push(hook)
}

const owners = new WeakMap<BoundField, AnyModel>()
/** The model a bound field belongs to. */
export const fieldOwner = (bf: BoundField): AnyModel | undefined => owners.get(bf)

/**
 * The key a row stands for where a relation (or a primary key) is expected: the target's key field
 * (its `toField`, else its primary key), else the field's own model's primary key, else `pk`/`id`.
 * Anything but a row is returned as it is.
 */
export const relatedKey = (bf: BoundField, value: unknown): unknown => {
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array || Array.isArray(value)) return value
  const o = value as Record<string, unknown>
  const rel = bf.field.relation
  const owner = owners.get(bf)
  if (rel && rel.kind !== 'manyToMany' && owner) {
    const target = rel.target === 'self' ? owner : owner.meta.registry.models.get(rel.target)
    const key = target && (rel.toField ? target.meta.fieldMap.get(rel.toField) : target.meta.pk)
    if (key && key.attname in o) return o[key.attname]
  }
  if (bf.primaryKey && bf.attname in o) return o[bf.attname]
  if ('pk' in o) return o.pk
  if ('id' in o) return o.id
  return value
}

const bindField = (modelName: string, name: string, field: AnyField): BoundField => {
  const isFk = field.relation !== undefined && field.relation.kind !== 'manyToMany'
  const attname = isFk ? `${name}Id` : name
  const column = field.options.dbColumn ?? snakeCase(attname)
  return Object.freeze({
    name,
    attname,
    column,
    field,
    model: modelName,
    primaryKey: field.options.primaryKey === true,
    concrete: field.relation?.kind !== 'manyToMany',
  })
}

/**
 * Name, bind and validate models. Returns frozen models keyed as given.
 * @example const { Post } = schema({ Post: model({ title: f.char({ maxLength: 100 }) }) })
 */
export const schema = <const R extends Record<string, ModelDef>>(defs: R): SchemaResult<R> => {
  const models = new Map<string, AnyModel>()
  const registry: Registry = {
    models,
    get(name) {
      const m = models.get(name)
      if (!m) throw new FieldError(`Unknown model '${name}'`, { choices: [...models.keys()] })
      return m
    },
  }
  const metas = new Map<string, { -readonly [K in keyof ModelMeta]: ModelMeta[K] }>()
  for (const [name, def] of Object.entries(defs)) {
    if (def?._tag !== 'ModelDef') throw new FieldError(`schema(): '${name}' is not a model(...) definition`)
    const entries = Object.entries(def.fields)
    const pks = entries.filter(([, fd]) => fd.options.primaryKey === true)
    if (pks.length > 1) {
      throw new FieldError(`${name}: a model can't have more than one primary key (${pks.map(([n]) => n).join(', ')})`, {
        model: name,
      })
    }
    for (const [fname, fd] of entries) {
      if (isAutoField(fd) && fd.options.primaryKey !== true) {
        throw new FieldError(`${name}.${fname}: AutoFields must set primaryKey=true.`, { model: name, part: fname })
      }
      if (fname.includes('__')) throw new FieldError(`${name}.${fname}: field names must not contain "__".`)
      if (fname === 'pk') throw new FieldError(`${name}: 'pk' is a reserved word that cannot be used as a field name.`)
    }
    const all: [string, AnyField][] = pks.length === 0 ? [['id', f.bigAuto()], ...entries] : entries
    const fields = all.map(([fname, fd]) => bindField(name, fname, fd))
    const fieldMap = new Map<string, BoundField>()
    for (const bf of fields) fieldMap.set(bf.name, bf)
    const latest = def.meta.getLatestBy
    const meta = {
      name,
      table: def.meta.dbTable ?? snakeCase(name),
      fields,
      concreteFields: fields.filter((x) => x.concrete),
      fieldMap,
      pk: fields.find((x) => x.primaryKey) as BoundField,
      ordering: def.meta.ordering ?? [],
      uniqueTogether: def.meta.uniqueTogether ?? [],
      indexes: def.meta.indexes ?? [],
      constraints: def.meta.constraints ?? [],
      str: def.meta.str,
      getLatestBy: latest === undefined ? undefined : typeof latest === 'string' ? [latest] : latest,
      reverse: [] as ReverseRelation[],
      registry,
    }
    metas.set(name, meta)
    const m = { _tag: 'Model', name, fields: Object.fromEntries(all), meta } as unknown as {
      -readonly [K in keyof AnyModel]: AnyModel[K]
    }
    m.objects = makeQuerySet(m as AnyModel) as AnyModel['objects']
    for (const bf of fields) owners.set(bf, m as AnyModel)
    models.set(name, m as AnyModel)
  }
  // Relation targets must exist; relations resolve 'self'.
  for (const [name, meta] of metas) {
    for (const bf of meta.fields) {
      const rel = bf.field.relation
      if (rel && rel.target !== 'self' && !models.has(rel.target)) {
        throw new FieldError(`${name}.${bf.name} refers to model '${rel.target}', which is not in this schema.`, {
          model: name,
          part: bf.name,
          choices: [...models.keys()],
        })
      }
    }
  }
  for (const hook of schemaHooks) {
    const added = hook.reverse?.(registry)
    if (!added) continue
    for (const [target, rels] of added) (metas.get(target)?.reverse as ReverseRelation[] | undefined)?.push(...rels)
  }
  for (const [name, meta] of metas) {
    const taken = new Map<string, string>()
    for (const bf of meta.fields) taken.set(bf.name, `field ${name}.${bf.name}`)
    for (const r of meta.reverse) {
      for (const key of new Set([r.accessor, r.queryName])) {
        const clash = taken.get(key)
        if (clash) {
          throw new FieldError(
            `Reverse name '${key}' for ${r.fromModel}.${r.fromField} clashes with ${clash}. Add or change relatedName.`,
            { model: name, part: key },
          )
        }
        taken.set(key, `reverse relation from ${r.fromModel}.${r.fromField}`)
      }
    }
    Object.freeze(meta.reverse)
    Object.freeze(meta)
  }
  for (const m of models.values()) Object.freeze(m)
  return Object.fromEntries(models) as SchemaResult<R>
}

/** The reverse query name for a model, as Django derives it. */
export const defaultQueryName = (modelName: string): string => lowerCamel(modelName)

export type { AnyQuerySet }
