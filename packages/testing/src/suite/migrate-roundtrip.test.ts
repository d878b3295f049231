// Migrations on every backend, as Django's migrations tests check them: generate the operations from
// two versions of the models, apply them with rows present, compare the live schema with what
// createTables makes for the new models (by introspection), reverse, and compare with the old ones.
import { type AnyModel, create, type Db, deleteAll, f, filter, model, schema, toArray, pipe, orderBy, valuesList, IntegrityError } from '@fjord/core'
import {
  autodetect,
  createTables,
  emptyState,
  flagQuestioner,
  graphState,
  buildGraph,
  hasChanges,
  type Migration,
  migrate,
  MigrationError,
  named,
  ops,
  type Questioner,
  showMigrations,
  sqlMigrate,
  stateFromModels,
} from '@fjord/migrate'
import { addRelated, foreignKey, manyToMany } from '@fjord/relations'
import { expect, it } from 'vitest'
import { describeEachBackend } from '../helpers.js'
import { comparable, introspect } from '../introspect.js'

type Models = Readonly<Record<string, AnyModel>>

/** One migration per version of the models, each generated against the one before. */
const chain = async (versions: readonly Models[], questioner: Questioner = flagQuestioner()): Promise<Migration[]> => {
  const out: Migration[] = []
  let prev = emptyState
  for (const [i, v] of versions.entries()) {
    const next = stateFromModels(v)
    const operations = await autodetect(prev, next, questioner)
    out.push(named(`${String(i + 1).padStart(4, '0')}_v${i + 1}`, { dependencies: i ? [out[i - 1]!.name] : [], operations }))
    prev = next
  }
  return out
}

const live = async (db: Db) => comparable(await introspect(db, { exclude: ['fjord_migrations'] }))

describeEachBackend('Migrations: generate, apply, reverse', [], (ctx) => {
  /** A fresh, empty database for one test, closed (and dropped) afterwards. */
  const fresh = async <A>(fn: (db: Db) => Promise<A>): Promise<A> => {
    const db = await ctx().backend.connect()
    try {
      return await fn(db)
    } finally {
      await db.close()
    }
  }
  /** What createTables makes for these models on this backend. */
  const expected = (models: Models) =>
    fresh(async (db) => {
      await db.run(createTables(models))
      return live(db)
    })

  const v1 = schema({
    Author: model({ name: f.char({ maxLength: 50 }), born: f.date({ null: true }) }),
    Book: model(
      {
        title: f.char({ maxLength: 100 }),
        pages: f.integer({ default: 0 }),
        author: foreignKey('Author', { onDelete: 'CASCADE' }),
        isbn: f.char({ maxLength: 13, unique: true }),
      },
      { indexes: [{ fields: ['title'], name: 'book_title_idx' }] },
    ),
  })

  it('the initial migration makes what createTables makes, and zero takes it all away', async () => {
    const migrations = await chain([v1])
    await fresh(async (db) => {
      const result = await db.run(migrate(migrations))
      expect(result.applied).toEqual(['0001_v1'])
      expect(await live(db)).toEqual(await expected(v1))
      expect(await db.run(showMigrations(migrations))).toEqual([{ name: '0001_v1', applied: true }])
      // Nothing left to do.
      expect((await db.run(migrate(migrations))).applied).toEqual([])
      const back = await db.run(migrate(migrations, { target: 'zero' }))
      expect(back.unapplied).toEqual(['0001_v1'])
      expect(await live(db)).toEqual({ tables: [] })
      expect(await db.run(showMigrations(migrations))).toEqual([{ name: '0001_v1', applied: false }])
    })
  })

  const v2 = schema({
    Author: model({
      name: f.char({ maxLength: 80 }),
      born: f.date({ null: true }),
      bio: f.text({ null: true }),
      rating: f.integer({ default: 3 }),
      country: f.char({ maxLength: 2 }),
    }),
    Book: model(
      {
        headline: f.char({ maxLength: 100 }),
        pages: f.bigInteger({ default: 0n }),
        author: foreignKey('Author', { onDelete: 'CASCADE' }),
        isbn: f.char({ maxLength: 13 }),
        summary: f.char({ maxLength: 200, default: '' }),
      },
      {
        indexes: [{ fields: ['headline', 'pages'], name: 'book_head_pages_idx' }],
        uniqueTogether: [['author', 'headline']],
        constraints: [{ kind: 'check', name: 'book_pages_gte_0', check: { pages__gte: 0 } }],
      },
    ),
    Tag: model({ name: f.char({ maxLength: 20, unique: true }) }),
  })

  it('a second version: fields added, removed, altered and renamed, with the rows kept, and back', async () => {
    const questioner = flagQuestioner({ renames: ['Book.title=headline'], defaults: { 'Author.country': 'NO' } })
    const migrations = await chain([v1, v2], questioner)
    const kinds = migrations[1]!.operations.map((o) => o.kind)
    expect(kinds).toContain('renameField')
    expect(kinds).not.toContain('removeField')
    await fresh(async (db) => {
      await db.run(migrate(migrations, { target: '0001' }))
      const ann = await db.run(create(v1.Author, { name: 'Ann', born: '1970-01-02' }))
      await db.run(create(v1.Book, { title: 'First', pages: 10, author: ann, isbn: '1' }))
      await db.run(create(v1.Book, { title: 'Second', pages: 20, author: ann, isbn: '2' }))

      await db.run(migrate(migrations))
      expect(await live(db)).toEqual(await expected(v2))
      const authors = await db.run(toArray(v2.Author.objects))
      expect(authors).toEqual([{ id: ann.id, name: 'Ann', born: '1970-01-02', bio: null, rating: 3, country: 'NO' }])
      const books = await db.run(pipe(v2.Book.objects, orderBy('headline'), valuesList('headline', 'pages', 'summary'), toArray))
      expect(books).toEqual([
        ['First', 10n, ''],
        ['Second', 20n, ''],
      ])
      // The new constraints hold.
      await expect(db.run(create(v2.Book, { headline: 'First', pages: 1n, author: ann, isbn: '3' }))).rejects.toBeInstanceOf(IntegrityError)
      await expect(db.run(create(v2.Book, { headline: 'Neg', pages: -1n, author: ann, isbn: '4' }))).rejects.toBeInstanceOf(IntegrityError)
      // isbn is no longer unique.
      await db.run(create(v2.Book, { headline: 'Third', author: ann, isbn: '1' }))

      if (db.dialect.features.supportsTransactionalDdl) {
        // isbn can't be unique again while two rows share one: the unapply fails whole, naming the step.
        const err = await db.run(migrate(migrations, { target: '0001_v1' })).catch((e: unknown) => e)
        expect(err).toBeInstanceOf(MigrationError)
        expect((err as Error).message).toMatch(/0002_v2 failed at "Alter field isbn on Book" \(unapplying\)/)
        expect(await live(db)).toEqual(await expected(v2))
      }
      await db.run(deleteAll(pipe(v2.Book.objects, filter({ headline: 'Third' }))))
      const back = await db.run(migrate(migrations, { target: '0001_v1' }))
      expect(back.unapplied).toEqual(['0002_v2'])
      expect(await live(db)).toEqual(await expected(v1))
      expect(await db.run(pipe(v1.Book.objects, orderBy('title'), valuesList('title', 'pages'), toArray))).toEqual([
        ['First', 10],
        ['Second', 20],
      ])
    })
  })

  it('renames a model and a table, keeping rows and the foreign keys that point at it', async () => {
    const a = schema({
      Writer: model({ name: f.char({ maxLength: 30 }), fans: manyToMany('Label', { relatedName: 'idols' }) }),
      Essay: model({ writer: foreignKey('Writer', { onDelete: 'CASCADE' }), tags: manyToMany('Label'), helpers: manyToMany('Writer', { relatedName: 'helped' }) }),
      Label: model({ text: f.char({ maxLength: 10 }) }),
    })
    const b = schema({
      Person: model({ name: f.char({ maxLength: 30 }), fans: manyToMany('Label', { relatedName: 'idols' }) }),
      Essay: model({ writer: foreignKey('Person', { onDelete: 'CASCADE' }), tags: manyToMany('Label'), helpers: manyToMany('Person', { relatedName: 'helped' }) }),
      Label: model({ text: f.char({ maxLength: 10 }) }),
    })
    const migrations = await chain([a, b], flagQuestioner({ renames: ['Writer=Person'] }))
    expect(migrations[1]!.operations).toEqual([ops.renameModel('Writer', 'Person')])
    await fresh(async (db) => {
      await db.run(migrate(migrations, { target: '0001' }))
      const w = await db.run(create(a.Writer, { name: 'Wil' }))
      const essay = await db.run(create(a.Essay, { writer: w }))
      const label = await db.run(create(a.Label, { text: 'x' }))
      await db.run(addRelated(a.Writer, w, 'fans', [label]))
      await db.run(addRelated(a.Essay, essay, 'helpers', [w]))
      await db.run(migrate(migrations))
      expect(await live(db)).toEqual(await expected(b))
      // The rows, the foreign key and the pairs of both join tables came along.
      expect(await db.run(pipe(b.Essay.objects, valuesList('writer__name', 'helpers__name'), toArray))).toEqual([['Wil', 'Wil']])
      expect(await db.run(pipe(b.Person.objects, valuesList('fans__text'), toArray))).toEqual([['x']])
      await db.run(migrate(migrations, { target: '0001' }))
      expect(await live(db)).toEqual(await expected(a))
      expect(await db.run(pipe(a.Essay.objects, valuesList('writer__name', 'helpers__name'), toArray))).toEqual([['Wil', 'Wil']])
      expect(await db.run(pipe(a.Writer.objects, valuesList('fans__text'), toArray))).toEqual([['x']])
    })
  })

  it('models and many-to-manys come and go; the generated state matches the models (no changes left)', async () => {
    const a = schema({ Shelf: model({ name: f.char({ maxLength: 10 }) }) })
    const b = schema({
      Shelf: model({ name: f.char({ maxLength: 10 }), items: manyToMany('Item') }),
      Item: model({ name: f.char({ maxLength: 10 }), home: foreignKey('Shelf', { onDelete: 'CASCADE', null: true, relatedName: 'residents' }) }),
    })
    const c = schema({ Item: model({ name: f.char({ maxLength: 10 }) }) })
    const migrations = await chain([a, b, c])
    const graph = buildGraph(migrations)
    expect(hasChanges(graphState(graph), stateFromModels(c))).toBe(false)
    expect(hasChanges(graphState(graph), stateFromModels(b))).toBe(true)
    await fresh(async (db) => {
      await db.run(migrate(migrations, { target: '0002' }))
      expect(await live(db)).toEqual(await expected(b))
      await db.run(migrate(migrations))
      expect(await live(db)).toEqual(await expected(c))
      await db.run(migrate(migrations, { target: '0002' }))
      expect(await live(db)).toEqual(await expected(b))
      await db.run(migrate(migrations, { target: 'zero' }))
      expect(await live(db)).toEqual({ tables: [] })
    })
  })

  it('alters nullability, defaults, unique and dbIndex in place, filling NULLs with the one-off value', async () => {
    const a = schema({ Gadget: model({ code: f.char({ maxLength: 10, null: true }), size: f.integer({ null: true }), label: f.char({ maxLength: 5, unique: true }) }) })
    const b = schema({ Gadget: model({ code: f.char({ maxLength: 10, dbIndex: true }), size: f.integer({ default: 7 }), label: f.char({ maxLength: 5 }) }) })
    const migrations = await chain([a, b], flagQuestioner({ defaults: { 'Gadget.code': 'none' } }))
    await fresh(async (db) => {
      await db.run(migrate(migrations, { target: '0001' }))
      await db.run(create(a.Gadget, { code: null, size: null, label: 'x' }))
      await db.run(create(a.Gadget, { code: 'c', size: 1, label: 'y' }))
      await db.run(migrate(migrations))
      expect(await live(db)).toEqual(await expected(b))
      expect(await db.run(pipe(b.Gadget.objects, orderBy('label'), valuesList('code', 'size'), toArray))).toEqual([
        ['none', 7],
        ['c', 1],
      ])
      await db.run(migrate(migrations, { target: '0001' }))
      expect(await live(db)).toEqual(await expected(a))
    })
  })

  it('indexes, check and unique constraints and unique-together groups come and go, and are enforced', async () => {
    const a = schema({
      Room: model(
        { floor: f.integer(), number: f.integer(), name: f.char({ maxLength: 20 }), size: f.integer({ default: 1 }) },
        { indexes: [{ fields: ['name'], name: 'room_name_idx' }], uniqueTogether: [['floor', 'number']] },
      ),
    })
    const b = schema({
      Room: model(
        { floor: f.integer(), number: f.integer(), name: f.char({ maxLength: 20 }), size: f.integer({ default: 1 }) },
        {
          indexes: [{ fields: ['-floor', 'name'], name: 'room_floor_name_idx' }, { fields: ['size'] }],
          uniqueTogether: [['floor', 'name']],
          constraints: [
            { kind: 'check', name: 'room_size_positive', check: { size__gt: 0 } },
            { kind: 'unique', name: 'room_big_name_uniq', fields: ['name'], condition: { size__gte: 10 } },
          ],
        },
      ),
    })
    const migrations = await chain([a, b])
    expect(migrations[1]!.operations.map((o) => o.kind).sort()).toEqual(
      ['addConstraint', 'addConstraint', 'addIndex', 'addIndex', 'alterUniqueTogether', 'alterUniqueTogether', 'removeIndex'].sort(),
    )
    await fresh(async (db) => {
      await db.run(migrate(migrations, { target: '0001' }))
      await db.run(create(a.Room, { floor: 1, number: 1, name: 'a', size: 10 }))
      await db.run(create(a.Room, { floor: 1, number: 2, name: 'b', size: 10 }))
      await db.run(migrate(migrations))
      expect(await live(db)).toEqual(await expected(b))
      // floor+number may repeat now; floor+name may not; size must be positive.
      await db.run(create(b.Room, { floor: 1, number: 1, name: 'c' }))
      await expect(db.run(create(b.Room, { floor: 1, number: 9, name: 'a' }))).rejects.toBeInstanceOf(IntegrityError)
      await expect(db.run(create(b.Room, { floor: 2, number: 9, name: 'x', size: 0 }))).rejects.toBeInstanceOf(IntegrityError)
      if (db.dialect.schema.supportsPartialIndexes !== false) {
        await expect(db.run(create(b.Room, { floor: 3, number: 9, name: 'a', size: 20 }))).rejects.toBeInstanceOf(IntegrityError)
      }
      await db.run(deleteAll(pipe(b.Room.objects, filter({ name: 'c' }))))
      await db.run(migrate(migrations, { target: '0001' }))
      expect(await live(db)).toEqual(await expected(a))
    })
  })

  it('changes column types with the values kept, and renames an indexed foreign key and a column set by dbColumn', async () => {
    const a = schema({
      Owner: model({ name: f.char({ maxLength: 10 }) }),
      Pet: model({
        owner: foreignKey('Owner', { onDelete: 'CASCADE' }),
        name: f.char({ maxLength: 10 }),
        weight: f.float(),
        legs: f.smallInteger(),
        note: f.char({ maxLength: 20, dbColumn: 'remark' }),
      }),
    })
    const b = schema({
      Owner: model({ name: f.char({ maxLength: 10 }) }),
      Pet: model({
        keeper: foreignKey('Owner', { onDelete: 'CASCADE' }),
        name: f.text(),
        weight: f.decimal({ maxDigits: 6, decimalPlaces: 2 }),
        legs: f.integer(),
        note: f.char({ maxLength: 20, dbColumn: 'comment' }),
      }),
    })
    const migrations = await chain([a, b], flagQuestioner({ renames: ['Pet.owner=keeper'] }))
    await fresh(async (db) => {
      await db.run(migrate(migrations, { target: '0001' }))
      const o = await db.run(create(a.Owner, { name: 'Olga' }))
      await db.run(create(a.Pet, { owner: o, name: 'Rex', weight: 12.5, legs: 4, note: 'good' }))
      await db.run(migrate(migrations))
      expect(await live(db)).toEqual(await expected(b))
      expect(await db.run(pipe(b.Pet.objects, valuesList('keeper__name', 'name', 'weight', 'legs', 'note'), toArray))).toEqual([['Olga', 'Rex', '12.50', 4, 'good']])
      await db.run(migrate(migrations, { target: '0001' }))
      expect(await live(db)).toEqual(await expected(a))
      expect(await db.run(pipe(a.Pet.objects, valuesList('owner__name', 'name', 'weight', 'legs', 'note'), toArray))).toEqual([['Olga', 'Rex', 12.5, 4, 'good']])
    })
  })

  it('runSql and a TypeScript step run in order; a step without a reverse refuses to be unapplied and changes nothing', async () => {
    const a = schema({ Counter: model({ n: f.integer() }) })
    const first = (await chain([a]))[0]!
    const table = (db: Db) => quote(db, 'counter')
    const second = named('0002_data', {
      dependencies: [first.name],
      operations: [
        ops.runSql(["INSERT INTO counter (n) VALUES (1)"], ['DELETE FROM counter WHERE n = 1']),
        ops.runTs(async (db) => void (await db.run(create(a.Counter, { n: 2 }))), async (db) => void (await db.execute(`DELETE FROM ${table(db)} WHERE n = 2`, [], { returnsRows: false })), 'add two'),
      ],
    })
    const third = named('0003_oneway', { dependencies: [second.name], operations: [ops.runSql(['UPDATE counter SET n = n + 10'])] })
    const migrations = [first, second, third]
    await fresh(async (db) => {
      await db.run(migrate(migrations))
      expect(await db.run(pipe(a.Counter.objects, orderBy('n'), valuesList('n', { flat: true }), toArray))).toEqual([11, 12])
      const err = await db.run(migrate(migrations, { target: '0002' })).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(MigrationError)
      expect((err as MigrationError).migration).toBe('0003_oneway')
      expect((err as Error).message).toMatch(/not reversible/)
      expect(await db.run(showMigrations(migrations))).toEqual([
        { name: '0001_v1', applied: true },
        { name: '0002_data', applied: true },
        { name: '0003_oneway', applied: true },
      ])
      const sql = await sqlMigrate(migrations, '0002', { backwards: true })(db)
      expect(sql.map((s) => s.sql)).toEqual(['-- TypeScript step: add two (not SQL)', 'DELETE FROM counter WHERE n = 1'])
    })
  })

  it('a failing migration names itself and its operation, and is not recorded', async () => {
    const a = schema({ Thing: model({ n: f.integer() }) })
    const first = (await chain([a]))[0]!
    const bad = named('0002_bad', { dependencies: [first.name], operations: [ops.addField('Thing', 'm', f.integer({ null: true })), ops.runSql(['SELECT * FROM no_such_table'])] })
    await fresh(async (db) => {
      const err = await db.run(migrate([first, bad])).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(MigrationError)
      expect((err as MigrationError).message).toMatch(/0002_bad failed at "Raw SQL operation"/)
      expect(await db.run(showMigrations([first, bad]))).toEqual([
        { name: '0001_v1', applied: true },
        { name: '0002_bad', applied: false },
      ])
      if (db.dialect.features.supportsTransactionalDdl) {
        // The column added before the failure went with the rollback.
        expect(await live(db)).toEqual(await expected(a))
      } else {
        expect((err as Error).message).toMatch(/no transactional DDL/)
      }
    })
  })
})

const quote = (db: Db, name: string): string => db.kysely.selectFrom(name).selectAll().compile().sql.slice('select * from '.length)
