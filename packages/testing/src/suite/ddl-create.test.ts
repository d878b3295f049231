// createTables / sqlCreateTables / dropTables: each backend's column types, NOT NULL, defaults,
// indexes, and tables in foreign-key dependency order.
import { count, create, DatabaseError, f, get, model, schema, toArray, update } from '@fjord/core'
import { createStatements, createTables, dropStatements, dropTables, sqlCreateTables } from '@fjord/migrate'
import { foreignKey } from '@fjord/relations'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { describeEachBackend, truncate } from '../helpers.js'
import { ddlModels, quoteId, rejection } from './fixtures-write.js'

const { Book, Author, Node } = ddlModels

describeEachBackend('DDL: tables, columns, indexes', ddlModels, (ctx) => {
  beforeEach(async () => {
    const { db } = ctx()
    // Unlink the tree first: a backend that checks foreign keys row by row refuses to delete it at once.
    await db.run(pipe(Node.objects, update({ parent: null })))
    await truncate(db, [Author, Book, Node])
  })

  const q = (name: string) => quoteId(ctx().db, name)
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const createOf = (table: string) => {
    const stmt = createStatements(ctx().db, ddlModels).find((s) => new RegExp(`^CREATE TABLE ${escape(q(table))} `).test(s))
    expect(stmt, table).toBeDefined()
    return stmt as string
  }

  it('creates a foreign key target before the table that refers to it, and drops it after', () => {
    const { db } = ctx()
    const created = createStatements(db, [Book, Author])
    const at = (table: string) => created.findIndex((s) => s.startsWith(`CREATE TABLE ${q(table)} `))
    expect(at('author')).toBeGreaterThanOrEqual(0)
    expect(at('author')).toBeLessThan(at('book'))
    const dropped = dropStatements(db, [Author, Book])
    const dropAt = (table: string) => dropped.findIndex((s) => s.includes(q(table)))
    expect(dropAt('book')).toBeLessThan(dropAt('author'))
  })

  it("uses the backend's own type for every column", () => {
    const { db } = ctx()
    for (const m of [Author, Book]) {
      const stmt = createOf(m.meta.table)
      for (const bf of m.meta.concreteFields) {
        if (bf.field.relation || bf.primaryKey) continue
        expect(stmt, `${m.name}.${bf.name}`).toContain(`${q(bf.column)} ${db.dialect.schema.columnType(bf)}`)
      }
    }
  })

  it('writes NOT NULL for required columns and NULL for nullable ones', () => {
    const author = createOf('author')
    expect(author).toMatch(new RegExp(`${escape(q('name'))} [^,]* NOT NULL`))
    expect(author).toMatch(new RegExp(`${escape(q('nickname'))} [^,]*(?<!NOT) NULL`))
  })

  /** Send a hand-built INSERT (compiled for this backend, so placeholders fit). */
  const insert = async (table: string, values: Record<string, unknown>) => {
    const { sql, parameters } = ctx().db.kysely.insertInto(table).values(values).compile()
    return ctx().db.execute(sql, parameters, { returnsRows: false })
  }

  it('the database refuses NULL in a NOT NULL column', async () => {
    const err = await rejection(insert('author', { name: 'x', city: null }))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'notNull' })
  })

  it('the DDL default fills columns an INSERT leaves out', async () => {
    const { db } = ctx()
    await insert('author', { name: 'Undset' })
    const row = await db.run(pipe(Author.objects, get({ name: 'Undset' })))
    expect(row).toMatchObject({ city: 'Oslo', rating: 3, active: true, nickname: null })
    if (!db.dialect.features.interpretsEmptyStringsAsNulls) expect(row).toMatchObject({ first: '', last: '' })
  })

  it('indexes dbIndex fields and foreign keys', () => {
    const { db } = ctx()
    const text = sqlCreateTables(ddlModels)(db)
    expect(text).toMatch(new RegExp(`CREATE INDEX \\S+ ON ${escape(q('book'))} \\(${escape(q('isbn'))}\\)`))
    expect(text).toMatch(new RegExp(`CREATE INDEX \\S+ ON ${escape(q('book'))} \\(${escape(q('author_id'))}\\)`))
    // A unique column already has its index.
    expect(text).not.toMatch(new RegExp(`CREATE INDEX \\S+ ON ${escape(q('author'))} \\(${escape(q('name'))}\\)`))
  })

  it('creates Meta.indexes with their names, order and uniqueness', () => {
    const { db } = ctx()
    const text = sqlCreateTables(ddlModels)(db)
    expect(text).toContain(`CREATE INDEX ${q('book_title_price_idx')} ON ${q('book')} (${q('title')}, ${q('price')} DESC)`)
    expect(text).toContain(`CREATE UNIQUE INDEX ${q('book_isbn_pages_uniq')} ON ${q('book')} (${q('isbn')}, ${q('pages')})`)
  })

  it('a unique Meta index is enforced', async () => {
    const { db } = ctx()
    const author = await db.run(create(Author, { name: 'Hamsun' }))
    await db.run(create(Book, { author, title: 'Sult', price: '10', isbn: '123', pages: 200 }))
    await db.run(create(Book, { author, title: 'Pan', price: '10', isbn: '123', pages: 201 }))
    const err = await rejection(db.run(create(Book, { author, title: 'Markens grøde', price: '10', isbn: '123', pages: 200 })))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'unique' })
  })

  it('a self-referencing foreign key is created and enforced', async () => {
    const { db } = ctx()
    const root = await db.run(create(Node, { name: 'root' }))
    const child = await db.run(create(Node, { name: 'child', parent: root }))
    expect(await db.run(pipe(Node.objects, get({ parent: root })))).toEqual(child)
    const err = await rejection(db.run(create(Node, { name: 'lost', parentId: 987654 })))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'foreignKey' })
  })

  it('the database refuses a foreign key to a missing row', async () => {
    const { db } = ctx()
    const err = await rejection(db.run(create(Book, { authorId: 987654, title: 'Orphan', price: '1' })))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'foreignKey' })
    expect(await db.run(count(Book.objects))).toBe(0)
  })

  it('dropTables removes the tables; createTables makes them again', async () => {
    const { db } = ctx()
    const { Shelf, Slot } = schema({
      Slot: model({ shelf: foreignKey('Shelf', { onDelete: 'CASCADE' }), position: f.integer() }),
      Shelf: model({ label: f.char({ maxLength: 10 }) }),
    })
    await db.run(dropTables([Slot, Shelf]))
    await db.run(createTables([Slot, Shelf]))
    const shelf = await db.run(create(Shelf, { label: 'A' }))
    await db.run(create(Slot, { shelf, position: 1 }))
    await db.run(dropTables([Shelf, Slot]))
    expect(await rejection(db.run(toArray(Shelf.objects)))).toBeInstanceOf(DatabaseError)
    await db.run(createTables([Shelf, Slot]))
    expect(await db.run(toArray(Slot.objects))).toEqual([])
    await db.run(dropTables([Shelf, Slot]))
  })
})
