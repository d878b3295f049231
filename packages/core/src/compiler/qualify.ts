// Conditions on window functions (Django 4.2's QUALIFY emulation): a window can't be filtered in the
// WHERE of the query that computes it, so that query becomes a derived table and the conditions
// apply outside: SELECT … FROM (SELECT …, window AS qa_0 …) qualify WHERE qualify.qa_0 <= 2.
import { type SelectQueryBuilder, sql } from 'kysely'
import { FieldError } from '../errors.js'
import type { AnyExpression } from '../expressions.js'
import type { AnyQuerySet } from '../queryset.js'
import type { WhereNode } from '../where.js'
import { type Compiled, type Ctx, type Frag, ref } from './context.js'
import { Scope } from './scope.js'
import { columnOf, compileWhere } from './where.js'

const freezeGroup = (node: Extract<WhereNode, { kind: 'group' }>, children: readonly WhereNode[]): WhereNode =>
  Object.freeze({ kind: 'group', connector: node.connector, negated: node.negated, children: Object.freeze([...children]) })

/** Paths and expressions of a condition that name one of `names` (annotations computed by windows). */
const refersTo = (node: WhereNode, names: ReadonlySet<string>): boolean => {
  switch (node.kind) {
    case 'lookup':
      return startsWithName(node.key, names)
    case 'expr':
      return exprRefersTo(node.expr, names)
    case 'group':
      return node.children.some((c) => refersTo(c, names))
  }
}

const startsWithName = (path: string, names: ReadonlySet<string>): boolean => {
  const parts = path.split('__')
  for (let k = parts.length; k > 0; k--) if (names.has(parts.slice(0, k).join('__'))) return true
  return false
}

const exprRefersTo = (e: AnyExpression, names: ReadonlySet<string>): boolean => {
  const n = e.node
  switch (n.kind) {
    case 'F':
      return startsWithName(n.path, names)
    case 'Func':
      return n.args.some((a) => exprRefersTo(a, names))
    case 'Combined':
      return exprRefersTo(n.lhs, names) || exprRefersTo(n.rhs, names)
    case 'Cast':
    case 'OrderBy':
      return exprRefersTo(n.expr, names)
    case 'Case':
      return n.whens.some((w) => refersTo(w.cond, names) || exprRefersTo(w.then, names)) || (n.default !== undefined && exprRefersTo(n.default, names))
    case 'Condition':
      return refersTo(n.cond, names)
    default:
      return false
  }
}

/**
 * Split one filter() call: the parts that read a window annotation are applied outside; in an AND
 * group the other conditions stay inside (where they can use indexes), as Django splits them.
 */
export const splitQualify = (node: WhereNode, windows: ReadonlySet<string>): { inner?: WhereNode; outer?: WhereNode } => {
  if (windows.size === 0 || !refersTo(node, windows)) return { inner: node }
  if (node.kind !== 'group' || node.connector !== 'AND' || node.negated) return { outer: node }
  const inner = node.children.filter((c) => !refersTo(c, windows))
  const outer = node.children.filter((c) => refersTo(c, windows))
  return { inner: inner.length ? freezeGroup(node, inner) : undefined, outer: freezeGroup(node, outer) }
}

export interface QualifyInput {
  readonly qs: AnyQuerySet
  readonly ctx: Ctx
  readonly parent: Scope | null
  /** The inner query's scope (its annotations are compiled). */
  readonly scope: Scope
  readonly columns: readonly Compiled[]
  readonly conditions: readonly WhereNode[]
  readonly grouped: boolean
  /** SELECT DISTINCT: applied outside, over the selected columns alone. */
  readonly distinct: boolean
  /** The ordering, compiled in a scope (the outer one). */
  readonly order: (scope: Scope) => Frag[]
  readonly limit: number | null
  readonly offset: number | null
  readonly offsetWithoutLimit: number | bigint | undefined
  /** The inner query as compiled (its ORDER BY, LIMIT and OFFSET move outside). */
  readonly inner: () => SelectQueryBuilder<any, any, any>
}

/** The outer query over the inner one, with the window conditions and the ordering and slice. */
export const qualifyWrap = (input: QualifyInput): (() => SelectQueryBuilder<any, any, any>) => {
  const { qs, ctx, scope, columns } = input
  if (qs.compound) throw new FieldError('Filtering on a window function is not supported on a combined query (union, …).')
  ctx.k('QUALIFY(')
  const outer = new Scope(ctx, qs.model, 'qualify', input.parent)
  // Only the annotations the conditions or the ordering read are carried out of the inner query.
  const names = [...scope.annotations.keys()].filter((name) => {
    const one = new Set([name])
    return input.conditions.some((n) => refersTo(n, one)) || (qs.order ?? []).some((o) => (typeof o === 'string' ? startsWithName(o.replace(/^[-+]/, ''), one) : exprRefersTo(o, one)))
  })
  names.forEach((name, i) => {
    const c = scope.annotations.get(name) as Compiled
    outer.annotations.set(name, { frag: ref('qualify', `qa_${i}`), type: c.type, field: c.field, aggregate: false })
  })
  // Plain fields in the conditions read the inner table's columns (not available once rows are grouped).
  const base = input.grouped ? [] : qs.model.meta.concreteFields.map((bf) => columnOf(scope.alias, bf))
  const conditions = input.conditions.map((n) => compileWhere(outer, n))
  const order = input.order(outer)
  ctx.k(')')
  return () => {
    const inner = input
      .inner()
      .clearSelect()
      .clearOrderBy()
      .clearLimit()
      .clearOffset()
      .select([
        ...columns.map((c, i) => c.frag().as(`col${i}`) as never),
        ...names.map((name, i) => (scope.annotations.get(name) as Compiled).frag().as(`qa_${i}`) as never),
        ...base.map((c) => c.frag() as never),
      ])
    let q = ctx.kyselyRef.selectFrom(inner.as('qualify')).select(columns.map((_, i) => sql.ref(`qualify.col${i}`) as never)) as SelectQueryBuilder<any, any, any>
    if (input.distinct) q = q.distinct()
    for (const c of conditions) q = q.where(c.frag())
    for (const o of order) q = q.orderBy(o())
    if (input.limit !== null) q = q.limit(sql.lit(input.limit) as never)
    else if (input.offset !== null && input.offsetWithoutLimit !== undefined) q = q.limit(sql.lit(input.offsetWithoutLimit as number) as never)
    if (input.offset !== null) q = q.offset(sql.lit(input.offset) as never)
    return q
  }
}
