// The fast path for simple QuerySets (plain fields, plain lookups, no expressions or relations):
// their shape and parameters come from one cheap walk over the QuerySet, without building the
// compile tree: the shape is a path of tokens in the plan cache's trie, so no key string is built.
// The first run of a shape also takes the full path and checks that both walks give the same
// parameters; only then is the plan filed at the end of that path.
import type { Db, PlanCache, ShapeNode } from '../db.js'
import type { Dialect } from '../dialect.js'
import { Expression } from '../expressions.js'
import { escapeLike, lookupRegistry } from '../lookups.js'
import { type AnyModel, type BoundField, relatedKey } from '../model.js'
import type { AnyQuerySet } from '../queryset.js'
import { type Condition, QNode, type WhereNode } from '../where.js'
import { paramValue, relationValueType } from './where.js'

export interface FastShape {
  /** Where the plan of this shape is filed (`value`: the plan, or a marker); callers may step further. */
  node: ShapeNode
  readonly values: unknown[]
}

// Structural tokens: symbols, so they never meet a field name or a number.
const OPEN = Symbol('(')
const OPEN_NOT = Symbol('!(')
const CLOSE = Symbol(')')
const ROWS = Symbol('rows')
const VALUES = Symbol('values')
const VALUES_LIST = Symbol('valuesList')
const ORDER = Symbol('order')
const DEFAULT_ORDER = Symbol('default order')
/** A lookup's value class: NULL (exact None, isnull=True), NOT NULL (isnull=False), anything else. */
const IS_NULL = Symbol('N')
const NOT_NULL = Symbol('n')
const PLAIN = Symbol('v')

const labels = new WeakMap<BoundField, string>()
/** `Model.field`, as the full compiler names it in a ValidationError. */
const labelOf = (bf: BoundField): string => {
  let label = labels.get(bf)
  if (label === undefined) {
    label = `${bf.model}.${bf.name}`
    labels.set(bf, label)
  }
  return label
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

/** The walk over one QuerySet: the trie node reached so far, or null once the full compiler is needed. */
interface Walk {
  readonly plans: PlanCache<unknown>
  readonly dialect: Dialect
  readonly model: AnyModel
  readonly values: unknown[]
  node: ShapeNode
}

const step = (w: Walk, token: unknown): void => {
  w.node = w.plans.step(w.node, token)
}

/** One lookup: field, lookup name, value class and the NOT-NULL tail; false when it needs the full compiler. */
const lookupShape = (w: Walk, key: string, value: unknown, negated: boolean): boolean => {
  const { dialect, values } = w
  const sep = key.indexOf('__')
  const name = sep < 0 ? key : key.slice(0, sep)
  const lookupName = sep < 0 ? 'exact' : key.slice(sep + 2)
  if (lookupName.includes('__')) return false
  const bf = fieldByName(w.model, name)
  if (!bf?.concrete) return false
  const def = lookupRegistry.get(lookupName)
  if (!def) return false
  let kind: unknown = PLAIN
  if (lookupName === 'isnull') {
    if (typeof value !== 'boolean') return false
    kind = value ? IS_NULL : NOT_NULL
  } else if (value === null) {
    if (lookupName !== 'exact' && lookupName !== 'iexact') return false
    kind = IS_NULL
  } else if (value === '' && dialect.features.interpretsEmptyStringsAsNulls && lookupName === 'exact') {
    kind = IS_NULL
  } else {
    const type = bf.field.relation ? relationValueType(bf) : bf.field.type
    switch (def.rhs.kind) {
      case 'list': {
        if (!Array.isArray(value)) return false
        let n = 0
        for (let i = 0; i < value.length; i++) {
          const v = value[i]
          if (v === null) continue
          if (!plainValue(v)) return false
          n++
        }
        if (n === 0) return false
        const max = dialect.features.maxInListSize
        if (max !== null && n > max) return false
        const label = labelOf(bf)
        for (let i = 0; i < value.length; i++) if (value[i] !== null) values.push(paramValue(dialect, type, value[i], label))
        kind = n
        break
      }
      case 'range':
        if (!Array.isArray(value) || value.length !== 2 || !plainValue(value[0]) || !plainValue(value[1])) return false
        values.push(paramValue(dialect, type, value[0], labelOf(bf)), paramValue(dialect, type, value[1], labelOf(bf)))
        break
      case 'pattern': {
        if (typeof value !== 'string') return false
        const custom = dialect.ops.patternValue?.(def.name, value)
        values.push(custom ?? def.rhs.wrap((dialect.ops.escapeLike ?? escapeLike)(value)))
        break
      }
      case 'string':
        if (typeof value !== 'string') return false
        values.push(value)
        break
      default:
        if (!plainValue(value) && !(bf.field.relation && typeof value === 'object')) return false
        values.push(paramValue(dialect, type, bf.field.relation ? relatedKey(bf, value) : value, labelOf(bf)))
    }
  }
  step(w, key)
  step(w, kind)
  // A negated lookup on a nullable column also lets NULLs through (Django's `OR col IS NULL`).
  if (kind !== IS_NULL && kind !== NOT_NULL) step(w, negated && bf.field.options.null === true)
  return true
}

const hasOwn = Object.prototype.hasOwnProperty

/** The lookups of one lookup object, in `Object.entries` order. */
const lookupsShape = (w: Walk, conds: Readonly<Record<string, unknown>>, negated: boolean): boolean => {
  for (const key in conds) {
    if (!hasOwn.call(conds, key)) continue
    if (!lookupShape(w, key, conds[key], negated)) return false
  }
  return true
}

const whereShape = (w: Walk, node: WhereNode, negated = false): boolean => {
  if (node.kind !== 'group' || node.connector !== 'AND') return false
  // NOT below NOT would need the full compiler's parity rules.
  if (node.negated && negated) return false
  const inner = negated || node.negated
  step(w, node.negated ? OPEN_NOT : OPEN)
  const children = node.children
  for (let i = 0; i < children.length; i++) {
    const child = children[i]
    const ok = child.kind === 'lookup' ? lookupShape(w, child.key, child.value, inner) : whereShape(w, child, inner)
    if (!ok) return false
  }
  step(w, CLOSE)
  return true
}

/** A lookup object (as `toWhere` makes it): an AND group of its entries. */
const isLookupObject = (c: Condition): c is Readonly<Record<string, unknown>> =>
  c !== null && typeof c === 'object' && !(c instanceof QNode) && !(c instanceof Expression)

/** The where node `filter(...conds)` adds (see `addWhere`): one AND group, a single AND condition flattened into it. */
const filterShape = (w: Walk, conds: readonly Condition[]): boolean => {
  step(w, OPEN)
  if (conds.length === 1) {
    const c = conds[0]
    if (isLookupObject(c)) {
      if (!lookupsShape(w, c, false)) return false
    } else if (c instanceof QNode) {
      const n = c.node
      if (n.kind === 'group' && n.connector === 'AND' && !n.negated) {
        for (let i = 0; i < n.children.length; i++) {
          const child = n.children[i]
          const ok = child.kind === 'lookup' ? lookupShape(w, child.key, child.value, false) : whereShape(w, child)
          if (!ok) return false
        }
      } else if (!whereShape(w, n)) return false
    } else return false
  } else {
    for (let i = 0; i < conds.length; i++) {
      const c = conds[i]
      if (isLookupObject(c)) {
        step(w, OPEN)
        if (!lookupsShape(w, c, false)) return false
        step(w, CLOSE)
      } else if (c instanceof QNode) {
        if (!whereShape(w, c.node)) return false
      } else return false
    }
  }
  step(w, CLOSE)
  return true
}

const strings = (w: Walk, list: readonly string[]): boolean => {
  step(w, list.length)
  for (let i = 0; i < list.length; i++) step(w, list[i])
  return true
}

/**
 * The trie node and parameters of a QuerySet's shape (`purpose` and `shape` name the statement), or
 * null when it needs the full compiler. With `getLimit`, the shape is the one `get(...getConds)` runs
 * (filter by the conditions, then, unless sliced, no ordering and LIMIT getLimit), without building
 * that QuerySet.
 */
export const fastShape = (
  db: Db,
  qs: AnyQuerySet,
  purpose: string,
  shape: string,
  getConds?: readonly Condition[],
  getLimit?: number,
): FastShape | null => {
  if (qs.invalid || qs.empty || qs.annotations.length || qs.compound || qs.distinct !== false) return null
  for (const _ in qs.ext) return null
  const sliced = qs.low !== 0 || qs.high !== null
  const filtering = getConds !== undefined && getConds.length > 0
  // Filtering a sliced QuerySet is an error, reported by the full path.
  if (filtering && sliced) return null
  const model = qs.model
  const sel = qs.select
  const plans = db.plans
  const w: Walk = { plans, dialect: db.dialect, model, values: [], node: plans.step(plans.shapes, model) }
  step(w, purpose)
  step(w, shape)
  if (sel.kind === 'rows') {
    step(w, ROWS)
    if (sel.only) strings(w, sel.only)
    else step(w, null)
    strings(w, sel.defer)
  } else if (sel.kind === 'values' || sel.kind === 'valuesList') {
    for (let i = 0; i < sel.fields.length; i++) if (sel.fields[i].includes('__')) return null
    step(w, sel.kind === 'values' ? VALUES : VALUES_LIST)
    strings(w, sel.fields)
    step(w, sel.groupByRows === true)
    if (sel.kind === 'valuesList') {
      step(w, sel.flat)
      step(w, sel.named)
    }
  } else return null
  // Indexed loops: for-of over a frozen array allocates an iterator on every step.
  for (let i = 0; i < qs.where.length; i++) if (!whereShape(w, qs.where[i])) return null
  if (filtering && !filterShape(w, getConds)) return null
  if (getLimit !== undefined && !sliced) {
    step(w, ORDER)
    step(w, 0)
    step(w, false)
    step(w, 0)
    step(w, getLimit)
  } else {
    if (qs.order !== null) {
      step(w, ORDER)
      step(w, qs.order.length)
      for (let i = 0; i < qs.order.length; i++) {
        const o = qs.order[i]
        if (typeof o !== 'string' || o.includes('__')) return null
        step(w, o)
      }
    } else step(w, DEFAULT_ORDER)
    step(w, qs.reversed)
    step(w, qs.low)
    step(w, qs.high)
  }
  return { node: w.node, values: w.values }
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
