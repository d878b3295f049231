// prefetchRelated on every backend, after Django's tests/prefetch_related: one extra statement per
// level whatever the number of parents, forward and reverse relations, nested levels, Prefetch with
// custom querysets and toAttr, and the errors.
import { bulkCreate, count, create, f, FieldError, filter, get, model, orderBy, type Row, schema, stream, toArray, values } from '@fjord/core'
import { addRelated, foreignKey, manyToMany, oneToOne, Prefetch, prefetchRelated, selectRelated } from '@fjord/relations'
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, expectTypeOf, it } from 'vitest'
import { captureQueries, describeEachBackend } from '../helpers.js'

const models = schema({
  Book: model({ title: f.char({ maxLength: 255 }), authors: manyToMany('Author', { relatedName: 'books' }) }, { ordering: ['id'] }),
  Author: model({ name: f.char({ maxLength: 50 }), firstBook: foreignKey('Book', { onDelete: 'CASCADE', relatedName: 'firstTimeAuthors' }) }, { ordering: ['id'] }),
  Bio: model({ author: oneToOne('Author', { onDelete: 'CASCADE' }), text: f.text() }),
  Reader: model({ name: f.char({ maxLength: 50 }), booksRead: manyToMany('Book', { relatedName: 'readBy' }) }, { ordering: ['id'] }),
  // Many parents, few statements.
  Parent: model({ name: f.char({ maxLength: 20 }) }, { ordering: ['id'] }),
  Child: model({ parent: foreignKey('Parent', { onDelete: 'CASCADE' }), n: f.integer() }, { ordering: ['id'] }),
  Toy: model({ child: foreignKey('Child', { onDelete: 'CASCADE' }), label: f.char({ maxLength: 20 }) }, { ordering: ['id'] }),
})
const { Book, Author, Bio, Reader, Parent, Child, Toy } = models

const statements = (qs: readonly { readonly kind: string }[]) => qs.filter((q) => q.kind === 'query').length
const names = (rows: readonly { readonly name: string }[]) => rows.map((r) => r.name)

describeEachBackend('prefetchRelated', models, (ctx) => {
  beforeAll(async () => {
    const { db } = ctx()
    const [book1, book2, book3, book4] = await db.run(
      bulkCreate(Book, [{ title: 'Poems' }, { title: 'Jane Eyre' }, { title: 'Wuthering Heights' }, { title: 'Sense and Sensibility' }]),
    )
    const stored = await db.run(toArray(Book.objects))
    const [b1, b2, b3, b4] = book1.id === undefined ? stored : [book1, book2, book3, book4]
    const a1 = await db.run(create(Author, { name: 'Charlotte', firstBook: b1 }))
    const a2 = await db.run(create(Author, { name: 'Anne', firstBook: b1 }))
    const a3 = await db.run(create(Author, { name: 'Emily', firstBook: b1 }))
    const a4 = await db.run(create(Author, { name: 'Jane', firstBook: b4 }))
    await db.run(addRelated(Book, b1, 'authors', [a1, a2, a3]))
    await db.run(addRelated(Book, b2, 'authors', [a1]))
    await db.run(addRelated(Book, b3, 'authors', [a3]))
    await db.run(addRelated(Book, b4, 'authors', [a4]))
    const amy = await db.run(create(Reader, { name: 'Amy' }))
    const belinda = await db.run(create(Reader, { name: 'Belinda' }))
    await db.run(addRelated(Reader, amy, 'booksRead', [b1, b4]))
    await db.run(addRelated(Reader, belinda, 'booksRead', [b2, b4]))
    await db.run(create(Bio, { author: a1, text: 'Jane Eyre was her first novel.' }))
  })

  it('many-to-many forwards: two statements, rows in the target ordering', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Book.objects, prefetchRelated('authors'), toArray)))
    expect(statements(queries)).toBe(2)
    expect(result.map((b) => names(b.authors))).toEqual([['Charlotte', 'Anne', 'Emily'], ['Charlotte'], ['Emily'], ['Jane']])
    expectTypeOf(result[0].authors).toEqualTypeOf<Row<typeof Author>[]>()
  })

  it('many-to-many backwards, foreign keys both ways, reverse one-to-one', async () => {
    const { db } = ctx()
    const authors = await db.run(pipe(Author.objects, prefetchRelated('books', 'firstBook', 'bio'), toArray))
    expect(authors.map((a) => a.books.map((b) => b.title))).toEqual([['Poems', 'Jane Eyre'], ['Poems'], ['Poems', 'Wuthering Heights'], ['Sense and Sensibility']])
    expect(authors.map((a) => a.firstBook.title)).toEqual(['Poems', 'Poems', 'Poems', 'Sense and Sensibility'])
    expect(authors.map((a) => a.bio?.text ?? null)).toEqual(['Jane Eyre was her first novel.', null, null, null])
    expectTypeOf(authors[0].bio).toEqualTypeOf<Row<typeof Bio> | null>()
    const { result: books, queries } = await captureQueries(db, () => db.run(pipe(Book.objects, prefetchRelated('firstTimeAuthors'), toArray)))
    expect(statements(queries)).toBe(2)
    expect(books.map((b) => names(b.firstTimeAuthors))).toEqual([['Charlotte', 'Anne', 'Emily'], [], [], ['Jane']])
  })

  it('stream() prefetches chunk by chunk: one extra statement per chunk and level', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, async () => {
      const out: { title: string; authors: readonly { name: string }[] }[] = []
      for await (const b of stream(pipe(Book.objects, prefetchRelated('authors')), { chunkSize: 3 })(db)) out.push(b)
      return out
    })
    expect(result.map((b) => names(b.authors))).toEqual([['Charlotte', 'Anne', 'Emily'], ['Charlotte'], ['Emily'], ['Jane']])
    // Four books in chunks of three: two prefetch statements (each through the join table).
    expect(queries.filter((q) => q.kind === 'query' && q.sql.includes('book_authors')).length).toBe(2)
  })

  it('nested levels: one statement per level', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Author.objects, prefetchRelated('books__readBy'), toArray)))
    expect(statements(queries)).toBe(3)
    expect(result.map((a) => a.books.map((b) => names(b.readBy)))).toEqual([[['Amy'], ['Belinda']], [['Amy']], [['Amy'], []], [['Amy', 'Belinda']]])
    const { result: viaFk, queries: q2 } = await captureQueries(db, () => db.run(pipe(Author.objects, prefetchRelated('firstBook__readBy'), toArray)))
    expect(statements(q2)).toBe(3)
    expect(viaFk.map((a) => names(a.firstBook.readBy))).toEqual([['Amy'], ['Amy'], ['Amy'], ['Amy', 'Belinda']])
    // A level already asked for is not fetched twice.
    const { queries: q3 } = await captureQueries(db, () => db.run(pipe(Author.objects, prefetchRelated('books', 'books__readBy'), toArray)))
    expect(statements(q3)).toBe(3)
    const { result: one, queries: q4 } = await captureQueries(db, () => db.run(pipe(Author.objects, prefetchRelated('books__readBy'), get({ name: 'Charlotte' }))))
    expect(statements(q4)).toBe(3)
    expect(one.books.map((b) => b.title)).toEqual(['Poems', 'Jane Eyre'])
  })

  it('survives further combinators; values() ignores it', async () => {
    const { db } = ctx()
    const qs = pipe(Book.objects, prefetchRelated('authors'), filter({ title__startswith: 'P' }), orderBy('title'))
    const [poems] = await db.run(toArray(qs))
    expect(names(poems.authors)).toEqual(['Charlotte', 'Anne', 'Emily'])
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Book.objects, prefetchRelated('authors'), values('title'), toArray)))
    expect(result).toHaveLength(4)
    expect(statements(queries)).toBe(1)
    expect(await db.run(pipe(Book.objects, prefetchRelated('authors'), count))).toBe(4)
  })

  it('Prefetch: a custom queryset (filtered, ordered, with selectRelated) and toAttr', async () => {
    const { db } = ctx()
    const q = pipe(Author.objects, filter({ name__startswith: 'C' }), selectRelated('firstBook'))
    const { result, queries } = await captureQueries(db, () =>
      db.run(pipe(Book.objects, prefetchRelated(Prefetch('authors', { queryset: q, toAttr: 'cAuthors' }), Prefetch('readBy', { queryset: pipe(Reader.objects, orderBy('-name')) })), toArray)),
    )
    expect(statements(queries)).toBe(3)
    expect(result.map((b) => b.cAuthors.map((a) => [a.name, a.firstBook.title]))).toEqual([[['Charlotte', 'Poems']], [['Charlotte', 'Poems']], [], []])
    expect(result.map((b) => names(b.readBy))).toEqual([['Amy'], ['Belinda'], [], ['Belinda', 'Amy']])
    expect('authors' in result[0]).toBe(false)
    expectTypeOf(result[0].cAuthors[0].firstBook).toEqualTypeOf<Row<typeof Book>>()
    // Lookups may go on through a toAttr, and through rows that selectRelated loaded.
    const deep = await db.run(pipe(Book.objects, prefetchRelated(Prefetch('authors', { queryset: q, toAttr: 'cAuthors' }), 'cAuthors__books'), toArray))
    expect(deep[0].cAuthors.map((a) => a.books.map((b) => b.title))).toEqual([['Poems', 'Jane Eyre']])
    const { result: reused, queries: q2 } = await captureQueries(db, () => db.run(pipe(Author.objects, selectRelated('firstBook'), prefetchRelated('firstBook__authors'), toArray)))
    expect(statements(q2)).toBe(2)
    expect(names(reused[0].firstBook.authors)).toEqual(['Charlotte', 'Anne', 'Emily'])
  })

  it('errors: unknown names, non-relations, values() querysets, a level seen with another queryset', async () => {
    const { db } = ctx()
    await expect(db.run(pipe(Author.objects, prefetchRelated('books__xyz' as never), toArray))).rejects.toThrow(
      "Cannot find 'xyz' on Book object, 'books__xyz' is an invalid parameter to prefetchRelated().",
    )
    await expect(db.run(pipe(Book.objects, prefetchRelated('authors__name' as never), toArray))).rejects.toThrow(
      "'authors__name' does not resolve to an item that supports prefetching - this is an invalid parameter to prefetchRelated().",
    )
    expect(() => Prefetch('authors', { queryset: pipe(Author.objects, values('name')) })).toThrow(FieldError)
    const custom = Prefetch('authors', { queryset: pipe(Author.objects, filter({ name: 'Jane' })) })
    await expect(db.run(pipe(Book.objects, prefetchRelated('authors__books', custom), toArray))).rejects.toThrow(
      "'authors' lookup was already seen with a different queryset. You may need to adjust the ordering of your lookups.",
    )
    // @ts-expect-error not a relation
    pipe(Book.objects, prefetchRelated('title'))
    // @ts-expect-error no such relation below
    pipe(Author.objects, prefetchRelated('books__nope'))
  })

  it('1,000 parents, two levels: exactly 3 statements', async () => {
    const { db } = ctx()
    const parents = await db.run(bulkCreate(Parent, Array.from({ length: 1000 }, (_, i) => ({ name: `p${i}` }))))
    const stored = parents[0].id === undefined ? await db.run(toArray(Parent.objects)) : parents
    await db.run(bulkCreate(Child, stored.flatMap((p) => [{ parent: p.id, n: 1 }, { parent: p.id, n: 2 }])))
    const children = await db.run(toArray(Child.objects))
    await db.run(bulkCreate(Toy, children.filter((c) => c.n === 1).map((c) => ({ child: c.id, label: 'ball' }))))
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Parent.objects, prefetchRelated('childSet__toySet'), toArray)))
    expect(statements(queries)).toBe(3)
    expect(result).toHaveLength(1000)
    expect(result.every((p) => p.childSet.length === 2 && p.childSet[0].toySet.length === 1 && p.childSet[1].toySet.length === 0)).toBe(true)
    expect(result[999].childSet.map((c) => c.parentId)).toEqual([result[999].id, result[999].id])
  })

  it('parents past the parameter limit go in batches', async ({ skip }) => {
    const { db } = ctx()
    const limit = db.dialect.features.maxQueryParams
    // Filling a table past the limit is only reasonable where the limit is small.
    if (limit > 40_000) skip()
    await db.run(bulkCreate(Parent, Array.from({ length: limit + 1 }, (_, i) => ({ name: `q${i}` }))))
    const total = await db.run(count(Parent.objects))
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Parent.objects, prefetchRelated('childSet'), toArray)))
    expect(result).toHaveLength(total)
    expect(statements(queries)).toBe(1 + Math.ceil(total / (limit - 100)))
  })
})
