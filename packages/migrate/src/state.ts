// Migration state: the models as a plain, comparable value (Django's ProjectState / ModelState).
// A state is what the migration files add up to; `render` turns it back into bound models, so the DDL
// of a state comes from the same code as `createTables`.
import { type AnyField, type AnyModel, type Constraint, type Index, model, type ModelDef, schema, snakeCase } from '@fjord/core'

/** Model options that migrations track (the rest of Meta is behaviour, not schema). */
export interface ModelOptions {
  /** The table, when it is not the default one derived from the model's name. */
  readonly dbTable?: string
  readonly ordering?: readonly string[]
  readonly uniqueTogether?: readonly (readonly string[])[]
  readonly indexes?: readonly Index[]
  readonly constraints?: readonly Constraint[]
}

/** One model in a state: its fields in order (the primary key included) and its options. */
export interface ModelState {
  readonly name: string
  readonly fields: Readonly<Record<string, AnyField>>
  readonly options: ModelOptions
}

/** Every model of a state, by name. */
export type ProjectState = Readonly<Record<string, ModelState>>

export const emptyState: ProjectState = Object.freeze({})

/** The table a model state maps to. */
export const tableOf = (m: ModelState): string => m.options.dbTable ?? snakeCase(m.name)

const clean = (o: ModelOptions): ModelOptions => {
  const out: Record<string, unknown> = {}
  if (o.dbTable !== undefined) out.dbTable = o.dbTable
  if (o.ordering?.length) out.ordering = o.ordering
  if (o.uniqueTogether?.length) out.uniqueTogether = o.uniqueTogether
  if (o.indexes?.length) out.indexes = o.indexes
  if (o.constraints?.length) out.constraints = o.constraints
  return Object.freeze(out) as ModelOptions
}

/** A model state, frozen, with empty options left out. */
export const modelState = (name: string, fields: Readonly<Record<string, AnyField>>, options: ModelOptions = {}): ModelState =>
  Object.freeze({ name, fields: Object.freeze({ ...fields }), options: clean(options) })

/** The state of bound models (the result of `schema()`, or a list of them). */
export const stateFromModels = (input: readonly AnyModel[] | Readonly<Record<string, AnyModel>>): ProjectState => {
  const models = Array.isArray(input) ? input : Object.values(input as Record<string, AnyModel>)
  const out: Record<string, ModelState> = {}
  for (const m of models) {
    const meta = m.meta
    out[m.name] = modelState(m.name, m.fields, {
      dbTable: meta.table === snakeCase(m.name) ? undefined : meta.table,
      ordering: meta.ordering,
      uniqueTogether: meta.uniqueTogether,
      indexes: meta.indexes,
      constraints: meta.constraints,
    })
  }
  return Object.freeze(out)
}

const rendered = new WeakMap<ProjectState, Readonly<Record<string, AnyModel>>>()

/** Bind a state's models with `schema()` (cached per state value). */
export const render = (state: ProjectState): Readonly<Record<string, AnyModel>> => {
  const hit = rendered.get(state)
  if (hit) return hit
  const defs: Record<string, ModelDef> = {}
  for (const m of Object.values(state)) {
    defs[m.name] = model(m.fields, {
      dbTable: tableOf(m),
      ordering: m.options.ordering,
      uniqueTogether: m.options.uniqueTogether as never,
      indexes: m.options.indexes,
      constraints: m.options.constraints,
    })
  }
  const models = schema(defs) as unknown as Readonly<Record<string, AnyModel>>
  rendered.set(state, models)
  return models
}

/** The bound model of one state model. */
export const renderModel = (state: ProjectState, name: string): AnyModel => {
  const m = render(state)[name]
  if (!m) throw new Error(`No model '${name}' in the migration state`)
  return m
}

// comparison ----------------------------------------------------------------------------------------

/** Marks a value that only code can give (a function default, SET(fn)); such values compare equal. */
export const CALLABLE = '<callable>'

/** A value as plain JSON-able data, for comparing states (functions, dates, bigints and bytes made comparable). */
export const plain = (v: unknown): unknown => {
  if (typeof v === 'function') return CALLABLE
  if (typeof v === 'bigint') return { $bigint: v.toString() }
  if (v instanceof Date) return { $date: v.toISOString() }
  if (v instanceof Uint8Array) return { $bytes: Array.from(v) }
  if (Array.isArray(v)) return v.map(plain)
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>
    // Conditions and expressions are classes holding a frozen node.
    if ('node' in o && Object.keys(o).length === 1) return { $node: plain(o.node) }
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = plain(o[k])
    return out
  }
  return v
}

/** A field as comparable data: its type, options and relation. */
export const deconstruct = (field: AnyField): unknown => plain({ type: field.type, options: field.options, relation: field.relation })

export const sameField = (a: AnyField, b: AnyField): boolean => JSON.stringify(deconstruct(a)) === JSON.stringify(deconstruct(b))

export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(plain(a)) === JSON.stringify(plain(b))

/** Whether two states describe the same schema. */
export const sameState = (a: ProjectState, b: ProjectState): boolean => sameValue(a, b)

// pure updates -------------------------------------------------------------------------------------

export const withModel = (state: ProjectState, m: ModelState): ProjectState => Object.freeze({ ...state, [m.name]: m })

export const withoutModel = (state: ProjectState, name: string): ProjectState => {
  const out = { ...state }
  delete out[name]
  return Object.freeze(out)
}

export const requireModel = (state: ProjectState, name: string): ModelState => {
  const m = state[name]
  if (!m) throw new Error(`No model '${name}' in the migration state (known: ${Object.keys(state).join(', ') || 'none'})`)
  return m
}

/** A model state with its fields replaced (order kept by the caller). */
export const withFields = (m: ModelState, fields: Readonly<Record<string, AnyField>>): ModelState => modelState(m.name, fields, m.options)

export const withOptions = (m: ModelState, options: ModelOptions): ModelState => modelState(m.name, m.fields, options)
