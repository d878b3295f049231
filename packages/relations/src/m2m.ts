// Many-to-many relations: the join table behind a field (automatic, or a `through` model), and how
// lookups cross it in both directions.
import { type AnyModel, type BoundField, FieldError, type PathStep, registerRelationResolver, snakeCase } from '@fjord/core'

/** Where the pairs of a many-to-many field live. */
export interface JoinTable {
  /** The model that declares the field, and the field. */
  readonly source: AnyModel
  readonly field: BoundField
  readonly target: AnyModel
  readonly table: string
  /** The join table's column pointing at the source, and the source's column it holds. */
  readonly sourceColumn: string
  readonly sourceKey: BoundField
  readonly targetColumn: string
  readonly targetKey: BoundField
  /** The `through` model, or null for an automatic table. */
  readonly through: AnyModel | null
  /** The through model's foreign keys to the source and to the target. */
  readonly sourceField: BoundField | null
  readonly targetField: BoundField | null
  /** A pair stands for both directions (a many-to-many to 'self', unless told otherwise). */
  readonly symmetrical: boolean
  /** How deleted pairs of an automatic table are counted (`Post_tags`, Django's auto-created model name). */
  readonly label: string
}

const cache = new WeakMap<BoundField, JoinTable>()

const targetModel = (model: AnyModel, target: string): AnyModel => (target === 'self' ? model : model.meta.registry.get(target))

/** The join table of a many-to-many field of `model`. */
export const joinTableOf = (model: AnyModel, bf: BoundField): JoinTable => {
  const hit = cache.get(bf)
  if (hit) return hit
  const rel = bf.field.relation
  if (rel?.kind !== 'manyToMany') throw new FieldError(`${model.name}.${bf.name} is not a many-to-many field.`)
  const target = targetModel(model, rel.target)
  const symmetrical = rel.symmetrical ?? rel.target === 'self'
  let jt: JoinTable
  if (rel.through) {
    const through = model.meta.registry.get(rel.through)
    const [sourceField, targetField] = throughFields(model, bf, target, through)
    jt = {
      source: model,
      field: bf,
      target,
      table: through.meta.table,
      sourceColumn: sourceField.column,
      sourceKey: keyOf(model, sourceField),
      targetColumn: targetField.column,
      targetKey: keyOf(target, targetField),
      through,
      sourceField,
      targetField,
      symmetrical,
      label: through.name,
    }
  } else {
    const self = target === model
    const from = snakeCase(model.name)
    const to = snakeCase(target.name)
    jt = {
      source: model,
      field: bf,
      target,
      table: (bf.field.options as { readonly dbTable?: string }).dbTable ?? `${model.meta.table}_${snakeCase(bf.name)}`,
      sourceColumn: self ? `from_${from}_id` : `${from}_id`,
      sourceKey: model.meta.pk,
      targetColumn: self ? `to_${to}_id` : `${to}_id`,
      targetKey: target.meta.pk,
      through: null,
      sourceField: null,
      targetField: null,
      symmetrical,
      label: `${model.name}_${bf.name}`,
    }
  }
  cache.set(bf, Object.freeze(jt))
  return jt
}

/** The field a foreign key of a through model points at (its toField, else the primary key). */
const keyOf = (target: AnyModel, fk: BoundField): BoundField => {
  const to = fk.field.relation?.toField
  return to ? (target.meta.fieldMap.get(to) ?? target.meta.pk) : target.meta.pk
}

const pointsAt = (through: AnyModel, fk: BoundField, model: AnyModel): boolean => {
  const rel = fk.field.relation
  if (!rel || rel.kind === 'manyToMany') return false
  return targetModel(through, rel.target) === model
}

/** The through model's foreign keys to the source and the target, as Django picks them. */
const throughFields = (model: AnyModel, bf: BoundField, target: AnyModel, through: AnyModel): [BoundField, BoundField] => {
  const rel = bf.field.relation!
  const where = `${model.name}.${bf.name}`
  if (rel.throughFields) {
    const [s, t] = rel.throughFields.map((name) => {
      const fk = through.meta.fieldMap.get(name)
      if (!fk?.field.relation || fk.field.relation.kind === 'manyToMany') {
        throw new FieldError(`${where}: throughFields names '${name}', which is not a foreign key of ${through.name}.`, {
          model: through.name,
          part: name,
          choices: through.meta.concreteFields.filter((f) => f.field.relation).map((f) => f.name),
        })
      }
      return fk
    })
    if (!pointsAt(through, s, model)) throw new FieldError(`${where}: ${through.name}.${s.name} is not a foreign key to ${model.name}.`)
    if (!pointsAt(through, t, target)) throw new FieldError(`${where}: ${through.name}.${t.name} is not a foreign key to ${target.name}.`)
    return [s, t]
  }
  const fks = through.meta.concreteFields
  const toSource = fks.filter((f) => pointsAt(through, f, model))
  if (model === target) {
    if (toSource.length !== 2) {
      throw new FieldError(
        `${where}: the through model ${through.name} must have exactly two foreign keys to ${model.name} (it has ${toSource.length}); name them with throughFields.`,
      )
    }
    return [toSource[0], toSource[1]]
  }
  const toTarget = fks.filter((f) => pointsAt(through, f, target))
  for (const [list, m] of [
    [toSource, model],
    [toTarget, target],
  ] as const) {
    if (list.length !== 1) {
      throw new FieldError(
        `${where}: the through model ${through.name} has ${list.length} foreign keys to ${m.name}; ${list.length === 0 ? 'it needs one' : 'name the two to use with throughFields'}.`,
      )
    }
  }
  return [toSource[0], toTarget[0]]
}

/** Every many-to-many field of the models of a registry, with its model. */
export const manyToManyFields = (models: Iterable<AnyModel>): { model: AnyModel; field: BoundField }[] => {
  const out: { model: AnyModel; field: BoundField }[] = []
  for (const model of models) for (const field of model.meta.fields) if (field.field.relation?.kind === 'manyToMany') out.push({ model, field })
  return out
}

/** The hidden name that crosses a many-to-many from its target back to the source, whatever its reverse names. */
export const hiddenReverseName = (jt: JoinTable): string => `~${jt.source.name}.${jt.field.name}`

/** The step from the source to the target. */
export const forwardM2mStep = (jt: JoinTable): PathStep => ({
  target: jt.target,
  fromColumn: jt.sourceKey.column,
  toColumn: jt.targetKey.column,
  nullable: true,
  multiValued: true,
  via: { table: jt.table, fromColumn: jt.sourceColumn, toColumn: jt.targetColumn },
})

/** The step from the target back to the source. */
export const reverseM2mStep = (jt: JoinTable): PathStep => ({
  target: jt.source,
  fromColumn: jt.targetKey.column,
  toColumn: jt.sourceKey.column,
  nullable: true,
  multiValued: true,
  via: { table: jt.table, fromColumn: jt.targetColumn, toColumn: jt.sourceColumn },
})

/** The many-to-many field that a reverse name (`posts`, `postSet`, or the hidden name) on `model` stands for. */
export const reverseM2mOf = (model: AnyModel, name: string): JoinTable | undefined => {
  if (name.startsWith('~')) {
    const [sourceName, fieldName] = name.slice(1).split('.')
    const source = model.meta.registry.models.get(sourceName)
    const bf = source?.meta.fieldMap.get(fieldName)
    if (!source || !bf || bf.field.relation?.kind !== 'manyToMany') return undefined
    const jt = joinTableOf(source, bf)
    return jt.target === model ? jt : undefined
  }
  const r = model.meta.reverse.find((x) => x.kind === 'manyToMany' && (x.queryName === name || x.accessor === name))
  if (!r) return undefined
  const source = model.meta.registry.get(r.fromModel)
  return joinTableOf(source, source.meta.fieldMap.get(r.fromField)!)
}

registerRelationResolver((model, name): PathStep | undefined => {
  const bf = model.meta.fieldMap.get(name)
  if (bf?.field.relation?.kind === 'manyToMany') return forwardM2mStep(joinTableOf(model, bf))
  const jt = reverseM2mOf(model, name)
  return jt ? reverseM2mStep(jt) : undefined
})
