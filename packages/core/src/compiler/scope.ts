// A query level: its model and alias, its joins, its annotations, and the outer level for OuterRef.
import { sql } from 'kysely'
import { FieldError, didYouMean } from '../errors.js'
import type { AnyModel, BoundField } from '../model.js'
import { type Compiled, type Ctx, type Frag, ref } from './context.js'

export interface Join {
  readonly alias: string
  readonly table: string
  readonly model: AnyModel
  readonly type: 'INNER' | 'LEFT'
  readonly on: Frag
}

/** What a path step crosses: a relation from one model to another. */
export interface PathStep {
  readonly target: AnyModel
  /** The column on the current side, and the column on the target side, joined for equality. */
  readonly fromColumn: string
  readonly toColumn: string
  readonly nullable: boolean
  /** Many rows on the target side for one here (reverse foreign key, many-to-many). */
  readonly multiValued: boolean
  /** An intermediate table (many-to-many), crossed first. */
  readonly via?: { readonly table: string; readonly fromColumn: string; readonly toColumn: string }
}

/** Relations beyond forward foreign keys (reverse, many-to-many) are resolved by registered resolvers. */
export type RelationResolver = (model: AnyModel, name: string) => PathStep | undefined
const resolvers: RelationResolver[] = []
export const registerRelationResolver = (r: RelationResolver): void => {
  resolvers.push(r)
}

const forwardStep = (model: AnyModel, bf: BoundField): PathStep | undefined => {
  const rel = bf.field.relation
  if (!rel || rel.kind === 'manyToMany') return undefined
  const target = rel.target === 'self' ? model : model.meta.registry.get(rel.target)
  const toField = rel.toField ? target.meta.fieldMap.get(rel.toField) : target.meta.pk
  return {
    target,
    fromColumn: bf.column,
    toColumn: (toField ?? target.meta.pk).column,
    nullable: bf.field.options.null === true,
    multiValued: false,
  }
}

export const relationStep = (model: AnyModel, name: string): PathStep | undefined => {
  const bf = model.meta.fieldMap.get(name)
  if (bf) {
    // A many-to-many field is crossed by a registered resolver (through its join table).
    const forward = forwardStep(model, bf)
    if (forward || bf.field.relation?.kind !== 'manyToMany') return forward
  }
  for (const r of resolvers) {
    const step = r(model, name)
    if (step) return step
  }
  return undefined
}

/** Find a field by name or attribute name (`post`, `postId`, `post_id`); `pk` is the primary key. */
export const findField = (model: AnyModel, name: string): BoundField | undefined => {
  const meta = model.meta
  if (name === 'pk') return meta.pk
  const direct = meta.fieldMap.get(name)
  if (direct) return direct
  for (const bf of meta.fields) if (bf.attname === name || (bf.field.relation && `${bf.name}_id` === name)) return bf
  return undefined
}

export class Scope {
  readonly joins = new Map<string, Join>()
  readonly joinList: Join[] = []
  /** Intermediate-table aliases by join key, so a join trimmed to its table can be extended later. */
  private readonly viaAliases = new Map<string, string>()
  readonly annotations = new Map<string, Compiled>()
  private readonly usedAliases = new Set<string>()
  /** Set while compiling one filter() call: multi-valued joins are shared inside it only. */
  group = 0
  /** Set while compiling an annotation: it reuses the multi-valued joins made so far (Django's reuse=None). */
  reuseJoins = false
  /** The key of the latest multi-valued join made for each path. */
  private readonly latestKey = new Map<string, string>()

  constructor(
    readonly ctx: Ctx,
    readonly model: AnyModel,
    readonly alias: string,
    readonly parent: Scope | null,
  ) {
    this.usedAliases.add(alias)
  }

  private newAlias(table: string): string {
    if (!this.usedAliases.has(table) && this.parent === null) {
      this.usedAliases.add(table)
      return table
    }
    const a = this.ctx.alias(this.parent === null ? 'T' : 'V')
    this.usedAliases.add(a)
    return a
  }

  /** Join along `step` from `fromAlias`, reusing a join made for the same path (and group, when multi-valued). */
  join(path: string, fromAlias: string, step: PathStep, forceLeft: boolean): string {
    const key = this.joinKey(path, step)
    const existing = this.joins.get(key)
    if (existing) return existing.alias
    const type = this.joinType(step, forceLeft)
    let from = fromAlias
    let fromColumn = step.fromColumn
    if (step.via) {
      from = this.joinVia(path, fromAlias, step, forceLeft)
      fromColumn = step.via.toColumn
    }
    const alias = this.newAlias(step.target.meta.table)
    const src = from
    const col = fromColumn
    const join: Join = {
      alias,
      table: step.target.meta.table,
      model: step.target,
      type,
      on: () => sql`${ref(src, col)()} = ${ref(alias, step.toColumn)()}`,
    }
    this.joins.set(key, join)
    this.joinList.push(join)
    if (step.multiValued) this.latestKey.set(path, key)
    this.ctx.k(`J${type}${key};`)
    return alias
  }

  /**
   * Join only the intermediate table of a many-to-many step (its `via`): enough when the path stops at
   * the target's key, which the intermediate table holds (Django trims the last join the same way).
   */
  joinVia(path: string, fromAlias: string, step: PathStep, forceLeft: boolean): string {
    const via = step.via
    if (!via) throw new FieldError(`joinVia(): '${path}' crosses no intermediate table.`)
    const key = this.joinKey(path, step)
    const existing = this.viaAliases.get(key)
    if (existing) return existing
    const type = this.joinType(step, forceLeft)
    const alias = this.newAlias(via.table)
    const on = () => sql`${ref(fromAlias, step.fromColumn)()} = ${ref(alias, via.fromColumn)()}`
    this.joinList.push({ alias, table: via.table, model: step.target, type, on })
    this.viaAliases.set(key, alias)
    if (step.multiValued) this.latestKey.set(path, key)
    this.ctx.k(`JV${type}${key};`)
    return alias
  }

  private joinKey(path: string, step: PathStep): string {
    if (!step.multiValued) return path
    return (this.reuseJoins && this.latestKey.get(path)) || `${path}#${this.group}`
  }

  private joinType(step: PathStep, forceLeft: boolean): 'INNER' | 'LEFT' {
    return step.nullable || step.multiValued || forceLeft ? 'LEFT' : 'INNER'
  }

  /** Names valid at the start of a path, for error messages. */
  choices(model: AnyModel = this.model): string[] {
    const names = model.meta.fields.map((f) => f.name)
    const reverse = model.meta.reverse.map((r) => r.queryName)
    const anns = model === this.model ? [...this.annotations.keys()] : []
    return [...names, ...reverse, 'pk', ...anns].filter((v, i, a) => a.indexOf(v) === i)
  }

  unknownField(model: AnyModel, part: string, full: string): FieldError {
    const choices = this.choices(model)
    const hint = didYouMean(part, choices)
    return new FieldError(
      `Cannot resolve keyword '${part}' into field${full !== part ? ` (in '${full}')` : ''} on ${model.name}. Choices are: ${choices.join(', ')}.${hint ? ` Did you mean '${hint}'?` : ''}`,
      { model: model.name, part, choices },
    )
  }
}
