// Models and helpers for the writing, validation and safety suites. Each suite creates only the
// models it names, so the schemas below are grouped by the suite that uses them.
import { type Db, f, F, type Features, isOrmError, model, Q, schema } from '@fjord/core'
import { foreignKey } from '@fjord/relations'

let ticket = 0
/** A fresh value for callable defaults: each call gives the next number. */
export const nextTicket = (): number => ++ticket

/** Every scalar field type, nullable so a row can also be all NULL. */
export const typeModels = schema({
  Sample: model({
    title: f.char({ maxLength: 30, null: true }),
    body: f.text({ null: true }),
    slug: f.slug({ null: true }),
    email: f.email({ null: true }),
    website: f.url({ null: true }),
    smallNum: f.smallInteger({ null: true }),
    intNum: f.integer({ null: true }),
    bigNum: f.bigInteger({ null: true }),
    posNum: f.positiveInteger({ null: true }),
    posSmallNum: f.positiveSmallInteger({ null: true }),
    ratio: f.float({ null: true }),
    price: f.decimal({ maxDigits: 7, decimalPlaces: 2, null: true }),
    active: f.boolean({ null: true }),
    birthday: f.date({ null: true }),
    seenAt: f.dateTime({ null: true }),
    alarm: f.time({ null: true }),
    elapsed: f.duration({ null: true }),
    token: f.uuid({ null: true }),
    payload: f.json({ null: true }),
    data: f.binary({ null: true }),
  }),
})

/** Defaults of every kind, timestamps, an explicit primary key, Meta str. */
export const createModels = schema({
  Article: model(
    {
      headline: f.char({ maxLength: 100, default: 'Default headline' }),
      pubDate: f.dateTime(),
      views: f.integer({ default: 0 }),
      ticket: f.integer({ default: nextTicket }),
      tags: f.json({ default: () => ({ names: [] as string[] }) }),
      summary: f.text({ null: true }),
    },
    { str: (a: { headline: string }) => a.headline },
  ),
  Stamped: model({
    name: f.char({ maxLength: 20 }),
    created: f.dateTime({ autoNowAdd: true }),
    modified: f.dateTime({ autoNow: true }),
    createdOn: f.date({ autoNowAdd: true }),
  }),
  Plain: model({ label: f.char({ maxLength: 20 }) }),
  Code: model({ code: f.char({ maxLength: 2, primaryKey: true }), name: f.char({ maxLength: 40 }) }),
  Big: model({ id: f.bigAuto(), label: f.char({ maxLength: 10 }) }),
})

/** Models in the spirit of Django's tests/bulk_create and tests/queries/test_bulk_update. */
export const bulkModels = schema({
  Country: model({
    name: f.char({ maxLength: 255 }),
    isoTwoLetter: f.char({ maxLength: 2 }),
    description: f.text({ default: '' }),
  }),
  TwoFields: model({
    f1: f.integer({ unique: true }),
    f2: f.integer({ unique: true }),
    name: f.char({ maxLength: 15, null: true }),
  }),
  NoFields: model({}),
  Wide: model({
    a: f.integer(),
    b: f.integer(),
    c: f.char({ maxLength: 10 }),
    d: f.boolean({ default: false }),
    e: f.decimal({ maxDigits: 8, decimalPlaces: 3, null: true }),
    g: f.dateTime({ null: true }),
  }),
  // Thirty columns: the parameter limit is reached with a few thousand rows, whatever the backend.
  Broad: model(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, f.integer({ default: i })]))),
  Note: model({
    note: f.char({ maxLength: 100 }),
    misc: f.char({ maxLength: 25, null: true }),
    tag: f.integer({ null: true }),
  }),
})

/** Models in the spirit of Django's tests/get_or_create. */
export const getOrCreateModels = schema({
  Person: model(
    {
      firstName: f.char({ maxLength: 100 }),
      lastName: f.char({ maxLength: 100 }),
      birthday: f.date(),
      defaults: f.text({ null: true }),
    },
    { uniqueTogether: [['firstName', 'lastName']] },
  ),
  Tag: model({ name: f.char({ maxLength: 50, unique: true }), uses: f.integer({ default: 0 }) }),
  Thing: model({ name: f.char({ maxLength: 50 }) }),
})

/** Field options that validation checks: lengths, choices, required, ranges, unique and uniqueTogether. */
export const validationModels = schema({
  Member: model(
    {
      name: f.char({ maxLength: 5 }),
      kind: f.char({ maxLength: 1, choices: [['a', 'Admin'], ['b', 'Basic']] }),
      level: f.smallInteger({ default: 1, choices: [1, 2, 3] }),
      age: f.positiveSmallInteger({ null: true }),
      score: f.integer({ default: 0 }),
      email: f.email({ unique: true }),
      nick: f.char({ maxLength: 10, unique: true, null: true }),
      team: f.char({ maxLength: 10, default: 'red' }),
      shirt: f.integer({ default: 0 }),
      joined: f.date({ null: true }),
      balance: f.decimal({ maxDigits: 5, decimalPlaces: 2, default: '0' }),
      big: f.bigInteger({ default: 0n }),
    },
    {
      uniqueTogether: [['team', 'shirt']],
      constraints: [{ kind: 'unique', fields: ['name', 'level'], name: 'member_name_level_uniq' }],
    },
  ),
})

/** Tables, constraints and indexes for the DDL suite; Book depends on Author through a foreign key. */
export const ddlModels = schema({
  Book: model(
    {
      author: foreignKey('Author', { onDelete: 'CASCADE' }),
      title: f.char({ maxLength: 80 }),
      price: f.decimal({ maxDigits: 6, decimalPlaces: 2 }),
      discounted: f.decimal({ maxDigits: 6, decimalPlaces: 2, null: true }),
      pages: f.integer({ default: 1 }),
      isbn: f.char({ maxLength: 13, dbIndex: true, null: true }),
    },
    {
      constraints: [
        { kind: 'check', check: Q({ price__gte: '0' }), name: 'book_price_not_negative' },
        { kind: 'check', check: { pages__gt: 0 }, name: 'book_pages_positive' },
        { kind: 'check', check: Q({ discounted__lte: F('price') }), name: 'book_discount_le_price' },
        { kind: 'unique', fields: ['author', 'title'], name: 'book_author_title_uniq' },
      ],
      indexes: [{ fields: ['title', '-price'], name: 'book_title_price_idx' }, { fields: ['isbn', 'pages'], name: 'book_isbn_pages_uniq', unique: true }],
    },
  ),
  Author: model(
    {
      name: f.char({ maxLength: 50, unique: true }),
      city: f.char({ maxLength: 30, default: 'Oslo' }),
      rating: f.integer({ default: 3 }),
      active: f.boolean({ default: true }),
      nickname: f.char({ maxLength: 30, null: true }),
      first: f.char({ maxLength: 20, default: '' }),
      last: f.char({ maxLength: 20, default: '' }),
    },
    { uniqueTogether: [['first', 'last']] },
  ),
  Node: model({
    name: f.char({ maxLength: 20 }),
    parent: foreignKey('self', { onDelete: 'CASCADE', null: true }),
  }),
})

/** One text column for the injection properties. */
export const injectionModels = schema({
  Phrase: model({ body: f.text(), tag: f.char({ maxLength: 10, default: 'x' }) }),
})

/** The quoted form of an identifier on this Db (the same quoting the ORM uses). */
export const quoteId = (db: Db, name: string): string => {
  const { sql } = db.kysely.selectFrom(name).selectAll().compile()
  return sql.slice('select * from '.length)
}

/** The error a promise rejects with; fails the test if it resolves. */
export const rejection = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error('expected the promise to reject, but it resolved')
}

/** The `_tag` of an OrmError, or a description of anything else. */
export const tagOf = (e: unknown): string => (isOrmError(e) ? e._tag : `not an OrmError: ${String(e)}`)

/** Skip the running test unless this backend has the feature, as Django's skipUnlessDBFeature. */
export const skipUnless = (t: { skip: (note?: string) => void }, db: Db, flag: keyof Features): void => {
  if (!db.dialect.features[flag]) t.skip(`${db.dialect.name} lacks ${flag}`)
}

/** Write statements (anything but SELECT and transaction control) among captured statements. */
export const writes = (queries: readonly { sql: string; kind: string }[]): string[] =>
  queries.filter((q) => q.kind === 'query' && !/^\s*select\b/i.test(q.sql)).map((q) => q.sql)
