// Foreign keys on every backend, after Django's tests/many_to_one and tests/many_to_one_null: rows
// carry `<field>Id`, lookups cross the relation both ways, related rows, add/remove/set/clear.
import {
  count,
  create,
  DoesNotExist,
  deleteAll,
  distinct,
  exclude,
  f,
  FieldError,
  filter,
  get,
  model,
  orderBy,
  type Row,
  schema,
  toArray,
  values,
  valuesList,
} from '@fjord/core'
import { addRelated, clearRelated, foreignKey, related, removeRelated, setRelated } from '@fjord/relations'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { countQueries, describeEachBackend } from '../helpers.js'

const models = schema({
  Reporter: model({ firstName: f.char({ maxLength: 30 }), lastName: f.char({ maxLength: 30 }), email: f.email() }, { ordering: ['firstName'] }),
  Article: model(
    {
      headline: f.char({ maxLength: 100 }),
      pubDate: f.date(),
      reporter: foreignKey('Reporter', { onDelete: 'CASCADE' }),
    },
    { ordering: ['headline'] },
  ),
  // many_to_one_null: a nullable foreign key can be detached.
  Story: model({ title: f.char({ maxLength: 50 }), writer: foreignKey('Reporter', { onDelete: 'SET_NULL', null: true, relatedName: 'stories' }) }, { ordering: ['title'] }),
  Category: model({ name: f.char({ maxLength: 20 }), parent: foreignKey('self', { onDelete: 'CASCADE', null: true, relatedName: 'children' }) }),
})
const { Reporter, Article, Story, Category } = models

const headlines = (rows: readonly { readonly headline: string }[]) => rows.map((r) => r.headline)

describeEachBackend('many-to-one', models, (ctx) => {
  let john: Row<typeof Reporter>
  let paul: Row<typeof Reporter>
  let a: Row<typeof Article>

  beforeEach(async () => {
    const { db } = ctx()
    for (const m of [Category, Story, Article, Reporter]) await db.run(deleteAll(m.objects))
    john = await db.run(create(Reporter, { firstName: 'John', lastName: 'Smith', email: 'john@example.com' }))
    paul = await db.run(create(Reporter, { firstName: 'Paul', lastName: 'Jones', email: 'paul@example.com' }))
    a = await db.run(create(Article, { headline: 'This is a test', pubDate: '2005-07-27', reporter: john }))
  })

  it('rows carry the key as <field>Id; a relation is given as a row or as an id', async () => {
    const { db } = ctx()
    expect(a.reporterId).toBe(john.id)
    const byId = await db.run(create(Article, { headline: 'By id', pubDate: '2005-07-29', reporterId: paul.id }))
    expect(byId.reporterId).toBe(paul.id)
    const fetched = await db.run(pipe(Article.objects, get({ pk: byId.id })))
    expect(fetched).toEqual({ id: byId.id, headline: 'By id', pubDate: '2005-07-29', reporterId: paul.id })
    expect(await db.run(pipe(Article.objects, filter({ reporter: john }), count))).toBe(1)
    expect(await db.run(pipe(Article.objects, filter({ reporterId: paul.id }), count))).toBe(1)
    expect(await db.run(pipe(Article.objects, filter({ reporter__in: [john, paul.id] }), count))).toBe(2)
  })

  it('related rows through the reverse accessor; add moves rows', async () => {
    const { db } = ctx()
    const new1 = await db.run(create(Article, { headline: "John's second story", pubDate: '2005-07-29', reporter: john }))
    const new2 = await db.run(create(Article, { headline: 'Paul made a story', pubDate: '2005-07-29', reporter: paul }))
    expect(headlines(await db.run(toArray(related(Reporter, john, 'articleSet'))))).toEqual(["John's second story", 'This is a test'])
    // Moving an article to another reporter: one UPDATE.
    expect(await countQueries(db, () => db.run(addRelated(Reporter, john, 'articleSet', [new2])))).toBe(1)
    expect(headlines(await db.run(toArray(related(Reporter, john, 'articleSet'))))).toEqual(["John's second story", 'Paul made a story', 'This is a test'])
    expect(await db.run(count(related(Reporter, paul, 'articleSet')))).toBe(0)
    expect((await db.run(toArray(related(Article, new1, 'reporter'))))[0]).toEqual(john)
    // A non-nullable foreign key can't be detached.
    await expect(db.run(removeRelated(Reporter, john, 'articleSet', [new1]))).rejects.toBeInstanceOf(FieldError)
    await expect(db.run(clearRelated(Reporter, john, 'articleSet'))).rejects.toBeInstanceOf(FieldError)
    // set() on a non-nullable reverse foreign key only adds, as Django's.
    await db.run(setRelated(Reporter, paul, 'articleSet', [new1]))
    expect(headlines(await db.run(toArray(related(Reporter, paul, 'articleSet'))))).toEqual(["John's second story"])
  })

  it('lookups across the relation in both directions', async () => {
    const { db } = ctx()
    await db.run(create(Article, { headline: "John's second story", pubDate: '2005-07-29', reporter: john }))
    await db.run(create(Article, { headline: 'Paul made a story', pubDate: '2005-07-29', reporter: paul }))
    expect(headlines(await db.run(pipe(Article.objects, filter({ reporter__firstName__exact: 'John' }), toArray)))).toEqual([
      "John's second story",
      'This is a test',
    ])
    expect(await db.run(pipe(Article.objects, filter({ reporter__firstName: 'John', reporter__lastName: 'Smith' }), count))).toBe(2)
    expect(await db.run(pipe(Article.objects, filter({ reporter__id: john.id }), count))).toBe(2)
    expect(await db.run(pipe(Article.objects, filter({ reporter__pk: paul.id }), count))).toBe(1)
    expect(await db.run(pipe(Article.objects, filter({ reporter__email__endswith: '@example.com' }), count))).toBe(3)
    // The reverse direction, by the model's lower camelCase name; one row per match unless distinct().
    const johns = pipe(Reporter.objects, filter({ article__headline__startswith: 'John' }))
    expect(await db.run(pipe(johns, valuesList('firstName', { flat: true }), toArray))).toEqual(['John'])
    const both = pipe(Reporter.objects, filter({ article__pubDate__gte: '2005-07-01' }))
    expect(await db.run(count(both))).toBe(3)
    expect(await db.run(pipe(both, distinct(), count))).toBe(2)
    expect(await db.run(pipe(Reporter.objects, filter({ article: a }), valuesList('firstName', { flat: true }), toArray))).toEqual(['John'])
    expect(await db.run(pipe(Reporter.objects, filter({ article__reporter__firstName: 'Paul' }), distinct(), count))).toBe(1)
    // exclude() across a multi-valued relation: no related row matches (a subquery, as Django).
    expect(await db.run(pipe(Reporter.objects, exclude({ article__headline__startswith: 'John' }), valuesList('firstName', { flat: true }), toArray))).toEqual(['Paul'])
    // isnull across relations.
    await db.run(create(Reporter, { firstName: 'Zed', lastName: 'None', email: 'z@example.com' }))
    expect(await db.run(pipe(Reporter.objects, filter({ article__isnull: true }), valuesList('firstName', { flat: true }), toArray))).toEqual(['Zed'])
  })

  it('conditions in one filter() share the join; separate filter() calls make separate joins', async () => {
    const { db } = ctx()
    await db.run(create(Article, { headline: 'Second', pubDate: '2006-01-01', reporter: john }))
    const same = pipe(Reporter.objects, filter({ article__headline: 'This is a test', article__pubDate: '2006-01-01' }))
    expect(await db.run(count(same))).toBe(0)
    const separate = pipe(Reporter.objects, filter({ article__headline: 'This is a test' }), filter({ article__pubDate: '2006-01-01' }))
    expect(await db.run(pipe(separate, valuesList('firstName', { flat: true }), toArray))).toEqual(['John'])
  })

  it('orderBy and values across relations', async () => {
    const { db } = ctx()
    await db.run(create(Article, { headline: 'Paul made a story', pubDate: '2005-07-29', reporter: paul }))
    expect(await db.run(pipe(Article.objects, orderBy('-reporter__firstName', 'headline'), valuesList('headline', { flat: true }), toArray))).toEqual([
      'Paul made a story',
      'This is a test',
    ])
    expect(await db.run(pipe(Article.objects, values('headline', 'reporter__firstName', 'reporter__email'), orderBy('headline'), toArray))).toEqual([
      { headline: 'Paul made a story', reporter__firstName: 'Paul', reporter__email: 'paul@example.com' },
      { headline: 'This is a test', reporter__firstName: 'John', reporter__email: 'john@example.com' },
    ])
    expect(await db.run(pipe(Reporter.objects, values('firstName', 'article__headline'), orderBy('firstName'), toArray))).toEqual([
      { firstName: 'John', article__headline: 'This is a test' },
      { firstName: 'Paul', article__headline: 'Paul made a story' },
    ])
  })

  it('a nullable foreign key: isnull, remove, set and clear detach rows', async () => {
    const { db } = ctx()
    const s1 = await db.run(create(Story, { title: 'First', writer: john }))
    const s2 = await db.run(create(Story, { title: 'Second', writer: john }))
    const s3 = await db.run(create(Story, { title: 'Third' }))
    expect(s3.writerId).toBeNull()
    expect(await db.run(pipe(Story.objects, filter({ writer__isnull: true }), valuesList('title', { flat: true }), toArray))).toEqual(['Third'])
    expect(await db.run(pipe(Story.objects, filter({ writer: null }), count))).toBe(1)
    expect(await db.run(pipe(Story.objects, exclude({ writer__firstName: 'John' }), valuesList('title', { flat: true }), toArray))).toEqual(['Third'])
    await db.run(removeRelated(Reporter, john, 'stories', [s1]))
    expect(await db.run(pipe(related(Reporter, john, 'stories'), valuesList('title', { flat: true }), toArray))).toEqual(['Second'])
    // Removing a row that isn't related fails, and changes nothing.
    await expect(db.run(removeRelated(Reporter, john, 'stories', [s2, s3]))).rejects.toBeInstanceOf(DoesNotExist)
    expect(await db.run(count(related(Reporter, john, 'stories')))).toBe(1)
    await db.run(setRelated(Reporter, john, 'stories', [s1, s3]))
    expect(await db.run(pipe(related(Reporter, john, 'stories'), valuesList('title', { flat: true }), toArray))).toEqual(['First', 'Third'])
    expect(await db.run(pipe(Story.objects, filter({ title: 'Second' }), get()))).toMatchObject({ writerId: null })
    await db.run(clearRelated(Reporter, john, 'stories'))
    expect(await db.run(pipe(Story.objects, filter({ writer__isnull: true }), count))).toBe(3)
  })

  it("a foreign key to 'self'", async () => {
    const { db } = ctx()
    const root = await db.run(create(Category, { name: 'root' }))
    const c1 = await db.run(create(Category, { name: 'child 1', parent: root }))
    await db.run(create(Category, { name: 'child 2', parent: root }))
    await db.run(create(Category, { name: 'grandchild', parent: c1 }))
    expect(await db.run(pipe(related(Category, root, 'children'), orderBy('name'), valuesList('name', { flat: true }), toArray))).toEqual(['child 1', 'child 2'])
    expect(await db.run(pipe(Category.objects, filter({ parent__parent__name: 'root' }), valuesList('name', { flat: true }), toArray))).toEqual(['grandchild'])
    expect(await db.run(pipe(Category.objects, filter({ children__children__name: 'grandchild' }), valuesList('name', { flat: true }), toArray))).toEqual(['root'])
  })

  it('unknown names are FieldErrors that list the choices', async () => {
    const { db } = ctx()
    await expect(db.run(pipe(Article.objects, filter({ reporter__nope: 1 } as never), toArray))).rejects.toThrow(
      /Cannot resolve keyword 'nope'.*Choices are: id, firstName, lastName, email, article, stories/,
    )
  })
})
