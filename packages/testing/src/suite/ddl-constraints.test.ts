// Constraints created by createTables and enforced by the database: unique fields, uniqueTogether,
// Meta unique constraints and check constraints (given as Q values or lookup objects).
import { count, create, F, f, filter, model, not, or, Q, schema, update } from '@fjord/core'
import { createTables, dropTables, sqlCreateTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { describeEachBackend, truncate } from '../helpers.js'
import { ddlModels, quoteId, rejection } from './fixtures-write.js'

const { Book, Author } = ddlModels

describeEachBackend('DDL: constraints', ddlModels, (ctx) => {
  beforeEach(() => truncate(ctx().db, [Author, Book]))

  const q = (name: string) => quoteId(ctx().db, name)
  // `first` too: Author has uniqueTogether on (first, last).
  const author = (name = 'Ibsen') => ctx().db.run(create(Author, { name, first: name }))

  it('names each constraint in the DDL', () => {
    const text = sqlCreateTables(ddlModels)(ctx().db)
    for (const name of ['book_price_not_negative', 'book_pages_positive', 'book_discount_le_price']) {
      expect(text).toContain(`CONSTRAINT ${q(name)} CHECK (`)
    }
    expect(text).toContain(`CONSTRAINT ${q('book_author_title_uniq')} UNIQUE (${q('author_id')}, ${q('title')})`)
  })

  it('inlines check values as literals, never as placeholders', () => {
    const text = sqlCreateTables(ddlModels)(ctx().db)
    const checks = text.match(/CHECK \([^\n]*\)/g) ?? []
    expect(checks.length).toBeGreaterThanOrEqual(3)
    for (const c of checks) expect(c).not.toMatch(/\?|\$\d/)
  })

  it('a unique field refuses a duplicate', async () => {
    await author('Ibsen')
    const err = await rejection(author('Ibsen'))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'unique' })
    expect(await ctx().db.run(count(Author.objects))).toBe(1)
  })

  it('uniqueTogether refuses a duplicate pair, not a duplicate half', async () => {
    const { db } = ctx()
    await db.run(create(Author, { name: 'a', first: 'Henrik', last: 'Ibsen' }))
    await db.run(create(Author, { name: 'b', first: 'Henrik', last: 'Wergeland' }))
    await db.run(create(Author, { name: 'c', first: 'Sigrid', last: 'Ibsen' }))
    const err = await rejection(db.run(create(Author, { name: 'd', first: 'Henrik', last: 'Ibsen' })))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'unique' })
  })

  it('a Meta unique constraint on a foreign key and a field refuses a duplicate', async () => {
    const { db } = ctx()
    const ibsen = await author('Ibsen')
    const hamsun = await author('Hamsun')
    await db.run(create(Book, { author: ibsen, title: 'Peer Gynt', price: '10' }))
    await db.run(create(Book, { author: hamsun, title: 'Peer Gynt', price: '10' }))
    const err = await rejection(db.run(create(Book, { author: ibsen, title: 'Peer Gynt', price: '12' })))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'unique' })
  })

  it('a check from Q refuses a violating row, with kind check', async () => {
    const { db } = ctx()
    const a = await author()
    const err = await rejection(db.run(create(Book, { author: a, title: 'Negative', price: '-0.01' })))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'check' })
    await db.run(create(Book, { author: a, title: 'Free', price: '0' }))
    expect(await db.run(count(Book.objects))).toBe(1)
  })

  it('a check from a lookup object refuses a violating row', async () => {
    const { db } = ctx()
    const a = await author()
    const err = await rejection(db.run(create(Book, { author: a, title: 'Empty', price: '1', pages: 0 })))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'check' })
  })

  it('a check comparing two columns (F) holds on update too; NULL passes', async () => {
    const { db } = ctx()
    const a = await author()
    await db.run(create(Book, { author: a, title: 'No discount', price: '10' }))
    const book = await db.run(create(Book, { author: a, title: 'Sale', price: '10', discounted: '9.99' }))
    const err = await rejection(db.run(create(Book, { author: a, title: 'Odd', price: '10', discounted: '10.01' })))
    expect(err).toMatchObject({ _tag: 'IntegrityError', kind: 'check' })
    const upd = await rejection(db.run(pipe(Book.objects, filter({ pk: book.id }), update({ discounted: F('price').add(1) }))))
    expect(upd).toMatchObject({ _tag: 'IntegrityError', kind: 'check' })
    expect(await db.run(pipe(Book.objects, filter({ discounted__lte: '9.99' }), count))).toBe(1)
  })

  it('checks with OR, NOT and ranges compile and hold', async () => {
    const { db } = ctx()
    const { Slot } = schema({
      Slot: model(
        { size: f.integer(), label: f.char({ maxLength: 10 }) },
        {
          constraints: [
            { kind: 'check', check: or(Q({ size__range: [1, 10] }), { size: 100 }), name: 'slot_size_valid' },
            { kind: 'check', check: not({ label: 'bad' }), name: 'slot_label_not_bad' },
            { kind: 'check', check: { label__in: ['a', 'b', "it's"] }, name: 'slot_label_known' },
          ],
        },
      ),
    })
    await db.run(dropTables([Slot]))
    await db.run(createTables([Slot]))
    try {
      await db.run(create(Slot, { size: 5, label: 'a' }))
      await db.run(create(Slot, { size: 100, label: "it's" }))
      for (const bad of [{ size: 11, label: 'a' }, { size: 0, label: 'b' }, { size: 5, label: 'c' }]) {
        expect(await rejection(db.run(create(Slot, bad))), JSON.stringify(bad)).toMatchObject({ _tag: 'IntegrityError', kind: 'check' })
      }
      expect(await db.run(count(Slot.objects))).toBe(2)
    } finally {
      await db.run(dropTables([Slot]))
    }
  })

  it('positive integer columns refuse negatives in the database too', async () => {
    const { db } = ctx()
    const { Counter } = schema({ Counter: model({ n: f.positiveInteger() }) })
    await db.run(dropTables([Counter]))
    await db.run(createTables([Counter]))
    try {
      // Bypass the ORM's own range check to reach the column's (a CHECK, or an unsigned type).
      const { sql, parameters } = db.kysely.insertInto('counter').values({ n: -1 }).compile()
      const err = await rejection(Promise.resolve().then(() => db.execute(sql, parameters, { returnsRows: false })))
      expect(['IntegrityError', 'DatabaseError']).toContain((err as { _tag: string })._tag)
      expect(await db.run(count(Counter.objects))).toBe(0)
    } finally {
      await db.run(dropTables([Counter]))
    }
  })
})
