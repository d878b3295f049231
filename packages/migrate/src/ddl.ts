// DDL from models: CREATE TABLE with each backend's types, constraints and indexes, in dependency order.
import {
  type AnyModel,
  type BoundField,
  Ctx,
  compileWhere,
  type Db,
  type Effect,
  effect,
  Scope,
  toWhere,
  type Condition,
  type Constraint,
  type Index,
} from '@fjord/core'
import { sql } from 'kysely'

export type ModelsInput = readonly AnyModel[] | Readonly<Record<string, AnyModel>>

const listModels = (input: ModelsInput): AnyModel[] => (Array.isArray(input) ? [...input] : Object.values(input as Record<string, AnyModel>))

/** Extra tables to create with a model (many-to-many join tables), registered by @fjord/relations. */
export interface ExtraTable {
  readonly table: string
  readonly after: readonly string[]
  readonly create: (db: Db, quote: (id: string) => string) => readonly string[]
  /** What the table stands for across states (`Model.field` for a join table), so a migration can follow it through renames. */
  readonly key?: string
  /** Its data columns, in the order a copy reads them (a join table's two sides). */
  readonly columns?: readonly string[]
}
export const extraTableHooks: ((model: AnyModel) => readonly ExtraTable[])[] = []

// Names are quoted by the backend's compiler, so DDL and queries agree (Oracle shortens long names there).
export const quoter = (db: Db) => (id: string) => sql.id(id).compile(db.kysely).sql

/** A value as an SQL literal, for DDL (which takes no parameters). */
export const literal = (v: unknown): string => {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`Cannot write ${v} as an SQL literal`)
    return String(v)
  }
  if (typeof v === 'bigint') return v.toString()
  // Only a backend with native booleans leaves a boolean after toDb(); the others give 1/0 already.
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`
  throw new Error(`Cannot write ${typeof v} as an SQL literal`)
}

const shortHash = (s: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0').slice(0, 8)
}

/** Django-style generated names: table_columns_hash_suffix, shortened to the backend's limit. */
export const constraintName = (db: Db, table: string, columns: readonly string[], suffix: string): string => {
  const max = db.dialect.schema.maxNameLength
  const hash = shortHash([table, ...columns].join('|') + suffix)
  const base = `${table}_${columns.join('_')}`
  const room = Math.min(max, 63) - hash.length - suffix.length - 2
  return `${base.slice(0, Math.max(1, room))}_${hash}_${suffix}`
}

export const targetOf = (model: AnyModel, bf: BoundField): AnyModel | undefined => {
  const rel = bf.field.relation
  if (!rel || rel.kind === 'manyToMany') return undefined
  return rel.target === 'self' ? model : model.meta.registry.get(rel.target)
}

/** A check condition as SQL text with literals inlined (DDL has no parameters). */
const checkSql = (db: Db, model: AnyModel, cond: unknown): string => {
  const ctx = new Ctx(db.dialect, db.kysely)
  const scope = new Scope(ctx, model, model.meta.table, null)
  const compiled = compileWhere(scope, toWhere(cond as Condition))
  const built = compiled.frag().compile(db.kysely)
  const values = ctx.values
  let i = 0
  // Replace each placeholder (in order) with its literal.
  const params = built.parameters.map((p) => ((p as { index?: number }).index !== undefined ? values[(p as { index: number }).index] : p))
  const text = built.sql.replace(/\?|\$\d+|:\d+/g, (m) => {
    const v = m === '?' ? params[i++] : params[Number(m.slice(1)) - 1]
    return literal(v)
  })
  const q = quoter(db)
  return text.split(`${q(model.meta.table)}.`).join('')
}

/** Field types whose empty value is '' (Django's `empty_strings_allowed`). */
const EMPTY_STRING_TYPES: ReadonlySet<string> = new Set(['char', 'text', 'slug', 'email', 'url', 'binary'])

/** The field a foreign key points at: its `toField`, else the target's primary key. */
export const referencedField = (target: AnyModel, bf: BoundField): BoundField =>
  bf.field.relation?.toField ? target.meta.fieldMap.get(bf.field.relation.toField)! : target.meta.pk

/** A column's type; a foreign key's column has its target key's type. */
export const columnTypeOf = (db: Db, model: AnyModel, bf: BoundField): string => {
  const s = db.dialect.schema
  const target = targetOf(model, bf)
  if (!target) return s.columnType(bf)
  const to = referencedField(target, bf)
  // The column matches the target's key (MySQL refuses a foreign key between integers of different sizes).
  const autoAs = to.field.type === 'auto' ? 'integer' : to.field.type === 'bigAuto' ? 'bigInteger' : undefined
  return autoAs ? s.columnType({ ...bf, field: { ...bf.field, type: autoAs } }) : s.columnType(to)
}

/** Whether a column accepts NULL (where '' is stored as NULL, a column that may hold '' must, as in Django). */
export const columnNullable = (db: Db, model: AnyModel, bf: BoundField): boolean =>
  bf.field.options.null === true ||
  (db.dialect.features.interpretsEmptyStringsAsNulls && !bf.primaryKey && !targetOf(model, bf) && EMPTY_STRING_TYPES.has(bf.field.type))

/** The DEFAULT literal of a column, or undefined (a function default or a relation has none in DDL). */
export const columnDefault = (db: Db, model: AnyModel, bf: BoundField): string | undefined => {
  const d = bf.field.options.default
  if (d === undefined || typeof d === 'function' || targetOf(model, bf) || (typeof d === 'object' && d !== null && !(d instanceof Date))) return undefined
  const s = db.dialect.schema
  return s.defaultLiteral ? s.defaultLiteral(bf, d) : literal(db.dialect.ops.toDb(bf.field.type, d))
}

/** Whether a single column carries a unique constraint of its own. */
export const isUniqueColumn = (bf: BoundField): boolean => !bf.primaryKey && (bf.field.options.unique === true || bf.field.relation?.kind === 'oneToOne')

/** Whether a column gets an index of its own (dbIndex, or a foreign key), where the backend can index it. */
export const isIndexedColumn = (db: Db, model: AnyModel, bf: BoundField): boolean =>
  Boolean(bf.field.options.dbIndex || (targetOf(model, bf) && bf.field.relation?.kind === 'foreignKey')) &&
  !bf.field.options.unique &&
  !bf.primaryKey &&
  (db.dialect.schema.canIndex?.(bf) ?? true)

/** A column's definition: type, NULL/NOT NULL, key, default, the data type's check and (inline) reference. */
export const columnDef = (db: Db, model: AnyModel, bf: BoundField, quote: (s: string) => string, inlineFk: boolean): string => {
  const s = db.dialect.schema
  const f = bf.field
  if (bf.primaryKey && (f.type === 'auto' || f.type === 'bigAuto')) return `${quote(bf.column)} ${s.autoColumn(bf)}`
  const target = targetOf(model, bf)
  const parts = [quote(bf.column), columnTypeOf(db, model, bf)]
  parts.push(columnNullable(db, model, bf) ? 'NULL' : 'NOT NULL')
  if (bf.primaryKey) parts.push('PRIMARY KEY')
  const lit = columnDefault(db, model, bf)
  if (lit !== undefined) parts.push(`DEFAULT ${lit}`)
  if (f.type.startsWith('positive')) parts.push(`CHECK (${quote(bf.column)} >= 0)`)
  if (target && inlineFk && f.relation?.dbConstraint !== false) parts.push(referencesSql(db, target, bf, quote))
  return parts.join(' ')
}

const referencesSql = (db: Db, target: AnyModel, bf: BoundField, quote: (s: string) => string): string =>
  `REFERENCES ${quote(target.meta.table)} (${quote(referencedField(target, bf).column)})${db.dialect.schema.deferrableForeignKeys === false ? '' : ' DEFERRABLE INITIALLY DEFERRED'}`

/** The generated names of a column's own unique constraint, foreign key and index. */
export const uniqueName = (db: Db, table: string, column: string): string => constraintName(db, table, [column], 'uniq')
export const foreignKeyName = (db: Db, table: string, column: string): string => constraintName(db, table, [column], 'fk')
export const indexName = (db: Db, table: string, column: string): string => constraintName(db, table, [column], 'idx')

/** ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY for a relation column, or undefined where it has no constraint. */
export const foreignKeyStatement = (db: Db, model: AnyModel, bf: BoundField, quote = quoter(db)): string | undefined => {
  const target = targetOf(model, bf)
  if (!target || bf.field.relation?.dbConstraint === false) return undefined
  const table = model.meta.table
  return `ALTER TABLE ${quote(table)} ADD CONSTRAINT ${quote(foreignKeyName(db, table, bf.column))} FOREIGN KEY (${quote(bf.column)}) ${referencesSql(db, target, bf, quote)}`
}

/** A column's own unique constraint, as a line of CREATE TABLE. */
export const uniqueLine = (db: Db, table: string, column: string, quote: (s: string) => string): string =>
  `CONSTRAINT ${quote(uniqueName(db, table, column))} UNIQUE (${quote(column)})`

/** CREATE INDEX for a column's own index. */
export const columnIndexStatement = (db: Db, table: string, column: string, quote = quoter(db)): string =>
  `CREATE INDEX ${quote(indexName(db, table, column))} ON ${quote(table)} (${quote(column)})`

/** The generated name of a unique-together group's constraint. */
export const uniqueTogetherName = (db: Db, model: AnyModel, group: readonly string[]): string =>
  constraintName(db, model.meta.table, group.map((n) => model.meta.fieldMap.get(n)!.column), 'uniq')

/** A unique-together group as a line of CREATE TABLE (or of ALTER TABLE … ADD). */
export const uniqueTogetherLine = (db: Db, model: AnyModel, group: readonly string[], quote: (s: string) => string): string => {
  const cols = group.map((n) => model.meta.fieldMap.get(n)!.column)
  return `CONSTRAINT ${quote(uniqueTogetherName(db, model, group))} UNIQUE (${cols.map(quote).join(', ')})`
}

/** A Meta index's name: its own, or one generated from its fields. */
export const metaIndexName = (db: Db, model: AnyModel, idx: Index): string =>
  idx.name ?? constraintName(db, model.meta.table, idx.fields.map((n) => n.replace(/^-/, '')), 'idx')

/** CREATE [UNIQUE] INDEX for a Meta index. */
export const metaIndexStatement = (db: Db, model: AnyModel, idx: Index, quote = quoter(db)): string => {
  const cols = idx.fields.map((n) => {
    const desc = n.startsWith('-')
    const bf = model.meta.fieldMap.get(n.replace(/^-/, ''))!
    return `${quote(bf.column)}${desc ? ' DESC' : ''}`
  })
  return `CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX ${quote(metaIndexName(db, model, idx))} ON ${quote(model.meta.table)} (${cols.join(', ')})`
}

/**
 * A Meta constraint: a line of CREATE TABLE (`line`), or a statement of its own (a conditional unique
 * is a partial unique index), or nothing where the backend can't have it.
 */
export const constraintSql = (db: Db, model: AnyModel, c: Constraint, quote = quoter(db)): { line?: string; statement?: string } => {
  const meta = model.meta
  if (c.kind === 'check') return { line: `CONSTRAINT ${quote(c.name)} CHECK (${checkSql(db, model, c.check)})` }
  const cols = c.fields.map((n) => quote(meta.fieldMap.get(n)!.column))
  if (!c.condition) return { line: `CONSTRAINT ${quote(c.name)} UNIQUE (${cols.join(', ')})` }
  if (db.dialect.schema.supportsPartialIndexes === false) return {}
  return { statement: `CREATE UNIQUE INDEX ${quote(c.name)} ON ${quote(meta.table)} (${cols.join(', ')}) WHERE ${checkSql(db, model, c.condition)}` }
}

/** Order models so that targets of foreign keys come first; the rest (cycles) keep their order. */
export const dependencyOrder = (models: readonly AnyModel[]): AnyModel[] => {
  // By identity, not by name: two schemas may each have a model of the same name.
  const given = new Set(models)
  const out: AnyModel[] = []
  const done = new Set<AnyModel>()
  const visiting = new Set<AnyModel>()
  const visit = (m: AnyModel) => {
    if (done.has(m) || visiting.has(m)) return
    visiting.add(m)
    for (const bf of m.meta.concreteFields) {
      const t = targetOf(m, bf)
      if (t && t !== m && given.has(t)) visit(t)
    }
    visiting.delete(m)
    done.add(m)
    out.push(m)
  }
  for (const m of models) visit(m)
  return out
}

/**
 * One model's table: CREATE TABLE (under `tableName`, default its own), the statements that must
 * follow it at once, its indexes, and what must wait until every table exists (foreign keys added by
 * ALTER TABLE, join tables).
 */
export const modelStatements = (
  db: Db,
  model: AnyModel,
  options: { tableName?: string; quote?: (s: string) => string } = {},
): { table: string[]; indexes: string[]; later: string[] } => {
  const quote = options.quote ?? quoter(db)
  const s = db.dialect.schema
  const meta = model.meta
  const lines = meta.concreteFields.map((bf) => columnDef(db, model, bf, quote, s.inlineForeignKeys))
  for (const bf of meta.concreteFields) if (isUniqueColumn(bf)) lines.push(uniqueLine(db, meta.table, bf.column, quote))
  for (const group of meta.uniqueTogether) lines.push(uniqueTogetherLine(db, model, group, quote))
  const partial: string[] = []
  for (const c of meta.constraints) {
    const { line, statement } = constraintSql(db, model, c, quote)
    if (line) lines.push(line)
    if (statement) partial.push(statement)
  }
  const name = options.tableName ?? meta.table
  const table = [`CREATE TABLE ${quote(name)} (\n  ${lines.join(',\n  ')}\n)${s.tableOptions ? ` ${s.tableOptions}` : ''}`]
  table.push(...(s.afterCreateTable?.(name, meta.concreteFields) ?? []))
  const later: string[] = []
  const fieldIndexes: string[] = []
  for (const bf of meta.concreteFields) {
    if (!s.inlineForeignKeys) {
      const fk = foreignKeyStatement(db, model, bf, quote)
      if (fk) later.push(fk)
    }
    if (isIndexedColumn(db, model, bf)) fieldIndexes.push(columnIndexStatement(db, meta.table, bf.column, quote))
  }
  const metaIndexes = meta.indexes.map((idx) => metaIndexStatement(db, model, idx, quote))
  for (const hook of extraTableHooks) for (const extra of hook(model)) later.push(...extra.create(db, quote))
  // Field indexes in field order, then Meta indexes, then partial unique indexes.
  return { table, indexes: [...fieldIndexes, ...metaIndexes, ...partial], later }
}

/** The DDL statements that create these models' tables, in dependency order. */
export const createStatements = (db: Db, input: ModelsInput): string[] => {
  const quote = quoter(db)
  const statements: string[] = []
  const later: string[] = []
  for (const model of dependencyOrder(listModels(input))) {
    const parts = modelStatements(db, model, { quote })
    statements.push(...parts.table, ...parts.indexes)
    later.push(...parts.later)
  }
  return [...statements, ...later]
}

/** The DDL statements that drop these models' tables (dependents first). */
export const dropStatements = (db: Db, input: ModelsInput): string[] => {
  const quote = quoter(db)
  const models = dependencyOrder(listModels(input)).reverse()
  // Join tables reference two models: drop them all before any model table.
  const extras = models.flatMap((m) => extraTableHooks.flatMap((hook) => hook(m).map((extra) => db.dialect.schema.dropTable(extra.table, quote))))
  return [...extras, ...models.map((m) => db.dialect.schema.dropTable(m.meta.table, quote))]
}

const runAll = async (db: Db, statements: readonly string[]): Promise<void> => {
  for (const s of statements) await db.execute(s, [], { returnsRows: false })
}

/**
 * Create the tables, indexes and constraints of a schema (or a list of models), in dependency order.
 * @example await db.run(createTables(schema))
 */
export const createTables = (input: ModelsInput): Effect<void> => effect((db) => runAll(db, createStatements(db, input)))

/** Drop the tables of a schema (or a list of models), dependents first. */
export const dropTables = (input: ModelsInput): Effect<void> => effect((db) => runAll(db, dropStatements(db, input)))

/** The DDL as text, one statement per paragraph, without running it. */
export const sqlCreateTables =
  (input: ModelsInput) =>
  (db: Db): string =>
    createStatements(db, input)
      .map((s) => `${s};`)
      .join('\n\n')
