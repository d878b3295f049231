// Many-to-many relations on every backend, after Django's tests/many_to_many (Article/Publication),
// tests/m2m_recursive (symmetrical self relations) and tests/m2m_through (through models).
import { count, create, deleteAll, deleteRow, distinct, exclude, f, FieldError, filter, model, orderBy, schema, toArray, valuesList } from '@fjord/core'
import { addRelated, clearRelated, foreignKey, manyToMany, related, removeRelated, setRelated } from '@fjord/relations'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { countQueries, describeEachBackend } from '../helpers.js'

const models = schema({
  Publication: model({ title: f.char({ maxLength: 30 }) }, { ordering: ['title'] }),
  Article: model({ headline: f.char({ maxLength: 100 }), publications: manyToMany('Publication') }, { ordering: ['headline'] }),
  Person: model({ name: f.char({ maxLength: 20 }), friends: manyToMany('self'), idols: manyToMany('self', { symmetrical: false, relatedName: 'fans' }) }, { ordering: ['name'] }),
  Group: model({ name: f.char({ maxLength: 20 }), members: manyToMany('Person', { through: 'Membership', relatedName: 'groups' }) }, { ordering: ['name'] }),
  Membership: model({
    person: foreignKey('Person', { onDelete: 'CASCADE' }),
    group: foreignKey('Group', { onDelete: 'CASCADE' }),
    role: f.char({ maxLength: 20, default: 'member' }),
  }),
})
const { Publication, Article, Person, Group, Membership } = models

const titles = (rows: readonly { readonly title: string }[]) => rows.map((r) => r.title)
const headlines = (rows: readonly { readonly headline: string }[]) => rows.map((r) => r.headline)
const names = (rows: readonly { readonly name: string }[]) => rows.map((r) => r.name)

describeEachBackend('many-to-many', models, (ctx) => {
  let p1: { id: number; title: string }
  let p2: { id: number; title: string }
  let p3: { id: number; title: string }
  let p4: { id: number; title: string }
  let a1: { id: number; headline: string }
  let a2: { id: number; headline: string }
  let a3: { id: number; headline: string }
  let a4: { id: number; headline: string }

  beforeEach(async () => {
    const { db } = ctx()
    for (const m of [Membership, Group, Person, Article, Publication]) await db.run(deleteAll(m.objects))
    p1 = await db.run(create(Publication, { title: 'The Python Journal' }))
    p2 = await db.run(create(Publication, { title: 'Science News' }))
    p3 = await db.run(create(Publication, { title: 'Science Weekly' }))
    p4 = await db.run(create(Publication, { title: 'Highlights for Children' }))
    a1 = await db.run(create(Article, { headline: 'Django lets you build web apps easily' }))
    await db.run(addRelated(Article, a1, 'publications', [p1]))
    a2 = await db.run(create(Article, { headline: 'NASA uses Python' }))
    await db.run(addRelated(Article, a2, 'publications', [p1, p2, p3, p4]))
    a3 = await db.run(create(Article, { headline: 'NASA finds intelligent life on Earth' }))
    await db.run(addRelated(Article, a3, 'publications', [p2]))
    a4 = await db.run(create(Article, { headline: 'Oxygen-free diet works wonders' }))
    await db.run(addRelated(Article, a4, 'publications', [p2.id]))
  })

  it('related rows both ways, ordered by the target ordering', async () => {
    const { db } = ctx()
    expect(titles(await db.run(toArray(related(Article, a1, 'publications'))))).toEqual(['The Python Journal'])
    expect(titles(await db.run(toArray(related(Article, a2, 'publications'))))).toEqual([
      'Highlights for Children',
      'Science News',
      'Science Weekly',
      'The Python Journal',
    ])
    expect(headlines(await db.run(toArray(related(Publication, p2, 'articleSet'))))).toEqual([a3.headline, a2.headline, a4.headline])
    expect(await db.run(count(related(Publication, p4, 'articleSet')))).toBe(1)
  })

  it('adding is idempotent: no duplicate pairs, one SELECT and one INSERT', async () => {
    const { db } = ctx()
    const n = await countQueries(db, () => db.run(addRelated(Article, a1, 'publications', [p1, p2, p2.id])))
    expect(n).toBe(2)
    expect(titles(await db.run(toArray(related(Article, a1, 'publications'))))).toEqual(['Science News', 'The Python Journal'])
    expect(await countQueries(db, () => db.run(addRelated(Article, a1, 'publications', [p1, p2])))).toBe(1)
    expect(await db.run(count(related(Article, a1, 'publications')))).toBe(2)
    // From the other side too.
    await db.run(addRelated(Publication, p3, 'articleSet', [a1, a2]))
    expect(titles(await db.run(toArray(related(Article, a1, 'publications'))))).toEqual(['Science News', 'Science Weekly', 'The Python Journal'])
  })

  it('lookups across the relation, with duplicates unless distinct()', async () => {
    const { db } = ctx()
    expect(headlines(await db.run(pipe(Article.objects, filter({ publications__id__exact: p1.id }), toArray)))).toEqual([a1.headline, a2.headline])
    expect(headlines(await db.run(pipe(Article.objects, filter({ publications: p1.id }), toArray)))).toEqual([a1.headline, a2.headline])
    expect(headlines(await db.run(pipe(Article.objects, filter({ publications: p1 }), toArray)))).toEqual([a1.headline, a2.headline])
    const science = pipe(Article.objects, filter({ publications__title__startswith: 'Science' }))
    expect(headlines(await db.run(toArray(science)))).toEqual([a3.headline, a2.headline, a2.headline, a4.headline])
    expect(headlines(await db.run(pipe(science, distinct(), toArray)))).toEqual([a3.headline, a2.headline, a4.headline])
    expect(await db.run(count(science))).toBe(4)
    expect(await db.run(pipe(science, distinct(), count))).toBe(3)
    expect(headlines(await db.run(pipe(Article.objects, filter({ publications__in: [p1.id, p2.id] }), distinct(), toArray)))).toEqual([
      a1.headline,
      a3.headline,
      a2.headline,
      a4.headline,
    ])
    expect(headlines(await db.run(pipe(Article.objects, exclude({ publications: p2 }), toArray)))).toEqual([a1.headline])
    // The reverse side, by the model's lower camelCase name.
    expect(titles(await db.run(pipe(Publication.objects, filter({ article__headline__startswith: 'NASA' }), toArray)))).toEqual([
      'Highlights for Children',
      'Science News',
      'Science News',
      'Science Weekly',
      'The Python Journal',
    ])
    expect(await db.run(pipe(Publication.objects, filter({ article: a1 }), valuesList('title', { flat: true }), toArray))).toEqual(['The Python Journal'])
    expect(await db.run(pipe(Publication.objects, filter({ article__isnull: true }), count))).toBe(0)
    expect(await db.run(pipe(Article.objects, filter({ publications__title: 'Science News', headline__startswith: 'NASA' }), orderBy('-headline'), valuesList('headline', { flat: true }), toArray))).toEqual([
      a2.headline,
      a3.headline,
    ])
  })

  it('remove, set and clear keep the join table consistent', async () => {
    const { db } = ctx()
    await db.run(removeRelated(Article, a4, 'publications', [p2]))
    expect(await db.run(toArray(related(Article, a4, 'publications')))).toEqual([])
    expect(headlines(await db.run(toArray(related(Publication, p2, 'articleSet'))))).toEqual([a3.headline, a2.headline])
    await db.run(removeRelated(Publication, p2, 'articleSet', [a3.id]))
    expect(headlines(await db.run(toArray(related(Publication, p2, 'articleSet'))))).toEqual([a2.headline])
    await db.run(setRelated(Article, a4, 'publications', [p3]))
    expect(titles(await db.run(toArray(related(Article, a4, 'publications'))))).toEqual(['Science Weekly'])
    await db.run(setRelated(Article, a2, 'publications', [p1, p4]))
    expect(titles(await db.run(toArray(related(Article, a2, 'publications'))))).toEqual(['Highlights for Children', 'The Python Journal'])
    await db.run(setRelated(Publication, p2, 'articleSet', [a4, a3]))
    expect(headlines(await db.run(toArray(related(Publication, p2, 'articleSet'))))).toEqual([a3.headline, a4.headline])
    await db.run(clearRelated(Publication, p2, 'articleSet'))
    expect(titles(await db.run(toArray(related(Article, a4, 'publications'))))).toEqual(['Science Weekly'])
    await db.run(clearRelated(Article, a2, 'publications'))
    expect(await db.run(count(related(Article, a2, 'publications')))).toBe(0)
  })

  it('deleting either side deletes the pairs, counted under the join table', async () => {
    const { db } = ctx()
    expect(await db.run(deleteRow(Publication, p1))).toEqual({ total: 3, perModel: { Publication: 1, Article_publications: 2 } })
    expect(await db.run(toArray(related(Article, a1, 'publications')))).toEqual([])
    expect(await db.run(pipe(Article.objects, filter({ publications__title__startswith: 'Science' }), deleteAll))).toEqual({
      total: 8,
      perModel: { Article: 3, Article_publications: 5 },
    })
    expect(headlines(await db.run(toArray(Article.objects)))).toEqual([a1.headline])
  })

  it('errors: unsaved rows, single-valued names', async () => {
    const { db } = ctx()
    await expect(db.run(addRelated(Article, a1, 'publications', [{ title: 'unsaved' }]))).rejects.toBeInstanceOf(FieldError)
    await expect(db.run(toArray(related(Article, { headline: 'x' } as never, 'publications')))).rejects.toThrow(/needs to have a value for field 'id'/)
    await expect(db.run(addRelated(Article, a1, 'nope' as never, [p1]))).rejects.toThrow(/no relation named 'nope'/)
  })

  it('a self relation is symmetrical by default; symmetrical: false is not', async () => {
    const { db } = ctx()
    const [a, b, c, d] = await Promise.all(['Anne', 'Bob', 'Carl', 'Dora'].map((name) => db.run(create(Person, { name }))))
    await db.run(addRelated(Person, a, 'friends', [b, c]))
    expect(names(await db.run(toArray(related(Person, b, 'friends'))))).toEqual(['Anne'])
    expect(names(await db.run(toArray(related(Person, a, 'friends'))))).toEqual(['Bob', 'Carl'])
    await db.run(addRelated(Person, b, 'friends', [a]))
    expect(await db.run(count(related(Person, a, 'friends')))).toBe(2)
    await db.run(removeRelated(Person, c, 'friends', [a]))
    expect(names(await db.run(toArray(related(Person, a, 'friends'))))).toEqual(['Bob'])
    await db.run(setRelated(Person, d, 'friends', [a, b]))
    expect(names(await db.run(toArray(related(Person, a, 'friends'))))).toEqual(['Bob', 'Dora'])
    expect(names(await db.run(pipe(Person.objects, filter({ friends__friends__name: 'Anne' }), distinct(), toArray)))).toEqual(['Anne', 'Bob', 'Dora'])
    await db.run(clearRelated(Person, a, 'friends'))
    expect(names(await db.run(toArray(related(Person, b, 'friends'))))).toEqual(['Dora'])

    await db.run(addRelated(Person, a, 'idols', [c]))
    expect(names(await db.run(toArray(related(Person, a, 'idols'))))).toEqual(['Carl'])
    expect(await db.run(toArray(related(Person, c, 'idols')))).toEqual([])
    expect(names(await db.run(toArray(related(Person, c, 'fans'))))).toEqual(['Anne'])
    expect(names(await db.run(pipe(Person.objects, filter({ fans__name: 'Anne' }), toArray)))).toEqual(['Carl'])
  })

  it('through models: add with throughDefaults, lookups on the through fields, remove deletes through rows', async () => {
    const { db } = ctx()
    const [anne, bob] = await Promise.all(['Anne', 'Bob'].map((name) => db.run(create(Person, { name }))))
    const rock = await db.run(create(Group, { name: 'Rock' }))
    const jazz = await db.run(create(Group, { name: 'Jazz' }))
    await db.run(addRelated(Group, rock, 'members', [anne]))
    await db.run(addRelated(Group, rock, 'members', [bob], { throughDefaults: { role: 'lead' } }))
    await db.run(addRelated(Person, anne, 'groups', [jazz, rock]))
    expect(await db.run(count(Membership.objects))).toBe(3)
    expect(names(await db.run(toArray(related(Group, rock, 'members'))))).toEqual(['Anne', 'Bob'])
    expect(names(await db.run(toArray(related(Person, anne, 'groups'))))).toEqual(['Jazz', 'Rock'])
    expect(names(await db.run(pipe(Person.objects, filter({ membership__role: 'lead', groups__name: 'Rock' }), toArray)))).toEqual(['Bob'])
    expect(names(await db.run(pipe(Group.objects, filter({ members__name: 'Anne' }), toArray)))).toEqual(['Jazz', 'Rock'])
    await db.run(removeRelated(Group, rock, 'members', [anne]))
    expect(names(await db.run(toArray(related(Group, rock, 'members'))))).toEqual(['Bob'])
    await db.run(setRelated(Person, anne, 'groups', [rock]))
    expect(names(await db.run(toArray(related(Person, anne, 'groups'))))).toEqual(['Rock'])
    await db.run(clearRelated(Group, rock, 'members'))
    expect(await db.run(count(Membership.objects))).toBe(0)
    // Membership.group can't be NULL: its rows can't be detached from a group.
    await expect(db.run(removeRelated(Group, rock, 'membershipSet', [1]))).rejects.toBeInstanceOf(FieldError)
  })
})
