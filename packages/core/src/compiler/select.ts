// SELECT statements: a QuerySet's selection, joins, WHERE/HAVING, GROUP BY, ORDER BY and slice.
import { type SelectQueryBuilder, sql } from 'kysely'
import type { Sql } from '../dialect.js'
import { FieldError } from '../errors.js'
import { type AnyExpression, Expression, type OutputType } from '../expressions.js'
import type { FieldType } from '../fields.js'
import type { AnyModel, BoundField } from '../model.js'
import type { AnyQuerySet, OrderItem } from '../queryset.js'
import type { WhereNode } from '../where.js'
import { type Compiled, Ctx, FALSE, type Frag, modelId } from './context.js'
import { qualifyWrap, splitQualify } from './qualify.js'
import { Scope, relationStep } from './scope.js'
import { applyTransform, columnOf, compileExpr, compileWhere, resolvePath, subqueryHook } from './where.js'

/** How a selected column becomes part of a result. */
export interface Reader {
  readonly key: string
  readonly type: FieldType | OutputType | undefined
  readonly field?: BoundField
  /**
   * Where the value goes in a nested object (select_related: `['post', 'author']`), under `key`. The
   * first reader of a path is the related row's key: when it is NULL the nested object is null.
   */
  readonly path?: readonly string[]
}

export type Purpose = 'rows' | 'in' | 'scalar' | 'exists' | 'count' | 'inner'

export interface SelectParts {
  readonly scope: Scope
  readonly empty: boolean
  readonly readers: readonly Reader[]
  readonly columns: readonly Compiled[]
  /** The WHERE conditions alone (for UPDATE and DELETE without joins). */
  readonly where: readonly Frag[]
  readonly build: () => SelectQueryBuilder<any, any, any>
  /**
   * The ORDER BY terms of the query `build()` gives, in its scope (empty when it is unordered);
   * undefined when `build()` wraps that query in another (conditions on window functions).
   */
  readonly order?: readonly Frag[]
}

/** Extensions from other packages (select_for_update, select_related): a key part and a builder step. */
export interface SelectExtension {
  readonly name: string
  /** Called during the traversal: add to the key, resolve joins; returns the build step, if any. */
  prepare(
    qs: AnyQuerySet,
    scope: Scope,
    purpose: Purpose,
    addColumns: (cols: readonly Compiled[], readers: readonly Reader[]) => void,
  ): ((q: SelectQueryBuilder<any, any, any>) => SelectQueryBuilder<any, any, any>) | undefined
}
export const selectExtensions: SelectExtension[] = []

/**
 * A rewrite of a QuerySet before it compiles, registered by other packages (aggregates over several
 * multi-valued relations become subqueries); it returns the QuerySet itself when it has nothing to do.
 */
export type QueryRewriter = (qs: AnyQuerySet) => AnyQuerySet
const queryRewriters: QueryRewriter[] = []
export const registerQueryRewriter = (r: QueryRewriter): void => {
  if (!queryRewriters.includes(r)) queryRewriters.push(r)
}
export const registerSelectExtension = (ext: SelectExtension): void => {
  if (!selectExtensions.some((e) => e.name === ext.name)) selectExtensions.push(ext)
}

const tableRef = (table: string, alias: string): string => (table === alias ? table : `${table} as ${alias}`)

/** An ORDER BY term that also knows its expression without the direction (for GROUP BY). */
type OrderFrag = Frag & { readonly bare?: Frag; readonly compiled?: Compiled }
const withBare = (term: Frag, c: Compiled): OrderFrag => (c.aggregate ? term : Object.assign(term, { bare: c.frag, compiled: c }))

/**
 * GROUP BY the base table's primary key alone when it is grouped and the backend infers the rest
 * from it (Django's collapse_group_by): grouping by every column costs a sort the key avoids.
 */
const collapseGroupBy = (cols: readonly Compiled[], scope: Scope, allowed: boolean): readonly Compiled[] => {
  const pk = scope.model.meta.pk.column
  const isBase = (c: Compiled) => c.alias === scope.alias && c.field !== undefined
  const isPk = (c: Compiled) => isBase(c) && c.field?.column === pk
  if (!allowed || !cols.some(isPk)) return cols
  const out: Compiled[] = []
  let pkSeen = false
  for (const c of cols) {
    if (!isBase(c)) out.push(c)
    else if (isPk(c) && !pkSeen) {
      pkSeen = true
      out.push(c)
    }
  }
  return out
}

/**
 * The related model's ordering, prefixed with the path, when `name` ends at a forward relation named
 * by its field name (`author`, not `authorId`) whose model has a Meta ordering; else undefined.
 */
const relatedOrdering = (model: AnyModel, name: string, depth = 0): string[] | undefined => {
  const parts = name.split('__')
  let m = model
  for (let i = 0; i < parts.length; i++) {
    const bf = m.meta.fieldMap.get(parts[i])
    const rel = bf?.field.relation
    if (!bf || !rel || rel.kind === 'manyToMany') return undefined
    const target = relationStep(m, bf.name)?.target
    if (!target) return undefined
    m = target
  }
  const ordering = m.meta.ordering.filter((o) => o !== '?')
  if (ordering.length === 0) return undefined
  if (depth > 8) throw new FieldError(`Infinite loop caused by ordering (${name}).`)
  return ordering.flatMap((o) => {
    const desc = o.startsWith('-')
    const path = `${name}__${o.replace(/^[-+]/, '')}`
    const deeper = relatedOrdering(model, path, depth + 1)
    const flip = (x: string) => (desc ? (x.startsWith('-') ? x.slice(1) : `-${x}`) : x)
    return deeper ? deeper.map(flip) : [flip(path)]
  })
}

/** Resolve an ordering name like `-pubDate` or `post__title` to a compiled term. */
const orderTerm = (scope: Scope, item: OrderItem, flip: boolean): Frag => {
  const ops = scope.ctx.dialect.ops
  const term = (expr: Sql, desc: boolean, nulls: 'first' | 'last' | undefined): Sql =>
    ops.orderBy ? ops.orderBy(expr, desc, nulls) : sql`${expr}${sql.raw(desc ? ' DESC' : ' ASC')}${sql.raw(nulls ? ` NULLS ${nulls.toUpperCase()}` : '')}`
  if (item instanceof Expression) {
    const n = item.node
    if (n.kind === 'OrderBy') {
      const c = compileExpr(scope, n.expr)
      const nulls = n.nullsFirst ? 'first' : n.nullsLast ? 'last' : undefined
      const desc = n.desc !== flip
      const flipped = flip && nulls ? (nulls === 'first' ? 'last' : 'first') : nulls
      scope.ctx.k(`o${desc ? 'd' : 'a'}${flipped ?? ''}`)
      return withBare(() => term(c.frag(), desc, flipped), c)
    }
    const c = compileExpr(scope, item)
    scope.ctx.k(flip ? 'od' : 'oa')
    return withBare(() => term(c.frag(), flip, undefined), c)
  }
  if (item === '?') {
    scope.ctx.k('o?')
    return () => ops.random()
  }
  const desc = item.startsWith('-') !== flip
  const name = item.replace(/^[-+]/, '')
  const related = relatedOrdering(scope.model, name)
  if (related) {
    // Django: ordering by a relation orders by the related model's Meta ordering.
    const terms = related.map((o) => orderTerm(scope, o.startsWith('-') !== desc ? `-${o.replace(/^-/, '')}` : o.replace(/^-/, ''), false) as OrderFrag)
    const bare = terms.every((t) => t.bare) ? () => sql.join(terms.map((t) => t.bare!())) : undefined
    const all: Frag = () => sql.join(terms.map((t) => t()))
    return bare ? Object.assign(all, { bare }) : all
  }
  scope.ctx.k(`o${desc ? 'd' : 'a'}${name}`)
  const parts = name.split('__')
  const { compiled, rest } = resolvePath(scope, parts, name, true)
  let c = compiled
  for (const t of rest) c = applyTransform(scope, c, t)
  const done = c
  return withBare(() => term(done.frag(), desc, undefined), done)
}

/** The selected columns and their readers for the QuerySet's selection. */
const selection = (qs: AnyQuerySet, scope: Scope, purpose: Purpose): { cols: Compiled[]; readers: Reader[]; groupByValues: boolean } => {
  const meta = qs.model.meta
  const cols: Compiled[] = []
  const readers: Reader[] = []
  const ctx = scope.ctx
  const addName = (name: string, key = name) => {
    const ann = scope.annotations.get(name)
    if (ann) {
      cols.push(ann)
      readers.push({ key, type: ann.type, field: ann.field })
      return
    }
    const { compiled, rest } = resolvePath(scope, name.split('__'), name, true)
    let c = compiled
    for (const t of rest) c = applyTransform(scope, c, t)
    cols.push(c)
    readers.push({ key, type: c.type, field: c.field })
  }
  const allFields = (only: readonly string[] | null, deferred: readonly string[]) => {
    // `author__name` keeps the `author` key on this model; the related columns are selectRelated's.
    const own = (names: readonly string[]) => names.filter((n) => !n.includes('__')).map((n) => (n === 'pk' ? meta.pk.name : n))
    for (const n of [...(only ?? []), ...deferred]) {
      const [head] = n.split('__')
      const bf = n.includes('__') ? meta.fieldMap.get(head!) : undefined
      if (n.includes('__') && !bf?.field.relation) throw new FieldError(`${meta.name} has no relation named '${head}' (in only()/defer() '${n}').`, { model: meta.name, part: head })
    }
    const onlySet = only ? new Set([...own(only), ...only.filter((n) => n.includes('__')).map((n) => n.split('__')[0]!)]) : null
    const deferSet = new Set(own(deferred))
    for (const bf of meta.concreteFields) {
      const named = (s: Set<string>) => s.has(bf.name) || s.has(bf.attname)
      if (!bf.primaryKey && ((onlySet && !named(onlySet)) || named(deferSet))) continue
      cols.push(columnOf(scope.alias, bf))
      readers.push({ key: bf.attname, type: cols[cols.length - 1].type, field: bf })
    }
  }
  const sel = qs.select
  if (purpose === 'exists') return { cols: [{ frag: () => sql`1`, type: 'integer', aggregate: false }], readers: [], groupByValues: false }
  if (purpose === 'in' || purpose === 'scalar') {
    const fields = sel.kind === 'values' || sel.kind === 'valuesList' ? sel.fields : []
    const selectedAnns = qs.annotations.filter((a) => a.select)
    if (fields.length === 1) addName(fields[0])
    else if (fields.length === 0 && purpose === 'scalar' && selectedAnns.length === 1) addName(selectedAnns[0].name)
    else if (fields.length === 0 && purpose === 'in') {
      cols.push(columnOf(scope.alias, meta.pk))
      readers.push({ key: meta.pk.attname, type: cols[0].type, field: meta.pk })
    } else throw new FieldError('A subquery used as a value must select exactly one column (use values("field")).')
    ctx.k(`s${fields.join(',')}`)
    return { cols, readers, groupByValues: fields.length > 0 }
  }
  switch (sel.kind) {
    case 'rows':
      ctx.k(`r${sel.only?.join(',') ?? '*'}/${sel.defer.join(',')}`)
      allFields(sel.only, sel.defer)
      for (const a of qs.annotations) if (a.select) addName(a.name)
      return { cols, readers, groupByValues: false }
    case 'values':
    case 'valuesList':
      ctx.k(`v${sel.fields.join(',')}`)
      if (sel.fields.length === 0) {
        allFields(null, [])
        for (const a of qs.annotations) if (a.select) addName(a.name)
        return { cols, readers, groupByValues: false }
      }
      for (const name of sel.fields) addName(name)
      // Django: annotations named after values() are added to the row too.
      for (const a of qs.annotations) if (a.select && !sel.fields.includes(a.name)) addName(a.name)
      return { cols, readers, groupByValues: true }
    case 'dates': {
      ctx.k(`d${sel.field}:${sel.trunc}:${sel.datetime}:${sel.desc ? 'D' : 'A'}`)
      const { compiled } = resolvePath(scope, sel.field.split('__'), sel.field)
      const type = sel.datetime ? 'dateTime' : 'date'
      const ops = ctx.dialect.ops
      const ft = compiled.type as FieldType
      cols.push({ frag: () => ops.dateTrunc(sel.trunc as never, compiled.frag(), ft), type, aggregate: false })
      readers.push({ key: 'date', type })
      return { cols, readers, groupByValues: false }
    }
  }
}

/**
 * Compile a QuerySet's SELECT in `ctx`. `parent` is the enclosing query for subqueries (OuterRef).
 */
export const compileSelect = (original: AnyQuerySet, ctx: Ctx, parent: Scope | null, purpose: Purpose): SelectParts => {
  if (original.invalid) throw original.invalid
  let qs = original
  for (const rewrite of queryRewriters) qs = rewrite(qs)
  const model: AnyModel = qs.model
  const meta = model.meta
  ctx.k(`Q${modelId(model)}${purpose}`)
  const alias = parent ? ctx.alias('U') : meta.table
  const scope = new Scope(ctx, model, alias, parent)
  let empty = qs.empty
  if (empty) ctx.k('0')

  // Annotations, in order (each may use the earlier ones), each after the filter() calls that came
  // before it, whose multi-valued joins it reuses.
  let annotated = 0
  const annotateUpTo = (filters: number) => {
    scope.group = 0
    scope.reuseJoins = true
    for (; annotated < qs.annotations.length && (qs.annotations[annotated].after ?? 0) <= filters; annotated++) {
      const a = qs.annotations[annotated]
      ctx.k(`A${a.name}${a.select ? '' : '-'}=`)
      scope.annotations.set(a.name, compileExpr(scope, a.expr))
    }
    scope.reuseJoins = false
  }
  annotateUpTo(0)

  // WHERE and HAVING: a filter() call that touches an aggregate goes to HAVING, as Django does.
  const where: Compiled[] = []
  const having: Compiled[] = []
  // Conditions on window functions apply outside the query that computes them (see qualify.ts).
  const windows = new Set<string>()
  const qualify: WhereNode[] = []
  const orGroups = new Set<Compiled>()
  qs.where.forEach((node, i) => {
    annotateUpTo(i)
    for (const [name, c] of scope.annotations) if (c.window) windows.add(name)
    scope.group = i + 1
    ctx.k('W')
    const split = splitQualify(node, windows)
    if (split.outer) qualify.push(split.outer)
    if (!split.inner) return
    // The parts of an AND go where each belongs (as Django splits them): plain conditions to WHERE,
    // those on aggregates to HAVING. They still share this call's joins (scope.group).
    const inner = split.inner
    const conds = inner.kind === 'group' && inner.connector === 'AND' && !inner.negated ? inner.children : [inner]
    for (const cond of conds) {
      ctx.k('&')
      const c = compileWhere(scope, cond)
      if (c.window) qualify.push(cond)
      else if (c.constant === false) empty = true
      else if (c.constant !== true) {
        if (cond.kind === 'group' && !cond.negated) orGroups.add(c)
        ;(c.aggregate ? having : where).push(c)
      }
    }
  })
  annotateUpTo(Number.POSITIVE_INFINITY)
  scope.group = 0
  // A group (an OR) beside other conditions is parenthesised, so that it doesn't bind to them.
  const enclose = (list: Compiled[]) => {
    if (list.length < 2) return
    for (let i = 0; i < list.length; i++) {
      const c = list[i]
      if (orGroups.has(c)) list[i] = { ...c, frag: () => sql`(${c.frag()})` }
    }
  }
  enclose(where)
  enclose(having)

  const { cols, readers, groupByValues } = selection(qs, scope, purpose)
  const extensionSteps: ((q: SelectQueryBuilder<any, any, any>) => SelectQueryBuilder<any, any, any>)[] = []
  for (const ext of selectExtensions) {
    const step = ext.prepare(qs, scope, purpose, (c, r) => {
      cols.push(...c)
      readers.push(...r)
    })
    if (step) extensionSteps.push(step)
  }

  const hasAggregate = having.length > 0 || cols.some((c) => c.aggregate)
  // EXISTS selects a constant, but its groups are still the rows (or values) the QuerySet would give.
  const grouped = hasAggregate && purpose === 'exists' ? selection(qs, scope, 'rows').cols : cols
  let groupCols = hasAggregate ? grouped.flatMap((c) => (c.aggregate ? (c.groupBy ?? []) : [c])) : []
  const sel = qs.select
  if (hasAggregate && (sel.kind === 'values' || sel.kind === 'valuesList') && sel.groupByRows) {
    groupCols = [...groupCols, ...meta.concreteFields.map((bf) => columnOf(scope.alias, bf))]
  }
  const collapsed = collapseGroupBy(groupCols, scope, ctx.dialect.features.allowsGroupBySelectedPks)
  const groupBy: Frag[] = collapsed.map((c) => c.frag)
  // Grouped by the base table's key alone: its other columns need no place in GROUP BY.
  const byKey = collapsed.length < groupCols.length
  const coveredByKey = (c: Compiled | undefined) => byKey && c !== undefined && c.alias === scope.alias && c.field !== undefined
  if (hasAggregate) ctx.k('G')

  // ORDER BY: not for EXISTS/COUNT or unsliced IN; default ordering unless values() grouping.
  const sliced = qs.low !== 0 || qs.high !== null
  const wantsOrder = purpose === 'rows' || purpose === 'inner' || ((purpose === 'in' || purpose === 'scalar') && sliced) || (purpose === 'exists' && sliced)
  let order: Frag[] = []
  if (wantsOrder) {
    const items = qs.order ?? (hasAggregate && groupByValues ? [] : meta.ordering)
    ctx.k(qs.order ? 'O' : 'Od')
    order = items.map((item) => orderTerm(scope, item, qs.reversed))
    if (qs.reversed && items.length === 0 && purpose === 'rows') {
      // Django reverses the primary key ordering when there is none.
      order = [orderTerm(scope, '-pk', false)]
    }
    // Ordering terms join GROUP BY as bare expressions (no ASC/DESC); aggregates and RANDOM() stay out.
    if (hasAggregate && qs.order) for (const o of order as OrderFrag[]) if (o.bare && !coveredByKey(o.compiled)) groupBy.push(o.bare)
  }
  // dates()/datetimes(): distinct values ordered by themselves, NULLs left out, as Django's QuerySet.dates().
  const dateSel = qs.select.kind === 'dates' ? qs.select : null
  if (dateSel && purpose !== 'exists') {
    const truncated = cols[0]
    where.push({ frag: () => sql`${truncated.frag()} IS NOT NULL`, type: 'boolean', aggregate: false })
    if (wantsOrder) order = [() => sql`1${sql.raw(dateSel.desc ? ' DESC' : ' ASC')}`]
  }

  const ops = ctx.dialect.ops
  // LIMIT and OFFSET are written as integers, as Django does: SQLite plans a bound LIMIT far worse.
  const limitValue = qs.high !== null ? qs.high - qs.low : purpose === 'exists' ? 1 : null
  const offsetValue = qs.low > 0 ? qs.low : null
  const limit = limitValue === null ? null : () => sql.lit(limitValue)
  const offset = offsetValue === null ? null : () => sql.lit(offsetValue)
  ctx.k(`/L${limitValue ?? ''}F${offsetValue ?? ''}`)
  const distinct = dateSel ? true : qs.distinct
  ctx.k(distinct === true ? 'D' : Array.isArray(distinct) ? `D${distinct.join(',')}` : '')
  const distinctOn: Frag[] = []
  if (Array.isArray(distinct) && distinct.length > 0) {
    if (!ctx.dialect.features.supportsDistinctOn) {
      throw new FieldError(`DISTINCT ON fields is not supported by ${ctx.dialect.name}.`)
    }
    for (const name of distinct as readonly string[]) {
      const { compiled } = resolvePath(scope, name.split('__'), name)
      distinctOn.push(compiled.frag)
    }
  }
  const compound = qs.compound
  const compoundParts = compound
    ? compound.queries.map((other) => {
        ctx.k(`${compound.op}${compound.all ? 'A' : ''}`)
        // As Django: a part without a values() selection takes the combined query's.
        const plain = other.select.kind === 'rows' && other.select.only === null && other.select.defer.length === 0
        const select = plain && qs.select.kind !== 'rows' ? qs.select : other.select
        return compileSelect(
          { ...other, select, order: [], low: 0, high: null } as AnyQuerySet,
          ctx,
          parent,
          purpose === 'rows' ? 'inner' : purpose,
        )
      })
    : []

  const build = () => {
    let q = ctx.kyselyRef.selectFrom(tableRef(meta.table, alias)) as SelectQueryBuilder<any, any, any>
    for (const j of scope.joinList) {
      const t = tableRef(j.table, j.alias)
      q = (j.type === 'LEFT' ? q.leftJoin(t, (jb) => jb.on(j.on())) : q.innerJoin(t, (jb) => jb.on(j.on()))) as typeof q
    }
    const annotationNames = new Map<Compiled, string>()
    for (const [name, c] of scope.annotations) annotationNames.set(c, name)
    // A backend without booleans in the select list gets a selected condition as 1/0.
    const asValue = (c: Compiled) => (c.condition && !ctx.dialect.features.supportsBooleanExprInSelectClause ? sql`CASE WHEN ${c.frag()} THEN 1 ELSE 0 END` : c.frag())
    q = q.select(
      cols.map((c) => {
        const name = annotationNames.get(c)
        return (name ? asValue(c).as(name) : asValue(c)) as never
      }),
    )
    if (distinct === true) q = q.distinct()
    if (distinctOn.length) q = q.distinctOn(distinctOn.map((f) => f()))
    if (empty) q = q.where(FALSE.frag())
    for (const w of where) q = q.where(w.frag())
    if (groupBy.length) q = q.groupBy(groupBy.map((g) => g()))
    for (const h of having) q = q.having(h.frag())
    for (const part of compoundParts) {
      const other = part.build()
      q = (compound!.op === 'UNION'
        ? compound!.all
          ? q.unionAll(other)
          : q.union(other)
        : compound!.op === 'INTERSECT'
          ? q.intersect(other)
          : q.except(other)) as typeof q
    }
    for (const o of order) q = q.orderBy(o())
    if (limit) q = q.limit(limit() as never)
    else if (offset && ops.offsetWithoutLimit !== undefined) q = q.limit(sql.lit(ops.offsetWithoutLimit as number) as never)
    if (offset) q = q.offset(offset() as never)
    for (const step of extensionSteps) q = step(q)
    return q
  }
  const parts: SelectParts = { scope, empty, readers, columns: cols, where: where.map((w) => w.frag), build, order }
  if (qualify.length === 0) return parts
  const wrapped = qualifyWrap({
    qs,
    ctx,
    parent,
    scope,
    columns: cols,
    conditions: qualify,
    grouped: groupBy.length > 0,
    distinct: distinct === true,
    order: (outer) => {
      if (!wantsOrder) return []
      const items = qs.order ?? (hasAggregate && groupByValues ? [] : meta.ordering)
      if (qs.reversed && items.length === 0 && purpose === 'rows') return [orderTerm(outer, '-pk', false)]
      return items.map((item) => orderTerm(outer, item, qs.reversed))
    },
    limit: limitValue,
    offset: offsetValue,
    offsetWithoutLimit: ops.offsetWithoutLimit,
    inner: build,
  })
  // UPDATE and DELETE read `where` alone: a window condition can't be among them.
  const refuse: Frag = () => {
    throw new FieldError('Window expressions are not allowed in the filter of an update or delete.')
  }
  return { ...parts, where: [...parts.where, refuse], build: wrapped, order: undefined }
}

// Subqueries: `in` with a QuerySet, Subquery(...), Exists(...).
subqueryHook.compile = (qs, parent, purpose) => {
  const ctx = parent.ctx
  const inner = compileSelect(qs, ctx, parent, purpose)
  const first = inner.columns[0]
  if (inner.empty && purpose !== 'scalar') {
    return purpose === 'exists' ? { frag: () => sql`(SELECT 1 WHERE 1 = 0)`, type: 'boolean', aggregate: false } : FALSE
  }
  // MySQL refuses LIMIT in an IN subquery: a derived table around it is accepted (Kysely parenthesises the inner SELECT).
  const derived = purpose === 'in' && (qs.low !== 0 || qs.high !== null) && !ctx.dialect.features.allowSlicedSubqueriesWithIn
  const alias = derived ? ctx.alias('fjord_sliced') : ''
  return {
    // Kysely parenthesises a nested SELECT itself; a second pair breaks `EXISTS ((…))` on SQLite.
    frag: derived ? () => sql`(SELECT * FROM ${inner.build()} ${sql.raw(alias)})` : () => sql`${inner.build()}`,
    type: first?.type,
    field: first?.field,
    aggregate: false,
  }
}

export { Ctx }
export type { AnyExpression }
