// Automatic join tables outside queries: their DDL (through @fjord/migrate's extra tables) and the
// pairs that go when a row of either side is deleted (through core's collector).
import { type AnyModel, type BoundField, type Db, extraDeleteHooks, type FieldType, makeField } from '@fjord/core'
import { constraintName, type ExtraTable, extraTableHooks } from '@fjord/migrate'
import { type JoinTable, joinTableOf, manyToManyFields } from './m2m.js'

/** The automatic join tables of the many-to-many fields a model declares. */
const ownJoinTables = (model: AnyModel): JoinTable[] =>
  model.meta.fields.filter((bf) => bf.field.relation?.kind === 'manyToMany').map((bf) => joinTableOf(model, bf)).filter((jt) => jt.through === null)

const column = (jt: JoinTable, name: string, type: FieldType, primaryKey = false): BoundField =>
  Object.freeze({
    name,
    attname: name,
    column: name,
    field: makeField(type, 'number', primaryKey ? { primaryKey: true } : {}),
    model: jt.label,
    primaryKey,
    concrete: true,
  })

/** A column holding `key`'s values: auto keys are stored as plain integers of their size. */
const keyColumn = (jt: JoinTable, name: string, key: BoundField): BoundField => {
  const t = key.field.type
  if (t === 'auto' || t === 'bigAuto') return column(jt, name, t === 'auto' ? 'integer' : 'bigInteger')
  return Object.freeze({ ...key, name, attname: name, column: name, primaryKey: false, model: jt.label, field: { ...key.field, options: { ...key.field.options, primaryKey: undefined, unique: undefined, dbIndex: undefined } } })
}

/** CREATE TABLE for a join table: an id, one column per side, a unique pair, foreign keys and an index. */
export const joinTableStatements = (db: Db, jt: JoinTable, quote: (id: string) => string): string[] => {
  const s = db.dialect.schema
  const id = column(jt, 'id', 'bigAuto', true)
  const sides = [
    { col: keyColumn(jt, jt.sourceColumn, jt.sourceKey), model: jt.source, key: jt.sourceKey },
    { col: keyColumn(jt, jt.targetColumn, jt.targetKey), model: jt.target, key: jt.targetKey },
  ]
  const deferrable = s.deferrableForeignKeys === false ? '' : ' DEFERRABLE INITIALLY DEFERRED'
  const references = (side: (typeof sides)[number]) => `REFERENCES ${quote(side.model.meta.table)} (${quote(side.key.column)})${deferrable}`
  const lines = [
    `${quote(id.column)} ${s.autoColumn(id)}`,
    ...sides.map((side) => `${quote(side.col.column)} ${s.columnType(side.col)} NOT NULL${s.inlineForeignKeys ? ` ${references(side)}` : ''}`),
    `CONSTRAINT ${quote(constraintName(db, jt.table, [jt.sourceColumn, jt.targetColumn], 'uniq'))} UNIQUE (${quote(jt.sourceColumn)}, ${quote(jt.targetColumn)})`,
  ]
  const out = [`CREATE TABLE ${quote(jt.table)} (\n  ${lines.join(',\n  ')}\n)${s.tableOptions ? ` ${s.tableOptions}` : ''}`]
  out.push(...(s.afterCreateTable?.(jt.table, [id, ...sides.map((x) => x.col)]) ?? []))
  if (!s.inlineForeignKeys) {
    for (const side of sides) {
      const name = constraintName(db, jt.table, [side.col.column], 'fk')
      out.push(`ALTER TABLE ${quote(jt.table)} ADD CONSTRAINT ${quote(name)} FOREIGN KEY (${quote(side.col.column)}) ${references(side)}`)
    }
  }
  // The unique pair's index serves lookups by the source column; the target column gets its own.
  out.push(`CREATE INDEX ${quote(constraintName(db, jt.table, [jt.targetColumn], 'idx'))} ON ${quote(jt.table)} (${quote(jt.targetColumn)})`)
  return out
}

extraTableHooks.push((model): readonly ExtraTable[] =>
  ownJoinTables(model).map((jt) => ({
    table: jt.table,
    after: [jt.source.meta.table, jt.target.meta.table],
    create: (db, quote) => joinTableStatements(db, jt, quote),
    key: `${model.name}.${jt.field.name}`,
    columns: [jt.sourceColumn, jt.targetColumn],
  })),
)

const pairsCache = new WeakMap<AnyModel, readonly { table: string; column: string; label: string }[]>()

/** The automatic join-table pairs that go with a model's rows, from either side. */
const pairsOf = (model: AnyModel): readonly { table: string; column: string; label: string }[] => {
  const hit = pairsCache.get(model)
  if (hit) return hit
  const out: { table: string; column: string; label: string }[] = []
  for (const { model: m, field } of manyToManyFields(model.meta.registry.models.values())) {
    const jt = joinTableOf(m, field)
    if (jt.through !== null) continue
    if (jt.source === model) out.push({ table: jt.table, column: jt.sourceColumn, label: jt.label })
    if (jt.target === model) out.push({ table: jt.table, column: jt.targetColumn, label: jt.label })
  }
  pairsCache.set(model, Object.freeze(out))
  return out
}

extraDeleteHooks.push(pairsOf)
