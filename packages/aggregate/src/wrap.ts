// Aggregates computed over a subquery: what each aggregate reads becomes a column of the inner
// query, and the aggregate itself reads that column from the outside (Django's get_aggregation).
import { type AnyExpression, Expression, type ExprNode, F } from '@fjord/core'

export interface SourceColumn {
  /** The inner query's column alias (no `__`, so a path can name it). */
  readonly name: string
  readonly expr: AnyExpression
}

/** The `Ext` node of an aggregate's source column. */
export const SOURCE = 'AggregateSource'

const isStar = (e: AnyExpression): boolean => e.node.kind === 'Raw' && e.node.sql === '*'

/**
 * The expression to compute outside: each aggregate's arguments (with its FILTER folded in as a
 * CASE, since the condition can only be evaluated inside) are pushed to `sources`.
 */
export const toOuter = (e: AnyExpression, sources: SourceColumn[], taken: ReadonlySet<string>): AnyExpression => {
  const n = e.node
  const again = (x: AnyExpression) => toOuter(x, sources, taken)
  switch (n.kind) {
    case 'Func': {
      if (!n.aggregate) return new Expression({ ...n, args: n.args.map(again) })
      const { filter, ...rest } = n
      const args = n.args.map((arg) => {
        // COUNT(*) counts the inner rows as it stands (with a filter, Count reads a constant instead).
        if (isStar(arg)) return arg
        const expr = filter ? new Expression({ kind: 'Case', whens: [{ cond: filter, then: arg }] }) : arg
        const name = fresh(sources, taken)
        // Wrapped so the column compiles to its own value even when it reads an annotation as is.
        sources.push({ name, expr: new Expression({ kind: 'Ext', ext: SOURCE, data: { children: [expr] } }) })
        return F(name)
      })
      return new Expression({ ...rest, args } as ExprNode)
    }
    case 'Combined':
      return new Expression({ ...n, lhs: again(n.lhs), rhs: again(n.rhs) })
    case 'Cast':
      return new Expression({ ...n, expr: again(n.expr) })
    case 'Case':
      return new Expression({
        ...n,
        whens: n.whens.map((w) => ({ cond: w.cond, then: again(w.then) })),
        default: n.default ? again(n.default) : undefined,
      })
    default:
      return e
  }
}

const fresh = (sources: readonly SourceColumn[], taken: ReadonlySet<string>): string => {
  let i = sources.length + 1
  while (taken.has(`aggcol_${i}`) || sources.some((s) => s.name === `aggcol_${i}`)) i++
  return `aggcol_${i}`
}
