// Conditions: lookup objects, Q, and/or/not. A WhereNode is a tree of immutable values.
import { Expression } from './expressions.js'

export type WhereNode =
  | { readonly kind: 'lookup'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'expr'; readonly expr: Expression }
  | {
      readonly kind: 'group'
      readonly connector: 'AND' | 'OR'
      readonly negated: boolean
      readonly children: readonly WhereNode[]
    }

/** A Q value: a condition that can be combined with `and`, `or`, `not`. */
export class QNode {
  constructor(readonly node: WhereNode) {
    Object.freeze(this)
  }
}

export type Condition = Readonly<Record<string, unknown>> | QNode | Expression<boolean> | Expression<unknown>

const group = (connector: 'AND' | 'OR', negated: boolean, children: readonly WhereNode[]): WhereNode =>
  Object.freeze({ kind: 'group', connector, negated, children: Object.freeze([...children]) })

/** The lookups of a lookup object, in `Object.entries` order (made directly: filter() runs on hot paths). */
export const lookupsOf = (c: Readonly<Record<string, unknown>>): readonly WhereNode[] => {
  const keys = Object.keys(c)
  const out = new Array<WhereNode>(keys.length)
  for (let i = 0; i < keys.length; i++) out[i] = Object.freeze({ kind: 'lookup', key: keys[i], value: c[keys[i]] })
  return Object.freeze(out)
}

/** Turn any accepted condition into a WhereNode. */
export const toWhere = (c: Condition): WhereNode => {
  if (c instanceof QNode) return c.node
  if (c instanceof Expression) return Object.freeze({ kind: 'expr', expr: c })
  if (c === null || typeof c !== 'object') throw new TypeError(`Not a condition: ${String(c)}`)
  return Object.freeze({ kind: 'group', connector: 'AND', negated: false, children: lookupsOf(c) })
}

/** A condition value, as Django's `Q(title__startswith='F')`. */
export const Q = <C extends Condition>(c: C): QNode => new QNode(toWhere(c))
/** All of the conditions (`Q & Q`). */
export const and = (...cs: readonly Condition[]): QNode => new QNode(group('AND', false, cs.map(toWhere)))
/** Any of the conditions (`Q | Q`). */
export const or = (...cs: readonly Condition[]): QNode => new QNode(group('OR', false, cs.map(toWhere)))
/** The negation of a condition (`~Q`). */
export const not = (c: Condition): QNode => new QNode(group('AND', true, [toWhere(c)]))
