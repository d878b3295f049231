// Aggregates over different multi-valued relations, each in its own subquery. Joined together,
// `annotate(Count('book'), Count('award'))` counts every book once per award and every award once
// per book (Django's documented double counting); computed per row in a correlated subquery, each
// aggregate sees only its own relation.
import {
  type AnyExpression,
  type AnyModel,
  type AnyQuerySet,
  type Annotation,
  Cast,
  Coalesce,
  cloneWith,
  containsAggregate,
  Expression,
  type ExprNode,
  findField,
  NullIf,
  OuterRef,
  relationStep,
  type WhereNode,
} from '@fjord/core'
import { someNode } from './functions.js'

/** The `Ext` node of an aggregate computed in its own subquery. */
export const ISOLATED = 'IsolatedAggregate'
export interface IsolatedData {
  readonly query: AnyQuerySet
}

type FuncNode = Extract<ExprNode, { kind: 'Func' }>

/** The paths an expression (and the conditions inside it) reads, without entering subqueries. */
const pathsOf = (e: AnyExpression, out: string[] = []): string[] => {
  const n = e.node
  if (n.kind === 'F') out.push(n.path)
  someNode(e, (m) => {
    if (m !== n && m.kind === 'F') out.push(m.path)
    if (m.kind === 'Func' && m.filter) conditionPaths(m.filter, out)
    if (m.kind === 'Case') for (const w of m.whens) conditionPaths(w.cond, out)
    return false
  })
  return out
}

const conditionPaths = (w: WhereNode, out: string[]): void => {
  if (w.kind === 'lookup') out.push(w.key)
  else if (w.kind === 'expr') pathsOf(w.expr, out)
  else for (const c of w.children) conditionPaths(c, out)
}

/** The annotation a path starts with (longest prefix, as core resolves it). */
const annotationOf = (names: ReadonlyMap<string, Annotation>, parts: readonly string[]): Annotation | undefined => {
  for (let k = parts.length; k > 0; k--) {
    const a = names.get(parts.slice(0, k).join('__'))
    if (a) return a
  }
  return undefined
}

/**
 * The multi-valued part of each path: `book__publisher__name` on Author → `book`, the prefix up to the
 * last reverse foreign key or many-to-many it crosses; nothing for local fields and forward keys.
 */
const chainsOf = (model: AnyModel, e: AnyExpression, annotations: ReadonlyMap<string, Annotation>, seen = new Set<string>()): Set<string> => {
  const chains = new Set<string>()
  for (const path of pathsOf(e)) {
    const parts = path.split('__')
    const ann = annotationOf(annotations, parts)
    if (ann) {
      // An aggregate annotation is one value per row, whatever it crossed.
      if (!seen.has(ann.name) && !containsAggregate(ann.expr)) {
        seen.add(ann.name)
        for (const c of chainsOf(model, ann.expr, annotations, seen)) chains.add(c)
      }
      continue
    }
    let m = model
    let last = -1
    for (let i = 0; i < parts.length; i++) {
      const bf = findField(m, parts[i])
      const step = relationStep(m, bf ? bf.name : parts[i])
      if (!step) break
      if (step.multiValued) last = i
      // `publisherId`: the key column itself, nothing crossed beyond it.
      if (bf && bf.attname !== bf.name && bf.attname === parts[i]) break
      m = step.target
    }
    if (last >= 0) chains.add(parts.slice(0, last + 1).join('__'))
  }
  return chains
}

/** An expression reading these paths, for chainsOf. */
const pathsExpr = (paths: readonly string[]): AnyExpression =>
  new Expression({ kind: 'Func', fn: 'Coalesce', args: paths.map((p) => new Expression({ kind: 'F', path: p })) })

/** Every aggregate node of an expression. */
const aggregatesOf = (e: AnyExpression): FuncNode[] => {
  const out: FuncNode[] = []
  someNode(e, (n) => {
    if (n.kind === 'Func' && n.aggregate) out.push(n)
    return false
  })
  return out
}

/** Whether the QuerySet's groups are its rows (not values() given before the aggregates). */
const groupsByRow = (qs: AnyQuerySet): boolean => {
  const sel = qs.select
  if (sel.kind === 'rows') return true
  return (sel.kind === 'values' || sel.kind === 'valuesList') && (sel.fields.length === 0 || sel.groupByRows === true)
}

/**
 * Grouped by values(), an aggregate is made of the per-row values of its own subquery: the number of
 * related rows is the sum of each row's count, and so on. Only these aggregates decompose that way.
 */
const REGROUP: Readonly<Record<string, string>> = { Count: 'Sum', Sum: 'Sum', Min: 'Min', Max: 'Max', Avg: 'Avg' }

const regrouped = (node: FuncNode, perRow: AnyExpression): AnyExpression =>
  new Expression({
    kind: 'Func',
    fn: REGROUP[node.fn]!,
    args: [perRow],
    aggregate: true,
    ...(node.output ? { output: node.output } : {}),
    // A group's count is 0, never NULL; the other aggregates keep their own default.
    ...(node.fn === 'Count' ? { default: new Expression({ kind: 'Value', value: 0 }) } : node.default ? { default: node.default } : {}),
  })

/** The QuerySet with aggregates over different multi-valued relations moved into subqueries, or itself. */
export const isolateMultiValued = (qs: AnyQuerySet): AnyQuerySet => {
  if (qs.annotations.length === 0) return qs
  const byRow = groupsByRow(qs)
  const byName = new Map(qs.annotations.map((a) => [a.name, a] as const))
  const chainOf = new Map<FuncNode, string>()
  const distinct = new Set<string>()
  for (const a of qs.annotations) {
    if (!containsAggregate(a.expr)) {
      // A plain value across a multi-valued relation makes one row per related row: keep Django's joins.
      if (chainsOf(qs.model, a.expr, byName).size > 0) return qs
      continue
    }
    for (const node of aggregatesOf(a.expr)) {
      const chains = chainsOf(qs.model, new Expression(node), byName)
      if (chains.size !== 1 || someNode(new Expression(node), (n) => n.kind === 'OuterRef')) continue
      const [chain] = chains
      chainOf.set(node, chain)
      distinct.add(chain)
    }
  }
  if (distinct.size < 2) return qs
  // Grouped by values(), each aggregate must decompose into per-row values; else Django's joins stay.
  if (!byRow) {
    if ([...chainOf.keys()].some((n) => !REGROUP[n.fn] || n.distinct)) return qs
    // values() across a multi-valued relation makes a row per related row: each would count its owner's relations again.
    const sel = qs.select as { readonly fields: readonly string[] }
    if (chainsOf(qs.model, pathsExpr(sel.fields), byName).size > 0) return qs
  }
  const annotations = qs.annotations.map((a): Annotation => {
    if (!containsAggregate(a.expr)) return a
    return {
      ...a,
      expr: replaceAggregates(a.expr, (node) => {
        if (!chainOf.has(node)) return undefined
        const chain = chainOf.get(node)!
        const perRow = (n: FuncNode) => new Expression({ kind: 'Subquery', query: isolatedQuery(qs, a, n, chain, byName), ...(n.output ? { output: n.output } : {}) })
        // Per row, the subquery stands for the aggregate; grouped by values, its values are added up.
        if (byRow) return new Expression({ kind: 'Ext', ext: ISOLATED, data: { query: isolatedQuery(qs, a, node, chain, byName) } satisfies IsolatedData, output: node.output })
        if (node.fn !== 'Avg') return regrouped(node, perRow(node))
        // An average of the group: the sum of every row's sum over the sum of every row's count.
        const { default: dflt, ...bare } = node
        const sum = regrouped({ ...bare, fn: 'Sum', output: undefined }, perRow({ ...bare, fn: 'Sum', output: undefined }))
        const count = regrouped({ ...bare, fn: 'Count', output: 'integer' }, perRow({ ...bare, fn: 'Count', output: 'integer' }))
        const mean = Cast(sum, 'float').div(NullIf(count, 0))
        return dflt ? Coalesce(mean, dflt) : mean
      }),
    }
  })
  return cloneWith(qs, { annotations: Object.freeze(annotations) })
}

/** `SELECT aggregate FROM model U WHERE U.pk = outer.pk`, with the annotations it reads. */
const isolatedQuery = (qs: AnyQuerySet, owner: Annotation, node: FuncNode, chain: string, byName: ReadonlyMap<string, Annotation>): AnyQuerySet => {
  const needed = new Set<string>()
  const collect = (e: AnyExpression) => {
    for (const path of pathsOf(e)) {
      const ann = annotationOf(byName, path.split('__'))
      if (ann && !needed.has(ann.name)) {
        needed.add(ann.name)
        collect(ann.expr)
      }
    }
  }
  collect(new Expression(node))
  const refs = qs.annotations.filter((a) => needed.has(a.name)).map((a): Annotation => ({ ...a, select: false }))
  // Filters made before the annotation over the same relation narrow what it aggregates (Django's
  // join reuse): they come along, and the aggregate, compiled after them, reuses their joins.
  const sameChain = qs.where.slice(0, owner.after ?? 0).filter((w) => {
    const paths: string[] = []
    conditionPaths(w, paths)
    const chains = chainsOf(qs.model, pathsExpr(paths), byName)
    return chains.size === 1 && chains.has(chain)
  })
  const name = 'isolated_value'
  const pkIsOuter: WhereNode = Object.freeze({ kind: 'lookup', key: 'pk', value: OuterRef('pk') })
  return cloneWith(qs.model.objects as AnyQuerySet, {
    where: Object.freeze([Object.freeze({ kind: 'group', connector: 'AND', negated: false, children: Object.freeze([pkIsOuter]) }), ...sameChain]),
    annotations: Object.freeze([...refs, { name, expr: new Expression(node), select: true, after: 1 + sameChain.length }]),
    select: Object.freeze({ kind: 'values', fields: Object.freeze([name]) }),
    order: Object.freeze([]),
  })
}

/** A copy of `e` with each aggregate node replaced where `f` gives a replacement. */
const replaceAggregates = (e: AnyExpression, f: (n: FuncNode) => AnyExpression | undefined): AnyExpression => {
  const n = e.node
  const again = (x: AnyExpression) => replaceAggregates(x, f)
  switch (n.kind) {
    case 'Func':
      if (n.aggregate) return f(n) ?? e
      return new Expression({ ...n, args: n.args.map(again), default: n.default ? again(n.default) : undefined })
    case 'Combined':
      return new Expression({ ...n, lhs: again(n.lhs), rhs: again(n.rhs) })
    case 'Cast':
      return new Expression({ ...n, expr: again(n.expr) })
    case 'Case':
      return new Expression({ ...n, whens: n.whens.map((w) => ({ cond: w.cond, then: again(w.then) })), default: n.default ? again(n.default) : undefined })
    default:
      return e
  }
}
