// What a QuerySet returns, after Django's tests/lookup (values, values_list), tests/defer,
// tests/annotations and tests/queries (none, union): values()/valuesList shapes, only/defer,
// annotate/alias, none() without a statement, union/intersection/difference, toSql.
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import {
  alias,
  annotate,
  count,
  defer,
  deleteAll,
  difference,
  type Effect,
  exists,
  F,
  filter,
  first,
  intersection,
  Length,
  none,
  only,
  orderBy,
  Q,
  toArray,
  toSql,
  union,
  update,
  values,
  valuesList,
} from '@fjord/core'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Article, defaultOrder, headlines, lookupModels, looseValues, Num, seedArticles, seedNums } from './fixtures-query.js'

const models = [...lookupModels, Num]

describeEachBackend('querysets: values, only/defer, annotate, none, union', models, (ctx) => {
  let s: Awaited<ReturnType<typeof seedArticles>>
  beforeAll(async () => {
    await truncate(ctx().db, models)
    s = await seedArticles(ctx().db)
    await seedNums(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)

  it('rows carry every concrete field, a foreign key as <name>Id', async () => {
    const row = await run(pipe(Article.objects, filter({ pk: s.a5.id }), first))
    expect(row).toEqual({ id: s.a5.id, headline: 'Article 5', pubDate: new Date('2005-08-01T09:00:00Z'), authorId: s.au2.id, views: 50, rating: 5 })
  })

  it('values() gives every concrete field; values(a, b) exactly those keys', async () => {
    expect(await run(pipe(Article.objects, filter({ pk: s.a5.id }), values(), toArray))).toEqual([
      { id: s.a5.id, headline: 'Article 5', pubDate: new Date('2005-08-01T09:00:00Z'), authorId: s.au2.id, views: 50, rating: 5 },
    ])
    expect(await run(pipe(Article.objects, values('headline'), toArray))).toEqual(defaultOrder.map((headline) => ({ headline })))
    expect(await run(pipe(Article.objects, filter({ pubDate: new Date('2005-07-27T00:00:00Z') }), values('id'), toArray))).toEqual([
      { id: s.a2.id },
      { id: s.a3.id },
      { id: s.a7.id },
    ])
    const two = await run(pipe(Article.objects, filter({ views__lte: 20 }), orderBy('views'), values('views', 'headline'), toArray))
    expect(two).toEqual([
      { views: 10, headline: 'Article 1' },
      { views: 20, headline: 'Article 2' },
    ])
    expect(Object.keys(two[0])).toEqual(['views', 'headline'])
  })

  it('values() follows foreign keys by path', async () => {
    const got = await run(pipe(Article.objects, looseValues('headline', 'author__name'), toArray))
    expect(got.slice(0, 3)).toEqual([
      { headline: 'Article 5', author__name: 'Author 2' },
      { headline: 'Article 6', author__name: 'Author 2' },
      { headline: 'Article 4', author__name: 'Author 1' },
    ])
  })

  it('valuesList gives tuples, flat values, or named objects', async () => {
    expect(await run(pipe(Article.objects, orderBy('views'), valuesList('headline', 'views'), toArray))).toEqual([
      ['Article 1', 10],
      ['Article 2', 20],
      ['Article 3', 30],
      ['Article 4', 40],
      ['Article 5', 50],
      ['Article 6', 60],
      ['Article 7', 70],
    ])
    expect(await run(pipe(Article.objects, valuesList('headline'), toArray))).toEqual(defaultOrder.map((h) => [h]))
    expect(await run(pipe(Article.objects, orderBy('id'), valuesList('id', { flat: true }), toArray))).toEqual(s.all.map((a) => a.id))
    expect(await run(pipe(Article.objects, filter({ views: 30 }), valuesList('headline', 'rating', { named: true }), toArray))).toEqual([
      { headline: 'Article 3', rating: 3 },
    ])
    expect(await run(pipe(Article.objects, filter({ views: 30 }), valuesList('pk', { flat: true }), toArray))).toEqual([s.a3.id])
  })

  it("valuesList: 'flat' with two fields, or with 'named', is a FieldError", async () => {
    const db = ctx().db
    const n = await countQueries(db, async () => {
      await expect(db.run(pipe(Article.objects, valuesList('id', 'headline', { flat: true }), toArray))).rejects.toMatchObject({ _tag: 'FieldError' })
      await expect(db.run(pipe(Article.objects, valuesList('id', { flat: true, named: true }), toArray))).rejects.toMatchObject({ _tag: 'FieldError' })
    })
    expect(n).toBe(0)
  })

  it('only() keeps the listed fields and the primary key; nothing loads later', async () => {
    const rows = await run(pipe(Article.objects, only('headline'), toArray))
    expect(rows[0]).toEqual({ id: s.a5.id, headline: 'Article 5' })
    expect('views' in rows[0]).toBe(false)
    expect((rows[0] as Record<string, unknown>).views).toBeUndefined()
    expect(await run(pipe(Article.objects, filter({ pk: s.a1.id }), only('pk'), toArray))).toEqual([{ id: s.a1.id }])
    expect(await run(pipe(Article.objects, filter({ pk: s.a1.id }), only('author', 'views'), toArray))).toEqual([{ id: s.a1.id, authorId: s.au1.id, views: 10 }])
  })

  it('defer() leaves fields out; the primary key stays even when deferred', async () => {
    const [row] = await run(pipe(Article.objects, filter({ pk: s.a1.id }), defer('headline', 'pubDate'), toArray))
    expect(row).toEqual({ id: s.a1.id, authorId: s.au1.id, views: 10, rating: 1 })
    const [pkKept] = await run(pipe(Article.objects, filter({ pk: s.a1.id }), defer('id', 'headline', 'pubDate', 'author', 'views'), toArray))
    expect(pkKept).toEqual({ id: s.a1.id, rating: 1 })
    const db = ctx().db
    expect(await countQueries(db, async () => void (row as Record<string, unknown>).headline)).toBe(0)
  })

  it('annotate adds values to rows; later annotations may use earlier ones', async () => {
    const got = await run(
      pipe(Article.objects, filter({ views__lte: 20 }), annotate({ n: Length('headline') }), annotate({ twice: F('n').mul(2) }), orderBy('views'), valuesList('headline', 'n', 'twice'), toArray),
    )
    expect(got).toEqual([
      ['Article 1', 9, 18],
      ['Article 2', 9, 18],
    ])
    const [row] = await run(pipe(Article.objects, filter({ pk: s.a1.id }), annotate({ plus: F('views').add(1) }), toArray))
    expect(row).toMatchObject({ headline: 'Article 1', plus: 11 })
    expect(await run(pipe(Article.objects, filter({ pk: s.a1.id }), annotate({ plus: F('views').add(1) }), values(), toArray))).toEqual([
      { ...s.a1, plus: 11 },
    ])
  })

  it('alias() names an expression for filter and orderBy without selecting it', async () => {
    const qs = pipe(Article.objects, alias({ score: F('views').add(F('rating')) }), filter(Q({ score__gt: 60 })), orderBy('-score' as never))
    const rows = await run(toArray(qs))
    expect(headlines(rows)).toEqual(['Article 7', 'Article 6'])
    expect('score' in rows[0]).toBe(false)
  })

  it('an annotation may not take a field name; a bad alias is a FieldError', async () => {
    const db = ctx().db
    await expect(db.run(pipe(Article.objects, annotate({ views: F('rating') }), toArray))).rejects.toMatchObject({ _tag: 'FieldError' })
    for (const bad of ['a b', 'x"y', "x'y", 'a;b', 'a--b', 'a/*b*/', 'tab\there', 'new\nline']) {
      const n = await countQueries(db, async () => {
        const either = await pipe(Article.objects, annotate({ [bad]: F('views') }), toArray)(db)()
        expect(either._tag).toBe('Left')
        if (either._tag === 'Left') expect(either.left.message).toMatch(/whitespace characters, quotation marks, semicolons, or SQL comments/)
      })
      expect(n).toBe(0)
    }
    expect(await run(pipe(Article.objects, filter({ pk: s.a1.id }), annotate({ ok_name2: F('views') }), valuesList('ok_name2', { flat: true }), toArray))).toEqual([10])
  })

  it('none() matches nothing and never sends a statement', async () => {
    const db = ctx().db
    const empty = pipe(Article.objects, none())
    const n = await countQueries(db, async () => {
      expect(await db.run(toArray(empty))).toEqual([])
      expect(await db.run(count(empty))).toBe(0)
      expect(await db.run(exists(empty))).toBe(false)
      expect(await db.run(first(empty))).toBeNull()
      expect(await db.run(pipe(empty, filter({ headline__startswith: 'Article' }), toArray))).toEqual([])
      expect(await db.run(pipe(Article.objects, filter({ headline__startswith: 'Article' }), none(), values('headline'), toArray))).toEqual([])
      expect(await db.run(pipe(empty, update({ headline: 'never' })))).toBe(0)
    })
    expect(n).toBe(0)
    const gone = await db.run(pipe(empty, deleteAll))
    expect(gone.total).toBe(0)
    expect(await db.run(count(Article.objects))).toBe(7)
  })

  const nums = (qs: typeof Num.objects) => pipe(qs, valuesList('num', { flat: true }), toArray)
  const low = pipe(Num.objects, filter({ num__lte: 2 }))
  const high = pipe(Num.objects, filter({ num__gte: 2 }))
  const sortNums = (xs: readonly unknown[]) => [...(xs as number[])].sort((a, b) => a - b)

  it('union removes duplicates; union with all keeps them', async () => {
    expect(sortNums(await run(nums(pipe(low, union(high)))))).toEqual([1, 2, 3, 5])
    expect(sortNums(await run(nums(pipe(low, union(high, { all: true })))))).toEqual([1, 2, 2, 3, 5])
    expect(await run(pipe(low, union(high), count))).toBe(4)
    const rows = await run(pipe(low, union(pipe(Num.objects, filter({ num: 5 }))), toArray))
    expect(rows.map((r) => r.label).sort()).toEqual(['five', 'one', 'two'])
  })

  it('intersection keeps the rows in both (where the backend has INTERSECT)', async (t) => {
    if (!ctx().db.dialect.features.supportsIntersect) t.skip()
    expect(sortNums(await run(nums(pipe(low, intersection(high)))))).toEqual([2])
    expect(await run(pipe(low, intersection(high), count))).toBe(1)
  })

  it('difference keeps the rows of the first only (where the backend has EXCEPT)', async (t) => {
    if (!ctx().db.dialect.features.supportsExcept) t.skip()
    expect(sortNums(await run(nums(pipe(low, difference(high)))))).toEqual([1])
    expect(sortNums(await run(nums(pipe(high, difference(low)))))).toEqual([3, 5])
  })

  it('toSql compiles without running; values are bound, never spliced', async () => {
    const db = ctx().db
    let out: { sql: string; parameters: readonly unknown[] } = { sql: '', parameters: [] }
    const n = await countQueries(db, async () => {
      out = toSql(pipe(Article.objects, filter({ headline: "O'Reilly; DROP TABLE article" }), orderBy('views')))(db)
    })
    expect(n).toBe(0)
    expect(out.sql).toMatch(/^select /i)
    expect(out.sql).not.toContain("O'Reilly")
    expect(out.parameters).toContain("O'Reilly; DROP TABLE article")
    expect(await run(pipe(Article.objects, filter({ headline: "O'Reilly; DROP TABLE article" }), count))).toBe(0)
    expect(await run(count(Article.objects))).toBe(7)
  })
})
