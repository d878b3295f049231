// related(M, row, name): the QuerySet of the rows related to one row, by a relation field's name or a
// reverse relation's accessor (`commentSet`, `posts`), as Django's related managers.
import {
  type AnyModel,
  type AnyQuerySet,
  type BoundField,
  cloneWith,
  FieldError,
  filter,
  none,
  type QuerySet,
  type RelationHop,
  type Row,
} from '@fjord/core'
import { hiddenReverseName, type JoinTable, joinTableOf } from './m2m.js'
import type { LoadHop, RelatedName } from './types.js'

/** One relation of a model, seen from one of its rows. */
export type Relation =
  | { readonly kind: 'forward'; readonly model: AnyModel; readonly target: AnyModel; readonly field: BoundField; readonly key: BoundField }
  | {
      readonly kind: 'manyToMany'
      readonly model: AnyModel
      readonly target: AnyModel
      readonly jt: JoinTable
      /** Whether `model` declares the field (else it is the target, reached by the reverse accessor). */
      readonly forward: boolean
      /** The join table's column holding this row's key, and the one holding the other rows' keys. */
      readonly mine: string
      readonly other: string
      /** This row's key field, and the other rows' key field. */
      readonly myKey: BoundField
      readonly otherKey: BoundField
    }
  | {
      readonly kind: 'reverse'
      readonly model: AnyModel
      readonly target: AnyModel
      /** The foreign key (or one-to-one) on the target that points here. */
      readonly field: BoundField
      readonly myKey: BoundField
      readonly single: boolean
    }

const choicesOf = (model: AnyModel): string[] => [
  ...model.meta.fields.filter((f) => f.field.relation).map((f) => f.name),
  ...model.meta.reverse.map((r) => r.accessor),
]

/** The relation `name` of `model`: a relation field, or a reverse relation's accessor. */
export const relationOf = (model: AnyModel, name: string): Relation => {
  const bf = model.meta.fieldMap.get(name)
  const rel = bf?.field.relation
  if (bf && rel) {
    if (rel.kind === 'manyToMany') {
      const jt = joinTableOf(model, bf)
      return { kind: 'manyToMany', model, target: jt.target, jt, forward: true, mine: jt.sourceColumn, other: jt.targetColumn, myKey: jt.sourceKey, otherKey: jt.targetKey }
    }
    const target = rel.target === 'self' ? model : model.meta.registry.get(rel.target)
    return { kind: 'forward', model, target, field: bf, key: rel.toField ? target.meta.fieldMap.get(rel.toField)! : target.meta.pk }
  }
  const r = model.meta.reverse.find((x) => x.accessor === name)
  if (!r) {
    throw new FieldError(`${model.name} has no relation named '${name}'. Choices are: ${choicesOf(model).join(', ')}.`, {
      model: model.name,
      part: name,
      choices: choicesOf(model),
    })
  }
  const source = model.meta.registry.get(r.fromModel)
  const field = source.meta.fieldMap.get(r.fromField)!
  if (r.kind === 'manyToMany') {
    const jt = joinTableOf(source, field)
    return { kind: 'manyToMany', model, target: source, jt, forward: false, mine: jt.targetColumn, other: jt.sourceColumn, myKey: jt.targetKey, otherKey: jt.sourceKey }
  }
  const toField = field.field.relation?.toField
  return { kind: 'reverse', model, target: source, field, myKey: toField ? model.meta.fieldMap.get(toField)! : model.meta.pk, single: r.kind === 'oneToOne' }
}

/** The value of this row's key for a relation, or a FieldError when the row is unsaved. */
export const keyOfRow = (model: AnyModel, row: object, key: BoundField, name: string): unknown => {
  const v = (row as Record<string, unknown>)[key.attname]
  if (v === undefined || v === null) {
    throw new FieldError(`${model.name} object needs to have a value for field '${key.attname}' before the relation '${name}' can be used.`, {
      model: model.name,
      part: name,
    })
  }
  return v
}

type TargetOf<M, N> = LoadHop<M, N> extends RelationHop<infer To> ? To : AnyModel

/**
 * The QuerySet of the rows related to `row` through `name` (a relation field, or a reverse accessor).
 * @example pipe(related(Post, post, 'commentSet'), orderBy('-pubDate'), toArray)
 */
export const related = <M extends AnyModel, const N extends RelatedName<M>>(model: M, row: Row<M>, name: N): QuerySet<TargetOf<M, N>, Row<TargetOf<M, N>>> => {
  const rel = relationOf(model, name)
  const all = rel.target.objects as AnyQuerySet
  try {
    switch (rel.kind) {
      case 'forward': {
        const v = (row as Record<string, unknown>)[rel.field.attname]
        if (v === null || v === undefined) return none()(all) as never
        return filter({ [rel.key.name]: v } as never)(all as never) as never
      }
      case 'manyToMany': {
        const me = keyOfRow(model, row, rel.myKey, name)
        // From the other side back to this row: the field's name, or its hidden reverse name.
        const back = rel.forward ? hiddenReverseName(rel.jt) : rel.jt.field.name
        return filter({ [back]: me } as never)(all as never) as never
      }
      case 'reverse': {
        const me = keyOfRow(model, row, rel.myKey, name)
        return filter({ [rel.field.name]: me } as never)(all as never) as never
      }
    }
  } catch (e) {
    // As a QuerySet is lazy, the misuse is reported when it runs.
    if (e instanceof FieldError) return cloneWith(all, { invalid: e }) as never
    throw e
  }
}
