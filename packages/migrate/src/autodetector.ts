// The autodetector: the operations that take the state the migration files add up to to the state
// of the models as they are now (Django's MigrationAutodetector). Renames are asked, never guessed.
import type { AnyField } from '@fjord/core'
import { indexKey, type Operation, ops, stateForwards } from './operations.js'
import { deconstruct, type ModelState, type ProjectState, plain, sameField, sameValue } from './state.js'

/** What the autodetector asks when the models alone don't say (a rename, or a value for rows that exist). */
export interface Questioner {
  /** Was model `from` renamed to `to`? */
  askRenameModel(from: string, to: string): boolean | Promise<boolean>
  /** Was `model.from` renamed to `model.to`? */
  askRenameField(model: string, from: string, to: string, field: AnyField): boolean | Promise<boolean>
  /** A value for the rows that exist, for a NOT NULL field added without a default; throw to stop. */
  askNotNullAddition(model: string, name: string, field: AnyField): unknown | Promise<unknown>
  /** A value for the NULLs of a field that becomes NOT NULL, or undefined to leave them (the migration then fails on them). */
  askNotNullAlteration(model: string, name: string, field: AnyField): { readonly value: unknown } | undefined | Promise<{ readonly value: unknown } | undefined>
}

/** Raised when a question has no answer (a NOT NULL field without a default, asked without a terminal). */
export class QuestionError extends Error {
  readonly _tag = 'QuestionError'
}

/**
 * A questioner that answers from flags, as `makemigrations` does without a terminal: renames listed
 * as `Model.old=new` (fields) or `Old=New` (models) are accepted, others refused; values for NOT
 * NULL fields come from `defaults` (`Model.field` → text, read for the field's type).
 */
export const flagQuestioner = (flags: { readonly renames?: readonly string[]; readonly defaults?: Readonly<Record<string, string>> } = {}): Questioner => {
  const renames = new Set(flags.renames ?? [])
  const defaults = flags.defaults ?? {}
  return {
    askRenameModel: (from, to) => renames.has(`${from}=${to}`),
    askRenameField: (model, from, to) => renames.has(`${model}.${from}=${to}`),
    askNotNullAddition: (model, name, field) => {
      const text = defaults[`${model}.${name}`]
      if (text === undefined) {
        throw new QuestionError(
          `It is impossible to add the non-nullable field '${name}' to ${model} without a default: the rows that exist need a value. ` +
            `Give the field a default, make it nullable, or pass --default ${model}.${name}=<value>.`,
        )
      }
      return parseDefault(field, text)
    },
    askNotNullAlteration: (model, name, field) => {
      const text = defaults[`${model}.${name}`]
      return text === undefined ? undefined : { value: parseDefault(field, text) }
    },
  }
}

/** A value typed on a command line, read as the field's TypeScript value. */
export const parseDefault = (field: AnyField, text: string): unknown => {
  if (text === 'null') return null
  if (field.relation) return /^-?\d+$/.test(text) ? Number(text) : text
  switch (field.category) {
    case 'number':
    case 'duration':
      if (!Number.isFinite(Number(text))) throw new QuestionError(`'${text}' is not a number`)
      return Number(text)
    case 'bigint':
      return BigInt(text)
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new QuestionError(`'${text}' is not true or false`)
      return text === 'true'
    case 'datetime':
      if (text === 'now') return new Date()
      if (Number.isNaN(new Date(text).getTime())) throw new QuestionError(`'${text}' is not a date and time`)
      return new Date(text)
    case 'json':
      return JSON.parse(text)
    default:
      return text
  }
}

const fieldsOf = (m: ModelState): [string, AnyField][] => Object.entries(m.fields)

/** The models a model's fields point at (its foreign keys, one-to-ones and many-to-manys, and through models). */
const targetsOf = (m: ModelState, field: AnyField): string[] => {
  const rel = field.relation
  if (!rel) return []
  const out = [rel.target === 'self' ? m.name : rel.target]
  if (rel.through) out.push(rel.through)
  return out
}

/** Whether a NOT NULL field needs a value for the rows that exist when it is added. */
const needsValue = (field: AnyField): boolean =>
  field.relation?.kind !== 'manyToMany' &&
  !field.options.null &&
  field.options.default === undefined &&
  !field.options.autoNow &&
  !field.options.autoNowAdd &&
  !field.options.primaryKey

/**
 * The value the rows that exist get for a NOT NULL field whose default only code gives (a function,
 * autoNow/autoNowAdd): computed now and written into the migration, since a file can't hold the function.
 */
const computedValue = (field: AnyField): { value: unknown } | undefined => {
  if (field.options.null || field.relation?.kind === 'manyToMany') return undefined
  const d = field.options.default
  if (typeof d === 'function') return { value: (d as () => unknown)() }
  if (!field.options.autoNow && !field.options.autoNowAdd) return undefined
  const now = new Date()
  if (field.category === 'date') return { value: now.toISOString().slice(0, 10) }
  if (field.category === 'time') return { value: now.toISOString().slice(11, 19) }
  return { value: now }
}

/** The operations from state `from` to state `to`. */
export const autodetect = async (from: ProjectState, to: ProjectState, questioner: Questioner): Promise<Operation[]> => {
  const out: Operation[] = []
  let state = from
  const push = (op: Operation) => {
    state = stateForwards(state, op)
    out.push(op)
  }

  // Renamed models: a removed and an added model with the same fields.
  const added = Object.keys(to).filter((n) => !from[n])
  const removed = Object.keys(from).filter((n) => !to[n])
  for (const n of added) {
    for (const o of removed) {
      if (!state[o] || state[n]) continue
      const a = fieldsOf(to[n]!).map(([k, fd]) => [k, deconstruct(fd)])
      const b = fieldsOf(state[o]!).map(([k, fd]) => [k, deconstruct(fd)])
      if (JSON.stringify(a) === JSON.stringify(b) && (await questioner.askRenameModel(o, n))) push(ops.renameModel(o, n))
    }
  }
  // Tables set or unset explicitly.
  for (const [n, m] of Object.entries(to)) {
    const was = state[n]
    if (was && was.options.dbTable !== m.options.dbTable) push(ops.alterModelTable(n, m.options.dbTable))
  }
  // Renamed fields: a removed and an added field of the same shape on one model.
  for (const [n, m] of Object.entries(to)) {
    const was = state[n]
    if (!was) continue
    const gone = Object.keys(was.fields).filter((k) => !(k in m.fields))
    for (const k of Object.keys(m.fields).filter((x) => !(x in was.fields))) {
      const match = gone.find((g) => sameField(was.fields[g]!, m.fields[k]!) && g in (state[n]?.fields ?? {}))
      if (match && (await questioner.askRenameField(n, match, k, m.fields[k]!))) {
        push(ops.renameField(n, match, k))
        gone.splice(gone.indexOf(match), 1)
      }
    }
  }
  // Constraints, indexes and unique-together groups that go, before the fields they name go.
  const finals: Operation[] = []
  for (const [n, m] of Object.entries(to)) {
    const was = state[n]
    if (!was) continue
    const nowIdx = new Map((m.options.indexes ?? []).map((i) => [indexKey(i), i]))
    for (const i of was.options.indexes ?? []) {
      const next = nowIdx.get(indexKey(i))
      if (!next || !sameValue(next, i)) push(ops.removeIndex(n, indexKey(i)))
    }
    const nowCons = new Map((m.options.constraints ?? []).map((c) => [c.name, c]))
    for (const c of was.options.constraints ?? []) {
      const next = nowCons.get(c.name)
      if (!next || !sameValue(next, c)) push(ops.removeConstraint(n, c.name))
    }
    const key = (g: readonly string[]) => g.join(',')
    const nowGroups = new Set((m.options.uniqueTogether ?? []).map(key))
    const kept = (was.options.uniqueTogether ?? []).filter((g) => nowGroups.has(key(g)))
    if (kept.length !== (was.options.uniqueTogether ?? []).length) push(ops.alterUniqueTogether(n, kept))
  }

  // Created models, targets first; fields that point at models created later (or many-to-manys) come after.
  const creating = Object.keys(to).filter((n) => !state[n])
  const order: string[] = []
  const visiting = new Set<string>()
  const visit = (n: string) => {
    if (order.includes(n) || visiting.has(n)) return
    visiting.add(n)
    for (const [, fd] of fieldsOf(to[n]!)) {
      if (fd.relation?.kind === 'manyToMany') continue
      for (const t of targetsOf(to[n]!, fd)) if (t !== n && creating.includes(t)) visit(t)
    }
    visiting.delete(n)
    order.push(n)
  }
  for (const n of creating) visit(n)
  const deferred: [string, string, AnyField][] = []
  for (const n of order) {
    const m = to[n]!
    const now: Record<string, AnyField> = {}
    for (const [k, fd] of fieldsOf(m)) {
      const later = fd.relation?.kind === 'manyToMany' || targetsOf(m, fd).some((t) => t !== n && creating.includes(t) && !order.slice(0, order.indexOf(n)).includes(t))
      if (later) deferred.push([n, k, fd])
      else now[k] = fd
    }
    push(ops.createModel(n, now, m.options))
  }

  // Fields that go (from models that stay), then models that go (those pointing at others first).
  for (const [n, m] of Object.entries(to)) {
    const was = state[n]
    if (!was || creating.includes(n)) continue
    for (const k of Object.keys(was.fields)) if (!(k in m.fields)) push(ops.removeField(n, k))
  }
  const deleting = Object.keys(state).filter((n) => !to[n])
  const dropped = new Set<string>()
  const drop = (n: string, seen: Set<string>) => {
    if (dropped.has(n) || seen.has(n)) return
    seen.add(n)
    // Whoever points at n goes first.
    for (const other of deleting) {
      if (other !== n && fieldsOf(state[other]!).some(([, fd]) => targetsOf(state[other]!, fd).includes(n))) drop(other, seen)
    }
    dropped.add(n)
    push(ops.deleteModel(n))
  }
  for (const n of deleting) drop(n, new Set())

  // Fields added to models that stay, the created models' deferred fields, and altered fields.
  for (const [n, m] of Object.entries(to)) {
    const was = state[n]
    if (!was || creating.includes(n)) continue
    for (const [k, fd] of fieldsOf(m)) {
      if (k in was.fields) continue
      if (needsValue(fd)) push(ops.addField(n, k, fd, { oneOffDefault: await questioner.askNotNullAddition(n, k, fd) }))
      else {
        const computed = computedValue(fd)
        push(computed ? ops.addField(n, k, fd, { oneOffDefault: computed.value }) : ops.addField(n, k, fd))
      }
    }
  }
  for (const [n, k, fd] of deferred) push(ops.addField(n, k, fd))
  for (const [n, m] of Object.entries(to)) {
    const was = state[n]
    if (!was) continue
    for (const [k, fd] of fieldsOf(m)) {
      const old = was.fields[k]
      if (!old || sameField(old, fd)) continue
      if (old.options.null && !fd.options.null && needsValue(fd)) {
        const answer = await questioner.askNotNullAlteration(n, k, fd)
        push(answer ? ops.alterField(n, k, fd, { oneOffDefault: answer.value }) : ops.alterField(n, k, fd))
      } else push(ops.alterField(n, k, fd))
    }
  }

  // Unique-together groups, indexes and constraints that come, and Meta options.
  for (const [n, m] of Object.entries(to)) {
    const was = state[n]!
    if (!sameValue(was.options.uniqueTogether ?? [], m.options.uniqueTogether ?? [])) finals.push(ops.alterUniqueTogether(n, m.options.uniqueTogether ?? []))
    const wasIdx = new Set((was.options.indexes ?? []).map(indexKey))
    for (const i of m.options.indexes ?? []) if (!wasIdx.has(indexKey(i))) finals.push(ops.addIndex(n, i))
    const wasCons = new Set((was.options.constraints ?? []).map((c) => c.name))
    for (const c of m.options.constraints ?? []) if (!wasCons.has(c.name)) finals.push(ops.addConstraint(n, c))
    if (!sameValue(was.options.ordering ?? [], m.options.ordering ?? [])) finals.push(ops.alterModelOptions(n, { ordering: m.options.ordering }))
  }
  for (const op of finals) push(op)
  return out
}

/** Whether two states differ at all (what `makemigrations --check` asks). */
export const hasChanges = (from: ProjectState, to: ProjectState): boolean => JSON.stringify(plain(from)) !== JSON.stringify(plain(to))

// names ----------------------------------------------------------------------------------------------

const lower = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()

const fragment = (op: Operation): string => {
  switch (op.kind) {
    case 'createModel':
      return lower(op.name)
    case 'deleteModel':
      return `delete_${lower(op.name)}`
    case 'renameModel':
      return `rename_${lower(op.from)}_${lower(op.to)}`
    case 'alterModelTable':
      return `alter_${lower(op.model)}_table`
    case 'alterModelOptions':
      return `alter_${lower(op.model)}_options`
    case 'addField':
      return `${lower(op.model)}_${lower(op.name)}`
    case 'removeField':
      return `remove_${lower(op.model)}_${lower(op.name)}`
    case 'alterField':
      return `alter_${lower(op.model)}_${lower(op.name)}`
    case 'renameField':
      return `rename_${lower(op.from)}_${lower(op.model)}_${lower(op.to)}`
    case 'addIndex':
      return `${lower(op.model)}_${op.index.name ?? 'index'}`
    case 'removeIndex':
      return `remove_${lower(op.model)}_index`
    case 'addConstraint':
      return `${lower(op.model)}_${op.constraint.name}`
    case 'removeConstraint':
      return `remove_${lower(op.model)}_${op.name}`
    case 'alterUniqueTogether':
      return `alter_${lower(op.model)}_unique_together`
    case 'runSql':
    case 'runTs':
      return 'custom'
  }
}

/** A migration's name after its number, as Django suggests it: `initial`, `post_summary`, or `auto_<date>_<time>`. */
export const suggestName = (operations: readonly Operation[], initial: boolean, now = new Date()): string => {
  if (initial) return 'initial'
  const joined = [...new Set(operations.map(fragment))].join('_')
  if (operations.length > 0 && joined.length <= 52) return joined.replace(/[^a-z0-9_]/gi, '_').toLowerCase()
  const p = (n: number) => String(n).padStart(2, '0')
  return `auto_${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}_${p(now.getUTCHours())}${p(now.getUTCMinutes())}`
}
