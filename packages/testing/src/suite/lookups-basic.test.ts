// Field lookups (DESIGN §4), after Django's tests/lookup: exact, iexact, contains, in, comparisons,
// pattern lookups with literal wildcards, range, isnull, regex, and case sensitivity on every backend.
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { type AnyQuerySet, count, create, type Effect, exclude, F, filter, Q, orderBy, toArray, toSql, values, valuesList } from '@fjord/core'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Article, Author, defaultOrder, headlines, lookupModels, seedArticles } from './fixtures-query.js'

describeEachBackend('lookups: basic', lookupModels, (ctx) => {
  let s: Awaited<ReturnType<typeof seedArticles>>
  beforeEach(async () => {
    await truncate(ctx().db, [...lookupModels])
    s = await seedArticles(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  const heads = async (qs: AnyQuerySet) => headlines((await run(toArray(qs))) as { headline: string }[])

  it('exact is the default lookup, and the default ordering applies', async () => {
    expect(await heads(pipe(Article.objects, filter({ headline: 'Article 3' })))).toEqual(['Article 3'])
    expect(await heads(pipe(Article.objects, filter({ headline__exact: 'Article 3' })))).toEqual(['Article 3'])
    expect(await heads(Article.objects)).toEqual(defaultOrder)
    expect(await run(pipe(Article.objects, filter({ pubDate: new Date('2005-07-27T00:00:00Z') }), count))).toBe(3)
  })

  it('exact: null means IS NULL, on a plain column and on a foreign key', async () => {
    expect(await heads(pipe(Article.objects, filter({ rating: null }), orderBy('headline')))).toEqual(['Article 2', 'Article 4'])
    expect(await heads(pipe(Article.objects, filter({ rating__exact: null }), orderBy('headline')))).toEqual(['Article 2', 'Article 4'])
    const { sql } = toSql(pipe(Article.objects, filter({ rating: null })))(ctx().db)
    expect(sql).toMatch(/IS NULL/i)
    await run(create(Article, { headline: 'Orphan', pubDate: new Date('2006-01-01T00:00:00Z'), author: null }))
    expect(await heads(pipe(Article.objects, filter({ author: null })))).toEqual(['Orphan'])
  })

  it('pk is an alias of the primary key; a related row stands for its key', async () => {
    expect(await heads(pipe(Article.objects, filter({ pk: s.a4.id })))).toEqual(['Article 4'])
    expect(await heads(pipe(Article.objects, filter({ pk__in: [s.a1.id, s.a2.id] }), orderBy('pk')))).toEqual(['Article 1', 'Article 2'])
    expect(await run(pipe(Article.objects, filter({ author: s.au2 }), count))).toBe(3)
    expect(await run(pipe(Article.objects, filter({ authorId: s.au1.id }), count))).toBe(4)
    expect(await run(pipe(Article.objects, filter(Q({ author__name: 'Author 2' })), count))).toBe(3)
  })

  it('iexact ignores case; exact does not', async () => {
    expect(await heads(pipe(Article.objects, filter({ headline__iexact: 'aRtIcLe 1' })))).toEqual(['Article 1'])
    expect(await heads(pipe(Article.objects, filter({ headline: 'article 1' })))).toEqual([])
    expect(await heads(pipe(Article.objects, filter({ headline: 'ARTICLE 1' })))).toEqual([])
  })

  it('contains is case-sensitive, icontains is not', async () => {
    await run(create(Article, { headline: 'Hello World', pubDate: new Date('2006-01-01T00:00:00Z') }))
    expect(await heads(pipe(Article.objects, filter({ headline__contains: 'World' })))).toEqual(['Hello World'])
    expect(await heads(pipe(Article.objects, filter({ headline__contains: 'world' })))).toEqual([])
    expect(await heads(pipe(Article.objects, filter({ headline__icontains: 'WORLD' })))).toEqual(['Hello World'])
    expect(await run(pipe(Article.objects, filter({ headline__contains: 'rticle' }), count))).toBe(7)
  })

  it('startswith/endswith are case-sensitive; istartswith/iendswith are not', async () => {
    await run(create(Article, { headline: 'Zebra Stripes', pubDate: new Date('2006-01-01T00:00:00Z') }))
    expect(await heads(pipe(Article.objects, filter({ headline__startswith: 'Zeb' })))).toEqual(['Zebra Stripes'])
    expect(await heads(pipe(Article.objects, filter({ headline__startswith: 'zeb' })))).toEqual([])
    expect(await heads(pipe(Article.objects, filter({ headline__istartswith: 'zEB' })))).toEqual(['Zebra Stripes'])
    expect(await heads(pipe(Article.objects, filter({ headline__endswith: 'Stripes' })))).toEqual(['Zebra Stripes'])
    expect(await heads(pipe(Article.objects, filter({ headline__endswith: 'stripes' })))).toEqual([])
    expect(await heads(pipe(Article.objects, filter({ headline__iendswith: 'STRIPES' })))).toEqual(['Zebra Stripes'])
    expect(await heads(pipe(Article.objects, filter({ headline__endswith: '4' })))).toEqual(['Article 4'])
  })

  it("'%', '_' and '\\' are literal in pattern lookups (Django's test_escaping)", async () => {
    const at = new Date('2005-11-20T00:00:00Z')
    await run(create(Article, { headline: 'Article_ with underscore', pubDate: at }))
    await run(create(Article, { headline: 'Article% with percent sign', pubDate: at }))
    await run(create(Article, { headline: 'Article with \\ backslash', pubDate: at }))
    expect(await run(pipe(Article.objects, filter({ headline__startswith: 'Article' }), count))).toBe(10)
    expect(await heads(pipe(Article.objects, filter({ headline__startswith: 'Article_' })))).toEqual(['Article_ with underscore'])
    expect(await heads(pipe(Article.objects, filter({ headline__startswith: 'Article%' })))).toEqual(['Article% with percent sign'])
    expect(await heads(pipe(Article.objects, filter({ headline__contains: '\\' })))).toEqual(['Article with \\ backslash'])
    expect(await heads(pipe(Article.objects, filter({ headline__icontains: '_ WITH' })))).toEqual(['Article_ with underscore'])
    expect(await heads(pipe(Article.objects, filter({ headline__iendswith: '\\ BACKSLASH' })))).toEqual(['Article with \\ backslash'])
    expect(await heads(pipe(Article.objects, filter({ headline__iexact: 'article% WITH percent sign' })))).toEqual(['Article% with percent sign'])
    // An iexact value with wildcards matches only the literal text.
    expect(await heads(pipe(Article.objects, filter({ headline__iexact: 'Article%' })))).toEqual([])
  })

  it('in: arrays and Sets; an empty list sends no statement', async () => {
    expect(await heads(pipe(Article.objects, filter({ headline__in: ['Article 1', 'Article 3', 'nope'] }), orderBy('headline')))).toEqual([
      'Article 1',
      'Article 3',
    ])
    const ids = new Set([s.a2.id, s.a6.id])
    expect(await heads(pipe(Article.objects, filter({ id__in: ids as never }), orderBy('id')))).toEqual(['Article 2', 'Article 6'])
    const db = ctx().db
    let rows: unknown[] = []
    expect(await countQueries(db, async () => (rows = await db.run(toArray(pipe(Article.objects, filter({ id__in: [] }))))))).toBe(0)
    expect(rows).toEqual([])
    expect(await countQueries(db, async () => expect(await db.run(pipe(Article.objects, filter({ id__in: [] }), count))).toBe(0))).toBe(0)
  })

  it('in: a QuerySet or values() subquery runs as one statement', async () => {
    const db = ctx().db
    const byAuthor2 = pipe(Author.objects, filter({ name: 'Author 2' }))
    let n = 0
    expect(await countQueries(db, async () => (n = await db.run(pipe(Article.objects, filter({ author__in: byAuthor2 }), count))))).toBe(1)
    expect(n).toBe(3)
    const highViews = pipe(Article.objects, filter({ views__gte: 50 }), values('id'))
    expect(await heads(pipe(Article.objects, filter({ id__in: highViews }), orderBy('headline')))).toEqual(['Article 5', 'Article 6', 'Article 7'])
    const names = pipe(Author.objects, filter({ age: 30 }), valuesList('name', { flat: true }))
    expect(await run(pipe(Author.objects, filter({ name__in: names }), values('name'), toArray))).toEqual([{ name: 'Author 1' }])
  })

  it('exclude with an empty in keeps every row', async () => {
    expect(await heads(pipe(Article.objects, exclude({ id__in: [] })))).toEqual(defaultOrder)
  })

  it('gt, gte, lt, lte on integers, datetimes and strings', async () => {
    expect(await run(pipe(Article.objects, filter({ views__gt: 40 }), count))).toBe(3)
    expect(await run(pipe(Article.objects, filter({ views__gte: 40 }), count))).toBe(4)
    expect(await run(pipe(Article.objects, filter({ views__lt: 40 }), count))).toBe(3)
    expect(await run(pipe(Article.objects, filter({ views__lte: 40 }), count))).toBe(4)
    expect(await heads(pipe(Article.objects, filter({ pubDate__gt: new Date('2005-07-28T00:00:00Z') })))).toEqual(['Article 5', 'Article 6'])
    expect(await heads(pipe(Article.objects, filter({ pubDate__lte: new Date('2005-07-26T00:00:00Z') })))).toEqual(['Article 1'])
    expect(await heads(pipe(Article.objects, filter({ headline__gte: 'Article 6' }), orderBy('headline')))).toEqual(['Article 6', 'Article 7'])
    // A comparison never matches NULL.
    expect(await run(pipe(Article.objects, filter({ rating__lt: 100 }), count))).toBe(5)
  })

  it('range is inclusive at both ends', async () => {
    expect(await heads(pipe(Article.objects, filter({ views__range: [20, 40] }), orderBy('views')))).toEqual(['Article 2', 'Article 3', 'Article 4'])
    const from = new Date('2005-07-27T00:00:00Z')
    const to = new Date('2005-07-28T00:00:00Z')
    expect(await run(pipe(Article.objects, filter({ pubDate__range: [from, to] }), count))).toBe(4)
    expect(await run(pipe(Article.objects, filter({ views__range: [41, 49] }), count))).toBe(0)
    expect(await run(pipe(Article.objects, filter({ views__range: [F('rating'), 30] }), count))).toBe(2)
  })

  it('isnull true/false, across a relation too', async () => {
    expect(await heads(pipe(Article.objects, filter({ rating__isnull: true }), orderBy('headline')))).toEqual(['Article 2', 'Article 4'])
    expect(await run(pipe(Article.objects, filter({ rating__isnull: false }), count))).toBe(5)
    expect(await run(pipe(Author.objects, filter({ age__isnull: true }), values('name'), toArray))).toEqual([{ name: 'Author 2' }])
    await run(create(Article, { headline: 'Orphan', pubDate: new Date('2006-01-01T00:00:00Z') }))
    expect(await heads(pipe(Article.objects, filter({ author__isnull: true })))).toEqual(['Orphan'])
    expect(await run(pipe(Article.objects, filter({ author__isnull: false }), count))).toBe(7)
  })

  it('regex is case-sensitive, iregex is not (Django test_regex)', async () => {
    const db = ctx().db
    await truncate(db, [...lookupModels])
    const at = new Date('2010-01-01T00:00:00Z')
    for (const h of ['f', 'fo', 'foo', 'fooo', 'hey-Foo', 'bar', 'AbBa', 'baz', 'baxZ']) {
      await run(create(Article, { headline: h, pubDate: at }))
    }
    const re = async (pattern: string, i = false) =>
      (await heads(pipe(Article.objects, filter(i ? { headline__iregex: pattern } : { headline__regex: pattern }), orderBy('headline')))).sort()
    expect(await re('fo*')).toEqual(['f', 'fo', 'foo', 'fooo'])
    expect(await re('fo*', true)).toEqual(['f', 'fo', 'foo', 'fooo', 'hey-Foo'])
    expect(await re('fo+')).toEqual(['fo', 'foo', 'fooo'])
    expect(await re('^b')).toEqual(['bar', 'baxZ', 'baz'])
    expect(await re('^a', true)).toEqual(['AbBa'])
    expect(await re('z$')).toEqual(['baz'])
    expect(await re('z$', true)).toEqual(['baxZ', 'baz'])
    expect(await re('ba[rz]')).toEqual(['bar', 'baz'])
    expect(await re('ba.[RxZ]')).toEqual(['baxZ'])
    expect(await re('ba[RxZ]', true)).toEqual(['bar', 'baxZ', 'baz'])
  })

  // Paths across relations are typed by @fjord/relations later; Q() takes them untyped meanwhile.
  it('a lookup on a related field follows the join', async () => {
    expect(await run(pipe(Article.objects, filter(Q({ author__name__startswith: 'Author' })), count))).toBe(7)
    expect(await run(pipe(Article.objects, filter(Q({ author__name__endswith: '1' })), count))).toBe(4)
    expect(await run(pipe(Author.objects, filter(Q({ article__headline: 'Article 5' })), values('name'), toArray))).toEqual([{ name: 'Author 2' }])
  })
})
