// Many-to-many join tables on SQLite: names, DDL, lookups both ways, and deletion of pairs.
import { count, create, deleteAll, deleteRow, f, filter, model, orderBy, pipe, schema, toArray, toSql, valuesList, exclude, FieldError } from '@fjord/core'
import { createTables, sqlCreateTables } from '@fjord/migrate'
import { sqlite } from '@fjord/sqlite'
import { describe, expect, it } from 'vitest'
import { foreignKey, joinTableOf, manyToMany } from './index.js'

const s = schema({
  Publication: model({ title: f.char({ maxLength: 30 }) }),
  Article: model({
    headline: f.char({ maxLength: 100 }),
    publications: manyToMany('Publication'),
  }),
  Person: model({
    name: f.char({ maxLength: 20 }),
    friends: manyToMany('self'),
    idols: manyToMany('self', { symmetrical: false, relatedName: 'fans' }),
  }),
  Group: model({ name: f.char({ maxLength: 20 }), members: manyToMany('Person', { through: 'Membership', relatedName: 'groups' }) }),
  Membership: model({
    person: foreignKey('Person', { onDelete: 'CASCADE' }),
    group: foreignKey('Group', { onDelete: 'CASCADE' }),
    role: f.char({ maxLength: 20, default: 'member' }),
  }),
})
const { Publication, Article, Person, Group, Membership } = s

const pair = async (db: ReturnType<typeof sqlite>, table: string, a: string, b: string, x: number, y: number) =>
  db.execute(`INSERT INTO "${table}" ("${a}", "${b}") VALUES (?, ?)`, [x, y], { returnsRows: false })

describe('join tables', () => {
  it('are named after the table and field, with a column per side', () => {
    const jt = joinTableOf(Article, Article.meta.fieldMap.get('publications')!)
    expect([jt.table, jt.sourceColumn, jt.targetColumn, jt.symmetrical]).toEqual(['article_publications', 'article_id', 'publication_id', false])
    const friends = joinTableOf(Person, Person.meta.fieldMap.get('friends')!)
    expect([friends.table, friends.sourceColumn, friends.targetColumn, friends.symmetrical]).toEqual(['person_friends', 'from_person_id', 'to_person_id', true])
    expect(joinTableOf(Person, Person.meta.fieldMap.get('idols')!).symmetrical).toBe(false)
    const members = joinTableOf(Group, Group.meta.fieldMap.get('members')!)
    expect([members.table, members.sourceColumn, members.targetColumn, members.through]).toEqual(['membership', 'group_id', 'person_id', Membership])
  })

  it('reverse names: none for a symmetrical many-to-many', () => {
    expect(Person.meta.reverse.map((r) => r.accessor).sort()).toEqual(['fans', 'groups', 'membershipSet'])
    expect(Publication.meta.reverse.map((r) => [r.accessor, r.queryName])).toEqual([['articleSet', 'article']])
  })

  it('DDL: a unique pair, foreign keys, created after both tables', () => {
    const db = sqlite()
    const ddl = sqlCreateTables(s)(db)
    expect(ddl).toContain('CREATE TABLE "article_publications"')
    expect(ddl).toMatch(/"article_id" bigint NOT NULL REFERENCES "article" \("id"\)/)
    expect(ddl).toMatch(/UNIQUE \("article_id", "publication_id"\)/)
    expect(ddl).toContain('CREATE TABLE "person_friends"')
    expect(ddl).not.toContain('CREATE TABLE "group_members"')
    expect(ddl.indexOf('CREATE TABLE "article_publications"')).toBeGreaterThan(ddl.indexOf('CREATE TABLE "publication"'))
  })

  it('through models need unambiguous foreign keys', () => {
    expect(() =>
      schema({
        A: model({ bs: manyToMany('B', { through: 'T' }) }),
        B: model({ name: f.char({ maxLength: 5 }) }),
        T: model({ a: foreignKey('A', { onDelete: 'CASCADE' }), b1: foreignKey('B', { onDelete: 'CASCADE' }), b2: foreignKey('B', { onDelete: 'CASCADE' }) }),
      }),
    ).toThrow(/T has 2 foreign keys to B/)
    expect(() =>
      schema({
        A: model({ bs: manyToMany('B', { through: 'T', throughFields: ['a', 'nope'] }) }),
        B: model({ name: f.char({ maxLength: 5 }) }),
        T: model({ a: foreignKey('A', { onDelete: 'CASCADE' }), b: foreignKey('B', { onDelete: 'CASCADE' }) }),
      }),
    ).toThrow(FieldError)
  })

  it('lookups cross the join table both ways; deletes remove the pairs', async () => {
    const db = sqlite()
    await db.run(createTables(s))
    const p1 = await db.run(create(Publication, { title: 'The Python Journal' }))
    const p2 = await db.run(create(Publication, { title: 'Science News' }))
    const a1 = await db.run(create(Article, { headline: 'Django lets you build web apps easily' }))
    const a2 = await db.run(create(Article, { headline: 'NASA uses Python' }))
    await pair(db, 'article_publications', 'article_id', 'publication_id', a1.id, p1.id)
    await pair(db, 'article_publications', 'article_id', 'publication_id', a2.id, p1.id)
    await pair(db, 'article_publications', 'article_id', 'publication_id', a2.id, p2.id)
    const headlines = (qs: Parameters<typeof toArray>[0]) => db.run(pipe(qs, orderBy('headline'), valuesList('headline', { flat: true }), toArray))
    expect(await headlines(pipe(Article.objects, filter({ publications__title__startswith: 'Science' })) as never)).toEqual(['NASA uses Python'])
    expect(await headlines(pipe(Article.objects, filter({ publications: p1.id })) as never)).toEqual(['Django lets you build web apps easily', 'NASA uses Python'])
    expect(await headlines(pipe(Article.objects, filter({ publications__in: [p2.id] })) as never)).toEqual(['NASA uses Python'])
    expect(await headlines(pipe(Article.objects, exclude({ publications: p2.id })) as never)).toEqual(['Django lets you build web apps easily'])
    // `publications__in` needs only the join table.
    const { sql } = toSql(pipe(Article.objects, filter({ publications__in: [p2.id] })))(db)
    expect(sql).toContain('"article_publications"')
    expect(sql).not.toContain('join "publication"')
    expect(await db.run(pipe(Publication.objects, filter({ article__headline__contains: 'NASA' }), count))).toBe(2)
    expect(await db.run(pipe(Publication.objects, filter({ article__headline__contains: 'NASA' }), valuesList('title', { flat: true }), orderBy('title'), toArray))).toEqual([
      'Science News',
      'The Python Journal',
    ])
    expect(await db.run(deleteRow(Publication, p1))).toEqual({ total: 3, perModel: { Publication: 1, Article_publications: 2 } })
    expect(await db.run(pipe(Article.objects, deleteAll))).toEqual({ total: 3, perModel: { Article: 2, Article_publications: 1 } })
  })

  it('self and through many-to-many lookups', async () => {
    const db = sqlite()
    await db.run(createTables(s))
    const [anne, bob, carl] = await Promise.all(['Anne', 'Bob', 'Carl'].map((name) => db.run(create(Person, { name }))))
    for (const [a, b] of [
      [anne, bob],
      [bob, anne],
      [bob, carl],
      [carl, bob],
    ]) {
      await pair(db, 'person_friends', 'from_person_id', 'to_person_id', a.id, b.id)
    }
    await pair(db, 'person_idols', 'from_person_id', 'to_person_id', anne.id, carl.id)
    const names = (qs: unknown) => db.run(pipe(qs as typeof Person.objects, orderBy('name'), valuesList('name', { flat: true }), toArray))
    expect(await names(pipe(Person.objects, filter({ friends__name: 'Bob' })))).toEqual(['Anne', 'Carl'])
    expect(await names(pipe(Person.objects, filter({ friends__friends__name: 'Anne' })))).toEqual(['Anne', 'Carl'])
    expect(await names(pipe(Person.objects, filter({ idols__name: 'Carl' })))).toEqual(['Anne'])
    expect(await names(pipe(Person.objects, filter({ fans__name: 'Anne' })))).toEqual(['Carl'])
    const g = await db.run(create(Group, { name: 'Rock' }))
    await db.run(create(Membership, { person: anne, group: g, role: 'lead' }))
    expect(await names(pipe(Person.objects, filter({ groups__name: 'Rock' })))).toEqual(['Anne'])
    expect(await db.run(pipe(Group.objects, filter({ members__name: 'Anne', membership__role: 'lead' }), count))).toBe(1)
    expect(await db.run(deleteRow(Person, bob))).toEqual({ total: 5, perModel: { Person: 1, Person_friends: 4 } })
  })
})
