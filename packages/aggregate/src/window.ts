// Window functions: Window(expression, { partitionBy, orderBy, frame }) and the ranking and value
// functions, as Django's django.db.models.Window and functions/window.py. A Window is an `Ext` node
// (compiled in register.ts); the functions are core `Func` nodes named in the function registry.
import { type AnyExpression, type Compiled, DatabaseError, Expression, F, Func, type OutputType, type Scope, type Sql, toExpr, Value } from '@fjord/core'
import { sql } from 'kysely'

/** The `Ext` node of a window expression. */
export const WINDOW = 'Window'

/**
 * A frame bound, as Django's: `null` is UNBOUNDED (PRECEDING at the start, FOLLOWING at the end),
 * 0 the CURRENT ROW, a negative number that many PRECEDING, a positive one that many FOLLOWING.
 */
export type FrameBound = number | null

export interface Frame {
  readonly kind: 'ROWS' | 'RANGE'
  readonly start: FrameBound
  readonly end: FrameBound
}

/** `ROWS BETWEEN …`: a frame counted in rows (Django's RowRange). */
export const RowRange = (start: FrameBound = null, end: FrameBound = null): Frame => Object.freeze({ kind: 'ROWS', start, end })
/** `RANGE BETWEEN …`: a frame by the ordering's values (Django's ValueRange). */
export const ValueRange = (start: FrameBound = null, end: FrameBound = null): Frame => Object.freeze({ kind: 'RANGE', start, end })

type Term = string | AnyExpression

export interface WindowOptions {
  /** Rows with equal values here form one partition. */
  readonly partitionBy?: Term | readonly Term[]
  /** The order inside a partition: `'-pubdate'`, `F('x').desc()`, …. */
  readonly orderBy?: Term | readonly Term[]
  readonly frame?: Frame
}

export interface WindowData {
  readonly expression: AnyExpression
  readonly partitionBy: readonly AnyExpression[]
  readonly orderBy: readonly AnyExpression[]
  readonly frame?: Frame
}

const list = (t: Term | readonly Term[] | undefined): readonly Term[] => (t === undefined ? [] : Array.isArray(t) ? t : [t as Term])

/** `'-pubdate'` → `F('pubdate').desc()`; expressions stay as they are. */
const orderExpr = (t: Term): AnyExpression => {
  if (typeof t !== 'string') return t
  return t.startsWith('-') ? F(t.slice(1)).desc() : F(t.replace(/^\+/, '')).asc()
}

/**
 * `expression OVER (PARTITION BY … ORDER BY … frame)`: an aggregate or a window function computed
 * over the rows related to each row, without grouping them.
 * @example annotate({ rank: Window(Rank(), { partitionBy: 'publisher', orderBy: '-rating' }) })
 */
export const Window = <T>(expression: Expression<T>, options: WindowOptions = {}): Expression<T> =>
  new Expression({
    kind: 'Ext',
    ext: WINDOW,
    data: Object.freeze({
      expression,
      partitionBy: Object.freeze(list(options.partitionBy).map((t) => toExpr(t))),
      orderBy: Object.freeze(list(options.orderBy).map(orderExpr)),
      frame: options.frame,
    }) satisfies WindowData,
  })

// window functions

/** The row's number in its partition, from 1. */
export const RowNumber = (): Expression<number> => Func('RowNumber', [], { output: 'integer' })
/** The rank with gaps (1, 1, 3). */
export const Rank = (): Expression<number> => Func('Rank', [], { output: 'integer' })
/** The rank without gaps (1, 1, 2). */
export const DenseRank = (): Expression<number> => Func('DenseRank', [], { output: 'integer' })
/** (rank - 1) / (rows - 1), from 0 to 1. */
export const PercentRank = (): Expression<number> => Func('PercentRank', [], { output: 'float' })
/** The fraction of rows up to and including this row's peers. */
export const CumeDist = (): Expression<number> => Func('CumeDist', [], { output: 'float' })
/** The bucket (1 to `buckets`) the row falls in. */
export const NTile = (buckets = 1): Expression<number> => {
  if (!Number.isInteger(buckets) || buckets <= 0) throw new RangeError('NTile(buckets): buckets must be a positive integer.')
  return Func('NTile', [], { output: 'integer', options: { buckets } })
}

const offsetFunction = (fn: 'Lag' | 'Lead', expression: unknown, offset: number, dflt: unknown, output?: OutputType) => {
  if (!Number.isInteger(offset) || offset <= 0) throw new RangeError(`${fn}(expression, offset): offset must be a positive integer.`)
  // The default is LAG's third argument, not a COALESCE: a NULL value in the row stays NULL.
  const args = dflt === undefined ? [toExpr(expression)] : [toExpr(expression), dflt instanceof Expression ? dflt : Value(dflt)]
  return Func(fn, args, { ...(output ? { output } : {}), options: { offset } })
}

/** The value `offset` rows before, or `default` (null) when there is none. */
export const Lag = <T = unknown>(expression: unknown, offset = 1, dflt?: unknown, output?: OutputType): Expression<T> =>
  offsetFunction('Lag', expression, offset, dflt, output) as Expression<T>
/** The value `offset` rows after, or `default` (null) when there is none. */
export const Lead = <T = unknown>(expression: unknown, offset = 1, dflt?: unknown, output?: OutputType): Expression<T> =>
  offsetFunction('Lead', expression, offset, dflt, output) as Expression<T>
/** The value at the frame's first row. */
export const FirstValue = <T = unknown>(expression: unknown): Expression<T> => Func('FirstValue', [expression])
/** The value at the frame's last row. */
export const LastValue = <T = unknown>(expression: unknown): Expression<T> => Func('LastValue', [expression])
/** The value at the frame's `nth` row (from 1), or null. */
export const NthValue = <T = unknown>(expression: unknown, nth = 1): Expression<T> => {
  if (!Number.isInteger(nth) || nth <= 0) throw new RangeError('NthValue(expression, nth): nth must be a positive integer.')
  return Func('NthValue', [expression], { options: { nth } })
}

/** The SQL of each window function, for core's function registry. */
export const windowFunctions: readonly [string, (args: readonly Sql[], o: Readonly<Record<string, unknown>>) => Sql][] = [
  ['RowNumber', () => sql`ROW_NUMBER()`],
  ['Rank', () => sql`RANK()`],
  ['DenseRank', () => sql`DENSE_RANK()`],
  ['PercentRank', () => sql`PERCENT_RANK()`],
  ['CumeDist', () => sql`CUME_DIST()`],
  ['NTile', (_, o) => sql`NTILE(${sql.lit(Number(o.buckets))})`],
  ['Lag', (args, o) => sql`LAG(${sql.join([args[0], sql.lit(Number(o.offset)), ...args.slice(1)])})`],
  ['Lead', (args, o) => sql`LEAD(${sql.join([args[0], sql.lit(Number(o.offset)), ...args.slice(1)])})`],
  ['FirstValue', (args) => sql`FIRST_VALUE(${args[0]})`],
  ['LastValue', (args) => sql`LAST_VALUE(${args[0]})`],
  ['NthValue', (args, o) => sql`NTH_VALUE(${args[0]}, ${sql.lit(Number(o.nth))})`],
]

const bound = (b: FrameBound, start: boolean): string => {
  if (b === null) return start ? 'UNBOUNDED PRECEDING' : 'UNBOUNDED FOLLOWING'
  if (!Number.isInteger(b)) throw new RangeError('A frame bound must be an integer or null.')
  if (b === 0) return 'CURRENT ROW'
  return b < 0 ? `${-b} PRECEDING` : `${b} FOLLOWING`
}

/** `expression OVER (window)`; a dialect may override it by the name `Window` (options: `float`). */
export const renderWindow = (args: readonly Sql[]): Sql => sql`${args[0]} OVER (${args[1]})`

/** Compile a Window node: the expression, then OVER (…). */
export const compileWindow = (data: WindowData, scope: Scope, compile: (e: AnyExpression) => Compiled): Compiled => {
  const ctx = scope.ctx
  const features = ctx.dialect.features
  if (!features.supportsOverClause) {
    throw new DatabaseError(`This backend (${ctx.dialect.name}) does not support window expressions.`)
  }
  const node = data.expression.node
  // LAG/LEAD's default argument, where the backend lacks it: the default when there is no such row.
  const lagLead = node.kind === 'Func' && (node.fn === 'Lag' || node.fn === 'Lead') && node.args.length > 1 ? node : undefined
  const emulated = lagLead !== undefined && !features.supportsDefaultInLeadLag
  if (emulated) ctx.k('~')
  const fn = compile(emulated ? new Expression({ ...lagLead, args: [lagLead.args[0]] }) : data.expression)
  const dflt = emulated ? compile(lagLead.args[1]) : undefined
  if (fn.window) throw new DatabaseError('A window expression cannot contain another window expression.')
  ctx.k(`P${data.partitionBy.length}`)
  const partition = data.partitionBy.map(compile)
  ctx.k(`O${data.orderBy.length}`)
  const ops = ctx.dialect.ops
  const order = data.orderBy.map((e) => {
    const n = e.node
    const inner = n.kind === 'OrderBy' ? n.expr : e
    const desc = n.kind === 'OrderBy' && n.desc
    const nulls = n.kind === 'OrderBy' ? (n.nullsFirst ? 'first' : n.nullsLast ? 'last' : undefined) : undefined
    ctx.k(`${desc ? 'd' : 'a'}${nulls ?? ''}`)
    const c = compile(inner)
    return (): Sql =>
      ops.orderBy ? ops.orderBy(c.frag(), desc, nulls) : sql`${c.frag()}${sql.raw(desc ? ' DESC' : ' ASC')}${sql.raw(nulls ? ` NULLS ${nulls.toUpperCase()}` : '')}`
  })
  const frame = data.frame ? `${data.frame.kind} BETWEEN ${bound(data.frame.start, true)} AND ${bound(data.frame.end, false)}` : ''
  ctx.k(`F${frame}`)
  const render = ops.functions?.Window ?? renderWindow
  const over = (frameSql: string): Sql => {
    const parts: Sql[] = []
    if (partition.length) parts.push(sql`PARTITION BY ${sql.join(partition.map((p) => p.frag()))}`)
    if (order.length) parts.push(sql`ORDER BY ${sql.join(order.map((o) => o()))}`)
    if (frameSql) parts.push(sql.raw(frameSql))
    return sql.join(parts, sql` `)
  }
  const options = { float: fn.type === 'float' }
  const frag = (): Sql => {
    const value = render([fn.frag(), over(frame)], options)
    if (!lagLead || !dflt) return value
    // Rows before (LAG) or after (LEAD) this one in its partition: fewer than the offset means no such row.
    const around =
      lagLead.fn === 'Lag'
        ? render([sql`ROW_NUMBER()`, over('')], {})
        : render([sql`COUNT(*)`, over('ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING')], {})
    return sql`CASE WHEN ${around} > ${sql.lit(Number(lagLead.options?.offset ?? 1))} THEN ${value} ELSE ${dflt.frag()} END`
  }
  return { frag, type: fn.type, field: fn.field, aggregate: false, window: true }
}
