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
} from '@fjord/core'
import { sql } from 'kysely'

export type ModelsInput = readonly AnyModel[] | Readonly<Record<string, AnyModel>>

const listModels = (input: ModelsInput): AnyModel[] => (Array.isArray(input) ? [...input] : Object.values(input as Record<string, AnyModel>))

/** Extra tables to create with a model (many-to-many join tables), registered by @fjord/relations. */
export interface ExtraTable {
  readonly table: string
  readonly after: readonly string[]
  readonly create: (db: Db, quote: (id: string) => string) => readonly string[]
}
export const extraTableHooks: ((model: AnyModel) => readonly ExtraTable[])[] = []

// Names are quoted by the backend's compiler, so DDL and queries agree (Oracle shortens long names there).
const quoter = (db: Db) => (id: string) => sql.id(id).compile(db.kysely).sql

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

const targetOf = (model: AnyModel, bf: BoundField): AnyModel | undefined => {
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

const columnDef = (db: Db, model: AnyModel, bf: BoundField, quote: (s: string) => string, inlineFk: boolean): string => {
  const s = db.dialect.schema
  const f = bf.field
  if (bf.primaryKey && (f.type === 'auto' || f.type === 'bigAuto')) return `${quote(bf.column)} ${s.autoColumn(bf)}`
  const target = targetOf(model, bf)
  let type = s.columnType(bf)
  if (target) {
    const to = f.relation?.toField ? target.meta.fieldMap.get(f.relation.toField)! : target.meta.pk
    // The column matches the target's key (MySQL refuses a foreign key between integers of different sizes).
    const autoAs = to.field.type === 'auto' ? 'integer' : to.field.type === 'bigAuto' ? 'bigInteger' : undefined
    type = autoAs ? s.columnType({ ...bf, field: { ...f, type: autoAs } }) : s.columnType(to)
  }
  const parts = [quote(bf.column), type]
  // Where '' is stored as NULL (Oracle), a column that may hold '' must accept NULL, as in Django.
  const emptyIsNull = db.dialect.features.interpretsEmptyStringsAsNulls && !bf.primaryKey && !target && EMPTY_STRING_TYPES.has(f.type)
  parts.push(f.options.null || emptyIsNull ? 'NULL' : 'NOT NULL')
  if (bf.primaryKey) parts.push('PRIMARY KEY')
  else if (f.options.unique || f.relation?.kind === 'oneToOne') parts.push('UNIQUE')
  const d = f.options.default
  if (d !== undefined && typeof d !== 'function' && !target && (typeof d !== 'object' || d === null)) {
    const lit = s.defaultLiteral ? s.defaultLiteral(bf, d) : literal(db.dialect.ops.toDb(f.type, d))
    if (lit !== undefined) parts.push(`DEFAULT ${lit}`)
  }
  if (f.type.startsWith('positive')) parts.push(`CHECK (${quote(bf.column)} >= 0)`)
  if (target && inlineFk && f.relation?.dbConstraint !== false) {
    const to = f.relation?.toField ? target.meta.fieldMap.get(f.relation.toField)! : target.meta.pk
    parts.push(`REFERENCES ${quote(target.meta.table)} (${quote(to.column)})${s.deferrableForeignKeys === false ? '' : ' DEFERRABLE INITIALLY DEFERRED'}`)
  }
  return parts.join(' ')
}

/** Order models so that targets of foreign keys come first; the rest (cycles) keep their order. */
const dependencyOrder = (models: readonly AnyModel[]): AnyModel[] => {
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

/** The DDL statements that create these models' tables, in dependency order. */
export const createStatements = (db: Db, input: ModelsInput): string[] => {
  const quote = quoter(db)
  const s = db.dialect.schema
  const models = dependencyOrder(listModels(input))
  const statements: string[] = []
  const later: string[] = []
  for (const model of models) {
    const meta = model.meta
    const lines = meta.concreteFields.map((bf) => columnDef(db, model, bf, quote, s.inlineForeignKeys))
    for (const group of meta.uniqueTogether) {
      const cols = group.map((n) => meta.fieldMap.get(n)!.column)
      lines.push(`CONSTRAINT ${quote(constraintName(db, meta.table, cols, 'uniq'))} UNIQUE (${cols.map(quote).join(', ')})`)
    }
    for (const c of meta.constraints) {
      if (c.kind === 'unique' && !c.condition) {
        const cols = c.fields.map((n) => meta.fieldMap.get(n)!.column)
        lines.push(`CONSTRAINT ${quote(c.name)} UNIQUE (${cols.map(quote).join(', ')})`)
      } else if (c.kind === 'check') {
        lines.push(`CONSTRAINT ${quote(c.name)} CHECK (${checkSql(db, model, c.check)})`)
      }
    }
    statements.push(`CREATE TABLE ${quote(meta.table)} (\n  ${lines.join(',\n  ')}\n)${s.tableOptions ? ` ${s.tableOptions}` : ''}`)
    statements.push(...(s.afterCreateTable?.(meta.table, meta.concreteFields) ?? []))
    for (const bf of meta.concreteFields) {
      const target = targetOf(model, bf)
      if (target && !s.inlineForeignKeys && bf.field.relation?.dbConstraint !== false) {
        const to = bf.field.relation?.toField ? target.meta.fieldMap.get(bf.field.relation.toField)! : target.meta.pk
        later.push(
          `ALTER TABLE ${quote(meta.table)} ADD CONSTRAINT ${quote(constraintName(db, meta.table, [bf.column], 'fk'))} FOREIGN KEY (${quote(bf.column)}) REFERENCES ${quote(target.meta.table)} (${quote(to.column)})${s.deferrableForeignKeys === false ? '' : ' DEFERRABLE INITIALLY DEFERRED'}`,
        )
      }
      const indexed =
        (bf.field.options.dbIndex || (target && bf.field.relation?.kind === 'foreignKey')) && !bf.field.options.unique && !bf.primaryKey && (s.canIndex?.(bf) ?? true)
      if (indexed) {
        statements.push(`CREATE INDEX ${quote(constraintName(db, meta.table, [bf.column], 'idx'))} ON ${quote(meta.table)} (${quote(bf.column)})`)
      }
    }
    for (const idx of meta.indexes) {
      const cols = idx.fields.map((n) => {
        const desc = n.startsWith('-')
        const bf = meta.fieldMap.get(n.replace(/^-/, ''))!
        return `${quote(bf.column)}${desc ? ' DESC' : ''}`
      })
      const name = idx.name ?? constraintName(db, meta.table, idx.fields.map((n) => n.replace(/^-/, '')), 'idx')
      statements.push(`CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX ${quote(name)} ON ${quote(meta.table)} (${cols.join(', ')})`)
    }
    for (const c of meta.constraints) {
      if (c.kind === 'unique' && c.condition && s.supportsPartialIndexes !== false) {
        const cols = c.fields.map((n) => quote(meta.fieldMap.get(n)!.column))
        statements.push(`CREATE UNIQUE INDEX ${quote(c.name)} ON ${quote(meta.table)} (${cols.join(', ')}) WHERE ${checkSql(db, model, c.condition)}`)
      }
    }
    for (const hook of extraTableHooks) for (const extra of hook(model)) later.push(...extra.create(db, quote))
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
