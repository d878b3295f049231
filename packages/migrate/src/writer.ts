// The migration writer: a migration as a readable TypeScript module (Django's MigrationWriter). Fields
// are written with the constructors a model uses (`f.char(...)`, `foreignKey(...)`), conditions with
// `Q`/`and`/`or`/`not` and `F`, so a file reads like the models it came from and can be edited by hand.
import { type AnyField, Expression, type ExprNode, QNode, type WhereNode } from '@fjord/core'
import type { Operation } from './operations.js'
import { CALLABLE } from './state.js'

/** Raised for a value the writer can't express (a subquery in a check, a function where a value is needed). */
export class SerializationError extends Error {
  readonly _tag = 'SerializationError'
}

type Imports = { core: Set<string>; relations: Set<string>; migrate: Set<string> }

const IDENT = /^[A-Za-z_$][\w$]*$/

const str = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`

const key = (k: string): string => (IDENT.test(k) ? k : str(k))

const OPS: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod' }

const expression = (node: ExprNode, im: Imports): string => {
  switch (node.kind) {
    case 'F':
      im.core.add('F')
      return `F(${str(node.path)})`
    case 'Value':
      im.core.add('Value')
      return `Value(${value(node.value, im)})`
    case 'Combined':
      return `${expression(node.lhs.node, im)}.${OPS[node.op]}(${expression(node.rhs.node, im)})`
    default:
      throw new SerializationError(`A ${node.kind} expression can't be written into a migration; write the constraint with runSql`)
  }
}

const where = (node: WhereNode, im: Imports): string => {
  if (node.kind === 'lookup') {
    im.core.add('Q')
    return `Q({ ${key(node.key)}: ${value(node.value, im)} })`
  }
  if (node.kind === 'expr') return expression(node.expr.node, im)
  const lookups = node.children.every((c) => c.kind === 'lookup')
  let inner: string
  if (node.connector === 'AND' && lookups) {
    im.core.add('Q')
    const parts = node.children.map((c) => (c.kind === 'lookup' ? `${key(c.key)}: ${value(c.value, im)}` : ''))
    inner = `Q({ ${parts.join(', ')} })`
  } else if (node.children.length === 1 && node.connector === 'AND') {
    inner = where(node.children[0]!, im)
  } else {
    const fn = node.connector === 'AND' ? 'and' : 'or'
    im.core.add(fn)
    inner = `${fn}(${node.children.map((c) => where(c, im)).join(', ')})`
  }
  if (!node.negated) return inner
  im.core.add('not')
  return `not(${inner})`
}

/** A value as TypeScript source. */
export const value = (v: unknown, im: Imports, indent = ''): string => {
  if (v === undefined) return 'undefined'
  if (v === null) return 'null'
  if (typeof v === 'string') return str(v)
  if (typeof v === 'number') return Number.isNaN(v) ? 'Number.NaN' : Object.is(v, -0) ? '-0' : String(v)
  if (typeof v === 'boolean') return String(v)
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'function' || v === CALLABLE) {
    im.migrate.add('callableDefault')
    return 'callableDefault'
  }
  if (v instanceof Date) return `new Date(${str(v.toISOString())})`
  if (v instanceof Uint8Array) return `new Uint8Array([${Array.from(v).join(', ')}])`
  if (v instanceof QNode) return where(v.node, im)
  if (v instanceof Expression) return expression(v.node, im)
  if (Array.isArray(v)) return `[${v.map((x) => value(x, im, indent)).join(', ')}]`
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (o.kind === 'SET' && Object.keys(o).length === 2) {
      im.relations.add('SET')
      return `SET(${value(o.value, im)})`
    }
    const entries = Object.entries(o).filter(([, x]) => x !== undefined)
    if (entries.length === 0) return '{}'
    return `{ ${entries.map(([k, x]) => `${key(k)}: ${value(x, im, indent)}`).join(', ')} }`
  }
  throw new SerializationError(`Can't write a ${typeof v} into a migration`)
}

/** An object on one line when it is short, else a key a line (and a long list an item a line). */
const block = (o: object, im: Imports, indent: string): string => {
  const flat = value(o, im)
  if (flat.length + indent.length <= 100) return flat
  const inner = `${indent}  `
  const lines = Object.entries(o)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => {
      const one = value(x, im)
      if (!Array.isArray(x) || one.length + inner.length <= 100) return `${inner}${key(k)}: ${one},`
      return `${inner}${key(k)}: [\n${x.map((item) => `${inner}  ${value(item, im)},`).join('\n')}\n${inner}],`
    })
  return `{\n${lines.join('\n')}\n${indent}}`
}

/** A field as the constructor call that makes it. */
export const fieldSource = (fd: AnyField, im: Imports): string => {
  const rel = fd.relation
  if (!rel) {
    im.core.add('f')
    const opts = value(fd.options, im)
    return opts === '{}' ? `f.${fd.type}()` : `f.${fd.type}(${opts})`
  }
  if (rel.kind === 'manyToMany') {
    im.relations.add('manyToMany')
    const o = {
      relatedName: rel.relatedName,
      relatedQueryName: rel.relatedQueryName,
      through: rel.through,
      throughFields: rel.throughFields,
      symmetrical: rel.symmetrical,
      dbTable: (fd.options as { dbTable?: string }).dbTable,
    }
    const opts = value(o, im)
    return opts === '{}' ? `manyToMany(${str(rel.target)})` : `manyToMany(${str(rel.target)}, ${opts})`
  }
  im.relations.add(rel.kind)
  // A one-to-one's `unique: true` is implied by its constructor.
  const { unique: _, ...rest } = fd.options
  const options = rel.kind === 'oneToOne' ? rest : fd.options
  return `${rel.kind}(${str(rel.target)}, ${value(options, im)})`
}

const fieldsSource = (fields: Readonly<Record<string, AnyField>>, im: Imports, indent: string): string => {
  const lines = Object.entries(fields).map(([k, fd]) => `${indent}  ${key(k)}: ${fieldSource(fd, im)},`)
  return `{\n${lines.join('\n')}\n${indent}}`
}

const args = (...xs: string[]): string => xs.join(', ')

const operationSource = (op: Operation, im: Imports, indent: string): string => {
  const s = str
  switch (op.kind) {
    case 'createModel': {
      const opts = block(op.options, im, indent)
      return `ops.createModel(${args(s(op.name), fieldsSource(op.fields, im, indent))}${opts === '{}' ? '' : `, ${opts}`})`
    }
    case 'deleteModel':
      return `ops.deleteModel(${s(op.name)})`
    case 'renameModel':
      return `ops.renameModel(${args(s(op.from), s(op.to))})`
    case 'alterModelTable':
      return `ops.alterModelTable(${args(s(op.model), op.dbTable === undefined ? 'undefined' : s(op.dbTable))})`
    case 'alterModelOptions':
      return `ops.alterModelOptions(${args(s(op.model), value({ ordering: op.ordering }, im))})`
    case 'addField':
    case 'alterField': {
      const extra = 'oneOffDefault' in op ? `, { oneOffDefault: ${value(op.oneOffDefault, im)} }` : ''
      return `ops.${op.kind}(${args(s(op.model), s(op.name), fieldSource(op.field, im))}${extra})`
    }
    case 'removeField':
      return `ops.removeField(${args(s(op.model), s(op.name))})`
    case 'renameField':
      return `ops.renameField(${args(s(op.model), s(op.from), s(op.to))})`
    case 'addIndex':
      return `ops.addIndex(${args(s(op.model), value(op.index, im))})`
    case 'removeIndex':
      return `ops.removeIndex(${args(s(op.model), s(op.name))})`
    case 'addConstraint':
      return `ops.addConstraint(${args(s(op.model), value(op.constraint, im))})`
    case 'removeConstraint':
      return `ops.removeConstraint(${args(s(op.model), s(op.name))})`
    case 'alterUniqueTogether':
      return `ops.alterUniqueTogether(${args(s(op.model), value(op.uniqueTogether, im))})`
    case 'runSql':
      return `ops.runSql(${value(op.sql, im)}${op.reverseSql ? `, ${value(op.reverseSql, im)}` : ''})`
    case 'runTs':
      throw new SerializationError('A TypeScript step is written by hand, not generated')
  }
}

const byName = (a: string, b: string): number => a.localeCompare(b)

/** The source of a migration module. */
export const writeMigration = (m: { readonly dependencies: readonly string[]; readonly operations: readonly Operation[] }, header?: string): string => {
  const im: Imports = { core: new Set(), relations: new Set(), migrate: new Set(['migration', 'ops']) }
  const body = m.operations.map((op) => `    ${operationSource(op, im, '    ')},`).join('\n')
  const imports = [
    im.core.size ? `import { ${[...im.core].sort(byName).join(', ')} } from '@fjord/core'` : '',
    `import { ${[...im.migrate].sort(byName).join(', ')} } from '@fjord/migrate'`,
    im.relations.size ? `import { ${[...im.relations].sort(byName).join(', ')} } from '@fjord/relations'` : '',
  ].filter(Boolean)
  return [
    header ? `// ${header}` : '',
    ...imports,
    '',
    'export default migration({',
    `  dependencies: ${value(m.dependencies, im)},`,
    `  operations: [\n${body}\n  ],`,
    '})',
    '',
  ]
    .filter((line, i) => i > 0 || line !== '')
    .join('\n')
}

/**
 * A default that only code can give, in a migration file. Migrations track that a field has a
 * function default, not the function: values for existing rows are computed when the migration is made.
 */
export const callableDefault = (): undefined => undefined
