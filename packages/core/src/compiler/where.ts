// Conditions and expressions to SQL: paths become columns (joining across relations), lookups and
// transforms apply, values become parameters.
import { sql } from 'kysely'
import type { Dialect, Sql } from '../dialect.js'
import { FieldError, ValidationError, didYouMean } from '../errors.js'
import { type AnyExpression, Expression, type ExprNode, type OutputType, type TruncKind } from '../expressions.js'
import type { FieldType } from '../fields.js'
import { categoryOf, escapeLike, type LookupDef, lookupApplies, lookupRegistry, transformRegistry } from '../lookups.js'
import { type AnyModel, type BoundField, fieldOwner, relatedKey } from '../model.js'
import { type AnyQuerySet, cloneWith } from '../queryset.js'
import { coerce } from '../validation.js'
import type { WhereNode } from '../where.js'
import { type Compiled, FALSE, type Frag, TRUE, joinSql, ref } from './context.js'
import { functionOutputs, functionRegistry } from './functions.js'
import { type Scope, findField, relationStep } from './scope.js'

/** Compiles a nested QuerySet (subquery); set by select.ts to avoid an import cycle. */
export const subqueryHook: { compile: (qs: AnyQuerySet, parent: Scope, purpose: 'in' | 'scalar' | 'exists') => Compiled } = {
  compile: () => {
    throw new Error('subquery compiler not installed')
  },
}

/** Compiles expressions registered by other packages (`Ext` nodes, e.g. window functions). */
export const extCompilers = new Map<string, (data: unknown, scope: Scope, compile: (e: AnyExpression) => Compiled) => Compiled>()

export interface ResolvedPath {
  readonly compiled: Compiled
  readonly rest: readonly string[]
}

/**
 * Resolve the field part of a path (`post__author__name__icontains` → the `name` column, joined),
 * leaving transforms and the lookup in `rest`.
 */
export const resolvePath = (scope: Scope, parts: readonly string[], full: string, forceLeft = false): ResolvedPath => {
  const annotated = annotationPrefix(scope, parts)
  if (annotated) return { compiled: annotated.compiled, rest: parts.slice(annotated.length) }
  let model: AnyModel = scope.model
  let alias = scope.alias
  let path = ''
  // Whether a LEFT JOIN was crossed: the column may then be NULL whatever its own nullability.
  let outer = false
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    const bf = findField(model, part)
    const step = relationStep(model, bf ? bf.name : part)
    if (!bf && !step) throw scope.unknownField(model, part, full)
    path = path ? `${path}__${part}` : part
    // A many-to-many field has no column here: it is always crossed.
    const column = bf?.concrete === true
    if (column && (!step || bf.attname === part || part === 'pk' || i === parts.length - 1 || !nextIsField(step.target, parts[i + 1]))) {
      // A concrete column here: the end of the field part.
      const c = columnOf(alias, bf)
      return { compiled: outer ? { ...c, outerJoined: true } : c, rest: parts.slice(i + 1) }
    }
    // A relation to cross.
    const s = step!
    const next = parts[i + 1]
    // A key that is itself a relation (a one-to-one primary key) may be crossed further: `restaurant__place__name`.
    const beyond = next === undefined ? undefined : keyTarget(s.target, next)
    const endsAtKey = next !== undefined && isTargetKey(s, next) && (i + 2 === parts.length || !nextIsField(beyond ?? s.target, parts[i + 2]))
    // `post__id` (the target's key) needs no join: the foreign key column holds it.
    if (column && !s.multiValued && endsAtKey) {
      return { compiled: { ...columnOf(alias, bf), type: targetKeyType(s) }, rest: parts.slice(i + 2) }
    }
    const usedAsValue = next === undefined || !nextIsField(s.target, next)
    if (s.via && (usedAsValue || endsAtKey)) {
      // `tags__in`, `tags__id`: the intermediate table holds the target's key; the target needs no join.
      const via = scope.joinVia(path, alias, s, forceLeft)
      const key = s.target.meta.fields.find((f) => f.column === s.toColumn) ?? s.target.meta.pk
      return {
        compiled: { frag: ref(via, s.via.toColumn), type: keyType(key), field: key, aggregate: false },
        rest: parts.slice(usedAsValue ? i + 1 : i + 2),
      }
    }
    alias = scope.join(path, alias, s, forceLeft)
    outer ||= s.nullable || s.multiValued || forceLeft
    model = s.target
    if (usedAsValue) {
      // A reverse relation used as a value: compare the target's primary key.
      return { compiled: columnOf(alias, model.meta.pk), rest: parts.slice(i + 1) }
    }
  }
  throw scope.unknownField(model, parts[parts.length - 1], full)
}

/**
 * The annotation a path starts with: the longest run of parts naming one, since a positional
 * aggregate's name holds `__` (`authors__age__avg__gt`), as Django resolves annotations first.
 */
const annotationPrefix = (scope: Scope, parts: readonly string[]): { compiled: Compiled; length: number } | undefined => {
  if (scope.annotations.size === 0) return undefined
  for (let k = parts.length; k > 0; k--) {
    const compiled = scope.annotations.get(k === 1 ? parts[0] : parts.slice(0, k).join('__'))
    if (compiled) return { compiled, length: k }
  }
  return undefined
}

/** The model a key field leads to when it is a relation itself, else undefined. */
const keyTarget = (model: AnyModel, name: string): AnyModel | undefined => {
  const bf = findField(model, name)
  return bf?.field.relation && bf.concrete ? relationStep(model, bf.name)?.target : undefined
}

const nextIsField = (model: AnyModel, part: string | undefined): boolean =>
  part !== undefined && (findField(model, part) !== undefined || relationStep(model, part) !== undefined)

const isTargetKey = (step: NonNullable<ReturnType<typeof relationStep>>, part: string): boolean => {
  const f = findField(step.target, part)
  return f !== undefined && f.column === step.toColumn
}
const targetKeyType = (step: NonNullable<ReturnType<typeof relationStep>>): FieldType => {
  const pk = step.target.meta.fields.find((f) => f.column === step.toColumn) ?? step.target.meta.pk
  return keyType(pk)
}
const keyType = (bf: BoundField): FieldType => (bf.field.type === 'auto' || bf.field.type === 'bigAuto' ? 'bigAuto' : bf.field.type)

export const columnOf = (alias: string, bf: BoundField): Compiled => ({
  frag: ref(alias, bf.column),
  type: bf.field.relation ? relationValueType(bf) : bf.field.type,
  field: bf,
  alias,
  aggregate: false,
})

/** The type of the value a relation column holds: the target's key type. */
export const relationValueType = (bf: BoundField): FieldType => {
  const rel = bf.field.relation!
  const owner = fieldOwner(bf)
  if (!owner || rel.kind === 'manyToMany') return 'bigAuto'
  const target = rel.target === 'self' ? owner : owner.meta.registry.get(rel.target)
  const to = rel.toField ? target.meta.fieldMap.get(rel.toField) : target.meta.pk
  return to ? keyType(to) : 'bigAuto'
}

// ---------------------------------------------------------------------------------------------
// values

/** The JS value turned into a bound parameter for a column of `type`. */
export const paramFor = (scope: Scope, type: FieldType | OutputType | undefined, value: unknown, label?: string): Frag =>
  scope.ctx.param(paramValue(scope.ctx.dialect, type, value, label))

/** The driver value bound for `value` compared with a column of `type`. */
export const paramValue = (dialect: Dialect, type: FieldType | OutputType | undefined, value: unknown, label?: string): unknown => {
  const t = (type ?? inferType(value)) as FieldType
  const v = coerce(t === 'foreignKey' || t === 'oneToOne' ? 'bigAuto' : t, pkOf(value), undefined, label)
  return dialect.ops.toDb(t, v)
}

/** A related row given where its key is expected. */
const pkOf = (value: unknown): unknown => {
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array) && !Array.isArray(value)) {
    const v = value as Record<string, unknown>
    if ('pk' in v) return v.pk
    if ('id' in v) return v.id
  }
  return value
}

export const inferType = (value: unknown): OutputType => {
  switch (typeof value) {
    case 'string':
      return 'text'
    case 'boolean':
      return 'boolean'
    case 'bigint':
      return 'bigInteger'
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'float'
    default:
      if (value instanceof Date) return 'dateTime'
      return 'json'
  }
}

// ---------------------------------------------------------------------------------------------
// conditions

/** Compile a condition tree. `negated` tracks NOT parity, for Django's NULL handling under exclude. */
export const compileWhere = (scope: Scope, node: WhereNode, negated = false): Compiled => {
  switch (node.kind) {
    case 'lookup':
      return compileLookup(scope, node.key, node.value, negated)
    case 'expr': {
      const c = compileExpr(scope, node.expr)
      return c.type === 'boolean' && !isConditionNode(node.expr.node) ? { ...c, frag: booleanTest(scope, c.frag) } : c
    }
    case 'group': {
      scope.ctx.k(node.negated ? (node.connector === 'AND' ? '!(' : '!|(') : node.connector === 'AND' ? '(' : '|(')
      const inner = negated !== node.negated
      const parts: Compiled[] = []
      let aggregate = false
      let window = false
      for (const child of node.children) {
        const c = compileWhere(scope, child, inner)
        aggregate ||= c.aggregate
        window ||= c.window === true
        if (c.constant === true) {
          if (node.connector === 'OR') {
            scope.ctx.k(')')
            return node.negated ? FALSE : TRUE
          }
          continue
        }
        if (c.constant === false) {
          if (node.connector === 'AND') {
            scope.ctx.k(')')
            return node.negated ? TRUE : FALSE
          }
          continue
        }
        parts.push(c)
      }
      scope.ctx.k(')')
      if (parts.length === 0) {
        const allTrue = node.connector === 'AND'
        return allTrue !== node.negated ? TRUE : FALSE
      }
      const joined: Frag =
        parts.length === 1 ? parts[0].frag : joinSql(parts.map((p) => () => sql`(${p.frag()})`), ` ${node.connector} `)
      const frag: Frag = node.negated ? () => sql`NOT (${joined()})` : joined
      return { frag, type: 'boolean', aggregate, window }
    }
  }
}

const isConditionNode = (n: ExprNode): boolean => n.kind === 'Exists' || n.kind === 'Condition' || n.kind === 'Raw'
const booleanTest = (scope: Scope, frag: Frag): Frag => {
  const t = scope.ctx.dialect.ops.toDb('boolean', true)
  return t === true ? frag : () => sql`${frag()} = ${sql.lit(t as number)}`
}

/** One `field__transform__lookup: value` entry. */
export const compileLookup = (scope: Scope, key: string, value: unknown, negated: boolean): Compiled => {
  const ctx = scope.ctx
  const parts = key.split('__')
  if (negated && crossesMultiValued(scope, parts)) {
    // Django's split_exclude: under NOT, a condition across a multi-valued relation means "has no such
    // related row", so it becomes `pk IN (rows having one)` and the NOT applies to the whole set.
    ctx.k('M')
    const node: WhereNode = Object.freeze({ kind: 'lookup', key, value })
    const inner = cloneWith(scope.model.objects as AnyQuerySet, {
      where: Object.freeze([Object.freeze({ kind: 'group', connector: 'AND', negated: false, children: Object.freeze([node]) })]),
      order: Object.freeze([]),
      select: Object.freeze({ kind: 'values', fields: Object.freeze(['pk']) }),
    })
    return compileLookup(scope, 'pk__in', inner, negated)
  }
  ctx.k(`L${key}`)
  const { compiled: lhs0, rest } = resolvePath(scope, parts, key, negated || value === null)
  let lhs = lhs0
  let lookupName = 'exact'
  for (let i = 0; i < rest.length; i++) {
    const name = rest[i]
    const category = categoryOf(lhs.type)
    const transform = transformRegistry.get(name)
    if (transform && lookupApplies(transform, category)) {
      // `pubDate__year[__gte]: 2023` on the column itself: a range of the column, which an index serves (Django's YearLookup).
      const after = i === rest.length - 1 ? 'exact' : i === rest.length - 2 ? rest[i + 1]! : undefined
      if (name === 'year' && after && lhs === lhs0 && lhs.field && YEAR_BOUNDS.has(after) && isYear(value) && (lhs.type === 'date' || lhs.type === 'dateTime')) {
        return yearBounds(scope, lhs, after, value, negated)
      }
      lhs = applyTransform(scope, lhs, name)
      continue
    }
    const lookup = lookupRegistry.get(name)
    if (lookup && i === rest.length - 1) {
      if (!lookupApplies(lookup, category)) throw unsupportedLookup(scope, lhs, name)
      lookupName = name
      break
    }
    throw unsupportedLookup(scope, lhs, name, key)
  }
  const def = lookupRegistry.get(lookupName) as LookupDef
  return applyLookup(scope, def, lhs, value, negated, key)
}

const YEAR_BOUNDS: ReadonlySet<string> = new Set(['exact', 'gt', 'gte', 'lt', 'lte'])
const isYear = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v < 9999

/** The first instant of a year, as a value of the column's type. */
const yearStart = (type: 'date' | 'dateTime', year: number): string | Date => {
  if (type === 'date') return `${String(year).padStart(4, '0')}-01-01`
  const d = new Date(0)
  d.setUTCFullYear(year, 0, 1)
  return d
}

/** A year lookup on a date or datetime column as a comparison of the column with the years' bounds. */
const yearBounds = (scope: Scope, lhs: Compiled, lookup: string, year: number, negated: boolean): Compiled => {
  const type = lhs.type as 'date' | 'dateTime'
  scope.ctx.k(`Y${lookup}`)
  const at = (y: number) => paramFor(scope, type, yearStart(type, y))
  const col = lhs.frag
  let frag: Frag
  if (lookup === 'exact') {
    const [from, to] = [at(year), at(year + 1)]
    frag = () => sql`(${col()} >= ${from()} AND ${col()} < ${to()})`
  } else {
    const bound = at(lookup === 'gt' || lookup === 'lte' ? year + 1 : year)
    const op = lookup === 'gt' || lookup === 'gte' ? sql`>=` : sql`<`
    frag = () => sql`${col()} ${op} ${bound()}`
  }
  // Under NOT, a NULL must not match (Django adds IS NOT NULL for nullable columns).
  const nullable = negated && (lhs.field?.field.options.null === true || lhs.outerJoined === true)
  return { type: 'boolean', aggregate: lhs.aggregate, frag: nullable ? () => sql`(${frag()} AND ${col()} IS NOT NULL)` : frag }
}

/** Whether the field part of a path crosses a reverse foreign key or a many-to-many. */
const crossesMultiValued = (scope: Scope, parts: readonly string[]): boolean => {
  if (annotationPrefix(scope, parts)) return false
  let model: AnyModel = scope.model
  for (const part of parts) {
    const bf = findField(model, part)
    const step = relationStep(model, bf ? bf.name : part)
    if (!step) return false
    if (step.multiValued) return true
    if (bf && bf.attname === part) return false
    model = step.target
  }
  return false
}

const unsupportedLookup = (scope: Scope, lhs: Compiled, name: string, key?: string): FieldError => {
  const category = categoryOf(lhs.type)
  const lookups = [
    ...[...lookupRegistry.values()].filter((d) => lookupApplies(d, category)).map((d) => d.name),
    ...[...transformRegistry.values()].filter((d) => lookupApplies(d, category)).map((d) => d.name),
  ]
  const where = lhs.field ? `${lhs.field.model}.${lhs.field.name}` : 'this expression'
  const owner = lhs.field?.field.relation ? fieldOwner(lhs.field) : undefined
  const target = owner && lhs.field ? relationStep(owner, lhs.field.name)?.target : undefined
  if (target && !lookupRegistry.has(name) && !transformRegistry.has(name)) {
    // `author__nmae`: a field of the related model was most likely meant, so offer those first.
    const choices = [...scope.choices(target), ...lookups]
    const hint = didYouMean(name, choices)
    return new FieldError(
      `Cannot resolve keyword '${name}'${key ? ` (in '${key}')` : ''} into field on ${target.name}, nor is it a lookup of ${where}. Choices are: ${choices.join(', ')}.${hint ? ` Did you mean '${hint}'?` : ''}`,
      { model: target.name, part: name, choices },
    )
  }
  const choices = lookups
  const hint = didYouMean(name, choices)
  return new FieldError(
    `Unsupported lookup '${name}' for ${where} (${lhs.type ?? 'unknown type'}). Choices are: ${choices.join(', ')}.${hint ? ` Did you mean '${hint}'?` : ''}`,
    { model: lhs.field?.model ?? scope.model.name, part: name, choices },
  )
}

export const applyTransform = (scope: Scope, lhs: Compiled, name: string): Compiled => {
  const t = transformRegistry.get(name)!
  const ops = scope.ctx.dialect.ops
  const type = lhs.type as FieldType
  scope.ctx.k(`T${name}`)
  const frag: Frag =
    'part' in t.kind
      ? ((part) => () => ops.datePart(part, lhs.frag(), type))(t.kind.part)
      : t.kind.cast === 'date'
        ? () => ops.dateCast(lhs.frag())
        : () => ops.timeCast(lhs.frag())
  return { frag, type: t.output.type, aggregate: lhs.aggregate }
}

const lookupSql = (scope: Scope, def: LookupDef) => scope.ctx.dialect.ops.lookups?.[def.name] ?? def.sql

const applyLookup = (scope: Scope, def: LookupDef, lhs: Compiled, given: unknown, negated: boolean, key: string): Compiled => {
  const ctx = scope.ctx
  // Rows given for a relation or a primary key stand for their keys (the target's, by its own attribute name).
  const keyed = lhs.field !== undefined && (lhs.field.field.relation !== undefined || lhs.field.primaryKey)
  const value = keyed ? (Array.isArray(given) ? given.map((v) => relatedKey(lhs.field!, v)) : relatedKey(lhs.field!, given)) : given
  const ops = ctx.dialect.ops
  const type = lhs.type
  const base = { type: 'boolean' as const, aggregate: lhs.aggregate, window: lhs.window }
  const emptyIsNull = ctx.dialect.features.interpretsEmptyStringsAsNulls
  if (def.name === 'isnull') {
    if (typeof value !== 'boolean') throw new FieldError(`The QuerySet value for an isnull lookup must be true or false (${key}).`)
    ctx.k(value ? 'N' : 'n')
    return { ...base, frag: value ? () => sql`${lhs.frag()} IS NULL` : () => sql`${lhs.frag()} IS NOT NULL` }
  }
  if (value === null || (value === '' && emptyIsNull && def.name === 'exact')) {
    if (def.name !== 'exact' && def.name !== 'iexact') {
      throw new FieldError(`Cannot use None as a query value for '${key}' (only exact and isnull take null).`)
    }
    ctx.k('N')
    return { ...base, frag: () => sql`${lhs.frag()} IS NULL` }
  }
  // A condition compared with true or false is the condition itself, or its negation (Django's Exact:
  // `WHERE EXISTS (…)`, not `EXISTS (…) = true`, which Oracle can't write).
  if (lhs.condition && def.name === 'exact' && typeof value === 'boolean') {
    ctx.k(value ? 'C' : 'c')
    return { ...base, frag: value ? lhs.frag : () => sql`NOT (${lhs.frag()})` }
  }
  const compileSql = lookupSql(scope, def)
  let rhs: Frag
  // The whole condition, when the lookup had to build it itself (an IN list split into chunks).
  let whole: Frag | undefined
  let aggregate = lhs.aggregate
  const label = lhs.field ? `${lhs.field.model}.${lhs.field.name}` : key
  if (value instanceof Expression) {
    const c = compileExpr(scope, value)
    aggregate ||= c.aggregate
    rhs = def.rhs.kind === 'pattern' ? patternExpr(scope, def, c.frag) : c.frag
    if (negated && c.field?.field.options.null === true) {
      // Django: under NOT, a nullable column on the right must not match through NULL either.
      ctx.k('!r')
      const r = rhs
      whole = () => sql`(${compileSql(lhs.frag(), r(), type as FieldType)} AND ${c.frag()} IS NOT NULL)`
    }
  } else {
    switch (def.rhs.kind) {
      case 'list': {
        if (isQuerySet(value)) {
          const sub = subqueryHook.compile(value, scope, 'in')
          return { ...base, aggregate, frag: () => compileSql(lhs.frag(), sub.frag(), type as FieldType) }
        }
        if (!Array.isArray(value) && !(value instanceof Set)) {
          throw new FieldError(`The value of '${key}' must be an array or a QuerySet.`)
        }
        const items = [...value].filter((v) => v !== null)
        if (items.length === 0) {
          ctx.k('E')
          return FALSE
        }
        ctx.k(`[${items.length}]`)
        const frags = items.map((v) => paramFor(scope, type, v, label))
        const max = ctx.dialect.features.maxInListSize
        if (max !== null && frags.length > max) {
          const chunks: Frag[][] = []
          for (let i = 0; i < frags.length; i += max) chunks.push(frags.slice(i, i + max))
          whole = () =>
            sql`(${sql.join(
              chunks.map((c) => compileSql(lhs.frag(), sql`(${sql.join(c.map((f) => f()))})`, type as FieldType)),
              sql` OR `,
            )})`
          break
        }
        rhs = () => sql`(${sql.join(frags.map((f) => f()))})`
        break
      }
      case 'range': {
        if (!Array.isArray(value) || value.length !== 2) throw new FieldError(`The value of '${key}' must be a pair [from, to].`)
        const a = value[0] instanceof Expression ? compileExpr(scope, value[0]).frag : paramFor(scope, type, value[0], label)
        const b = value[1] instanceof Expression ? compileExpr(scope, value[1]).frag : paramFor(scope, type, value[1], label)
        rhs = () => sql`${a()} AND ${b()}`
        break
      }
      case 'pattern': {
        if (typeof value !== 'string') {
          throw new ValidationError(`${label}: the value of '${key}' must be a string (got ${typeof value}).`, { field: label })
        }
        const custom = ops.patternValue?.(def.name, value)
        rhs = ctx.param(custom ?? def.rhs.wrap((ops.escapeLike ?? escapeLike)(value)))
        break
      }
      case 'string':
        if (typeof value !== 'string') {
          throw new ValidationError(`${label}: the value of '${key}' must be a string (got ${typeof value}).`, { field: label })
        }
        rhs = ctx.param(value)
        break
      default:
        rhs = paramFor(scope, type, value, label)
    }
  }
  const cond: Frag = whole ?? (() => compileSql(lhs.frag(), rhs(), type as FieldType))
  // Under NOT, a nullable column (or one across a LEFT JOIN) must not match through NULL (Django adds IS NOT NULL).
  const nullable = negated && ((lhs.field !== undefined && lhs.field.field.options.null === true) || lhs.outerJoined === true)
  if (nullable) {
    ctx.k('!n')
    return { ...base, aggregate, frag: () => sql`(${cond()} AND ${lhs.frag()} IS NOT NULL)` }
  }
  return { ...base, aggregate, frag: cond }
}

/** LIKE's wildcards and escape character in an expression's value, escaped in SQL (Django's pattern_esc). */
const escapeLikeSql = (x: Sql): Sql => sql`REPLACE(REPLACE(REPLACE(${x}, ${sql.lit('\\')}, ${sql.lit('\\\\')}), ${sql.lit('%')}, ${sql.lit('\\%')}), ${sql.lit('_')}, ${sql.lit('\\_')})`

const patternExpr = (scope: Scope, def: LookupDef, rhs: Frag): Frag => {
  // A pattern lookup against an expression: its value matched literally, wrapped with wildcards in SQL.
  const w = (def.rhs as { wrap: (s: string) => string }).wrap('\u0000')
  const [pre, post] = w.split('\u0000')
  const ops = scope.ctx.dialect.ops
  const concat = ops.functions?.Concat ?? functionRegistry.get('Concat')!
  return () => {
    const value = rhs()
    const own = ops.patternExpr?.(def.name, value)
    const parts: Sql[] = []
    if (pre) parts.push(sql.lit(pre))
    parts.push(escapeLikeSql(value))
    if (post) parts.push(sql.lit(post))
    // A NULL value matches nothing: the dialect's Concat may skip NULLs, which would leave '%%'.
    return sql`CASE WHEN ${value} IS NULL THEN NULL ELSE ${own ?? (parts.length === 1 ? parts[0] : concat(parts, {}))} END`
  }
}

export const isQuerySet = (v: unknown): v is AnyQuerySet =>
  v !== null && typeof v === 'object' && (v as { _tag?: unknown })._tag === 'QuerySet'

// ---------------------------------------------------------------------------------------------
// expressions

const NUMERIC_RANK: Partial<Record<string, number>> = { integer: 1, smallInteger: 1, positiveInteger: 1, auto: 1, bigAuto: 2, bigInteger: 2, float: 3, decimal: 4 }

/** Beside an aggregate, the parts that read columns without aggregating them (values need no grouping). */
const groupParts = (parts: readonly Compiled[]): readonly Compiled[] | undefined => {
  if (!parts.some((p) => p.aggregate)) return undefined
  return parts.flatMap((p) => (p.aggregate ? (p.groupBy ?? []) : p.field !== undefined ? [p] : []))
}

const isInteger = (t: FieldType | OutputType | undefined): boolean => {
  const rank = NUMERIC_RANK[t ?? '']
  return rank === 1 || rank === 2
}

const isTemporal = (t: FieldType | OutputType | undefined): boolean => t === 'date' || t === 'dateTime' || t === 'time' || t === 'duration'

const combinedType = (a: Compiled, b: Compiled, op: string): FieldType | OutputType | undefined => {
  const ta = a.type
  const tb = b.type
  // The difference of two points in time is a duration (Django's TemporalSubtraction).
  if (op === '-' && ta === tb && (ta === 'dateTime' || ta === 'date' || ta === 'time')) return 'duration'
  if (ta === tb) return ta
  if ((ta === 'dateTime' || ta === 'date' || ta === 'time') && tb === 'duration') return ta
  if (ta === 'duration' && (tb === 'dateTime' || tb === 'date' || tb === 'time')) return tb
  const ra = NUMERIC_RANK[ta ?? ''] ?? 0
  const rb = NUMERIC_RANK[tb ?? ''] ?? 0
  if (ra && rb) return ra >= rb ? ta : tb
  if (ta === undefined) return tb
  if (tb === undefined) return ta
  throw new FieldError(`Expression contains mixed types: ${ta}, ${tb}. You must set output_field.`)
}

/** Compile an expression in a scope. */
export const compileExpr = (scope: Scope, expr: AnyExpression): Compiled => {
  const ctx = scope.ctx
  const n = expr.node
  switch (n.kind) {
    case 'F': {
      ctx.k(`F${n.path}`)
      const parts = n.path.split('__')
      const { compiled, rest } = resolvePath(scope, parts, n.path)
      let c = compiled
      for (const t of rest) {
        if (!transformRegistry.has(t) || !lookupApplies(transformRegistry.get(t)!, categoryOf(c.type))) {
          throw scope.unknownField(scope.model, t, n.path)
        }
        c = applyTransform(scope, c, t)
      }
      return c
    }
    case 'OuterRef': {
      if (!scope.parent) throw new FieldError('OuterRef() can only be used in a subquery (Subquery, Exists, or filter(in)).')
      ctx.k('^')
      const inner = typeof n.ref === 'string' ? new Expression({ kind: 'F', path: n.ref }) : new Expression(n.ref)
      const c = compileExpr(scope.parent, inner)
      return { ...c, aggregate: false }
    }
    case 'Value': {
      if (n.value instanceof Expression) {
        ctx.k('V')
        return compileExpr(scope, n.value)
      }
      // The type is part of the shape: it picks the reader and the placeholder's cast (Value(5) and
      // Value(true) compile alike but read differently), and NULL binds no parameter.
      const type = n.value === null ? n.output : (n.output ?? inferType(n.value))
      ctx.k(`V${type ?? ''}${n.value === null ? '0' : ''}`)
      if (n.value === null) return { frag: () => sql`NULL`, type: n.output, aggregate: false }
      const param = paramFor(scope, type, n.value)
      const typed = ctx.dialect.ops.typedValue
      return { frag: typed ? () => typed(type, param()) : param, type, aggregate: false }
    }
    case 'Raw': {
      ctx.k(`R${n.sql}`)
      const pieces = n.sql.split('?')
      if (pieces.length - 1 !== n.params.length) {
        throw new FieldError(`RawSQL: ${pieces.length - 1} placeholders but ${n.params.length} parameters.`)
      }
      const params = n.params.map((p) => ctx.param(ctx.dialect.ops.toDb(inferType(p), p)))
      return {
        frag: () => {
          const out: Sql[] = []
          pieces.forEach((piece, i) => {
            out.push(sql.raw(piece))
            if (i < params.length) out.push(params[i]())
          })
          return sql.join(out, sql``)
        },
        type: n.output,
        aggregate: false,
      }
    }
    case 'Combined': {
      ctx.k(`(${n.op}`)
      const a = compileExpr(scope, n.lhs)
      const b = compileExpr(scope, n.rhs)
      ctx.k(')')
      const type = combinedType(a, b, n.op)
      const op = sql.raw(` ${n.op} `)
      // Integers divide as integers on every backend (MySQL's `/` gives a decimal).
      const intDiv = n.op === '/' && isInteger(a.type) && isInteger(b.type) ? ctx.dialect.ops.integerDivide : undefined
      const temporal = (n.op === '+' || n.op === '-') && (isTemporal(a.type) || isTemporal(b.type)) ? ctx.dialect.ops.temporalArithmetic : undefined
      const plain = () => sql`(${a.frag()}${op}${b.frag()})`
      const frag: Frag = intDiv
        ? () => intDiv(a.frag(), b.frag())
        : temporal
          ? () => temporal(n.op as '+' | '-', a.frag(), b.frag(), a.type, b.type) ?? plain()
          : plain
      return { frag, type, aggregate: a.aggregate || b.aggregate, window: a.window || b.window, groupBy: groupParts([a, b]) }
    }
    case 'Func': {
      if (n.fn === 'Extract' || n.fn === 'Trunc') return compileDateFunc(scope, n)
      ctx.k(`${n.fn}${n.distinct ? 'D' : ''}${n.options ? JSON.stringify(n.options) : ''}(`)
      if (n.aggregate && scope.annotations.size > 0) {
        for (const arg of n.args) assertNoAggregateRef(scope, arg)
      }
      const args = n.args.map((a) => compileExpr(scope, a))
      const filter = n.filter ? compileWhere(scope, n.filter) : undefined
      ctx.k(')')
      const dflt = n.default ? compileExpr(scope, n.default) : undefined
      if (n.aggregate && args.some((a) => a.aggregate)) {
        throw new FieldError(`Cannot compute ${n.fn}(...): it is an aggregate over an aggregate.`)
      }
      const custom = ctx.dialect.ops.functions?.[n.fn] ?? functionRegistry.get(n.fn)
      if (!custom) throw new FieldError(`Unknown function '${n.fn}'.`)
      const options = n.options ?? {}
      const supportsFilter = ctx.dialect.features.supportsAggregateFilterClause
      const types = args.map((a) => a.type)
      // A fixed output, else one computed from the arguments (Mod, Sqrt…), else the first argument's.
      const own = n.output ?? functionOutputs.get(n.fn)?.(types)
      const type = own ?? (args[0]?.type as FieldType | undefined)
      const frag: Frag = () => {
        let argSql = args.map((a) => a.frag())
        if (filter && !supportsFilter) {
          argSql = argSql.map((a) => sql`CASE WHEN ${filter.frag()} THEN ${a} ELSE NULL END`)
        }
        if (n.distinct) argSql = [sql`DISTINCT ${argSql[0]}`, ...argSql.slice(1)]
        let out = custom(argSql, options, types)
        if (filter && supportsFilter) out = sql`${out} FILTER (WHERE ${filter.frag()})`
        if (dflt) out = sql`COALESCE(${out}, ${dflt.frag()})`
        return out
      }
      return {
        frag,
        type,
        aggregate: n.aggregate === true || args.some((a) => a.aggregate),
        window: args.some((a) => a.window),
        field: own ? undefined : args[0]?.field,
        groupBy: n.aggregate ? undefined : groupParts(args),
      }
    }
    case 'Cast': {
      ctx.k(`C${n.output}(`)
      const inner = compileExpr(scope, n.expr)
      ctx.k(')')
      return { frag: () => ctx.dialect.ops.cast(inner.frag(), n.output), type: n.output, aggregate: inner.aggregate }
    }
    case 'OrderBy':
      throw new FieldError('asc()/desc() expressions are only valid in orderBy().')
    case 'Subquery': {
      ctx.k('S(')
      const sub = subqueryHook.compile(n.query, scope, 'scalar')
      ctx.k(')')
      return { ...sub, type: n.output ?? sub.type }
    }
    case 'Exists': {
      ctx.k('X(')
      const sub = subqueryHook.compile(n.query, scope, 'exists')
      ctx.k(')')
      return { frag: () => sql`EXISTS ${sub.frag()}`, type: 'boolean', aggregate: false, condition: true }
    }
    case 'Condition': {
      const c = compileWhere(scope, n.cond)
      return { ...c, type: 'boolean', condition: true }
    }
    case 'Case': {
      ctx.k('CASE(')
      const whens = n.whens.map((w) => ({ cond: compileWhere(scope, w.cond), then: compileExpr(scope, w.then) }))
      const dflt = n.default ? compileExpr(scope, n.default) : undefined
      ctx.k(')')
      const types = [...whens.map((w) => w.then.type), dflt?.type].filter((t) => t !== undefined)
      const type = n.output ?? types[0]
      return {
        frag: () =>
          sql`CASE ${sql.join(
            whens.map((w) => sql`WHEN ${w.cond.frag()} THEN ${w.then.frag()}`),
            sql` `,
          )} ELSE ${dflt ? dflt.frag() : sql`NULL`} END`,
        type,
        aggregate: whens.some((w) => w.cond.aggregate || w.then.aggregate) || (dflt?.aggregate ?? false),
      }
    }
    case 'Ext': {
      const compiler = extCompilers.get(n.ext)
      if (!compiler) throw new FieldError(`No compiler registered for expression '${n.ext}'.`)
      ctx.k(`E${n.ext}`)
      return compiler(n.data, scope, (e) => compileExpr(scope, e))
    }
  }
}

/** Extract and Trunc need the argument's type, which only the dialect's date operations take. */
const compileDateFunc = (scope: Scope, n: Extract<ExprNode, { kind: 'Func' }>): Compiled => {
  const options = n.options ?? {}
  scope.ctx.k(`${n.fn}${JSON.stringify(options)}(`)
  const arg = compileExpr(scope, n.args[0])
  scope.ctx.k(')')
  if (n.fn === 'Extract') {
    const part = String(options.part)
    const t = transformRegistry.get(part)
    if (!t || !lookupApplies(t, categoryOf(arg.type))) {
      throw new FieldError(`Extract('${part}') is not available for ${arg.field ? `${arg.field.model}.${arg.field.name}` : 'this expression'} (${arg.type ?? 'unknown type'}).`)
    }
    return applyTransform(scope, arg, part)
  }
  const kind = options.kind as TruncKind
  const ops = scope.ctx.dialect.ops
  const type = n.output ?? (kind === 'date' ? 'date' : kind === 'time' ? 'time' : arg.type)
  return { frag: () => ops.dateTrunc(kind, arg.frag(), arg.type as FieldType), type, aggregate: arg.aggregate }
}

const assertNoAggregateRef = (scope: Scope, arg: AnyExpression): void => {
  const n = arg.node
  if (n.kind === 'F') {
    const ann = scope.annotations.get(n.path)
    if (ann?.aggregate) throw new FieldError(`Cannot compute an aggregate over '${n.path}': it is an aggregate.`)
  }
}
