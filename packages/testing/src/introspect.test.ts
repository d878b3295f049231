// introspect() reads back what createTables made, from the backend's own catalogue; comparable() is
// equal for two databases with the same structure, however it was built, and tells them apart once a
// column, an index, a unique set or a check differs.
import { type Db, F, f, model, Q, schema } from '@fjord/core'
import { createStatements, createTables } from '@fjord/migrate'
import { foreignKey } from '@fjord/relations'
import { describe, expect, it } from 'vitest'
import { describeEachBackend } from './helpers.js'
import { canonicalClause, canonicalDefault, canonicalType, comparable, introspect, type LiveSchema, type LiveTable } from './introspect.js'

const models = schema({
  Shop: model(
    {
      name: f.char({ maxLength: 40, unique: true }),
      city: f.char({ maxLength: 20, default: 'Oslo' }),
      rating: f.integer({ default: 3 }),
      nickname: f.char({ maxLength: 20, null: true }),
      active: f.boolean({ default: true }),
    },
    { dbTable: 'intro_shop' },
  ),
  Ware: model(
    {
      shop: foreignKey('Shop', { onDelete: 'CASCADE' }),
      title: f.char({ maxLength: 80 }),
      body: f.text({ null: true }),
      price: f.decimal({ maxDigits: 6, decimalPlaces: 2 }),
      discounted: f.decimal({ maxDigits: 6, decimalPlaces: 2, null: true }),
      stock: f.positiveInteger({ default: 0 }),
      big: f.bigInteger({ null: true }),
      small: f.smallInteger({ default: 1 }),
      ratio: f.float({ null: true }),
      code: f.char({ maxLength: 13, dbIndex: true, null: true }),
      seenAt: f.dateTime({ null: true }),
      day: f.date({ null: true }),
      token: f.uuid({ null: true }),
      payload: f.json({ null: true }),
    },
    {
      dbTable: 'intro_ware',
      uniqueTogether: [['title', 'code']],
      indexes: [
        { fields: ['title', '-price'], name: 'intro_ware_title_price_idx' },
        { fields: ['code', 'small'], name: 'intro_ware_code_small_uniq', unique: true },
      ],
      constraints: [
        { kind: 'check', check: Q({ price__gte: '0' }), name: 'intro_ware_price_not_negative' },
        { kind: 'check', check: Q({ discounted__lte: F('price') }), name: 'intro_ware_discount_le_price' },
        { kind: 'unique', fields: ['shop', 'title'], name: 'intro_ware_shop_title_uniq' },
        // A partial unique index where the backend has them (left out on MySQL).
        { kind: 'unique', fields: ['token'], condition: Q({ stock__gt: 0 }), name: 'intro_ware_token_in_stock' },
      ],
    },
  ),
})

/** Shop without `rating` (and, unless `unique`, without its unique name): the rest comes by ALTER TABLE. */
const bareShop = (unique: boolean) =>
  schema({
    Shop: model(
      {
        name: f.char({ maxLength: 40, unique }),
        city: f.char({ maxLength: 20, default: 'Oslo' }),
        nickname: f.char({ maxLength: 20, null: true }),
        active: f.boolean({ default: true }),
      },
      { dbTable: 'intro_shop' },
    ),
  }).Shop

const quote = (db: Db, id: string): string => db.kysely.selectFrom(id).selectAll().compile().sql.slice('select * from '.length)
const exec = async (db: Db, text: string): Promise<void> => {
  await db.execute(text, [], { returnsRows: false })
}

const tableOf = (s: LiveSchema, name: string): LiveTable => {
  const t = s.tables.find((x) => x.name === name)
  expect(t, name).toBeDefined()
  return t!
}

describeEachBackend('introspect', models, (ctx) => {
  const live = async () => introspect(ctx().db)
  const withSecondDb = async (fn: (db: Db) => Promise<void>): Promise<void> => {
    const db = await ctx().backend.connect()
    try {
      await fn(db)
    } finally {
      await db.close()
    }
  }

  it('lists the tables of this schema only, sorted; `tables` and `exclude` narrow the list', async () => {
    const { db } = ctx()
    expect((await live()).tables.map((t) => t.name)).toEqual(['intro_shop', 'intro_ware'])
    expect((await introspect(db, { tables: ['intro_ware'] })).tables.map((t) => t.name)).toEqual(['intro_ware'])
    expect((await introspect(db, { exclude: ['intro_ware'] })).tables.map((t) => t.name)).toEqual(['intro_shop'])
    expect((await introspect(db, { tables: ['nowhere'] })).tables).toEqual([])
  })

  it('reads every column in table order, with the type createTables wrote', async () => {
    const { db, backend } = ctx()
    for (const m of [models.Shop, models.Ware]) {
      const t = tableOf(await live(), m.meta.table)
      expect(t.columns.map((c) => c.name)).toEqual(m.meta.concreteFields.map((bf) => bf.column))
      for (const bf of m.meta.concreteFields) {
        if (bf.primaryKey || bf.field.relation) continue
        const col = t.columns.find((c) => c.name === bf.column)!
        // MariaDB's JSON is LONGTEXT with a json_valid() check.
        const expected = backend.name === 'mysql' && bf.field.type === 'json' && col.type === 'longtext' ? 'longtext' : db.dialect.schema.columnType(bf)
        expect(canonicalType(col.type), `${m.name}.${bf.name}: ${col.type}`).toBe(canonicalType(expected))
      }
    }
  })

  it("gives types in the backend's own spelling", async () => {
    const { backend } = ctx()
    const ware = tableOf(await live(), 'intro_ware')
    const expected: Record<string, Record<string, string>> = {
      sqlite: { title: 'varchar(80)', price: 'decimal(6, 2)', stock: 'integer unsigned', seen_at: 'datetime', token: 'char(36)' },
      postgres: { title: 'character varying(80)', price: 'numeric(6,2)', stock: 'integer', seen_at: 'timestamp with time zone', token: 'uuid', payload: 'jsonb' },
      mysql: { title: 'varchar(80)', price: 'decimal(6,2)', stock: 'int(10) unsigned', seen_at: 'datetime(6)', token: 'char(36)' },
    }
    for (const [column, spelt] of Object.entries(expected[backend.name] ?? {})) {
      expect(ware.columns.find((c) => c.name === column)?.type.toLowerCase(), column).toBe(spelt)
    }
  })

  it('reads nullability, defaults, the primary key and the generated key', async () => {
    const t = tableOf(await live(), 'intro_shop')
    const col = (name: string) => t.columns.find((c) => c.name === name)!
    expect(col('id')).toMatchObject({ primaryKey: true, nullable: false, autoIncrement: true })
    expect(col('name')).toMatchObject({ primaryKey: false, nullable: false, default: null, autoIncrement: false })
    expect(col('nickname')).toMatchObject({ nullable: true, default: null })
    expect(canonicalDefault(col('city').default)).toBe("'Oslo'")
    expect(canonicalDefault(col('rating').default)).toBe('3')
    expect(canonicalDefault(col('active').default)).toBe('1')
    expect(t.columns.filter((c) => c.primaryKey).map((c) => c.name)).toEqual(['id'])
  })

  it('reads indexes: names, columns in order, descending keys, uniqueness, partial ones', async () => {
    const { db } = ctx()
    const t = tableOf(await live(), 'intro_ware')
    const byName = new Map(t.indexes.map((i) => [i.name, i]))
    expect(byName.get('intro_ware_title_price_idx')).toEqual({ name: 'intro_ware_title_price_idx', columns: ['title', 'price DESC'], unique: false, partial: false })
    const plain = t.indexes.filter((i) => !i.unique).map((i) => i.columns)
    expect(plain).toContainEqual(['code'])
    expect(plain).toContainEqual(['shop_id'])
    if (db.dialect.schema.supportsPartialIndexes === false) {
      // MySQL: UNIQUE is an index there, listed with the unique sets only.
      expect(t.indexes.every((i) => !i.unique && !i.partial)).toBe(true)
    } else {
      expect(byName.get('intro_ware_code_small_uniq')).toEqual({ name: 'intro_ware_code_small_uniq', columns: ['code', 'small'], unique: true, partial: false })
      expect(byName.get('intro_ware_token_in_stock')).toEqual({ name: 'intro_ware_token_in_stock', columns: ['token'], unique: true, partial: true })
    }
    // Indexes behind the primary key and UNIQUE constraints are not listed as indexes.
    expect(t.indexes.map((i) => i.columns)).not.toContainEqual(['id'])
    expect(t.indexes.map((i) => i.columns)).not.toContainEqual(['shop_id', 'title'])
  })

  it('reads unique column sets, whatever implements them', async () => {
    const s = await live()
    expect(tableOf(s, 'intro_shop').uniques).toEqual([['name']])
    const ware = tableOf(s, 'intro_ware').uniques
    expect([...ware].sort()).toEqual([['code', 'small'], ['shop_id', 'title'], ['title', 'code']])
  })

  it('reads foreign keys', async () => {
    const s = await live()
    expect(tableOf(s, 'intro_ware').foreignKeys).toEqual([{ columns: ['shop_id'], table: 'intro_shop', refColumns: ['id'] }])
    expect(tableOf(s, 'intro_shop').foreignKeys).toEqual([])
  })

  it('reads check constraints: the named ones, and the one of a positive integer column', async () => {
    const { backend } = ctx()
    const t = tableOf(await live(), 'intro_ware')
    expect(t.checks).toContain('intro_ware_price_not_negative')
    expect(t.checks).toContain('intro_ware_discount_le_price')
    expect(t.checks).toEqual(t.checkClauses.map((c) => c.name))
    const clause = (name: string) => canonicalClause(t.checkClauses.find((c) => c.name === name)?.clause ?? '')
    expect(clause('intro_ware_discount_le_price')).toBe('discounted <= price')
    expect(clause('intro_ware_price_not_negative')).toMatch(/^price >= '?0'?/)
    // The column's own check, named by the backend (on SQLite, after the column).
    const stockCheck = { sqlite: 'intro_ware_stock_check', postgres: 'intro_ware_stock_check', mysql: 'stock' }[backend.name as string]
    if (stockCheck) expect(clause(stockCheck)).toBe('stock >= 0')
    expect(tableOf(await live(), 'intro_shop').checks).toEqual([])
  })

  it('comparable() is equal for two databases built the same way', async () => {
    const mine = comparable(await live())
    await withSecondDb(async (db2) => {
      await db2.run(createTables(models))
      expect(comparable(await introspect(db2))).toEqual(mine)
    })
  })

  it('comparable() is equal when the same table is reached by ALTER TABLE steps', async () => {
    const { db, backend } = ctx()
    const shop = comparable(await introspect(db, { tables: ['intro_shop'] }))
    await withSecondDb(async (db2) => {
      // SQLite adds no constraint to an existing table: there the unique name is there from the start.
      const sqlite = backend.name === 'sqlite'
      await db2.run(createTables([bareShop(sqlite)]))
      const q = (id: string) => quote(db2, id)
      const rating = models.Shop.meta.fieldMap.get('rating')!
      await exec(db2, `ALTER TABLE ${q('intro_shop')} ADD COLUMN ${q('rating')} ${db2.dialect.schema.columnType(rating)} DEFAULT 3 NOT NULL`)
      if (!sqlite) await exec(db2, `ALTER TABLE ${q('intro_shop')} ADD CONSTRAINT ${q('intro_shop_name_0badcafe_uniq')} UNIQUE (${q('name')})`)
      expect(tableOf(await introspect(db2), 'intro_shop').columns.at(-1)?.name).toBe('rating')
      // Column order and the generated names differ; the structure doesn't.
      expect(comparable(await introspect(db2))).toEqual(shop)
    })
  })

  it('comparable() is equal for a table created under another name and renamed (a rebuild)', async () => {
    const mine = comparable(await live())
    await withSecondDb(async (db2) => {
      const q = (id: string) => quote(db2, id)
      const create = `CREATE TABLE ${q('intro_ware')} `
      let renamed = 0
      for (const statement of createStatements(db2, models)) {
        if (!statement.startsWith(create)) {
          await exec(db2, statement)
          continue
        }
        await exec(db2, `CREATE TABLE ${q('new__intro_ware')} ${statement.slice(create.length)}`)
        await exec(db2, `ALTER TABLE ${q('new__intro_ware')} RENAME TO ${q('intro_ware')}`)
        renamed++
      }
      expect(renamed).toBe(1)
      expect(comparable(await introspect(db2))).toEqual(mine)
    })
  })

  it('comparable() differs after ADD COLUMN, and is equal again after DROP COLUMN', async () => {
    const mine = comparable(await live())
    await withSecondDb(async (db2) => {
      await db2.run(createTables(models))
      const q = (id: string) => quote(db2, id)
      await exec(db2, `ALTER TABLE ${q('intro_shop')} ADD COLUMN ${q('extra')} integer NULL`)
      const after = await introspect(db2)
      expect(tableOf(after, 'intro_shop').columns.at(-1)).toMatchObject({ name: 'extra', nullable: true, default: null, primaryKey: false })
      expect(comparable(after)).not.toEqual(mine)
      await exec(db2, `ALTER TABLE ${q('intro_shop')} DROP COLUMN ${q('extra')}`)
      expect(comparable(await introspect(db2))).toEqual(mine)
    })
  })

  it('comparable() differs after dropping an index, a unique index, or with another default or nullability', async () => {
    const { backend } = ctx()
    const mine = comparable(await live())
    await withSecondDb(async (db2) => {
      await db2.run(createTables(models))
      const q = (id: string) => quote(db2, id)
      const dropIndex = (name: string) => exec(db2, backend.name === 'mysql' ? `DROP INDEX ${q(name)} ON ${q('intro_ware')}` : `DROP INDEX ${q(name)}`)
      await dropIndex('intro_ware_title_price_idx')
      const noIndex = await introspect(db2)
      expect(tableOf(noIndex, 'intro_ware').indexes.map((i) => i.name)).not.toContain('intro_ware_title_price_idx')
      expect(comparable(noIndex)).not.toEqual(mine)
      await exec(db2, `CREATE INDEX ${q('intro_ware_title_price_idx')} ON ${q('intro_ware')} (${q('title')}, ${q('price')} DESC)`)
      expect(comparable(await introspect(db2))).toEqual(mine)
      // The same columns, but ascending: another index.
      await dropIndex('intro_ware_title_price_idx')
      await exec(db2, `CREATE INDEX ${q('intro_ware_title_price_idx')} ON ${q('intro_ware')} (${q('title')}, ${q('price')})`)
      expect(comparable(await introspect(db2))).not.toEqual(mine)

      await dropIndex('intro_ware_code_small_uniq')
      const noUnique = await introspect(db2)
      expect(tableOf(noUnique, 'intro_ware').uniques).not.toContainEqual(['code', 'small'])
    })
    if (backend.name === 'sqlite') return
    await withSecondDb(async (db2) => {
      await db2.run(createTables(models))
      const q = (id: string) => quote(db2, id)
      const changes =
        backend.name === 'postgres'
          ? [`ALTER TABLE ${q('intro_shop')} ALTER COLUMN ${q('rating')} SET DEFAULT 4`, `ALTER TABLE ${q('intro_shop')} ALTER COLUMN ${q('nickname')} SET NOT NULL`]
          : [`ALTER TABLE ${q('intro_shop')} ALTER COLUMN ${q('rating')} SET DEFAULT 4`, `ALTER TABLE ${q('intro_shop')} MODIFY ${q('nickname')} varchar(20) NOT NULL`]
      for (const change of changes) {
        await exec(db2, change)
        expect(comparable(await introspect(db2)), change).not.toEqual(mine)
      }
    })
  })

  it('comparable() differs with a check, a unique set or a foreign key more', async () => {
    const { backend } = ctx()
    if (backend.name === 'sqlite') return // SQLite adds no constraint to an existing table.
    const mine = comparable(await live())
    const steps = (q: (id: string) => string) => [
      `ALTER TABLE ${q('intro_shop')} ADD CONSTRAINT ${q('intro_shop_rating_small')} CHECK (${q('rating')} < 10)`,
      `ALTER TABLE ${q('intro_shop')} ADD CONSTRAINT ${q('intro_shop_city_uniq')} UNIQUE (${q('city')})`,
      `ALTER TABLE ${q('intro_ware')} ADD CONSTRAINT ${q('intro_ware_big_fk')} FOREIGN KEY (${q('big')}) REFERENCES ${q('intro_shop')} (${q('id')})`,
    ]
    for (const [i, step] of steps(() => '').entries()) {
      await withSecondDb(async (db2) => {
        await db2.run(createTables(models))
        const text = steps((id) => quote(db2, id))[i]!
        await exec(db2, text)
        expect(comparable(await introspect(db2)), step).not.toEqual(mine)
      })
    }
  })
})

describe('comparable() spellings', () => {
  it('gives one spelling to each type', () => {
    expect(canonicalType('int4')).toBe('integer')
    expect(canonicalType('INTEGER')).toBe('integer')
    expect(canonicalType('int(11)')).toBe('integer')
    expect(canonicalType('int(10) unsigned')).toBe('integer unsigned')
    expect(canonicalType('bigint(20)')).toBe('bigint')
    expect(canonicalType('character varying(30)')).toBe('varchar(30)')
    expect(canonicalType('decimal(6, 2)')).toBe('numeric(6,2)')
    expect(canonicalType('timestamp with time zone')).toBe('timestamptz')
    expect(canonicalType('double')).toBe(canonicalType('double precision'))
    expect(canonicalType('tinyint(1)')).toBe(canonicalType('bool'))
    expect(canonicalType('varchar(30)')).not.toBe(canonicalType('varchar(31)'))
  })

  it('normalises defaults: casts, parentheses, NULL', () => {
    expect(canonicalDefault("'Oslo'::character varying")).toBe("'Oslo'")
    expect(canonicalDefault("('Oslo')")).toBe("'Oslo'")
    expect(canonicalDefault("'{}'::jsonb")).toBe("'{}'")
    expect(canonicalDefault('(3)')).toBe('3')
    expect(canonicalDefault('NULL::character varying')).toBeNull()
    expect(canonicalDefault('NULL')).toBeNull()
    expect(canonicalDefault("'-1'::integer")).toBe('-1')
    expect(canonicalDefault('(-1)')).toBe('-1')
    expect(canonicalDefault("'0.5'")).toBe('0.5')
    expect(canonicalDefault("'05a'")).toBe("'05a'")
    expect(canonicalDefault('TRUE')).toBe('1')
    expect(canonicalDefault('false')).toBe('0')
    expect(canonicalDefault("'Oslo'")).not.toBe(canonicalDefault("'oslo'"))
    expect(canonicalDefault(null)).toBeNull()
  })

  it('normalises check conditions: identifier quotes and spacing, literals kept', () => {
    expect(canonicalClause('("price" >= 0)')).toBe('price >= 0')
    expect(canonicalClause('`discounted`  <=  `price`')).toBe('discounted <= price')
    expect(canonicalClause("( label IN ('a', 'it''s  \"x\"') )")).toBe("label IN ('a', 'it''s  \"x\"')")
  })
})
