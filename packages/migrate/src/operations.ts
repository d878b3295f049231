// Migration operations: frozen values with a literal `kind` (Django's migrations.operations). Each one
// changes the state (`stateForwards`) and has an inverse, so every generated migration can be reversed.
// What they do to the database is the schema editor's job (editor.ts).
import type { AnyField, Constraint, Db, Index } from '@fjord/core'
import {
  type ModelOptions,
  type ProjectState,
  modelState,
  requireModel,
  withFields,
  withModel,
  withOptions,
  withoutModel,
} from './state.js'

/** A hand-written data step: gets the Db (inside the migration's transaction where there is one). */
export type DataStep = (db: Db) => Promise<void> | void

export type Operation =
  | { readonly kind: 'createModel'; readonly name: string; readonly fields: Readonly<Record<string, AnyField>>; readonly options: ModelOptions }
  | { readonly kind: 'deleteModel'; readonly name: string }
  | { readonly kind: 'renameModel'; readonly from: string; readonly to: string }
  | { readonly kind: 'alterModelTable'; readonly model: string; readonly dbTable: string | undefined }
  | { readonly kind: 'alterModelOptions'; readonly model: string; readonly ordering: readonly string[] | undefined }
  | {
      readonly kind: 'addField'
      readonly model: string
      readonly name: string
      readonly field: AnyField
      /** A value for the rows that exist, when the field has no default of its own (Django's preserve_default=False). */
      readonly oneOffDefault?: unknown
    }
  | { readonly kind: 'removeField'; readonly model: string; readonly name: string }
  | { readonly kind: 'alterField'; readonly model: string; readonly name: string; readonly field: AnyField; readonly oneOffDefault?: unknown }
  | { readonly kind: 'renameField'; readonly model: string; readonly from: string; readonly to: string }
  | { readonly kind: 'addIndex'; readonly model: string; readonly index: Index }
  | { readonly kind: 'removeIndex'; readonly model: string; readonly name: string }
  | { readonly kind: 'addConstraint'; readonly model: string; readonly constraint: Constraint }
  | { readonly kind: 'removeConstraint'; readonly model: string; readonly name: string }
  | { readonly kind: 'alterUniqueTogether'; readonly model: string; readonly uniqueTogether: readonly (readonly string[])[] }
  | { readonly kind: 'runSql'; readonly sql: readonly string[]; readonly reverseSql?: readonly string[] }
  | { readonly kind: 'runTs'; readonly forward: DataStep; readonly backward?: DataStep; readonly description?: string }

/** The key a Meta index is known by in operations: its name, or its fields when it has none. */
export const indexKey = (idx: Index): string => idx.name ?? idx.fields.join(',')

const freeze = <O extends Operation>(o: O): O => Object.freeze(o)
const list = (x: string | readonly string[]): readonly string[] => Object.freeze(typeof x === 'string' ? [x] : [...x])

// constructors ---------------------------------------------------------------------------------------

/**
 * The operations a migration file lists, one constructor per kind.
 * @example ops.addField('Post', 'summary', f.text({ null: true }))
 */
export const ops = {
  createModel: (name: string, fields: Readonly<Record<string, AnyField>>, options: ModelOptions = {}) =>
    freeze({ kind: 'createModel', name, fields: Object.freeze({ ...fields }), options: modelState(name, {}, options).options }),
  deleteModel: (name: string) => freeze({ kind: 'deleteModel', name }),
  renameModel: (from: string, to: string) => freeze({ kind: 'renameModel', from, to }),
  alterModelTable: (model: string, dbTable: string | undefined) => freeze({ kind: 'alterModelTable', model, dbTable }),
  alterModelOptions: (model: string, options: { readonly ordering?: readonly string[] }) =>
    freeze({ kind: 'alterModelOptions', model, ordering: options.ordering }),
  addField: (model: string, name: string, field: AnyField, options: { readonly oneOffDefault?: unknown } = {}) =>
    freeze({ kind: 'addField', model, name, field, ...('oneOffDefault' in options ? { oneOffDefault: options.oneOffDefault } : {}) }),
  removeField: (model: string, name: string) => freeze({ kind: 'removeField', model, name }),
  alterField: (model: string, name: string, field: AnyField, options: { readonly oneOffDefault?: unknown } = {}) =>
    freeze({ kind: 'alterField', model, name, field, ...('oneOffDefault' in options ? { oneOffDefault: options.oneOffDefault } : {}) }),
  renameField: (model: string, from: string, to: string) => freeze({ kind: 'renameField', model, from, to }),
  addIndex: (model: string, index: Index) => freeze({ kind: 'addIndex', model, index: Object.freeze({ ...index }) }),
  removeIndex: (model: string, name: string) => freeze({ kind: 'removeIndex', model, name }),
  addConstraint: (model: string, constraint: Constraint) => freeze({ kind: 'addConstraint', model, constraint }),
  removeConstraint: (model: string, name: string) => freeze({ kind: 'removeConstraint', model, name }),
  alterUniqueTogether: (model: string, uniqueTogether: readonly (readonly string[])[]) =>
    freeze({ kind: 'alterUniqueTogether', model, uniqueTogether: Object.freeze(uniqueTogether.map((g) => Object.freeze([...g]))) }),
  /** Hand-written SQL; without `reverseSql` the migration can't be reversed. */
  runSql: (sql: string | readonly string[], reverseSql?: string | readonly string[]) =>
    freeze({ kind: 'runSql', sql: list(sql), ...(reverseSql === undefined ? {} : { reverseSql: list(reverseSql) }) }),
  /** A hand-written data step in TypeScript; without `backward` the migration can't be reversed. */
  runTs: (forward: DataStep, backward?: DataStep, description?: string) =>
    freeze({ kind: 'runTs', forward, ...(backward ? { backward } : {}), ...(description ? { description } : {}) }),
} satisfies Record<string, (...args: never[]) => Operation>

// state ----------------------------------------------------------------------------------------------

const mapFields = (fields: Readonly<Record<string, AnyField>>, fn: (name: string, field: AnyField) => [string, AnyField] | null) => {
  const out: Record<string, AnyField> = {}
  for (const [n, fd] of Object.entries(fields)) {
    const r = fn(n, fd)
    if (r) out[r[0]] = r[1]
  }
  return out
}

/** A field pointing at `from` now points at `to` (a model rename). */
const retarget = (field: AnyField, from: string, to: string): AnyField =>
  field.relation?.target === from ? Object.freeze({ ...field, relation: Object.freeze({ ...field.relation, target: to }) }) : field

const renameIn = (names: readonly string[], from: string, to: string): readonly string[] =>
  names.map((n) => (n === from ? to : n === `-${from}` ? `-${to}` : n))

/** The state after one operation. */
export const stateForwards = (state: ProjectState, op: Operation): ProjectState => {
  switch (op.kind) {
    case 'createModel':
      if (state[op.name]) throw new Error(`createModel: model '${op.name}' already exists`)
      return withModel(state, modelState(op.name, op.fields, op.options))
    case 'deleteModel':
      requireModel(state, op.name)
      return withoutModel(state, op.name)
    case 'renameModel': {
      const m = requireModel(state, op.from)
      let next = withoutModel(state, op.from)
      next = withModel(next, modelState(op.to, m.fields, m.options))
      const out: Record<string, (typeof next)[string]> = {}
      for (const [name, ms] of Object.entries(next)) out[name] = withFields(ms, mapFields(ms.fields, (n, fd) => [n, retarget(fd, op.from, op.to)]))
      return Object.freeze(out)
    }
    case 'alterModelTable': {
      const m = requireModel(state, op.model)
      return withModel(state, withOptions(m, { ...m.options, dbTable: op.dbTable }))
    }
    case 'alterModelOptions': {
      const m = requireModel(state, op.model)
      return withModel(state, withOptions(m, { ...m.options, ordering: op.ordering }))
    }
    case 'addField': {
      const m = requireModel(state, op.model)
      if (op.name in m.fields) throw new Error(`addField: ${op.model}.${op.name} already exists`)
      return withModel(state, withFields(m, { ...m.fields, [op.name]: op.field }))
    }
    case 'removeField': {
      const m = requireModel(state, op.model)
      if (!(op.name in m.fields)) throw new Error(`removeField: ${op.model} has no field '${op.name}'`)
      return withModel(state, withFields(m, mapFields(m.fields, (n, fd) => (n === op.name ? null : [n, fd]))))
    }
    case 'alterField': {
      const m = requireModel(state, op.model)
      if (!(op.name in m.fields)) throw new Error(`alterField: ${op.model} has no field '${op.name}'`)
      return withModel(state, withFields(m, mapFields(m.fields, (n, fd) => [n, n === op.name ? op.field : fd])))
    }
    case 'renameField': {
      const m = requireModel(state, op.model)
      if (!(op.from in m.fields)) throw new Error(`renameField: ${op.model} has no field '${op.from}'`)
      if (op.to in m.fields) throw new Error(`renameField: ${op.model}.${op.to} already exists`)
      const o = m.options
      const options: ModelOptions = {
        ...o,
        ordering: o.ordering && renameIn(o.ordering, op.from, op.to),
        uniqueTogether: o.uniqueTogether?.map((g) => renameIn(g, op.from, op.to)),
        indexes: o.indexes?.map((idx) => ({ ...idx, fields: renameIn(idx.fields, op.from, op.to) })),
        constraints: o.constraints?.map((c) => (c.kind === 'unique' ? { ...c, fields: renameIn(c.fields, op.from, op.to) } : c)),
      }
      return withModel(state, modelState(m.name, mapFields(m.fields, (n, fd) => [n === op.from ? op.to : n, fd]), options))
    }
    case 'addIndex': {
      const m = requireModel(state, op.model)
      if (m.options.indexes?.some((i) => indexKey(i) === indexKey(op.index))) throw new Error(`addIndex: ${op.model} already has index '${indexKey(op.index)}'`)
      return withModel(state, withOptions(m, { ...m.options, indexes: [...(m.options.indexes ?? []), op.index] }))
    }
    case 'removeIndex': {
      const m = requireModel(state, op.model)
      if (!m.options.indexes?.some((i) => indexKey(i) === op.name)) throw new Error(`removeIndex: ${op.model} has no index '${op.name}'`)
      return withModel(state, withOptions(m, { ...m.options, indexes: m.options.indexes.filter((i) => indexKey(i) !== op.name) }))
    }
    case 'addConstraint': {
      const m = requireModel(state, op.model)
      if (m.options.constraints?.some((c) => c.name === op.constraint.name)) throw new Error(`addConstraint: ${op.model} already has '${op.constraint.name}'`)
      return withModel(state, withOptions(m, { ...m.options, constraints: [...(m.options.constraints ?? []), op.constraint] }))
    }
    case 'removeConstraint': {
      const m = requireModel(state, op.model)
      if (!m.options.constraints?.some((c) => c.name === op.name)) throw new Error(`removeConstraint: ${op.model} has no constraint '${op.name}'`)
      return withModel(state, withOptions(m, { ...m.options, constraints: m.options.constraints.filter((c) => c.name !== op.name) }))
    }
    case 'alterUniqueTogether': {
      const m = requireModel(state, op.model)
      return withModel(state, withOptions(m, { ...m.options, uniqueTogether: op.uniqueTogether }))
    }
    case 'runSql':
    case 'runTs':
      return state
  }
}

/** Raised for a step that has no reverse (RunSql without reverseSql, runTs without backward). */
export class IrreversibleError extends Error {
  readonly _tag = 'IrreversibleError'
}

/**
 * The operation that undoes `op`, given the state before it. Applying the inverse to the state after
 * `op` gives the state before it back.
 */
export const inverse = (op: Operation, before: ProjectState): Operation => {
  switch (op.kind) {
    case 'createModel':
      return ops.deleteModel(op.name)
    case 'deleteModel': {
      const m = requireModel(before, op.name)
      return ops.createModel(m.name, m.fields, m.options)
    }
    case 'renameModel':
      return ops.renameModel(op.to, op.from)
    case 'alterModelTable':
      return ops.alterModelTable(op.model, requireModel(before, op.model).options.dbTable)
    case 'alterModelOptions':
      return ops.alterModelOptions(op.model, { ordering: requireModel(before, op.model).options.ordering })
    case 'addField':
      return ops.removeField(op.model, op.name)
    case 'removeField': {
      const field = requireModel(before, op.model).fields[op.name]!
      return ops.addField(op.model, op.name, field, { oneOffDefault: emptyValue(field) })
    }
    case 'alterField':
      return ops.alterField(op.model, op.name, requireModel(before, op.model).fields[op.name]!)
    case 'renameField':
      return ops.renameField(op.model, op.to, op.from)
    case 'addIndex':
      return ops.removeIndex(op.model, indexKey(op.index))
    case 'removeIndex':
      return ops.addIndex(op.model, requireModel(before, op.model).options.indexes!.find((i) => indexKey(i) === op.name)!)
    case 'addConstraint':
      return ops.removeConstraint(op.model, op.constraint.name)
    case 'removeConstraint':
      return ops.addConstraint(op.model, requireModel(before, op.model).options.constraints!.find((c) => c.name === op.name)!)
    case 'alterUniqueTogether':
      return ops.alterUniqueTogether(op.model, requireModel(before, op.model).options.uniqueTogether ?? [])
    case 'runSql':
      if (!op.reverseSql) throw new IrreversibleError(`RunSql is not reversible (no reverseSql): ${op.sql[0]?.slice(0, 60) ?? ''}`)
      return ops.runSql(op.reverseSql, op.sql)
    case 'runTs':
      if (!op.backward) throw new IrreversibleError(`The TypeScript step${op.description ? ` '${op.description}'` : ''} is not reversible (no backward step)`)
      return ops.runTs(op.backward, op.forward, op.description)
  }
}

/**
 * The value Django writes into existing rows when a NOT NULL column comes back without a default of
 * its own (its `effective_default`): '' for strings, 0 for numbers, false, the epoch for dates.
 */
export const emptyValue = (field: AnyField): unknown => {
  if (field.options.null || field.relation) return null
  const d = field.options.default
  if (d !== undefined) return typeof d === 'function' ? (d as () => unknown)() : d
  switch (field.category) {
    case 'string':
      return ''
    case 'number':
    case 'duration':
      return 0
    case 'bigint':
      return 0n
    case 'decimal':
      return '0'
    case 'boolean':
      return false
    case 'date':
      return '1970-01-01'
    case 'datetime':
      return new Date(0)
    case 'time':
      return '00:00:00'
    case 'json':
      return {}
    case 'binary':
      return new Uint8Array()
    default:
      return null
  }
}

/** One line saying what an operation does, as `showmigrations` and progress lines print it. */
export const describe = (op: Operation): string => {
  switch (op.kind) {
    case 'createModel':
      return `Create model ${op.name}`
    case 'deleteModel':
      return `Delete model ${op.name}`
    case 'renameModel':
      return `Rename model ${op.from} to ${op.to}`
    case 'alterModelTable':
      return `Rename table for ${op.model} to ${op.dbTable ?? '(default)'}`
    case 'alterModelOptions':
      return `Change Meta options on ${op.model}`
    case 'addField':
      return `Add field ${op.name} to ${op.model}`
    case 'removeField':
      return `Remove field ${op.name} from ${op.model}`
    case 'alterField':
      return `Alter field ${op.name} on ${op.model}`
    case 'renameField':
      return `Rename field ${op.from} on ${op.model} to ${op.to}`
    case 'addIndex':
      return `Create index ${indexKey(op.index)} on ${op.model}`
    case 'removeIndex':
      return `Remove index ${op.name} from ${op.model}`
    case 'addConstraint':
      return `Create constraint ${op.constraint.name} on ${op.model}`
    case 'removeConstraint':
      return `Remove constraint ${op.name} from ${op.model}`
    case 'alterUniqueTogether':
      return `Alter uniqueTogether for ${op.model} (${op.uniqueTogether.length} constraint(s))`
    case 'runSql':
      return 'Raw SQL operation'
    case 'runTs':
      return op.description ? `TypeScript step: ${op.description}` : 'TypeScript step'
  }
}
