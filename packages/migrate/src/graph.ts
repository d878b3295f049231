// Migrations and their graph: dependencies, leaves (heads), plans and the state at any node
// (Django's Migration, MigrationGraph and MigrationLoader.project_state).
import type { Operation } from './operations.js'
import { stateForwards } from './operations.js'
import { emptyState, type ProjectState } from './state.js'

/** One migration: its name, what it needs first, and its operations. */
export interface Migration {
  readonly name: string
  readonly dependencies: readonly string[]
  readonly operations: readonly Operation[]
  /** Run in one transaction where the backend has transactional DDL (default true). */
  readonly atomic: boolean
}

export interface MigrationSpec {
  /** Given by the loader from the file name when left out. */
  readonly name?: string
  readonly dependencies?: readonly string[]
  readonly operations: readonly Operation[]
  readonly atomic?: boolean
}

/**
 * Declare a migration, as the default export of a file in `migrations/`.
 * @example export default migration({ dependencies: ['0001_initial'], operations: [ops.removeField('Post', 'summary')] })
 */
export const migration = (spec: MigrationSpec): MigrationSpec =>
  Object.freeze({ ...spec, dependencies: Object.freeze([...(spec.dependencies ?? [])]), operations: Object.freeze([...spec.operations]) })

/** A spec with its name settled. */
export const named = (name: string, spec: MigrationSpec): Migration =>
  Object.freeze({ name: spec.name ?? name, dependencies: spec.dependencies ?? [], operations: spec.operations, atomic: spec.atomic ?? true })

export class MigrationGraphError extends Error {
  readonly _tag = 'MigrationGraphError'
}

export interface MigrationGraph {
  readonly nodes: ReadonlyMap<string, Migration>
  /** Migrations in an order where each comes after its dependencies (ties by name). */
  readonly ordered: readonly Migration[]
  /** Migrations nothing depends on. More than one means a merge migration is needed. */
  readonly leaves: readonly string[]
}

/** Check the dependencies and order the migrations; refuses unknown dependencies and cycles. */
export const buildGraph = (migrations: readonly Migration[]): MigrationGraph => {
  const nodes = new Map<string, Migration>()
  for (const m of migrations) {
    if (nodes.has(m.name)) throw new MigrationGraphError(`Two migrations are named '${m.name}'`)
    nodes.set(m.name, m)
  }
  for (const m of migrations) {
    for (const d of m.dependencies) {
      if (!nodes.has(d)) throw new MigrationGraphError(`Migration ${m.name} depends on '${d}', which does not exist`)
    }
  }
  const ordered: Migration[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (m: Migration, path: string[]) => {
    const s = state.get(m.name)
    if (s === 'done') return
    if (s === 'visiting') throw new MigrationGraphError(`Circular dependency: ${[...path, m.name].join(' -> ')}`)
    state.set(m.name, 'visiting')
    for (const d of [...m.dependencies].sort()) visit(nodes.get(d)!, [...path, m.name])
    state.set(m.name, 'done')
    ordered.push(m)
  }
  for (const m of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) visit(m, [])
  const needed = new Set(migrations.flatMap((m) => m.dependencies))
  const leaves = ordered.filter((m) => !needed.has(m.name)).map((m) => m.name)
  return { nodes, ordered, leaves }
}

/** The names of `name` and everything it depends on, in graph order. */
export const ancestors = (graph: MigrationGraph, name: string): readonly string[] => {
  if (!graph.nodes.has(name)) throw new MigrationGraphError(`No migration named '${name}' (known: ${[...graph.nodes.keys()].join(', ') || 'none'})`)
  const seen = new Set<string>()
  const walk = (n: string) => {
    if (seen.has(n)) return
    seen.add(n)
    for (const d of graph.nodes.get(n)!.dependencies) walk(d)
  }
  walk(name)
  return graph.ordered.map((m) => m.name).filter((n) => seen.has(n))
}

/** The state after the given migrations (applied in graph order). */
export const stateAfter = (graph: MigrationGraph, names: Iterable<string>): ProjectState => {
  const wanted = new Set(names)
  let state = emptyState
  for (const m of graph.ordered) if (wanted.has(m.name)) for (const op of m.operations) state = stateForwards(state, op)
  return state
}

/** The state of the whole graph: what the migration files add up to. */
export const graphState = (graph: MigrationGraph): ProjectState => stateAfter(graph, graph.nodes.keys())

/** Find a migration by its full name or a unique prefix (`0002`), as Django's commands accept. */
export const resolveName = (graph: MigrationGraph, given: string): string => {
  if (graph.nodes.has(given)) return given
  const hits = [...graph.nodes.keys()].filter((n) => n.startsWith(given))
  if (hits.length === 1) return hits[0]!
  if (hits.length > 1) throw new MigrationGraphError(`More than one migration matches '${given}': ${hits.join(', ')}`)
  throw new MigrationGraphError(`No migration named '${given}' (known: ${[...graph.nodes.keys()].join(', ') || 'none'})`)
}
