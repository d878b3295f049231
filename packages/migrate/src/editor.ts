// The schema editor: what each operation does to the database (Django's BaseDatabaseSchemaEditor).
// It works from the rendered models of the states before and after the operation, so the column,
// constraint and index SQL is the same as createTables writes. Vendor differences come from the
// dialect's SchemaOps hooks; their defaults here are standard SQL.
import type { AnyModel, BoundField, ColumnChange, Db } from '@fjord/core'
import { sql } from 'kysely'
import {
  columnDef,
  columnDefault,
  columnIndexStatement,
  columnNullable,
  columnTypeOf,
  constraintSql,
  extraTableHooks,
  type ExtraTable,
  foreignKeyName,
  foreignKeyStatement,
  indexName,
  isIndexedColumn,
  isUniqueColumn,
  metaIndexName,
  metaIndexStatement,
  modelStatements,
  quoter,
  referencedField,
  targetOf,
  uniqueLine,
  uniqueName,
  uniqueTogetherLine,
  uniqueTogetherName,
} from './ddl.js'
import { indexKey, type Operation } from './operations.js'
import { type ProjectState, render, renderModel } from './state.js'

/** One statement the editor sends (values bound as parameters). */
export interface Statement {
  readonly sql: string
  readonly params: readonly unknown[]
}

/** Where the editor's statements go: the database, or a list (sqlmigrate). */
export interface Editor {
  readonly db: Db
  readonly quote: (id: string) => string
  /** Whether statements run (false: they are only collected). */
  readonly executes: boolean
  run(sql: string, params?: readonly unknown[]): Promise<void>
}

/** An editor that sends each statement to `db`. */
export const executingEditor = (db: Db, onStatement?: (s: Statement) => void): Editor => ({
  db,
  quote: quoter(db),
  executes: true,
  run: async (text, params = []) => {
    const s = placeholders(db, text, params)
    onStatement?.(s)
    await db.execute(s.sql, s.params, { returnsRows: false })
  },
})

/** Statements are written with `?` for each value; the backend's compiler gives its own placeholders ($1, :1). */
const placeholders = (db: Db, text: string, params: readonly unknown[]): Statement => {
  if (params.length === 0) return { sql: text, params }
  const pieces = text.split('?')
  if (pieces.length !== params.length + 1) throw new Error(`Statement has ${pieces.length - 1} placeholders for ${params.length} values: ${text}`)
  let frag = sql.raw(pieces[0]!)
  for (let i = 0; i < params.length; i++) frag = sql`${frag}${params[i]}${sql.raw(pieces[i + 1]!)}`
  const compiled = frag.compile(db.kysely)
  return { sql: compiled.sql, params: compiled.parameters }
}

/** An editor that only collects the statements. */
export const collectingEditor = (db: Db): { editor: Editor; statements: Statement[] } => {
  const statements: Statement[] = []
  return {
    statements,
    editor: { db, quote: quoter(db), executes: false, run: async (text, params = []) => void statements.push(placeholders(db, text, params)) },
  }
}

// defaults of the SchemaOps hooks ------------------------------------------------------------------

const alterColumnSql = (db: Db, table: string, change: ColumnChange, quote: (id: string) => string): readonly string[] => {
  const hook = db.dialect.schema.alterColumn
  if (hook) return hook(table, change, quote)
  const at = `ALTER TABLE ${quote(table)} ALTER COLUMN ${quote(change.column)}`
  const out: string[] = []
  if (change.typeChanged) out.push(`${at} TYPE ${change.type}`)
  if (change.defaultChanged) out.push(change.defaultLiteral === undefined ? `${at} DROP DEFAULT` : `${at} SET DEFAULT ${change.defaultLiteral}`)
  if (change.nullChanged) out.push(change.to.field.options.null ? `${at} DROP NOT NULL` : `${at} SET NOT NULL`)
  return out
}

const dropConstraintSql = (db: Db, table: string, name: string, kind: 'unique' | 'foreignKey' | 'check', quote: (id: string) => string): string =>
  db.dialect.schema.dropConstraint?.(table, name, kind, quote) ?? `ALTER TABLE ${quote(table)} DROP CONSTRAINT ${quote(name)}`

const dropIndexSql = (db: Db, table: string, name: string, quote: (id: string) => string): string =>
  db.dialect.schema.dropIndex?.(table, name, quote) ?? `DROP INDEX ${quote(name)}`

// helpers --------------------------------------------------------------------------------------------

const joinTables = (m: AnyModel): readonly ExtraTable[] => extraTableHooks.flatMap((hook) => hook(m))

const field = (m: AnyModel, name: string): BoundField => {
  const bf = m.meta.fieldMap.get(name)
  if (!bf) throw new Error(`${m.name} has no field '${name}'`)
  return bf
}

const runAll = async (ed: Editor, statements: readonly string[]): Promise<void> => {
  for (const s of statements) await ed.run(s)
}

const bindValue = (db: Db, m: AnyModel, bf: BoundField, value: unknown): unknown => {
  const target = targetOf(m, bf)
  const type = target ? referencedField(target, bf).field.type : bf.field.type
  return value === null ? null : db.dialect.ops.toDb(type === 'auto' ? 'integer' : type === 'bigAuto' ? 'bigInteger' : type, value)
}

/** The definition of a column without key, unique or reference: type, DEFAULT, NULL/NOT NULL. */
const bareDefinition = (db: Db, m: AnyModel, bf: BoundField): string => {
  const lit = columnDefault(db, m, bf)
  return `${columnTypeOf(db, m, bf)}${lit === undefined ? '' : ` DEFAULT ${lit}`} ${columnNullable(db, m, bf) ? 'NULL' : 'NOT NULL'}`
}

/** The constraints and indexes named after a column: dropped before the column changes, added after. */
const columnParts = (db: Db, m: AnyModel, bf: BoundField, quote: (id: string) => string) => {
  const table = m.meta.table
  return {
    fk: foreignKeyStatement(db, m, bf, quote),
    fkName: foreignKeyName(db, table, bf.column),
    unique: isUniqueColumn(bf),
    uniqueName: uniqueName(db, table, bf.column),
    indexed: isIndexedColumn(db, m, bf),
    indexName: indexName(db, table, bf.column),
  }
}

/**
 * SQLite's procedure: create the new shape under a temporary name, copy the rows (new columns get
 * `fill`, or their default), drop the old table, rename the new one, create its indexes.
 */
const remakeTable = async (ed: Editor, before: AnyModel, after: AnyModel, fill: Readonly<Record<string, unknown>> = {}): Promise<void> => {
  const { db, quote } = ed
  const temp = `new__${after.meta.table}`
  const parts = modelStatements(db, after, { tableName: temp, quote })
  await runAll(ed, parts.table)
  const columns: string[] = []
  const exprs: string[] = []
  const params: unknown[] = []
  for (const bf of after.meta.concreteFields) {
    const old = before.meta.fieldMap.get(bf.name)
    const given = Object.hasOwn(fill, bf.name)
    if (old?.concrete) {
      columns.push(quote(bf.column))
      if (given && !bf.field.options.null) {
        exprs.push(`COALESCE(${quote(old.column)}, ?)`)
        params.push(bindValue(db, after, bf, fill[bf.name]))
      } else exprs.push(quote(old.column))
    } else if (given) {
      columns.push(quote(bf.column))
      exprs.push('?')
      params.push(bindValue(db, after, bf, fill[bf.name]))
    }
  }
  await ed.run(`INSERT INTO ${quote(temp)} (${columns.join(', ')}) SELECT ${exprs.join(', ')} FROM ${quote(before.meta.table)}`, params)
  await ed.run(db.dialect.schema.dropTable(before.meta.table, quote))
  await ed.run(`ALTER TABLE ${quote(temp)} RENAME TO ${quote(after.meta.table)}`)
  await runAll(ed, parts.indexes)
}

const remakes = (db: Db): boolean => db.dialect.schema.remakeTableToAlter === true

/** Create the join tables `after` has and `before` hasn't; drop the reverse; rename those that moved. */
const syncJoinTables = async (ed: Editor, before: AnyModel, after: AnyModel): Promise<void> => {
  const was = joinTables(before)
  const now = joinTables(after)
  const wasNames = new Set(was.map((t) => t.table))
  const nowNames = new Set(now.map((t) => t.table))
  for (const t of was) if (!nowNames.has(t.table)) await ed.run(ed.db.dialect.schema.dropTable(t.table, ed.quote))
  for (const t of now) if (!wasNames.has(t.table)) await runAll(ed, t.create(ed.db, ed.quote))
}

// operations -----------------------------------------------------------------------------------------

const createModel = async (ed: Editor, m: AnyModel): Promise<void> => {
  const parts = modelStatements(ed.db, m, { quote: ed.quote })
  await runAll(ed, [...parts.table, ...parts.indexes, ...parts.later])
}

const deleteModel = async (ed: Editor, m: AnyModel): Promise<void> => {
  for (const t of joinTables(m)) await ed.run(ed.db.dialect.schema.dropTable(t.table, ed.quote))
  await ed.run(ed.db.dialect.schema.dropTable(m.meta.table, ed.quote))
}

/** Drop what is named after a table (own uniques, indexes, foreign keys, unique-together groups), to add it back under new names. */
const tableNamedParts = (ed: Editor, m: AnyModel) => {
  const { db, quote } = ed
  const table = m.meta.table
  const drops: string[] = []
  const adds: string[] = []
  const fkDrops: string[] = []
  const fkAdds: string[] = []
  if (!remakes(db)) {
    for (const bf of m.meta.concreteFields) {
      const p = columnParts(db, m, bf, quote)
      if (p.fk && !db.dialect.schema.inlineForeignKeys) {
        fkDrops.push(dropConstraintSql(db, table, p.fkName, 'foreignKey', quote))
        fkAdds.push(p.fk)
      }
      if (p.unique) {
        drops.push(dropConstraintSql(db, table, p.uniqueName, 'unique', quote))
        adds.push(`ALTER TABLE ${quote(table)} ADD ${uniqueLine(db, table, bf.column, quote)}`)
      }
    }
    for (const group of m.meta.uniqueTogether) {
      drops.push(dropConstraintSql(db, table, uniqueTogetherName(db, m, group), 'unique', quote))
      adds.push(`ALTER TABLE ${quote(table)} ADD ${uniqueTogetherLine(db, m, group, quote)}`)
    }
  }
  for (const bf of m.meta.concreteFields) {
    const p = columnParts(db, m, bf, quote)
    if (p.indexed) {
      drops.push(dropIndexSql(db, table, p.indexName, quote))
      adds.push(columnIndexStatement(db, table, bf.column, quote))
    }
  }
  for (const idx of m.meta.indexes) {
    if (idx.name) continue
    drops.push(dropIndexSql(db, table, metaIndexName(db, m, idx), quote))
    adds.push(metaIndexStatement(db, m, idx, quote))
  }
  return { drops: [...fkDrops, ...drops], adds: [...adds, ...fkAdds] }
}

const renameTable = async (ed: Editor, before: AnyModel, after: AnyModel): Promise<void> => {
  if (before.meta.table !== after.meta.table) {
    const old = tableNamedParts(ed, before)
    await runAll(ed, old.drops)
    await ed.run(`ALTER TABLE ${ed.quote(before.meta.table)} RENAME TO ${ed.quote(after.meta.table)}`)
    await runAll(ed, tableNamedParts(ed, after).adds)
  }
}

/** Every join table of a state, by what it stands for (`Model.field`). */
const joinTablesOf = (state: ProjectState): Map<string, ExtraTable> => {
  const out = new Map<string, ExtraTable>()
  for (const m of Object.values(render(state))) for (const t of joinTables(m)) out.set(t.key ?? t.table, t)
  return out
}

/**
 * Join tables whose name or columns follow a model or field name (a rename): made anew under the new
 * names, the pairs copied, the old table dropped, so they match what createTables makes.
 * `rename` maps a key of the state after to the key it had before.
 */
const moveJoinTables = async (ed: Editor, before: ProjectState, after: ProjectState, rename: (key: string) => string): Promise<void> => {
  const was = joinTablesOf(before)
  for (const [key, now] of joinTablesOf(after)) {
    const old = was.get(rename(key))
    if (!old || (old.table === now.table && sameColumns(old, now))) continue
    // The pairs wait in a plain copy while the old table (and its constraint names) goes.
    const hold = `${now.table}__pairs`
    const cols = (t: ExtraTable) => (t.columns ?? []).map(ed.quote).join(', ')
    const [a, b] = (old.columns ?? []).map(ed.quote)
    await ed.run(`CREATE TABLE ${ed.quote(hold)} AS SELECT ${a} AS ${ed.quote('a')}, ${b} AS ${ed.quote('b')} FROM ${ed.quote(old.table)}`)
    await ed.run(ed.db.dialect.schema.dropTable(old.table, ed.quote))
    await runAll(ed, now.create(ed.db, ed.quote))
    await ed.run(`INSERT INTO ${ed.quote(now.table)} (${cols(now)}) SELECT ${ed.quote('a')}, ${ed.quote('b')} FROM ${ed.quote(hold)}`)
    await ed.run(ed.db.dialect.schema.dropTable(hold, ed.quote))
  }
}

const sameColumns = (a: ExtraTable, b: ExtraTable): boolean => (a.columns ?? []).join('\u0000') === (b.columns ?? []).join('\u0000')

const addField = async (ed: Editor, before: AnyModel, after: AnyModel, name: string, oneOff: { value: unknown } | undefined): Promise<void> => {
  const { db, quote } = ed
  const bf = field(after, name)
  if (!bf.concrete) return syncJoinTables(ed, before, after)
  const table = after.meta.table
  const lit = columnDefault(db, after, bf)
  const required = !columnNullable(db, after, bf)
  // What the rows that exist get: the one-off value, else the field's default when DDL can't say it.
  const d = bf.field.options.default
  const given = oneOff && oneOff.value !== null ? oneOff : undefined
  const fillValue = given ?? (required && lit === undefined && d !== undefined ? { value: typeof d === 'function' ? (d as () => unknown)() : d } : undefined)
  if (remakes(db)) return remakeTable(ed, before, after, fillValue ? { [name]: fillValue.value } : {})
  if (required && lit === undefined && fillValue) {
    // Add it nullable, fill the rows, then require it.
    const nullable = { ...bf, field: { ...bf.field, options: { ...bf.field.options, null: true } } } as BoundField
    await ed.run(`ALTER TABLE ${quote(table)} ADD ${columnDef(db, after, nullable, quote, false)}`)
    await ed.run(`UPDATE ${quote(table)} SET ${quote(bf.column)} = ?`, [bindValue(db, after, bf, fillValue.value)])
    await runAll(ed, alterColumnSql(db, table, columnChange(db, after, nullable, after, bf, { nullChanged: true }), quote))
  } else {
    await ed.run(`ALTER TABLE ${quote(table)} ADD ${columnDef(db, after, bf, quote, false)}`)
    // A column that accepts NULL only because '' is NULL here (Oracle) still gets the value.
    if (fillValue && lit === undefined) await ed.run(`UPDATE ${quote(table)} SET ${quote(bf.column)} = ?`, [bindValue(db, after, bf, fillValue.value)])
  }
  const p = columnParts(db, after, bf, quote)
  if (p.unique) await ed.run(`ALTER TABLE ${quote(table)} ADD ${uniqueLine(db, table, bf.column, quote)}`)
  if (p.indexed) await ed.run(columnIndexStatement(db, table, bf.column, quote))
  if (p.fk) await ed.run(p.fk)
}

const removeField = async (ed: Editor, before: AnyModel, after: AnyModel, name: string): Promise<void> => {
  const { db, quote } = ed
  const bf = field(before, name)
  if (!bf.concrete) return syncJoinTables(ed, before, after)
  if (remakes(db)) return remakeTable(ed, before, after)
  const table = before.meta.table
  const p = columnParts(db, before, bf, quote)
  // A foreign key (and, on some backends, its index) must go before its column can.
  if (p.fk) await ed.run(dropConstraintSql(db, table, p.fkName, 'foreignKey', quote))
  await ed.run(`ALTER TABLE ${quote(table)} DROP COLUMN ${quote(bf.column)}`)
}

const columnChange = (db: Db, fromModel: AnyModel, from: BoundField, toModel: AnyModel, to: BoundField, force: Partial<ColumnChange> = {}): ColumnChange => {
  const type = columnTypeOf(db, toModel, to)
  const lit = columnDefault(db, toModel, to)
  return {
    column: to.column,
    from,
    to,
    type,
    typeChanged: columnTypeOf(db, fromModel, from) !== type,
    nullChanged: columnNullable(db, fromModel, from) !== columnNullable(db, toModel, to),
    defaultChanged: columnDefault(db, fromModel, from) !== lit,
    defaultLiteral: lit,
    definition: bareDefinition(db, toModel, to),
    ...force,
  }
}

const alterField = async (ed: Editor, before: AnyModel, after: AnyModel, fromName: string, toName: string, oneOff: { value: unknown } | undefined): Promise<void> => {
  const { db, quote } = ed
  const from = field(before, fromName)
  const to = field(after, toName)
  if (!from.concrete || !to.concrete) {
    if (from.concrete !== to.concrete) {
      throw new Error(`${after.name}.${toName}: a field can't change to or from a many-to-many; remove it and add a new one`)
    }
    // A many-to-many has no column: its join table is moved by the caller.
    return
  }
  if (remakes(db)) {
    if (from.column !== to.column) {
      const was = columnParts(db, before, from, quote)
      if (was.indexed) await ed.run(dropIndexSql(db, before.meta.table, was.indexName, quote))
      await ed.run(`ALTER TABLE ${quote(before.meta.table)} RENAME COLUMN ${quote(from.column)} TO ${quote(to.column)}`)
      if (was.indexed && columnParts(db, after, to, quote).indexed) await ed.run(columnIndexStatement(db, after.meta.table, to.column, quote))
    }
    const change = columnChange(db, before, from, after, to)
    const rest = change.typeChanged || change.nullChanged || change.defaultChanged || !sameParts(db, before, from, after, to)
    if (!rest) return
    // The copy reads the renamed column by the new name.
    const renamed = from.column === to.column ? before : { ...before, meta: { ...before.meta, fieldMap: new Map([...before.meta.fieldMap, [toName, to]]) } }
    const fill = change.nullChanged && !to.field.options.null ? { [toName]: fillFor(to, oneOff) } : {}
    return remakeTable(ed, renamed as AnyModel, after, fill)
  }
  const table = after.meta.table
  const was = columnParts(db, before, from, quote)
  const now = columnParts(db, after, to, quote)
  const change = columnChange(db, before, from, after, to)
  const moved = from.column !== to.column
  const fkChanged = was.fk !== undefined && (moved || change.typeChanged || was.fk !== now.fk)
  if (fkChanged) await ed.run(dropConstraintSql(db, table, was.fkName, 'foreignKey', quote))
  if (was.unique && (moved || !now.unique)) await ed.run(dropConstraintSql(db, table, was.uniqueName, 'unique', quote))
  if (was.indexed && (moved || !now.indexed)) await ed.run(dropIndexSql(db, table, was.indexName, quote))
  if (moved) await ed.run(`ALTER TABLE ${quote(table)} RENAME COLUMN ${quote(from.column)} TO ${quote(to.column)}`)
  if (change.nullChanged && !to.field.options.null) {
    const value = fillFor(to, oneOff)
    if (value !== null) await ed.run(`UPDATE ${quote(table)} SET ${quote(to.column)} = ? WHERE ${quote(to.column)} IS NULL`, [bindValue(db, after, to, value)])
  }
  if (change.typeChanged || change.nullChanged || change.defaultChanged) await runAll(ed, alterColumnSql(db, table, change, quote))
  if (now.unique && (moved || !was.unique)) await ed.run(`ALTER TABLE ${quote(table)} ADD ${uniqueLine(db, table, to.column, quote)}`)
  if (now.indexed && (moved || !was.indexed)) await ed.run(columnIndexStatement(db, table, to.column, quote))
  if (now.fk && (fkChanged || was.fk === undefined)) await ed.run(now.fk)
}

/** The value NULLs get when a column becomes required: the one-off value, else the field's default. */
const fillFor = (to: BoundField, oneOff: { value: unknown } | undefined): unknown => {
  if (oneOff) return oneOff.value
  const d = to.field.options.default
  return d === undefined ? null : typeof d === 'function' ? (d as () => unknown)() : d
}

const sameParts = (db: Db, before: AnyModel, from: BoundField, after: AnyModel, to: BoundField): boolean => {
  const q = (s: string) => s
  const a = columnParts(db, before, from, q)
  const b = columnParts(db, after, to, q)
  // The column's name is not a change of shape (a rename is done by RENAME COLUMN).
  const same = { ...from, column: to.column }
  return a.unique === b.unique && a.indexed === b.indexed && columnDef(db, before, same, q, true) === columnDef(db, after, to, q, true)
}

/** Apply the table-level constraint lists of `after` where they differ from `before` (uniqueTogether, Meta constraints). */
const alterTableConstraints = async (ed: Editor, before: AnyModel, after: AnyModel, change: { drop: { name: string; kind: 'unique' | 'check' }[]; add: string[] }): Promise<void> => {
  const { db, quote } = ed
  if (remakes(db)) return remakeTable(ed, before, after)
  for (const d of change.drop) await ed.run(dropConstraintSql(db, before.meta.table, d.name, d.kind, quote))
  for (const line of change.add) await ed.run(`ALTER TABLE ${quote(after.meta.table)} ADD ${line}`)
}

/** Send what `op` does to the database, going from the state `before` to `after`. */
export const databaseForwards = async (ed: Editor, op: Operation, before: ProjectState, after: ProjectState): Promise<void> => {
  const { db, quote } = ed
  switch (op.kind) {
    case 'createModel':
      return createModel(ed, renderModel(after, op.name))
    case 'deleteModel':
      return deleteModel(ed, renderModel(before, op.name))
    case 'renameModel': {
      await renameTable(ed, renderModel(before, op.from), renderModel(after, op.to))
      const prefix = `${op.to}.`
      return moveJoinTables(ed, before, after, (key) => (key.startsWith(prefix) ? `${op.from}.${key.slice(prefix.length)}` : key))
    }
    case 'alterModelTable':
      await renameTable(ed, renderModel(before, op.model), renderModel(after, op.model))
      return moveJoinTables(ed, before, after, (key) => key)
    case 'alterModelOptions':
      return
    case 'addField':
      return addField(ed, renderModel(before, op.model), renderModel(after, op.model), op.name, 'oneOffDefault' in op ? { value: op.oneOffDefault } : undefined)
    case 'removeField':
      return removeField(ed, renderModel(before, op.model), renderModel(after, op.model), op.name)
    case 'alterField':
      await alterField(ed, renderModel(before, op.model), renderModel(after, op.model), op.name, op.name, 'oneOffDefault' in op ? { value: op.oneOffDefault } : undefined)
      return moveJoinTables(ed, before, after, (key) => key)
    case 'renameField':
      await alterField(ed, renderModel(before, op.model), renderModel(after, op.model), op.from, op.to, undefined)
      return moveJoinTables(ed, before, after, (key) => (key === `${op.model}.${op.to}` ? `${op.model}.${op.from}` : key))
    case 'addIndex': {
      const m = renderModel(after, op.model)
      const idx = m.meta.indexes.find((i) => indexKey(i) === indexKey(op.index))!
      return ed.run(metaIndexStatement(db, m, idx, quote))
    }
    case 'removeIndex': {
      const m = renderModel(before, op.model)
      const idx = m.meta.indexes.find((i) => indexKey(i) === op.name)!
      return ed.run(dropIndexSql(db, m.meta.table, metaIndexName(db, m, idx), quote))
    }
    case 'addConstraint': {
      const m = renderModel(after, op.model)
      const { line, statement } = constraintSql(db, m, op.constraint, quote)
      if (statement) return ed.run(statement)
      if (line) return alterTableConstraints(ed, renderModel(before, op.model), m, { drop: [], add: [line] })
      return
    }
    case 'removeConstraint': {
      const m = renderModel(before, op.model)
      const c = m.meta.constraints.find((x) => x.name === op.name)!
      const { line, statement } = constraintSql(db, m, c, quote)
      if (statement) return ed.run(dropIndexSql(db, m.meta.table, c.name, quote))
      if (line) return alterTableConstraints(ed, m, renderModel(after, op.model), { drop: [{ name: c.name, kind: c.kind }], add: [] })
      return
    }
    case 'alterUniqueTogether': {
      const was = renderModel(before, op.model)
      const now = renderModel(after, op.model)
      const key = (g: readonly string[]) => g.join(',')
      const old = new Set(was.meta.uniqueTogether.map(key))
      const next = new Set(now.meta.uniqueTogether.map(key))
      return alterTableConstraints(ed, was, now, {
        drop: was.meta.uniqueTogether.filter((g) => !next.has(key(g))).map((g) => ({ name: uniqueTogetherName(db, was, g), kind: 'unique' as const })),
        add: now.meta.uniqueTogether.filter((g) => !old.has(key(g))).map((g) => uniqueTogetherLine(db, now, g, quote)),
      })
    }
    case 'runSql':
      for (const s of op.sql) await ed.run(s)
      return
    case 'runTs':
      if (ed.executes) await op.forward(db)
      else await ed.run(`-- ${op.description ? `TypeScript step: ${op.description}` : 'TypeScript step'} (not SQL)`)
      return
  }
}

/** Whether a state can be rendered (every relation target present): a sanity check for tools. */
export const renders = (state: ProjectState): boolean => {
  try {
    render(state)
    return true
  } catch {
    return false
  }
}
