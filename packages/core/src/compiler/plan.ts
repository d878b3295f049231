// Plans: a compiled statement keyed by the QuerySet's shape, its parameter map, and its row reader.
// Running the same shape again with other values reuses the plan: no recompilation.
import type { Compilable } from 'kysely'
import type { Db } from '../db.js'
import type { Dialect } from '../dialect.js'
import type { Reader } from './select.js'
import { Ctx, Slot } from './context.js'

export interface Plan {
  readonly sql: string
  /** For each placeholder: the index of the value in the traversal, or a constant. */
  readonly params: readonly (number | { readonly c: unknown })[]
  readonly readers: readonly Reader[]
  /** Integers must come back as bigint (a bigInteger column is read). */
  readonly bigints: boolean
  /** Hydrate positional rows into the result shape. */
  readonly hydrate: (rows: readonly (readonly unknown[])[]) => unknown[]
  /** The placeholders take the traversal's values in order: the values are the parameters. */
  readonly direct?: boolean
  /** Anything else the terminal computed once for this shape. */
  readonly extra?: unknown
}

export type RowShape = 'object' | 'tuple' | 'flat' | 'scalar'

/** The converter of each reader, or null for identity. */
const converters = (dialect: Dialect, readers: readonly Reader[]) =>
  readers.map((r) => {
    const ops = dialect.ops
    if (ops.converter) return ops.converter(r.type ?? 'text', r.field)
    const fromDb = ops.fromDb
    return fromDb ? (v: unknown) => (v === null ? null : fromDb(r.type ?? 'text', v, r.field)) : null
  })

interface ObjectNode {
  readonly entries: string[]
  readonly children: Map<string, ObjectNode>
  /** The reader whose NULL makes this (nested) object null. */
  nullTest: number
}

/** The object literal a row becomes; readers with a `path` build nested objects, null when their key is NULL. */
const objectLiteral = (readers: readonly Reader[], cell: (i: number) => string): string => {
  const node = (): ObjectNode => ({ entries: [], children: new Map(), nullTest: -1 })
  const root = node()
  readers.forEach((rd, i) => {
    let at = root
    for (const part of rd.path ?? []) {
      let next = at.children.get(part)
      if (!next) {
        next = node()
        at.children.set(part, next)
      }
      at = next
    }
    if (at !== root && at.nullTest < 0) at.nullTest = i
    at.entries.push(`${JSON.stringify(rd.key)}: ${cell(i)}`)
  })
  const emit = (n: ObjectNode): string => {
    const nested = [...n.children].map(([k, child]) => {
      const literal = emit(child)
      return `${JSON.stringify(k)}: ${child.nullTest < 0 ? literal : `r[${child.nullTest}] == null ? null : ${literal}`}`
    })
    return `{${[...n.entries, ...nested].join(', ')}}`
  }
  return emit(root)
}

/** A row reader: every row, or `one` row. */
export type Hydrator = Plan['hydrate'] & { readonly one: (row: readonly unknown[]) => unknown }

/** Build a row reader specialised to the columns (a generated function: no per-row loops over metadata). */
export const makeHydrator = (dialect: Dialect, readers: readonly Reader[], shape: RowShape): Hydrator => {
  const convs = converters(dialect, readers)
  const cell = (i: number) => (convs[i] ? `c[${i}](r[${i}])` : `r[${i}]`)
  let body: string
  switch (shape) {
    case 'object':
      body = `return ${objectLiteral(readers, cell)}`
      break
    case 'tuple':
      body = `return [${readers.map((_, i) => cell(i)).join(', ')}]`
      break
    case 'flat':
    case 'scalar':
      body = `return ${cell(0)}`
      break
  }
  const one = new Function('c', `return function (r) { ${body} }`)(convs) as (r: readonly unknown[]) => unknown
  const all = (rows: readonly (readonly unknown[])[]) => {
    const out = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) out[i] = one(rows[i])
    return out
  }
  return Object.assign(all, { one })
}

/** Compile a Kysely query into a plan's SQL and parameter map. */
export const toPlanSql = (query: Compilable): Pick<Plan, 'sql' | 'params' | 'direct'> => {
  const compiled = query.compile()
  const params = compiled.parameters.map((p) => (p instanceof Slot ? p.index : { c: p }))
  return { sql: compiled.sql, params, direct: params.every((p, i) => p === i) }
}

/** The parameters of a plan for this traversal's values (fresh for every run, so the values themselves when they fit). */
export const bindParams = (plan: Pick<Plan, 'params' | 'direct'>, values: readonly unknown[]): unknown[] => {
  const ps = plan.params
  if (plan.direct === true && values.length === ps.length) return values as unknown[]
  const out = new Array(ps.length)
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]
    out[i] = typeof p === 'number' ? values[p] : p.c
  }
  return out
}

/**
 * Traverse (always), then compile (only when this shape has no plan yet).
 * `traverse` fills the key and values and returns the builder of the plan.
 */
export const planFor = <P extends Plan>(db: Db, traverse: (ctx: Ctx) => () => P): { plan: P; values: unknown[] } => {
  const ctx = new Ctx(db.dialect, db.kysely)
  const make = traverse(ctx)
  const cached = db.plans.get(ctx.key) as P | undefined
  if (cached) return { plan: cached, values: ctx.values }
  const plan = make()
  db.plans.set(ctx.key, plan)
  return { plan, values: ctx.values }
}
