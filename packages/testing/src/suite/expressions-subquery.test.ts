// Subqueries, after Django's tests/expressions (Subquery, OuterRef, Exists): correlated on the same
// model and through a foreign key, in filter, exclude, annotate and orderBy, each as one statement.
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import {
  annotate,
  type AnyQuerySet,
  count,
  create,
  type Effect,
  exclude,
  Exists,
  filter,
  none,
  not,
  orderBy,
  OuterRef,
  Q,
  slice,
  Subquery,
  toArray,
  values,
  valuesList,
} from '@fjord/core'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Article, Author, Company, companyModels, Employee, lookupModels, seedArticles, seedCompanies } from './fixtures-query.js'

const models = [...lookupModels, ...companyModels]

describeEachBackend('expressions: Subquery, OuterRef, Exists', models, (ctx) => {
  beforeEach(async () => {
    await truncate(ctx().db, models)
    await seedArticles(ctx().db)
    await seedCompanies(ctx().db)
    await ctx().db.run(create(Author, { name: 'Author 3 (no articles)' }))
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  const authorNames = async (qs: AnyQuerySet) => (await run(pipe(qs as typeof Author.objects, valuesList('name', { flat: true }), toArray))) as string[]
  const articlesOf = pipe(Article.objects, filter({ author: OuterRef('pk') }))

  it('Exists in filter and exclude', async () => {
    expect(await authorNames(pipe(Author.objects, filter(Exists(articlesOf))))).toEqual(['Author 1', 'Author 2'])
    expect(await authorNames(pipe(Author.objects, exclude(Exists(articlesOf))))).toEqual(['Author 3 (no articles)'])
    expect(await authorNames(pipe(Author.objects, filter(not(Exists(articlesOf)))))).toEqual(['Author 3 (no articles)'])
    const popular = pipe(articlesOf, filter({ views__gte: 60 }))
    expect(await authorNames(pipe(Author.objects, filter(Exists(popular))))).toEqual(['Author 2'])
  })

  it('Exists as an annotation is a boolean on every backend', async () => {
    const popular = pipe(articlesOf, filter({ views__gte: 60 }))
    const got = await run(pipe(Author.objects, annotate({ popular: Exists(popular) }), valuesList('name', 'popular'), toArray))
    expect(got).toEqual([
      ['Author 1', false],
      ['Author 2', true],
      ['Author 3 (no articles)', false],
    ])
  })

  it('Exists over an empty QuerySet matches nothing; combined with or() it defers to the other side', async () => {
    expect(await authorNames(pipe(Author.objects, filter(Exists(pipe(articlesOf, none())))))).toEqual([])
    expect(await authorNames(pipe(Author.objects, exclude(Exists(pipe(articlesOf, none())))))).toEqual(['Author 1', 'Author 2', 'Author 3 (no articles)'])
  })

  it('a correlated Subquery annotates each row with a value from its children: one statement', async () => {
    const db = ctx().db
    const latest = Subquery(pipe(articlesOf, orderBy('-pubDate'), values('headline'), slice(0, 1)))
    let got: unknown[] = []
    const n = await countQueries(db, async () => {
      got = await db.run(pipe(Author.objects, annotate({ latest }), valuesList('name', 'latest'), toArray))
    })
    expect(n).toBe(1)
    expect(got).toEqual([
      ['Author 1', 'Article 4'],
      ['Author 2', 'Article 5'],
      ['Author 3 (no articles)', null],
    ])
  })

  it('Subquery on the same model: the next higher value', async () => {
    const next = Subquery(pipe(Article.objects, filter({ views__gt: OuterRef('views') }), orderBy('views'), values('views'), slice(0, 1)))
    const got = await run(pipe(Article.objects, annotate({ next }), orderBy('views'), valuesList('views', 'next'), toArray))
    expect(got).toEqual([
      [10, 20],
      [20, 30],
      [30, 40],
      [40, 50],
      [50, 60],
      [60, 70],
      [70, null],
    ])
  })

  it('Subquery in a filter: each author’s most viewed article', async () => {
    const top = Subquery(pipe(Article.objects, filter({ author: OuterRef('author') }), orderBy('-views'), values('views'), slice(0, 1)))
    const got = await run(pipe(Article.objects, filter({ views: top }), orderBy('headline'), valuesList('headline', { flat: true }), toArray))
    expect(got).toEqual(['Article 4', 'Article 7'])
  })

  it('OuterRef through a foreign key, and a Subquery across one', async () => {
    const salary = Subquery(pipe(Employee.objects, filter({ pk: OuterRef('ceo') }), values('salary')))
    expect(await run(pipe(Company.objects, annotate({ salary }), orderBy('name'), valuesList('salary', { flat: true }), toArray))).toEqual([10, 20, 30])
    const richerCeos = pipe(Employee.objects, filter({ salary__gt: OuterRef('ceo__salary') }))
    expect(await run(pipe(Company.objects, filter(Exists(richerCeos)), orderBy('name'), valuesList('name', { flat: true }), toArray))).toEqual([
      'Example Inc.',
      'Foobar Ltd.',
    ])
    // Exists as an annotation: a boolean on the rows; compared with true or false it is the condition itself.
    const annotated = pipe(Company.objects, annotate({ richer: Exists(richerCeos) }), orderBy('name'))
    expect(await run(pipe(annotated, valuesList('name', 'richer'), toArray))).toEqual([
      ['Example Inc.', true],
      ['Foobar Ltd.', true],
      ['Test GmbH', false],
    ])
    expect(await run(pipe(annotated, filter({ richer: false }), valuesList('name', { flat: true }), toArray))).toEqual(['Test GmbH'])
    expect(await run(pipe(annotated, filter({ richer: true }), valuesList('name', { flat: true }), toArray))).toEqual(['Example Inc.', 'Foobar Ltd.'])
  })

  it('in with a correlated subquery, and ordering by a Subquery', async () => {
    const theirArticles = pipe(Article.objects, filter({ author: OuterRef('author'), views__gte: 60 }), values('pk'))
    expect(await run(pipe(Article.objects, filter({ pk__in: theirArticles }), orderBy('headline'), valuesList('headline', { flat: true }), toArray))).toEqual([
      'Article 6',
      'Article 7',
    ])
    const mostViews = Subquery(pipe(articlesOf, orderBy('-views'), values('views'), slice(0, 1)))
    expect(await authorNames(pipe(Author.objects, filter(Exists(articlesOf)), orderBy(mostViews.desc())))).toEqual(['Author 2', 'Author 1'])
    expect(await authorNames(pipe(Author.objects, filter(Exists(articlesOf)), orderBy(mostViews.asc())))).toEqual(['Author 1', 'Author 2'])
    expect(await run(pipe(Author.objects, filter(Q({ article__in: pipe(Article.objects, filter({ views: 70 })) })), count))).toBe(1)
  })

  it('errors: OuterRef outside a subquery; a subquery value with two columns', async () => {
    const db = ctx().db
    let n = -1
    n = await countQueries(db, async () => {
      await expect(db.run(pipe(Article.objects, filter({ views: OuterRef('views') }), toArray))).rejects.toMatchObject({ _tag: 'FieldError' })
    })
    expect(n).toBe(0)
    const two = Subquery(pipe(Article.objects, filter({ author: OuterRef('pk') }), values('headline', 'views'), slice(0, 1)))
    await expect(db.run(pipe(Author.objects, annotate({ two }), toArray))).rejects.toMatchObject({ _tag: 'FieldError' })
  })
})
