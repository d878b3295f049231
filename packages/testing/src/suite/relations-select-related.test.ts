// selectRelated on every backend, after Django's tests/select_related (the taxonomy) and
// tests/null_fk: one statement, nested rows, LEFT JOIN for nullable relations (and below them).
import { count, create, type Db, defer, f, FieldError, filter, get, model, only, orderBy, type Row, schema, slice, toArray, toSql, values } from '@fjord/core'
import { foreignKey, selectRelated } from '@fjord/relations'
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, expectTypeOf, it } from 'vitest'
import { captureQueries, describeEachBackend } from '../helpers.js'

const statements = (qs: readonly { readonly kind: string }[]) => qs.filter((q) => q.kind === 'query').length

const levels = ['Domain', 'Kingdom', 'Phylum', 'Klass', 'Order', 'Family', 'Genus', 'Species'] as const

const models = schema({
  Domain: model({ name: f.char({ maxLength: 50 }) }),
  Kingdom: model({ name: f.char({ maxLength: 50 }), domain: foreignKey('Domain', { onDelete: 'CASCADE' }) }),
  Phylum: model({ name: f.char({ maxLength: 50 }), kingdom: foreignKey('Kingdom', { onDelete: 'CASCADE' }) }),
  Klass: model({ name: f.char({ maxLength: 50 }), phylum: foreignKey('Phylum', { onDelete: 'CASCADE' }) }),
  Order: model({ name: f.char({ maxLength: 50 }), klass: foreignKey('Klass', { onDelete: 'CASCADE' }) }),
  Family: model({ name: f.char({ maxLength: 50 }), order: foreignKey('Order', { onDelete: 'CASCADE' }) }),
  Genus: model({ name: f.char({ maxLength: 50 }), family: foreignKey('Family', { onDelete: 'CASCADE' }) }),
  Species: model({ name: f.char({ maxLength: 50 }), genus: foreignKey('Genus', { onDelete: 'CASCADE' }) }),
  // null_fk: a chain whose first link may be missing.
  SystemInfo: model({ systemName: f.char({ maxLength: 32 }) }),
  Forum: model({ systemInfo: foreignKey('SystemInfo', { onDelete: 'CASCADE' }), forumName: f.char({ maxLength: 32 }) }),
  Post: model({ forum: foreignKey('Forum', { onDelete: 'CASCADE', null: true }), title: f.char({ maxLength: 32 }) }),
  Comment: model({ post: foreignKey('Post', { onDelete: 'CASCADE', null: true }), commentText: f.char({ maxLength: 250 }) }),
})
const { Species, Genus, Domain, SystemInfo, Forum, Post, Comment } = models

/** Django's create_tree: one row per level, reusing the rows already there. */
const createTree = async (db: Db, names: string) => {
  let parent: { id: number } | null = null
  const parts = names.split(' ')
  for (let i = 0; i < levels.length; i++) {
    const name = parts[i]
    const m = models[levels[i]] as typeof Domain
    const fk: Record<string, number> = i === 0 ? {} : { [levels[i - 1].toLowerCase()]: parent!.id }
    const found = await db.run(pipe(m.objects, filter({ name } as never), toArray))
    parent = found[0] ?? (await db.run(create(m, { name, ...fk } as never)))
  }
}

describeEachBackend('selectRelated', models, (ctx) => {
  beforeAll(async () => {
    const { db } = ctx()
    await createTree(db, 'Eukaryota Animalia Anthropoda Insecta Diptera Drosophilidae Drosophila melanogaster')
    await createTree(db, 'Eukaryota Animalia Chordata Mammalia Primates Hominidae Homo sapiens')
    await createTree(db, 'Eukaryota Plantae Magnoliophyta Magnoliopsida Fabales Fabaceae Pisum sativum')
    await createTree(db, 'Eukaryota Fungi Basidiomycota Homobasidiomycatae Agaricales Amanitacae Amanita muscaria')
  })

  it('follows seven foreign keys in one statement', async () => {
    const { db } = ctx()
    const qs = pipe(Species.objects, selectRelated('genus__family__order__klass__phylum__kingdom__domain'), get({ name: 'sapiens' }))
    const { result: sapiens, queries } = await captureQueries(db, () => db.run(qs))
    expect(statements(queries)).toBe(1)
    expect(sapiens.genus.family.order.klass.phylum.kingdom.domain.name).toBe('Eukaryota')
    expect(sapiens.genus.name).toBe('Homo')
    expect(sapiens.genus.family.name).toBe('Hominidae')
    expectTypeOf(sapiens.genus.family.order.klass.phylum.kingdom.domain).toEqualTypeOf<Row<typeof Domain>>()
  })

  it('lists rows with their nested rows, in one statement', async () => {
    const { db } = ctx()
    const world = pipe(Species.objects, selectRelated('genus__family'), orderBy('id'), toArray)
    const { result: rows, queries } = await captureQueries(db, () => db.run(world))
    expect(statements(queries)).toBe(1)
    expect(rows.map((s) => s.genus.family.name)).toEqual(['Drosophilidae', 'Hominidae', 'Fabaceae', 'Amanitacae'])
    // Chained calls add up.
    const chained = await db.run(pipe(Species.objects, selectRelated('genus'), selectRelated('genus__family'), orderBy('id'), toArray))
    expect(chained.map((s) => [s.genus.name, s.genus.family.name])).toEqual([
      ['Drosophila', 'Drosophilidae'],
      ['Homo', 'Hominidae'],
      ['Pisum', 'Fabaceae'],
      ['Amanita', 'Amanitacae'],
    ])
  })

  it('without names: every non-null foreign key, to five levels', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Species.objects, selectRelated(), get({ name: 'sapiens' }))))
    expect(statements(queries)).toBe(1)
    const phylum = result.genus.family.order.klass.phylum
    expect(phylum.name).toBe('Chordata')
    expect('kingdom' in phylum).toBe(false)
    // A nullable foreign key is not followed.
    expect(toSql(pipe(Comment.objects, selectRelated()))(db).sql).not.toMatch(/join/i)
    expect(toSql(pipe(Forum.objects, selectRelated()))(db).sql).toMatch(/inner join/i)
  })

  it('combines with filters, ordering and slices across the same relations', async () => {
    const { db } = ctx()
    const amanita = await db.run(pipe(Species.objects, filter({ genus__name: 'Amanita' }), selectRelated('genus__family'), toArray))
    expect(amanita.map((s) => s.genus.family.name)).toEqual(['Amanitacae'])
    const first = await db.run(pipe(Species.objects, selectRelated('genus__family__order'), orderBy('id'), slice(0, 1), get()))
    expect(first.genus.family.order.name).toBe('Diptera')
    const byFamily = await db.run(pipe(Species.objects, selectRelated('genus__family'), orderBy('-genus__family__name'), toArray))
    expect(byFamily.map((s) => s.genus.family.name)).toEqual(['Hominidae', 'Fabaceae', 'Drosophilidae', 'Amanitacae'])
  })

  it('is ignored by values() and count()', async () => {
    const { db } = ctx()
    expect(await db.run(pipe(Species.objects, selectRelated('genus'), values('name'), filter({ name: 'sapiens' }), toArray))).toEqual([{ name: 'sapiens' }])
    expect(await db.run(pipe(Species.objects, selectRelated('genus__family'), count))).toBe(4)
  })

  it('errors name the bad part and the choices (when the QuerySet runs)', async () => {
    const { db } = ctx()
    await expect(db.run(pipe(Species.objects, selectRelated('name' as never), toArray))).rejects.toThrow(
      "Non-relational field given in selectRelated: 'name'. Choices are: genus.",
    )
    await expect(db.run(pipe(Species.objects, selectRelated('genus__name' as never), toArray))).rejects.toThrow(
      "Non-relational field given in selectRelated: 'name'. Choices are: family.",
    )
    await expect(db.run(pipe(Species.objects, selectRelated('invalidField' as never), toArray))).rejects.toThrow(
      "Invalid field name(s) given in selectRelated: 'invalidField'. Choices are: genus.",
    )
    // A multi-valued relation can't be joined into one row per row: prefetchRelated is for those.
    await expect(db.run(pipe(Domain.objects, selectRelated('kingdomSet' as never), toArray))).rejects.toBeInstanceOf(FieldError)
    // @ts-expect-error not a relation
    pipe(Species.objects, selectRelated('name'))
    // @ts-expect-error not a single-valued relation
    pipe(Genus.objects, selectRelated('speciesSet'))
  })

  it('only() and defer() narrow the related rows too (Django\'s select_related with only/defer)', async () => {
    const { db } = ctx()
    const q = pipe(Species.objects, selectRelated('genus__family'), only('name', 'genus__name', 'genus__family__name'), filter({ name: 'sapiens' }))
    const { result, queries } = await captureQueries(db, () => db.run(toArray(q)))
    expect(statements(queries)).toBe(1)
    expect(result).toEqual([{ id: expect.any(Number), name: 'sapiens', genusId: expect.any(Number), genus: { id: expect.any(Number), name: 'Homo', familyId: expect.any(Number), family: { id: expect.any(Number), name: 'Hominidae' } } }])
    expectTypeOf(result[0].genus.family).toEqualTypeOf<{ readonly id: number; readonly name: string }>()
    const d = await db.run(pipe(Species.objects, selectRelated('genus'), defer('genus__name'), filter({ name: 'sapiens' }), toArray))
    expect(Object.keys(d[0].genus).sort()).toEqual(['familyId', 'id'])
    expect(d[0].name).toBe('sapiens')
    expectTypeOf(d[0].genus).toEqualTypeOf<{ readonly id: number; readonly familyId: number }>()
    // A relation left out by only() (or deferred) can't be followed by selectRelated.
    await expect(db.run(pipe(Species.objects, selectRelated('genus'), only('name'), toArray))).rejects.toThrow(/cannot be both deferred and traversed/)
    await expect(db.run(pipe(Species.objects, selectRelated('genus'), defer('genus'), toArray))).rejects.toBeInstanceOf(FieldError)
    // @ts-expect-error not a field or a path of Species
    pipe(Species.objects, only('genus__nmae'))
  })

  it('nullable relations: LEFT JOIN (and below), null where missing', async () => {
    const { db } = ctx()
    const si = await db.run(create(SystemInfo, { systemName: 'First forum' }))
    const forum = await db.run(create(Forum, { systemInfo: si, forumName: 'First forum' }))
    const post = await db.run(create(Post, { forum, title: 'First Post' }))
    const c1 = await db.run(create(Comment, { post, commentText: 'My first comment' }))
    const c2 = await db.run(create(Comment, { commentText: 'My second comment' }))
    const qs = pipe(Comment.objects, selectRelated('post__forum__systemInfo'), orderBy('id'))
    const { sql } = toSql(qs)(db)
    expect(sql.match(/left (outer )?join/gi)).toHaveLength(3)
    const { result: typed, queries } = await captureQueries(db, () => db.run(toArray(qs)))
    expect(statements(queries)).toBe(1)
    expect(typed[0].post?.forum?.systemInfo.systemName).toBe('First forum')
    expect(typed[0].id).toBe(c1.id)
    expect(typed[1]).toEqual({ id: c2.id, postId: null, commentText: 'My second comment', post: null })
    expectTypeOf(typed[0].post).toEqualTypeOf<{
      readonly id: number
      readonly forumId: number | null
      readonly title: string
      readonly forum: {
        readonly id: number
        readonly systemInfoId: number
        readonly forumName: string
        readonly systemInfo: { readonly id: number; readonly systemName: string }
      } | null
    } | null>()
    // A non-nullable relation is an INNER JOIN.
    expect(toSql(pipe(Forum.objects, selectRelated('systemInfo')))(db).sql).toMatch(/inner join/i)
  })
})
