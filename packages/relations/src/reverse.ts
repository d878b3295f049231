// Reverse relations: the names a target model gets (`commentSet`, `comment`), and how lookups cross them.
import { type AnyModel, lowerCamel, type PathStep, registerRelationResolver, registerSchemaHook, type ReverseRelation } from '@fjord/core'
import { joinTableOf, manyToManyFields } from './m2m.js'

const hidden = (name: string | undefined): boolean => name?.endsWith('+') === true

/** The reverse relations of every model of a registry, by target. */
const reverseOf = (models: Iterable<AnyModel>): Map<string, ReverseRelation[]> => {
  const out = new Map<string, ReverseRelation[]>()
  for (const m of models) {
    for (const bf of m.meta.fields) {
      const rel = bf.field.relation
      if (!rel || hidden(rel.relatedName)) continue
      // A symmetrical many-to-many is its own reverse (Django hides the other side).
      if (rel.kind === 'manyToMany' && joinTableOf(m, bf).symmetrical) continue
      const target = rel.target === 'self' ? m.name : rel.target
      const base = lowerCamel(m.name)
      const accessor = rel.relatedName ?? (rel.kind === 'oneToOne' ? base : `${base}Set`)
      const queryName = rel.relatedQueryName ?? rel.relatedName ?? base
      const list = out.get(target) ?? []
      list.push({ accessor, queryName, fromModel: m.name, fromField: bf.name, kind: rel.kind })
      out.set(target, list)
    }
  }
  return out
}

registerSchemaHook({
  reverse: (registry) => {
    // Resolving every join table here reports a bad `through` or `throughFields` when the schema is defined.
    for (const { model, field } of manyToManyFields(registry.models.values())) joinTableOf(model, field)
    return reverseOf(registry.models.values())
  },
})

registerRelationResolver((model, name): PathStep | undefined => {
  const r = model.meta.reverse.find((x) => x.queryName === name || x.accessor === name)
  if (!r || r.kind === 'manyToMany') return undefined
  const from = model.meta.registry.get(r.fromModel)
  const fk = from.meta.fieldMap.get(r.fromField)!
  const to = fk.field.relation?.toField ? model.meta.fieldMap.get(fk.field.relation.toField)! : model.meta.pk
  return { target: from, fromColumn: to.column, toColumn: fk.column, nullable: true, multiValued: r.kind === 'foreignKey' }
})
