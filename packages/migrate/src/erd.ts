// An entity-relationship diagram of the models, as Mermaid `erDiagram` text (`fjord graph`): one
// entity per model with its columns, their types and PK/FK/UK markers, and one line per relation.
import type { AnyField, AnyModel, BoundField } from '@fjord/core'
import type { ModelsInput } from './ddl.js'

const listModels = (input: ModelsInput): AnyModel[] => (Array.isArray(input) ? [...input] : Object.values(input as Record<string, AnyModel>))

/** Mermaid names: letters, digits, `_` and `-`. */
const word = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_')
/** Types may also hold parentheses (`char(100)`). */
const typeWord = (s: string): string => s.replace(/[^A-Za-z0-9_()-]/g, '_')

const scalarType = (fd: AnyField): string => {
  const o = fd.options
  if (o.maxLength !== undefined && (fd.type === 'char' || fd.type === 'slug' || fd.type === 'email' || fd.type === 'url')) return `${fd.type}(${o.maxLength})`
  return fd.type
}

/** The type a column holds: a relation's column holds the type of the key it points at. */
const columnType = (model: AnyModel, bf: BoundField): string => {
  const rel = bf.field.relation
  if (!rel) return scalarType(bf.field)
  const target = rel.target === 'self' ? model : model.meta.registry.models.get(rel.target)
  const key = target && (rel.toField ? target.meta.fieldMap.get(rel.toField) : target.meta.pk)
  if (!key) return 'integer'
  if (key.field.type === 'auto') return 'integer'
  if (key.field.type === 'bigAuto') return 'bigInteger'
  return key.field.relation ? columnType(target!, key) : scalarType(key.field)
}

const markers = (bf: BoundField): string => {
  const out: string[] = []
  if (bf.primaryKey) out.push('PK')
  if (bf.field.relation) out.push('FK')
  if (!bf.primaryKey && bf.field.options.unique) out.push('UK')
  return out.join(', ')
}

/** The cardinality of a relation line, read from the model that holds the field to its target. */
const cardinality = (fd: AnyField): string => {
  const rel = fd.relation!
  if (rel.kind === 'manyToMany') return '}o--o{'
  const many = rel.kind === 'foreignKey' ? '}o' : '|o'
  return `${many}--${fd.options.null ? 'o|' : '||'}`
}

/**
 * The models as a Mermaid entity-relationship diagram.
 * @example console.log(erDiagram(blog)) // erDiagram\n  Post {\n    bigAuto id PK\n ...
 */
export const erDiagram = (input: ModelsInput): string => {
  const models = listModels(input)
  const lines = ['erDiagram']
  const relations: string[] = []
  for (const m of models) {
    const name = word(m.name)
    const columns = m.meta.fields.filter((bf) => bf.concrete)
    if (columns.length === 0) lines.push(`  ${name} {`, '  }')
    else {
      lines.push(`  ${name} {`)
      for (const bf of columns) {
        const keys = markers(bf)
        const comment = bf.field.options.null ? ' "nullable"' : ''
        lines.push(`    ${typeWord(columnType(m, bf))} ${word(bf.column)}${keys ? ` ${keys}` : ''}${comment}`)
      }
      lines.push('  }')
    }
    for (const bf of m.meta.fields) {
      const rel = bf.field.relation
      if (!rel) continue
      const target = rel.target === 'self' ? m.name : rel.target
      relations.push(`  ${name} ${cardinality(bf.field)} ${word(target)} : ${word(bf.name)}`)
    }
  }
  return `${[...lines, ...relations].join('\n')}\n`
}
