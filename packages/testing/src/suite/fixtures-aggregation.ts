// The models and rows of Django's tests/aggregation: nine authors, five publishers, six books, three
// stores, with the many-to-many links (book authors, store books, author friends). `Award` is ours:
// a second reverse foreign key on Publisher, for aggregates over two multi-valued relations.
import { create, type Db, f, model, type Row, schema } from '@fjord/core'
import { addRelated, foreignKey, manyToMany } from '@fjord/relations'

export const { Author, Publisher, Book, Store, Award } = schema({
  Author: model(
    {
      name: f.char({ maxLength: 100 }),
      age: f.integer(),
      friends: manyToMany('self'),
    },
    { dbTable: 'aggregation_author' },
  ),
  Publisher: model(
    {
      name: f.char({ maxLength: 255 }),
      numAwards: f.integer(),
      duration: f.duration({ null: true }),
    },
    { dbTable: 'aggregation_publisher' },
  ),
  Book: model(
    {
      isbn: f.char({ maxLength: 9 }),
      name: f.char({ maxLength: 255 }),
      pages: f.integer(),
      rating: f.float(),
      price: f.decimal({ maxDigits: 6, decimalPlaces: 2 }),
      authors: manyToMany('Author'),
      contact: foreignKey('Author', { onDelete: 'CASCADE', relatedName: 'bookContactSet' }),
      publisher: foreignKey('Publisher', { onDelete: 'CASCADE' }),
      pubdate: f.date(),
    },
    { dbTable: 'aggregation_book' },
  ),
  Store: model(
    {
      name: f.char({ maxLength: 255 }),
      books: manyToMany('Book'),
      originalOpening: f.dateTime(),
      fridayNightClosing: f.time(),
    },
    { dbTable: 'aggregation_store' },
  ),
  Award: model(
    {
      publisher: foreignKey('Publisher', { onDelete: 'CASCADE' }),
      year: f.integer(),
      prize: f.decimal({ maxDigits: 8, decimalPlaces: 2 }),
    },
    { dbTable: 'aggregation_award' },
  ),
})

/** Parents first, as createTables and truncate want them. */
export const aggregationModels = [Author, Publisher, Book, Store, Award] as const

const DAY = 86_400_000

/** Django's setUpTestData rows, with the many-to-many links. */
export const seedAggregation = async (db: Db) => {
  const author = (name: string, age: number) => db.run(create(Author, { name, age }))
  const a1 = await author('Adrian Holovaty', 34)
  const a2 = await author('Jacob Kaplan-Moss', 35)
  const a3 = await author('Brad Dayley', 45)
  const a4 = await author('James Bennett', 29)
  const a5 = await author('Jeffrey Forcier', 37)
  const a6 = await author('Paul Bissex', 29)
  const a7 = await author('Wesley J. Chun', 25)
  const a8 = await author('Peter Norvig', 57)
  const a9 = await author('Stuart Russell', 46)
  const p1 = await db.run(create(Publisher, { name: 'Apress', numAwards: 3, duration: DAY }))
  const p2 = await db.run(create(Publisher, { name: 'Sams', numAwards: 1, duration: 2 * DAY }))
  const p3 = await db.run(create(Publisher, { name: 'Prentice Hall', numAwards: 7 }))
  const p4 = await db.run(create(Publisher, { name: 'Morgan Kaufmann', numAwards: 9 }))
  const p5 = await db.run(create(Publisher, { name: "Jonno's House of Books", numAwards: 0 }))
  const book = (isbn: string, name: string, pages: number, rating: number, price: string, contact: Row<typeof Author>, publisher: Row<typeof Publisher>, pubdate: string) =>
    db.run(create(Book, { isbn, name, pages, rating, price, contact, publisher, pubdate }))
  const b1 = await book('159059725', 'The Definitive Guide to Django: Web Development Done Right', 447, 4.5, '30.00', a1, p1, '2007-12-06')
  const b2 = await book('067232959', 'Sams Teach Yourself Django in 24 Hours', 528, 3.0, '23.09', a3, p2, '2008-03-03')
  const b3 = await book('159059996', 'Practical Django Projects', 300, 4.0, '29.69', a4, p1, '2008-06-23')
  const b4 = await book('013235613', 'Python Web Development with Django', 350, 4.0, '29.69', a5, p3, '2008-11-03')
  const b5 = await book('013790395', 'Artificial Intelligence: A Modern Approach', 1132, 4.0, '82.80', a8, p3, '1995-01-15')
  const b6 = await book(
    '155860191',
    'Paradigms of Artificial Intelligence Programming: Case Studies in Common Lisp',
    946,
    5.0,
    '75.00',
    a8,
    p4,
    '1991-10-15',
  )
  const store = (name: string, opening: string, closing: string) =>
    db.run(create(Store, { name, originalOpening: new Date(`${opening}Z`), fridayNightClosing: closing }))
  const s1 = await store('Amazon.com', '1994-04-23T09:17:42', '23:59:59')
  const s2 = await store('Books.com', '2001-03-15T11:23:37', '23:59:59')
  const s3 = await store("Mamma and Pappa's Books", '1945-04-25T16:24:14', '21:30:00')
  // Our addition: awards of two publishers (Apress three, Prentice Hall one).
  const award = (publisher: Row<typeof Publisher>, year: number, prize: string) => db.run(create(Award, { publisher, year, prize }))
  await award(p1, 2005, '1000.00')
  await award(p1, 2007, '250.50')
  await award(p1, 2008, '99.99')
  await award(p3, 2008, '500.00')
  // Friendship is symmetrical: adding one side adds the other.
  const friends = (a: Row<typeof Author>, ...others: Row<typeof Author>[]) => db.run(addRelated(Author, a, 'friends', others))
  await friends(a1, a2, a4)
  await friends(a2, a1, a7)
  await friends(a4, a1)
  await friends(a5, a6, a7)
  await friends(a6, a5, a7)
  await friends(a7, a2, a5, a6)
  await friends(a8, a9)
  await friends(a9, a8)
  const authors = (b: Row<typeof Book>, ...as: Row<typeof Author>[]) => db.run(addRelated(Book, b, 'authors', as))
  await authors(b1, a1, a2)
  await authors(b2, a3)
  await authors(b3, a4)
  await authors(b4, a5, a6, a7)
  await authors(b5, a8, a9)
  await authors(b6, a8)
  const books = (st: Row<typeof Store>, ...bs: Row<typeof Book>[]) => db.run(addRelated(Store, st, 'books', bs))
  await books(s1, b1, b2, b3, b4, b5, b6)
  await books(s2, b1, b3, b5, b6)
  await books(s3, b3, b4, b6)
  return { a1, a2, a3, a4, a5, a6, a7, a8, a9, p1, p2, p3, p4, p5, b1, b2, b3, b4, b5, b6, s1, s2, s3 }
}
export type AggregationRows = Awaited<ReturnType<typeof seedAggregation>>

/** Names of the rows, in order. */
export const names = (rows: readonly { readonly name: string }[]): string[] => rows.map((r) => r.name)
