// The fast path for simple QuerySets (plain fields, plain lookups, no expressions or relations):
// their shape key and parameters come from one cheap walk over the QuerySet, without building the
// compile tree. The first run of a shape also takes the full path and checks that both walks give
// the same parameters; only then is the plan filed under the fast key.
import type { Dialect } from '../dialect.js'
import { escapeLike, lookupRegistry } from '../lookups.js'
import { type AnyModel, type BoundField, relatedKey } from '../model.js'
import type { AnyQuerySet } from '../queryset.js'
import type { WhereNode } from '../where.js'
import { modelId } from './context.js'
import { paramValue, relationValueType } from './where.js'

export interface FastShape {
  readonly key: string
  readonly values: unknown[]
}

const fieldByName = (model: AnyModel, name: string): BoundField | undefined => {
  if (name === 'pk') return model.meta.pk
  const bf = model.meta.fieldMap.get(name)
  if (bf) return bf
  for (const f of model.meta.concreteFields) if (f.attname === name) return f
  return undefined
}

const plainValue = (v: unknown): boolean =>
  v === null || typeof v !== 'object' || v instanceof Date

/** Key and parameters of one lookup, or false when it needs the full compiler. */
const lookupShape = (dialect: Dialect, model: AnyModel, key: string, value: unknown, negated: boolean, values: unknown[]): string | false => {
  const sep = key.indexOf('__')
  const name = sep < 0 ? key : key.slice(0, sep)
  const lookupName = sep < 0 ? 'exact' : key.slice(sep + 2)
  if (lookupName.includes('__')) return false
  const bf = fieldByName(model, name)
  if (!bf || !bf.concrete) return false
  const def = lookupRegistry.get(lookupName)
  if (!def) return false
  const type = bf.field.relation ? relationValueType(bf) : bf.field.type
  const label = `${bf.model}.${bf.name}`
  const nullable = negated && bf.field.options.null === true && lookupName !== 'isnull'
  const tail = nullable ? '!n' : ''
  if (lookupName === 'isnull') return typeof value === 'boolean' ? `L${key}${value ? 'N' : 'n'}` : false
  if (value === null) return lookupName === 'exact' || lookupName === 'iexact' ? `L${key}N` : false
  if (value === '' && dialect.features.interpretsEmptyStringsAsNulls && lookupName === 'exact') return `L${key}N`
  switch (def.rhs.kind) {
    case 'list': {
      if (!Array.isArray(value)) return false
      const items = value.filter((v) => v !== null)
      if (!items.every(plainValue)) return false
      if (items.length === 0) return false
      const max = dialect.features.maxInListSize
      if (max !== null && items.length > max) return false
      for (const v of items) values.push(paramValue(dialect, type, v, label))
      return `L${key}[${items.length}]${tail}`
    }
    case 'range':
      if (!Array.isArray(value) || value.length !== 2 || !plainValue(value[0]) || !plainValue(value[1])) return false
      values.push(paramValue(dialect, type, value[0], label), paramValue(dialect, type, value[1], label))
      return `L${key}${tail}`
    case 'pattern': {
      if (typeof value !== 'string') return false
      const custom = dialect.ops.patternValue?.(def.name, value)
      values.push(custom ?? def.rhs.wrap((dialect.ops.escapeLike ?? escapeLike)(value)))
      return `L${key}${tail}`
    }
    case 'string':
      if (typeof value !== 'string') return false
      values.push(value)
      return `L${key}${tail}`
    default:
      if (!plainValue(value) && !(bf.field.relation && typeof value === 'object')) return false
      values.push(paramValue(dialect, type, bf.field.relation ? relatedKey(bf, value) : value, label))
      return `L${key}${tail}`
  }
}

const whereShape = (dialect: Dialect, model: AnyModel, node: WhereNode, values: unknown[], negated = false): string | false => {
  if (node.kind !== 'group' || node.connector !== 'AND') return false
  // NOT below NOT would need the full compiler's parity rules.
  if (node.negated && negated) return false
  const inner = negated || node.negated
  let out = node.negated ? '!(' : '('
  for (const child of node.children) {
    const part =
      child.kind === 'lookup'
        ? lookupShape(dialect, model, child.key, child.value, inner, values)
        : whereShape(dialect, model, child, values, inner)
    if (part === false) return false
    out += part
  }
  return `${out})`
}

/** The fast key and parameters of a QuerySet, or null when it needs the full compiler. */
export const fastShape = (qs: AnyQuerySet, dialect: Dialect, purpose: string): FastShape | null => {
  if (qs.invalid || qs.empty || qs.annotations.length || qs.compound || qs.distinct !== false) return null
  for (const _ in qs.ext) return null
  const model = qs.model
  const sel = qs.select
  let key = `~${modelId(model)}${purpose}`
  if (sel.kind === 'rows') key += `r${sel.only ? sel.only.join(',') : '*'}/${sel.defer.join(',')}`
  else if (sel.kind === 'values') key += `v${sel.fields.join(',')}`
  else if (sel.kind === 'valuesList') key += `l${sel.fields.join(',')}${sel.flat ? 'f' : ''}${sel.named ? 'n' : ''}`
  else return null
  if (sel.kind !== 'rows') for (const f of sel.fields) if (f.includes('__')) return null
  const values: unknown[] = []
  for (const node of qs.where) {
    const part = whereShape(dialect, model, node, values)
    if (part === false) return null
    key += part
  }
  if (qs.order !== null) {
    key += 'O'
    for (const o of qs.order) {
      if (typeof o !== 'string' || o.includes('__')) return null
      key += `${o},`
    }
  } else key += 'Od'
  key += `${qs.reversed ? 'R' : ''}/${qs.low}:${qs.high ?? ''}`
  return { key, values }
}

/** The same parameters, value by value. */
export const sameValues = (a: readonly unknown[], b: readonly unknown[]): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if (x instanceof Date && y instanceof Date && x.getTime() === y.getTime()) continue
    return false
  }
  return true
}
