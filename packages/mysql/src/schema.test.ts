// DDL on MySQL/MariaDB: InnoDB utf8mb4 tables, Django's column types, no DEFAULT or index where the
// server can't have one, CHECK constraints enforced, and tables dropped in an order the keys allow.
import { create, f, IntegrityError, model, schema } from '@fjord/core'
import { createTables, dropTables, sqlCreateTables } from '@fjord/migrate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, rows, unavailable } from './test-support/server.js'

const { Doc } = schema({
  Doc: model(
    {
      slug: f.slug(),
      body: f.text({ dbIndex: true, default: 'empty' }),
      meta: f.json({ default: { a: 1 } }),
      blob: f.binary({ null: true }),
      score: f.positiveSmallInteger({ default: 3 }),
      price: f.decimal({ maxDigits: 6, decimalPlaces: 2, default: '1.50' }),
      note: f.char({ maxLength: 20, default: "it's a \\ test" }),
      live: f.boolean({ default: true }),
    },
    {
      constraints: [
        { kind: 'check', name: 'doc_score_small', check: { score__lte: 10 } },
        { kind: 'unique', name: 'doc_live_slug', fields: ['slug'], condition: { live: true } },
      ],
    },
  ),
})

const reason = await unavailable()
type TestDb = Awaited<ReturnType<typeof freshDb>>

describe.skipIf(reason)('DDL on MariaDB/MySQL', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Doc]))
  })
  afterAll(async () => {
    await db?.close()
  })

  it('tables are InnoDB with utf8mb4 and Django’s column types', async () => {
    const [[engine, collation]] = await rows(db, "SELECT ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'doc'")
    expect(engine).toBe('InnoDB')
    expect(String(collation)).toMatch(/^utf8mb4_.*_ci$/)
    const columns = await rows(db, "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'doc'")
    const types = Object.fromEntries(columns.map(([c, t]) => [c, String(t)]))
    // MySQL 8 drops integer display widths from COLUMN_TYPE; DATA_TYPE is the same on both.
    expect(types).toMatchObject({ id: 'bigint', slug: 'varchar', body: 'longtext', blob: 'longblob', price: 'decimal', live: 'tinyint', score: 'smallint' })
    const full = Object.fromEntries(columns.map(([c, , t]) => [c, String(t)]))
    expect(full).toMatchObject({ slug: 'varchar(50)', price: 'decimal(6,2)', live: 'tinyint(1)' })
    expect(full.score).toMatch(/unsigned$/)
    expect(sqlCreateTables([Doc])(db)).toContain('`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY')
  })

  it('string defaults are quoted for MySQL (quotes and backslashes); TEXT and JSON get none in DDL but do on insert', async () => {
    const ddl = sqlCreateTables([Doc])(db)
    expect(ddl).toContain("DEFAULT 'it''s a \\\\ test'")
    expect(ddl).not.toMatch(/`body` longtext NOT NULL DEFAULT/)
    await db.execute("INSERT INTO doc (slug, body, meta) VALUES ('raw', '', '{}')", [], { returnsRows: false })
    const [[note, live, price]] = await rows(db, "SELECT note, live, price FROM doc WHERE slug = 'raw'")
    expect([note, Number(live), price]).toEqual(["it's a \\ test", 1, '1.50'])
    const made = await db.run(create(Doc, { slug: 'made', live: false }))
    expect(made).toMatchObject({ body: 'empty', meta: { a: 1 } })
  })

  it('no index on a TEXT column (the server would refuse it); the CHECK constraint holds', async () => {
    const indexed = (await rows(db, "SELECT DISTINCT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'doc'")).map(([c]) => c)
    expect(indexed).toContain('id')
    expect(indexed).not.toContain('body')
    const e = await Promise.resolve(db.execute("INSERT INTO doc (slug, body, meta, score) VALUES ('bad', '', '{}', 11)", [], { returnsRows: false })).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(IntegrityError)
    expect((e as IntegrityError).kind).toBe('check')
  })

  it('a conditional unique constraint is left out, as Django does without partial indexes', async () => {
    expect(sqlCreateTables([Doc])(db)).not.toContain('doc_live_slug')
  })

  it('dropTables then createTables again', async () => {
    await db.run(dropTables([Doc]))
    await db.run(dropTables([Doc]))
    await db.run(createTables([Doc]))
    const [[n]] = await rows(db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'doc'")
    expect(Number(n)).toBe(1)
  })
})
