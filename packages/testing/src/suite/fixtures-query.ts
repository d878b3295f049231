// Models and rows shared by the querying suite (lookups, expressions, combinators, terminals).
// Shaped after Django's tests/lookup, tests/expressions and tests/db_functions models.
import {
  type AnyQuerySet,
  bulkCreate,
  type Condition,
  create,
  type Db,
  f,
  filter,
  exclude,
  model,
  orderBy,
  type Row,
  schema,
  values,
} from '@fjord/core'
import { foreignKey } from '@fjord/relations'

export const { Author, Article, Num, Event, Company, Employee, Season, Game } = schema({
  Author: model({ name: f.char({ maxLength: 100, unique: true }), age: f.integer({ null: true }) }, { ordering: ['name'] }),
  Article: model(
    {
      headline: f.char({ maxLength: 100 }),
      pubDate: f.dateTime(),
      author: foreignKey('Author', { onDelete: 'CASCADE', null: true }),
      views: f.integer({ default: 0 }),
      rating: f.integer({ null: true }),
    },
    { ordering: ['-pubDate', 'headline'], getLatestBy: 'pubDate' },
  ),
  // No Meta ordering: first/last fall back to the primary key.
  Num: model({
    num: f.integer({ null: true }),
    other: f.integer({ null: true }),
    flt: f.float({ null: true }),
    label: f.char({ maxLength: 40, null: true }),
  }),
  Event: model({
    name: f.char({ maxLength: 50 }),
    at: f.dateTime(),
    day: f.date(),
    clock: f.time({ null: true }),
    span: f.duration({ null: true }),
  }),
  Employee: model({
    firstname: f.char({ maxLength: 50 }),
    lastname: f.char({ maxLength: 50 }),
    salary: f.integer({ null: true }),
  }),
  // Field names that are also lookup names (Django's test_lookup_collision).
  Season: model({ year: f.positiveSmallInteger(), gt: f.integer({ null: true }), nickname: f.char({ maxLength: 40, null: true }) }),
  Game: model({
    season: foreignKey('Season', { onDelete: 'CASCADE', relatedName: 'games' }),
    home: f.char({ maxLength: 100 }),
    away: f.char({ maxLength: 100 }),
  }),
  Company: model({
    name: f.char({ maxLength: 100 }),
    numEmployees: f.positiveInteger(),
    numChairs: f.positiveInteger(),
    ceo: foreignKey('Employee', { onDelete: 'CASCADE', relatedName: 'companyCeoSet' }),
    basedInEu: f.boolean({ default: false }),
  }),
})

export const lookupModels = [Author, Article] as const
export const numModels = [Num] as const
export const eventModels = [Event] as const
export const companyModels = [Employee, Company] as const
export const seasonModels = [Season, Game] as const

/** The rows of Django's LookupTests: two authors, seven articles. */
export const seedArticles = async (db: Db) => {
  const au1 = await db.run(create(Author, { name: 'Author 1', age: 30 }))
  const au2 = await db.run(create(Author, { name: 'Author 2', age: null }))
  const at = (s: string) => new Date(`${s}Z`)
  const rows = [
    { headline: 'Article 1', pubDate: at('2005-07-26T00:00:00'), author: au1, views: 10, rating: 1 },
    { headline: 'Article 2', pubDate: at('2005-07-27T00:00:00'), author: au1, views: 20, rating: null },
    { headline: 'Article 3', pubDate: at('2005-07-27T00:00:00'), author: au1, views: 30, rating: 3 },
    { headline: 'Article 4', pubDate: at('2005-07-28T00:00:00'), author: au1, views: 40, rating: null },
    { headline: 'Article 5', pubDate: at('2005-08-01T09:00:00'), author: au2, views: 50, rating: 5 },
    { headline: 'Article 6', pubDate: at('2005-08-01T08:00:00'), author: au2, views: 60, rating: 6 },
    { headline: 'Article 7', pubDate: at('2005-07-27T00:00:00'), author: au2, views: 70, rating: 7 },
  ]
  const arts = []
  for (const r of rows) arts.push(await db.run(create(Article, r)))
  const [a1, a2, a3, a4, a5, a6, a7] = arts
  return { au1, au2, a1, a2, a3, a4, a5, a6, a7, all: arts }
}

/** Django's default ordering of the seeded articles (`-pubDate`, `headline`). */
export const defaultOrder = ['Article 5', 'Article 6', 'Article 4', 'Article 2', 'Article 3', 'Article 7', 'Article 1']

/** Numbers with NULLs in both columns, for exclude/ordering/arithmetic cases. */
export const seedNums = async (db: Db) =>
  db.run(
    bulkCreate(Num, [
      { num: 1, other: 10, flt: 1.5, label: 'one' },
      { num: 2, other: null, flt: null, label: 'two' },
      { num: 3, other: 30, flt: 3.25, label: null },
      { num: null, other: 40, flt: 4.0, label: 'none' },
      { num: 5, other: 5, flt: -2.5, label: 'five' },
    ]),
  )

/** Django's expressions tests: three companies and their CEOs. */
export const seedCompanies = async (db: Db) => {
  const joe = await db.run(create(Employee, { firstname: 'Joe', lastname: 'Smith', salary: 10 }))
  const frank = await db.run(create(Employee, { firstname: 'Frank', lastname: 'Meyer', salary: 20 }))
  const max = await db.run(create(Employee, { firstname: 'Max', lastname: 'Mustermann', salary: 30 }))
  const example = await db.run(create(Company, { name: 'Example Inc.', numEmployees: 2300, numChairs: 5, ceo: joe }))
  const foobar = await db.run(create(Company, { name: 'Foobar Ltd.', numEmployees: 3, numChairs: 4, ceo: frank, basedInEu: true }))
  const test = await db.run(create(Company, { name: 'Test GmbH', numEmployees: 32, numChairs: 1, ceo: max, basedInEu: true }))
  return { joe, frank, max, example, foobar, test }
}

// Untyped doors, for the run-time checks of mistakes the types would reject at compile time.
type Loose = (qs: AnyQuerySet) => AnyQuerySet
export const looseFilter = (...conds: readonly Condition[]): Loose => filter(...(conds as never[])) as unknown as Loose
export const looseExclude = (...conds: readonly Condition[]): Loose => exclude(...(conds as never[])) as unknown as Loose
export const looseOrderBy = (...keys: readonly string[]): Loose => orderBy(...(keys as never[])) as unknown as Loose
export const looseValues = (...keys: readonly string[]): Loose => values(...(keys as never[])) as unknown as Loose

/** The `headline` of each row, in order. */
export const headlines = (rows: readonly { readonly headline: string }[]): string[] => rows.map((r) => r.headline)

export type ArticleRow = Row<typeof Article>
