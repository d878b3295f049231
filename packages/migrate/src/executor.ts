// Applying migrations: the table that records them, plans forwards and backwards, one transaction per
// migration where the backend has transactional DDL (Django's MigrationRecorder and MigrationExecutor).
import { type Db, type Effect, effect, f, inTransaction, model, schema, toArray, create, filter, deleteAll, pipe } from '@fjord/core'
import { createStatements } from './ddl.js'
import { collectingEditor, databaseForwards, type Editor, executingEditor, type Statement } from './editor.js'
import { ancestors, buildGraph, type Migration, type MigrationGraph, resolveName, stateAfter } from './graph.js'
import { describe, inverse, type Operation, stateForwards } from './operations.js'
import type { ProjectState } from './state.js'

// the record of applied migrations ---------------------------------------------------------------

const { FjordMigration } = schema({
  FjordMigration: model(
    { app: f.char({ maxLength: 255 }), name: f.char({ maxLength: 255 }), applied: f.dateTime() },
    { dbTable: 'fjord_migrations', ordering: ['id'] },
  ),
})

/** The table of applied migrations; created on first use. */
export const MigrationRecord = FjordMigration

const ensured = new WeakMap<Db, Promise<void>>()

const ensureRecorder = (db: Db): Promise<void> => {
  let p = ensured.get(db)
  if (!p) {
    p = (async () => {
      const probe = await toArray(pipe(FjordMigration.objects, filter({ app: '' })))(db)()
      if (probe._tag === 'Right') return
      for (const s of createStatements(db, [FjordMigration])) await db.execute(s, [], { returnsRows: false })
    })()
    p.catch(() => ensured.delete(db))
    ensured.set(db, p)
  }
  return p
}

/** The names of the migrations of `app` recorded as applied, in the order they were applied. */
export const appliedMigrations = (app = 'default'): Effect<string[]> =>
  effect(async (db) => {
    await ensureRecorder(db)
    const read = () => toArray(pipe(FjordMigration.objects, filter({ app })))(db)()
    let rows = await read()
    if (rows._tag === 'Left') {
      // The table went after this Db made it (dropped with the rest of a schema): make it again.
      ensured.delete(db)
      await ensureRecorder(db)
      rows = await read()
    }
    if (rows._tag === 'Left') throw rows.left
    return rows.right.map((r) => r.name)
  })

const record = async (db: Db, app: string, name: string, applied: boolean): Promise<void> => {
  if (applied) await db.run(create(FjordMigration, { app, name, applied: new Date() }))
  else await db.run(deleteAll(pipe(FjordMigration.objects, filter({ app, name }))))
}

// errors and progress --------------------------------------------------------------------------------

/** A migration that failed, naming it and the operation. */
export class MigrationError extends Error {
  readonly _tag = 'MigrationError'
  constructor(
    message: string,
    readonly migration: string,
    readonly operation: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

export interface ProgressEvent {
  readonly migration: string
  readonly direction: 'apply' | 'unapply'
  /** 'start' before it runs; 'done' after, with its time. */
  readonly phase: 'start' | 'done'
  readonly fake: boolean
  readonly ms?: number
}

export interface MigrateOptions {
  /** A migration name (or a unique prefix), or 'zero' to unapply everything; default: every leaf. */
  readonly target?: string
  /** Record (or forget) the migrations without running them. */
  readonly fake?: boolean
  readonly app?: string
  readonly onProgress?: (e: ProgressEvent) => void
  /** Each statement as it is sent. */
  readonly onStatement?: (s: Statement) => void
}

export interface PlanStep {
  readonly migration: Migration
  readonly backwards: boolean
}

/** What `migrate` would do: migrations to apply (in order), or to unapply (latest first). */
export const makePlan = (graph: MigrationGraph, applied: ReadonlySet<string>, target?: string): PlanStep[] => {
  if (target === 'zero') {
    return [...graph.ordered].reverse().filter((m) => applied.has(m.name)).map((migration) => ({ migration, backwards: true }))
  }
  if (target === undefined) {
    if (graph.leaves.length > 1) {
      throw new MigrationError(
        `Conflicting migrations detected; multiple leaf nodes in the migration graph: (${graph.leaves.join(', ')}). To fix them run 'fjord makemigrations --merge'`,
        graph.leaves.join(', '),
        undefined,
      )
    }
    return graph.ordered.filter((m) => !applied.has(m.name)).map((migration) => ({ migration, backwards: false }))
  }
  const name = resolveName(graph, target)
  const keep = new Set(ancestors(graph, name))
  // Forwards to the target, and backwards off whatever applied migration lies outside it.
  const undo = [...graph.ordered].reverse().filter((m) => applied.has(m.name) && !keep.has(m.name))
  const todo = graph.ordered.filter((m) => keep.has(m.name) && !applied.has(m.name))
  return [...undo.map((migration) => ({ migration, backwards: true })), ...todo.map((migration) => ({ migration, backwards: false }))]
}

/** The operations of a migration with the states around each, in the order they run. */
const steps = (m: Migration, start: ProjectState, backwards: boolean): { op: Operation; before: ProjectState; after: ProjectState; shown: Operation }[] => {
  const forward: { op: Operation; before: ProjectState; after: ProjectState; shown: Operation }[] = []
  let state = start
  for (const op of m.operations) {
    const next = stateForwards(state, op)
    forward.push({ op, before: state, after: next, shown: op })
    state = next
  }
  if (!backwards) return forward
  return forward.reverse().map((s) => ({ op: inverse(s.op, s.before), before: s.after, after: s.before, shown: s.op }))
}

const runSteps = async (ed: Editor, m: Migration, start: ProjectState, backwards: boolean): Promise<void> => {
  // Inverses are worked out first, so an irreversible migration fails before it changes anything.
  let planned: ReturnType<typeof steps>
  try {
    planned = steps(m, start, backwards)
  } catch (e) {
    throw new MigrationError(`Migration ${m.name}: ${(e as Error).message}`, m.name, undefined, { cause: e })
  }
  for (const s of planned) {
    try {
      await databaseForwards(ed, s.op, s.before, s.after)
    } catch (e) {
      const what = describe(s.shown)
      throw new MigrationError(`Migration ${m.name} failed at "${what}"${backwards ? ' (unapplying)' : ''}: ${(e as Error).message}`, m.name, what, { cause: e })
    }
  }
}

const runOne = async (db: Db, app: string, step: PlanStep, start: ProjectState, options: MigrateOptions): Promise<void> => {
  const { migration: m, backwards } = step
  if (options.fake) return record(db, app, m.name, !backwards)
  const s = db.dialect.schema
  const transactional = db.dialect.features.supportsTransactionalDdl && m.atomic
  for (const stmt of s.beforeMigration ?? []) await db.execute(stmt, [], { returnsRows: false })
  try {
    if (transactional) {
      await inTransaction(
        db,
        async (tx) => {
          await runSteps(executingEditor(tx, options.onStatement), m, start, backwards)
          if (s.foreignKeyCheck) {
            const bad = await tx.execute(s.foreignKeyCheck, [], { returnsRows: true })
            if (bad.rows.length > 0) {
              throw new MigrationError(`Migration ${m.name} leaves rows whose foreign keys point nowhere (${JSON.stringify(bad.rows[0])})`, m.name, undefined)
            }
          }
          await record(tx, app, m.name, !backwards)
        },
        { writes: true },
      )
    } else {
      try {
        await runSteps(executingEditor(db, options.onStatement), m, start, backwards)
      } catch (e) {
        if (e instanceof MigrationError) {
          throw new MigrationError(
            `${e.message}\n${db.dialect.name} has no transactional DDL: the statements before the failure stay applied, and the database may need a manual fix before this migration can run again.`,
            e.migration,
            e.operation,
            { cause: e.cause },
          )
        }
        throw e
      }
      await record(db, app, m.name, !backwards)
    }
  } finally {
    for (const stmt of s.afterMigration ?? []) await db.execute(stmt, [], { returnsRows: false })
  }
}

const stateBefore = (graph: MigrationGraph, name: string): ProjectState => stateAfter(graph, ancestors(graph, name).filter((n) => n !== name))

export interface MigrateResult {
  readonly applied: readonly string[]
  readonly unapplied: readonly string[]
}

/**
 * Bring the database to `target` (default: the latest migration): apply what is missing, unapply what
 * lies beyond a named target. Each migration is recorded in `fjord_migrations`.
 * @example await db.run(migrate(migrations))
 */
export const migrate = (migrations: readonly Migration[], options: MigrateOptions = {}): Effect<MigrateResult> =>
  effect(async (db) => {
    const app = options.app ?? 'default'
    const graph = buildGraph(migrations)
    const applied = new Set(await db.run(appliedMigrations(app)))
    const plan = makePlan(graph, applied, options.target)
    const done: string[] = []
    const undone: string[] = []
    for (const step of plan) {
      const m = step.migration
      // The state a migration starts from, either way: what its dependencies add up to.
      const start = stateBefore(graph, m.name)
      const direction = step.backwards ? 'unapply' : 'apply'
      options.onProgress?.({ migration: m.name, direction, phase: 'start', fake: options.fake === true })
      const t0 = performance.now()
      await runOne(db, app, step, start, options)
      options.onProgress?.({ migration: m.name, direction, phase: 'done', fake: options.fake === true, ms: performance.now() - t0 })
      ;(step.backwards ? undone : done).push(m.name)
      if (step.backwards) applied.delete(m.name)
      else applied.add(m.name)
    }
    return { applied: done, unapplied: undone }
  })

/** Every migration with whether it is applied, in graph order (`showmigrations`). */
export const showMigrations = (migrations: readonly Migration[], app = 'default'): Effect<{ name: string; applied: boolean }[]> =>
  effect(async (db) => {
    const graph = buildGraph(migrations)
    const applied = new Set(await db.run(appliedMigrations(app)))
    return graph.ordered.map((m) => ({ name: m.name, applied: applied.has(m.name) }))
  })

/**
 * The statements one migration sends, forwards or backwards, without running them (`sqlmigrate`).
 * Values bound as parameters are written in place, as literals, only for reading.
 */
export const sqlMigrate =
  (migrations: readonly Migration[], name: string, options: { backwards?: boolean } = {}) =>
  async (db: Db): Promise<Statement[]> => {
    const graph = buildGraph(migrations)
    const m = graph.nodes.get(resolveName(graph, name))!
    const start = stateBefore(graph, m.name)
    const { editor, statements } = collectingEditor(db)
    await runSteps(editor, m, start, options.backwards === true)
    return statements
  }
