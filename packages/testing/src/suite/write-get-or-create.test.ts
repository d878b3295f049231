// getOrCreate and updateOrCreate: [row, created], defaults, lookups with `__` left out of the new row,
// and safety when another writer inserts the same unique value (after Django's tests/get_or_create).
import {
  count,
  create,
  type Db,
  filter,
  get,
  getOrCreate,
  IntegrityError,
  inTransaction,
  MultipleObjectsReturned,
  refresh,
  unwrap,
  updateOrCreate,
  ValidationError,
} from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { captureQueries, describeEachBackend, truncate } from '../helpers.js'
import { getOrCreateModels, quoteId, rejection, writes } from './fixtures-write.js'

const { Person, Tag, Thing } = getOrCreateModels

/** A Db that lets `between` run right after the first SELECT returns: another writer in the gap. */
const withWriterAfterFirstSelect = (db: Db, between: () => Promise<unknown>): Db => {
  let fired = false
  return {
    ...db,
    async execute(text, params, options, kind) {
      const res = await db.execute(text, params, options, kind)
      if (!fired && /^\s*select/i.test(text)) {
        fired = true
        await between()
      }
      return res
    },
  }
}

/** Run an effect on a Db that is not the one `db.run` closes over. */
const runOn = async <A>(db: Db, eff: (db: Db) => () => Promise<{ _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }>): Promise<A> => {
  const r = await eff(db)()
  if (r._tag === 'Left') throw r.left
  return r.right
}

describeEachBackend('getOrCreate and updateOrCreate', getOrCreateModels, (ctx) => {
  beforeEach(() => truncate(ctx().db, [Person, Tag, Thing]))

  const john = { firstName: 'John', lastName: 'Lennon', birthday: '1940-10-09' }

  it('gets the existing row without writing', async () => {
    const { db } = ctx()
    const stored = await db.run(create(Person, john))
    const { result, queries } = await captureQueries(db, () =>
      db.run(getOrCreate(Person, { firstName: 'John', lastName: 'Lennon' }, { birthday: '1970-01-01' })),
    )
    expect(result).toEqual([stored, false])
    expect(writes(queries)).toEqual([])
    expect(await db.run(count(Person.objects))).toBe(1)
  })

  it('creates from the lookup and the defaults when nothing matches', async () => {
    const { db } = ctx()
    await db.run(create(Person, john))
    const [row, created] = await db.run(getOrCreate(Person, { firstName: 'George', lastName: 'Harrison' }, { birthday: '1943-02-25' }))
    expect(created).toBe(true)
    expect(row).toMatchObject({ firstName: 'George', lastName: 'Harrison', birthday: '1943-02-25' })
    expect(await db.run(pipe(Person.objects, get({ pk: row.id })))).toEqual(row)
    expect(await db.run(count(Person.objects))).toBe(2)
  })

  it('leaves lookups with __ out of the new row, and matches them next time', async () => {
    const { db } = ctx()
    const [row, created] = await db.run(
      getOrCreate(Person, { firstName__iexact: 'george', lastName: 'Harrison' }, { firstName: 'George', birthday: '1943-02-25' }),
    )
    expect(created).toBe(true)
    expect(row.firstName).toBe('George')
    const [again, createdAgain] = await db.run(getOrCreate(Person, { firstName__iexact: 'GEORGE', lastName: 'Harrison' }, { birthday: '2000-01-01' }))
    expect(createdAgain).toBe(false)
    expect(again).toEqual(row)
  })

  it('a lookup by pk creates the row with that key', async () => {
    const { db } = ctx()
    await db.run(create(Thing, { id: 10, name: 'ten' }))
    const [row, created] = await db.run(getOrCreate(Thing, { pk: 20 }, { name: 'twenty' }))
    expect(created).toBe(true)
    expect(row).toEqual({ id: 20, name: 'twenty' })
    const [again, createdAgain] = await db.run(getOrCreate(Thing, { pk: 20 }, { name: 'other' }))
    expect([again, createdAgain]).toEqual([row, false])
    expect(await db.run(count(Thing.objects))).toBe(2)
  })

  it('several matches are MultipleObjectsReturned', async () => {
    const { db } = ctx()
    await db.run(create(Thing, { name: 'twin' }))
    await db.run(create(Thing, { name: 'twin' }))
    expect(await rejection(db.run(getOrCreate(Thing, { name: 'twin' })))).toBeInstanceOf(MultipleObjectsReturned)
    expect(await rejection(db.run(updateOrCreate(Thing, { name: 'twin' }, { name: 'x' })))).toBeInstanceOf(MultipleObjectsReturned)
    expect(await db.run(pipe(Thing.objects, filter({ name: 'twin' }), count))).toBe(2)
  })

  it('an invalid default fails validation and writes nothing', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () =>
      rejection(db.run(getOrCreate(Person, { firstName: 'Paul', lastName: 'McCartney' }, { birthday: 'June 18th' }))),
    )
    expect(result).toBeInstanceOf(ValidationError)
    expect((result as ValidationError).details.field).toBe('birthday')
    expect(writes(queries)).toEqual([])
  })

  it('two concurrent calls for one unique value: one creates, both get the same row', async () => {
    const { db } = ctx()
    const [a, b] = await Promise.all([db.run(getOrCreate(Tag, { name: 'race' })), db.run(getOrCreate(Tag, { name: 'race' }))])
    expect([a[1], b[1]].sort()).toEqual([false, true])
    expect(a[0]).toEqual(b[0])
    expect(await db.run(count(Tag.objects))).toBe(1)
  })

  it('a row inserted between the get and the insert is fetched after the IntegrityError', async () => {
    const { db } = ctx()
    let theirs: unknown
    const racing = withWriterAfterFirstSelect(db, async () => {
      theirs = await db.run(create(Tag, { name: 'gap', uses: 7 }))
    })
    const { result, queries } = await captureQueries(db, () => runOn(racing, getOrCreate(Tag, { name: 'gap' }, { uses: 1 })))
    const [row, created] = result
    expect(created).toBe(false)
    expect(row).toEqual(theirs)
    // Ours was tried and refused: two INSERTs in all (theirs, ours), then the second SELECT.
    expect(writes(queries).filter((s) => /^\s*insert/i.test(s))).toHaveLength(2)
    expect(queries.filter((q) => q.kind === 'query' && /^\s*select/i.test(q.sql))).toHaveLength(2)
    expect(await db.run(count(Tag.objects))).toBe(1)
  })

  it('the IntegrityError is raised when the conflicting row does not match the lookup', async () => {
    const { db } = ctx()
    await db.run(create(Tag, { name: 'taken', uses: 0 }))
    const err = await rejection(db.run(getOrCreate(Tag, { name: 'taken', uses: 5 })))
    expect(err).toBeInstanceOf(IntegrityError)
    expect((err as IntegrityError).kind).toBe('unique')
    expect(await db.run(count(Tag.objects))).toBe(1)
  })

  it('the lookup is usable again after a refused insert inside the same Db', async () => {
    const { db } = ctx()
    await db.run(create(Tag, { name: 'taken', uses: 0 }))
    await rejection(db.run(getOrCreate(Tag, { name: 'taken', uses: 5 })))
    const [row, created] = await db.run(getOrCreate(Tag, { name: 'fresh' }))
    expect(created).toBe(true)
    expect(row.name).toBe('fresh')
  })

  it('inside a transaction, a refused insert rolls back to a savepoint and the transaction goes on', async () => {
    const { db } = ctx()
    const inside = await inTransaction(db, async (tx) => {
      await unwrap(tx, create(Tag, { name: 'taken', uses: 0 }))
      const err = await rejection(unwrap(tx, getOrCreate(Tag, { name: 'taken', uses: 5 })))
      expect(err).toBeInstanceOf(IntegrityError)
      const [row, created] = await unwrap(tx, getOrCreate(Tag, { name: 'after' }))
      expect(created).toBe(true)
      return [row.name, await unwrap(tx, count(Tag.objects))] as const
    })
    expect(inside).toEqual(['after', 2])
    expect(await db.run(count(Tag.objects))).toBe(2)
  })

  it('updateOrCreate updates the match with the defaults', async () => {
    const { db } = ctx()
    const stored = await db.run(create(Person, john))
    const [row, created] = await db.run(updateOrCreate(Person, { firstName: 'John', lastName: 'Lennon' }, { birthday: '1940-10-10' }))
    expect(created).toBe(false)
    expect(row).toEqual({ ...stored, birthday: '1940-10-10' })
    expect(await db.run(refresh(Person, stored))).toEqual(row)
    expect(await db.run(count(Person.objects))).toBe(1)
  })

  it('updateOrCreate creates when nothing matches', async () => {
    const { db } = ctx()
    const [row, created] = await db.run(updateOrCreate(Person, { firstName: 'Ringo', lastName: 'Starr' }, { birthday: '1940-07-07' }))
    expect(created).toBe(true)
    expect(await db.run(pipe(Person.objects, get({ firstName: 'Ringo' })))).toEqual(row)
  })

  it('updateOrCreate sets only the fields given in defaults', async () => {
    const { db } = ctx()
    const stored = await db.run(create(Person, { ...john, defaults: 'kept' }))
    const { queries } = await captureQueries(db, () =>
      db.run(updateOrCreate(Person, { firstName: 'John', lastName: 'Lennon' }, { birthday: '1941-01-01' })),
    )
    const [stmt] = writes(queries)
    expect(stmt).toMatch(/^update/i)
    expect(stmt).toContain(quoteId(db, 'birthday'))
    for (const other of ['first_name', 'last_name', 'defaults']) expect(stmt).not.toContain(quoteId(db, other))
    expect(await db.run(refresh(Person, stored))).toMatchObject({ defaults: 'kept', birthday: '1941-01-01' })
  })

  it('updateOrCreate without defaults returns the match unchanged, without writing', async () => {
    const { db } = ctx()
    const stored = await db.run(create(Person, john))
    const { result, queries } = await captureQueries(db, () => db.run(updateOrCreate(Person, { firstName: 'John', lastName: 'Lennon' })))
    expect(result).toEqual([stored, false])
    expect(writes(queries)).toEqual([])
  })
})
