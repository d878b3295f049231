// prefetchRelated on every backend, after Django's tests/prefetch_related: one extra statement per
// level whatever the number of parents, forward and reverse relations, nested levels, Prefetch with
// custom querysets and toAttr, sliced querysets (the first rows of each parent), and the errors.
import { bulkCreate, count, create, f, FieldError, filter, get, model, orderBy, type Row, schema, slice, stream, toArray, union, values } from '@fjord/core'
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
  // Sliced prefetches: Volume has no Meta ordering (the primary key orders it), Member has one.
  Publisher: model({ name: f.char({ maxLength: 20 }) }),
  Shelf: model({ name: f.char({ maxLength: 20 }) }, { ordering: ['id'] }),
  Volume: model({
    shelf: foreignKey('Shelf', { onDelete: 'CASCADE', relatedName: 'volumes' }),
    title: f.char({ maxLength: 20 }),
    year: f.integer(),
    publisher: foreignKey('Publisher', { onDelete: 'CASCADE' }),
  }),
  Note: model({ volume: foreignKey('Volume', { onDelete: 'CASCADE', relatedName: 'notes' }), text: f.char({ maxLength: 20 }) }),
  Club: model({ name: f.char({ maxLength: 20 }), members: manyToMany('Member', { through: 'Membership', relatedName: 'clubs' }) }, { ordering: ['id'] }),
  Member: model({ name: f.char({ maxLength: 20 }) }, { ordering: ['name'] }),
  Membership: model({ club: foreignKey('Club', { onDelete: 'CASCADE' }), member: foreignKey('Member', { onDelete: 'CASCADE' }), joined: f.integer() }),
})
const { Book, Author, Bio, Reader, Parent, Child, Toy, Publisher, Shelf, Volume, Note, Club, Member, Membership } = models

const statements = (qs: readonly { readonly kind: string }[]) => qs.filter((q) => q.kind === 'query').length
const names = (rows: readonly { readonly name: string }[]) => rows.map((r) => r.name)
const titles = (rows: readonly { readonly title: string }[]) => rows.map((r) => r.title)

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

  it('errors: unknown names, non-relations, values() querysets, a level seen with another queryset, a sliced union', async () => {
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
    const combined = pipe(Author.objects, filter({ name: 'Jane' }), union(pipe(Author.objects, filter({ name: 'Anne' }))), slice(0, 1))
    await expect(db.run(pipe(Book.objects, prefetchRelated(Prefetch('authors', { queryset: combined })), toArray))).rejects.toThrow(
      'A sliced Prefetch queryset cannot be a combined query (union, intersection, difference).',
    )
    // @ts-expect-error not a relation
    pipe(Book.objects, prefetchRelated('title'))
    // @ts-expect-error no such relation below
    pipe(Author.objects, prefetchRelated('books__nope'))
  })

  beforeAll(async () => {
    const { db } = ctx()
    const zephyr = await db.run(create(Publisher, { name: 'Zephyr' }))
    const acme = await db.run(create(Publisher, { name: 'Acme' }))
    const fiction = await db.run(create(Shelf, { name: 'fiction' }))
    const poetry = await db.run(create(Shelf, { name: 'poetry' }))
    await db.run(create(Shelf, { name: 'empty' }))
    const volume = (shelf: Row<typeof Shelf>, title: string, year: number, publisher: Row<typeof Publisher>) => db.run(create(Volume, { shelf, title, year, publisher }))
    const emma = await volume(fiction, 'Emma', 1815, zephyr)
    await volume(fiction, 'Persuasion', 1817, acme)
    const dracula = await volume(fiction, 'Dracula', 1897, zephyr)
    const ulysses = await volume(fiction, 'Ulysses', 1922, acme)
    await volume(fiction, 'Middlemarch', 1871, acme)
    await volume(poetry, 'Leaves', 1855, zephyr)
    const ariel = await volume(poetry, 'Ariel', 1965, acme)
    const notes: [Row<typeof Volume>, string][] = [[dracula, 'n1'], [dracula, 'n2'], [ulysses, 'n3'], [ariel, 'n4'], [emma, 'n5']]
    for (const [v, text] of notes) await db.run(create(Note, { volume: v, text }))
    const chess = await db.run(create(Club, { name: 'chess' }))
    const rowing = await db.run(create(Club, { name: 'rowing' }))
    const member = (name: string) => db.run(create(Member, { name }))
    const [mia, ben, zoe, al] = [await member('Mia'), await member('Ben'), await member('Zoe'), await member('Al')]
    const joins: [Row<typeof Club>, Row<typeof Member>, number][] = [[chess, mia, 3], [chess, ben, 1], [chess, zoe, 2], [rowing, zoe, 1], [rowing, al, 2]]
    for (const [club, m, joined] of joins) await db.run(create(Membership, { club, member: m, joined }))
  })

  /** The titles of each shelf's volumes through a Prefetch of `queryset`, and the statements sent. */
  const volumesPerShelf = async (queryset: typeof Volume.objects) => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Shelf.objects, prefetchRelated(Prefetch('volumes', { queryset })), toArray)))
    return { titles: result.map((s) => titles(s.volumes)), statements: statements(queries), queries }
  }

  it('sliced Prefetch, reverse foreign key: the first rows of each parent in the queryset order, in one statement', async () => {
    const first = await volumesPerShelf(pipe(Volume.objects, orderBy('-year'), slice(0, 2)))
    expect(first.statements).toBe(2)
    expect(first.titles).toEqual([['Ulysses', 'Dracula'], ['Ariel', 'Leaves'], []])
    // slice(k): an offset alone; slice(a, b); by -pk; without any ordering, by the primary key.
    expect((await volumesPerShelf(pipe(Volume.objects, orderBy('title'), slice(2)))).titles).toEqual([['Middlemarch', 'Persuasion', 'Ulysses'], [], []])
    expect((await volumesPerShelf(pipe(Volume.objects, orderBy('-pk'), slice(1, 3)))).titles).toEqual([['Ulysses', 'Dracula'], ['Leaves'], []])
    expect((await volumesPerShelf(pipe(Volume.objects, slice(0, 2)))).titles).toEqual([['Emma', 'Persuasion'], ['Leaves', 'Ariel'], []])
    expect((await volumesPerShelf(pipe(Volume.objects, orderBy('title'), slice(0, 0)))).titles).toEqual([[], [], []])
    // Ordered by a related model's field (a join inside the numbered query).
    const byPublisher = await volumesPerShelf(pipe(Volume.objects, orderBy('-publisher__name', 'year'), slice(0, 3)))
    expect(byPublisher.statements).toBe(2)
    expect(byPublisher.titles).toEqual([['Emma', 'Dracula', 'Persuasion'], ['Leaves', 'Ariel'], []])
    // Filtered: the slice counts the rows the filter keeps, through a relation too.
    expect((await volumesPerShelf(pipe(Volume.objects, filter({ year__lt: 1900 }), orderBy('-year'), slice(0, 2)))).titles).toEqual([['Dracula', 'Middlemarch'], ['Leaves'], []])
    expect((await volumesPerShelf(pipe(Volume.objects, filter({ publisher__name: 'Acme' }), orderBy('title'), slice(1)))).titles).toEqual([['Persuasion', 'Ulysses'], [], []])
  })

  it('sliced Prefetch: each parent gets its rows in the queryset order, sliced as a list would be', async () => {
    for (const order of ['title', '-year', '-pk', 'publisher__name', '-publisher__name'] as const) {
      const whole = (await volumesPerShelf(pipe(Volume.objects, orderBy(order, 'pk')))).titles
      for (const [a, b] of [[0, 1], [1, 3], [2, undefined], [0, 10], [4, 5]] as const) {
        const sliced = await volumesPerShelf(pipe(Volume.objects, orderBy(order, 'pk'), slice(a, b)))
        expect(sliced.titles, `${order} [${a}:${b ?? ''}]`).toEqual(whole.map((t) => t.slice(a, b)))
      }
    }
  })

  it('sliced Prefetch: the bounds are bound parameters, and one plan serves every slice of a shape', async () => {
    const prefetch = (q: { sql: string }) => q.sql.includes('fjord_n')
    const one = (await volumesPerShelf(pipe(Volume.objects, orderBy('-year'), slice(1, 3)))).queries.find(prefetch)!
    const two = (await volumesPerShelf(pipe(Volume.objects, orderBy('-year'), slice(2, 4)))).queries.find(prefetch)!
    expect(two.sql).toBe(one.sql)
    expect(one.sql).toMatch(/ROW_NUMBER\(\) OVER \(PARTITION BY /)
    expect(one.sql).not.toMatch(/\blimit\b|\boffset\b/i)
    expect(one.parameters.slice(-2).map(Number)).toEqual([1, 3])
    expect(two.parameters.slice(-2).map(Number)).toEqual([2, 4])
  })

  it('sliced Prefetch with toAttr, beside the whole relation, and with selectRelated', async () => {
    const { db } = ctx()
    const newest = Prefetch('volumes', { queryset: pipe(Volume.objects, orderBy('-year'), slice(0, 1)), toAttr: 'newest' })
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Shelf.objects, prefetchRelated('volumes', newest), toArray)))
    expect(statements(queries)).toBe(3)
    expect(result.map((s) => titles(s.newest))).toEqual([['Ulysses'], ['Ariel'], []])
    expect(result.map((s) => s.volumes.length)).toEqual([5, 2, 0])
    expectTypeOf(result[0].newest).toEqualTypeOf<Row<typeof Volume>[]>()
    const withPublisher = await db.run(
      pipe(Shelf.objects, prefetchRelated(Prefetch('volumes', { queryset: pipe(Volume.objects, selectRelated('publisher'), orderBy('title'), slice(0, 1)) })), toArray),
    )
    expect(withPublisher.map((s) => s.volumes.map((v) => [v.title, v.publisher.name]))).toEqual([[['Dracula', 'Zephyr']], [['Ariel', 'Acme']], []])
  })

  it('sliced Prefetch, reverse foreign key with the Meta ordering, and forward foreign keys (one row, or none past it)', async () => {
    const { db } = ctx()
    const firstTwo = await db.run(pipe(Book.objects, prefetchRelated(Prefetch('firstTimeAuthors', { queryset: pipe(Author.objects, slice(0, 2)) })), toArray))
    expect(firstTwo.map((b) => names(b.firstTimeAuthors))).toEqual([['Charlotte', 'Anne'], [], [], ['Jane']])
    const rest = await db.run(pipe(Book.objects, prefetchRelated(Prefetch('firstTimeAuthors', { queryset: pipe(Author.objects, slice(1)) })), toArray))
    expect(rest.map((b) => names(b.firstTimeAuthors))).toEqual([['Anne', 'Emily'], [], [], []])
    const { result, queries } = await captureQueries(db, () =>
      db.run(pipe(Author.objects, prefetchRelated(Prefetch('firstBook', { queryset: pipe(Book.objects, orderBy('-title'), slice(0, 1)) })), toArray)),
    )
    expect(statements(queries)).toBe(2)
    expect(result.map((a) => a.firstBook.title)).toEqual(['Poems', 'Poems', 'Poems', 'Sense and Sensibility'])
    const past = await db.run(pipe(Volume.objects, prefetchRelated(Prefetch('shelf', { queryset: pipe(Shelf.objects, slice(1)) })), toArray))
    expect(past.map((v) => v.shelf as Row<typeof Shelf> | null)).toEqual(past.map(() => null))
  })

  it('sliced Prefetch, many-to-many both ways, through the automatic join table and through a model', async () => {
    const { db } = ctx()
    const { result: books, queries } = await captureQueries(db, () =>
      db.run(pipe(Book.objects, prefetchRelated(Prefetch('authors', { queryset: pipe(Author.objects, orderBy('-name'), slice(0, 2)) })), toArray)),
    )
    expect(statements(queries)).toBe(2)
    expect(books.map((b) => names(b.authors))).toEqual([['Emily', 'Charlotte'], ['Charlotte'], ['Emily'], ['Jane']])
    const authors = await db.run(pipe(Author.objects, prefetchRelated(Prefetch('books', { queryset: pipe(Book.objects, orderBy('title'), slice(1)) })), toArray))
    expect(authors.map((a) => titles(a.books))).toEqual([['Poems'], [], ['Wuthering Heights'], []])
    const readers = await db.run(pipe(Book.objects, prefetchRelated(Prefetch('readBy', { queryset: pipe(Reader.objects, orderBy('-name'), slice(0, 1)) })), toArray))
    expect(readers.map((b) => names(b.readBy))).toEqual([['Amy'], ['Belinda'], [], ['Belinda']])
    // Through a model: forwards with the target's Meta ordering, backwards by -name.
    const { result: clubs, queries: q2 } = await captureQueries(db, () =>
      db.run(pipe(Club.objects, prefetchRelated(Prefetch('members', { queryset: pipe(Member.objects, slice(0, 2)) })), toArray)),
    )
    expect(statements(q2)).toBe(2)
    expect(clubs.map((c) => names(c.members))).toEqual([['Ben', 'Mia'], ['Al', 'Zoe']])
    const members = await db.run(pipe(Member.objects, prefetchRelated(Prefetch('clubs', { queryset: pipe(Club.objects, orderBy('-name'), slice(0, 1)) })), toArray))
    expect(members.map((m) => [m.name, names(m.clubs)])).toEqual([['Al', ['rowing']], ['Ben', ['chess']], ['Mia', ['chess']], ['Zoe', ['rowing']]])
    const later = await db.run(pipe(Member.objects, prefetchRelated(Prefetch('clubs', { queryset: pipe(Club.objects, slice(1, 2)) })), toArray))
    expect(later.map((m) => names(m.clubs))).toEqual([[], [], [], ['rowing']])
  })

  it('sliced Prefetch with nested lookups: below a sliced level, sliced below, both; one statement per level', async () => {
    const { db } = ctx()
    const newestTwo = pipe(Volume.objects, orderBy('-year'), slice(0, 2))
    const texts = (rows: readonly { readonly text: string }[]) => rows.map((r) => r.text)
    const { result, queries } = await captureQueries(db, () => db.run(pipe(Shelf.objects, prefetchRelated(Prefetch('volumes', { queryset: newestTwo }), 'volumes__notes'), toArray)))
    expect(statements(queries)).toBe(3)
    expect(result.map((s) => s.volumes.map((v) => [v.title, texts(v.notes)]))).toEqual([[['Ulysses', ['n3']], ['Dracula', ['n1', 'n2']]], [['Ariel', ['n4']], ['Leaves', []]], []])
    // The sliced queryset's own prefetchRelated.
    const { result: own, queries: q2 } = await captureQueries(db, () =>
      db.run(pipe(Shelf.objects, prefetchRelated(Prefetch('volumes', { queryset: pipe(Volume.objects, prefetchRelated('notes'), orderBy('-year'), slice(0, 2)) })), toArray)),
    )
    expect(statements(q2)).toBe(3)
    expect(own.map((s) => s.volumes.map((v) => texts(v.notes)))).toEqual([[['n3'], ['n1', 'n2']], [['n4'], []], []])
    const lastNote = Prefetch('volumes__notes', { queryset: pipe(Note.objects, orderBy('-text'), slice(0, 1)) })
    const { result: below, queries: q3 } = await captureQueries(db, () => db.run(pipe(Shelf.objects, prefetchRelated('volumes', lastNote), toArray)))
    expect(statements(q3)).toBe(3)
    expect(below.map((s) => s.volumes.map((v) => texts(v.notes)))).toEqual([[['n5'], [], ['n2'], ['n3'], []], [[], ['n4']], []])
    const both = await db.run(pipe(Shelf.objects, prefetchRelated(Prefetch('volumes', { queryset: newestTwo }), lastNote), toArray))
    expect(both.map((s) => s.volumes.map((v) => texts(v.notes)))).toEqual([[['n3'], ['n2']], [['n4'], []], []])
    // Below a sliced many-to-many level, through a model.
    const { result: clubs, queries: q4 } = await captureQueries(db, () =>
      db.run(pipe(Club.objects, prefetchRelated(Prefetch('members', { queryset: pipe(Member.objects, slice(0, 1)) }), 'members__clubs'), toArray)),
    )
    expect(statements(q4)).toBe(3)
    expect(clubs.map((c) => c.members.map((m) => [m.name, names(m.clubs)]))).toEqual([[['Ben', ['chess']]], [['Al', ['rowing']]]])
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
    // Sliced: still one statement per level.
    const last = Prefetch('childSet', { queryset: pipe(Child.objects, orderBy('-n'), slice(0, 1)) })
    const { result: sliced, queries: q2 } = await captureQueries(db, () => db.run(pipe(Parent.objects, prefetchRelated(last, 'childSet__toySet'), toArray)))
    expect(statements(q2)).toBe(3)
    expect(sliced.every((p) => p.childSet.length === 1 && p.childSet[0].n === 2 && p.childSet[0].toySet.length === 0)).toBe(true)
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
    const sliced = Prefetch('childSet', { queryset: pipe(Child.objects, orderBy('-n'), slice(0, 1)) })
    const { result: firsts, queries: q2 } = await captureQueries(db, () => db.run(pipe(Parent.objects, prefetchRelated(sliced), toArray)))
    expect(statements(q2)).toBe(1 + Math.ceil(total / (limit - 100)))
    const withChildren = firsts.filter((p) => p.childSet.length > 0)
    expect(withChildren).toHaveLength(1000)
    expect(withChildren.every((p) => p.childSet.length === 1 && p.childSet[0].n === 2)).toBe(true)
  })
})
