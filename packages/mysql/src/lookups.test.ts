// Lookups under a case-insensitive collation: exact, contains, startswith, endswith and regex are
// case-sensitive; the i… variants are not; wildcards in values are literal.
import { Concat, count, create, F, f, filter, Length, model, orderBy, schema, toArray, toSql, valuesList, annotate } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { pipe } from 'fp-ts/function'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, rows, unavailable } from './test-support/server.js'

const { Word } = schema({
  Word: model({ text: f.char({ maxLength: 50 }), note: f.text({ null: true }), rank: f.integer({ null: true }) }),
})

const reason = await unavailable()
type TestDb = Awaited<ReturnType<typeof freshDb>>

describe.skipIf(reason)('string lookups on MariaDB/MySQL', () => {
  let db: TestDb
  const texts = ['Hello', 'hello', 'HELLO world', 'say hello', 'hello ', '100%', '1000', 'a_b', 'axb', 'back\\slash', 'Straße']
  const matching = async (cond: Record<string, unknown>): Promise<string[]> =>
    ((await db.run(pipe(Word.objects, filter(cond as never), orderBy('text'), valuesList('text', { flat: true }), toArray))) as string[]).sort()

  beforeAll(async () => {
    db = await freshDb()
    await db.run(createTables([Word]))
    for (const [i, text] of texts.entries()) await db.run(create(Word, { text, rank: i % 3 === 0 ? null : i }))
  })
  afterAll(async () => {
    await db?.close()
  })

  it('the table really has a case-insensitive collation (so these tests mean something)', async () => {
    const [[collation]] = await rows(db, 'SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', ['word'])
    expect(String(collation)).toMatch(/_ci$/)
    const [[same]] = await rows(db, "SELECT COUNT(*) FROM word WHERE text = 'HELLO'")
    expect(Number(same)).toBe(3)
  })

  it('exact compares bytes, trailing spaces included; iexact ignores case', async () => {
    expect(await matching({ text: 'hello' })).toEqual(['hello'])
    expect(await matching({ text: 'hello ' })).toEqual(['hello '])
    expect(await matching({ text: 'HELLO' })).toEqual([])
    expect(await matching({ text__iexact: 'HELLO' })).toEqual(['Hello', 'hello'])
    expect(toSql(pipe(Word.objects, filter({ text: 'x' })))(db).sql).toContain('= CAST(? AS BINARY)')
  })

  it('in is exact against each item', async () => {
    expect(await matching({ text__in: ['hello', 'HELLO WORLD', 'Straße'] })).toEqual(['Straße', 'hello'])
    const sub = pipe(Word.objects, filter({ text__startswith: 'he' }), valuesList('text', { flat: true }))
    expect(await matching({ text__in: sub })).toEqual(['hello', 'hello '])
  })

  it('contains, startswith and endswith are case-sensitive; the i… variants are not', async () => {
    expect(await matching({ text__contains: 'hello' })).toEqual(['hello', 'hello ', 'say hello'])
    expect(await matching({ text__icontains: 'hello' })).toEqual(['HELLO world', 'Hello', 'hello', 'hello ', 'say hello'])
    expect(await matching({ text__startswith: 'H' })).toEqual(['HELLO world', 'Hello'])
    expect(await matching({ text__istartswith: 'h' })).toEqual(['HELLO world', 'Hello', 'hello', 'hello '])
    expect(await matching({ text__endswith: 'LO' })).toEqual([])
    expect(await matching({ text__iendswith: 'LO' })).toEqual(['Hello', 'hello', 'say hello'])
    expect(await matching({ text__contains: 'Straße' })).toEqual(['Straße'])
    expect(await matching({ text__contains: 'STRASSE' })).toEqual([])
  })

  it("'%', '_' and '\\' match themselves", async () => {
    expect(await matching({ text__contains: '%' })).toEqual(['100%'])
    expect(await matching({ text__startswith: '100%' })).toEqual(['100%'])
    expect(await matching({ text__contains: '_' })).toEqual(['a_b'])
    expect(await matching({ text__icontains: 'A_' })).toEqual(['a_b'])
    expect(await matching({ text__endswith: '\\slash' })).toEqual(['back\\slash'])
    expect(await matching({ text__iexact: 'BACK\\SLASH' })).toEqual(['back\\slash'])
  })

  it('regex is case-sensitive, iregex is not', async () => {
    expect(await matching({ text__regex: '^h' })).toEqual(['hello', 'hello '])
    expect(await matching({ text__iregex: '^h' })).toEqual(['HELLO world', 'Hello', 'hello', 'hello '])
    expect(await matching({ text__regex: 'o w' })).toEqual([])
    expect(await matching({ text__iregex: 'O W' })).toEqual(['HELLO world'])
    expect(await matching({ text__regex: '^[0-9]+%$' })).toEqual(['100%'])
  })

  it('a pattern against a column (F) keeps its case sensitivity', async () => {
    await db.run(create(Word, { text: 'twin', note: 'TWIN' }))
    await db.run(create(Word, { text: 'pair', note: 'pair' }))
    expect(await matching({ text: F('note') })).toEqual(['pair'])
    expect(await matching({ text__iexact: F('note') })).toEqual(['pair', 'twin'])
    expect(await matching({ note__contains: F('text') })).toEqual(['pair'])
    // Every other row has a NULL note: a NULL pattern matches nothing (not '%%').
    expect(await matching({ text__contains: F('note') })).toEqual(['pair'])
    expect(await matching({ text__istartswith: F('note') })).toEqual(['pair', 'twin'])
  })

  it('orders NULLs first or last on request (emulated)', async () => {
    const asc = (await db.run(pipe(Word.objects, filter({ text__in: ['Hello', 'hello', 'HELLO world'] }), orderBy(F('rank').asc({ nullsLast: true }), 'text'), valuesList('rank', { flat: true }), toArray))) as (number | null)[]
    expect(asc).toEqual([1, 2, null])
    const desc = (await db.run(pipe(Word.objects, filter({ text__in: ['Hello', 'hello', 'HELLO world'] }), orderBy(F('rank').desc({ nullsFirst: true }), 'text'), valuesList('rank', { flat: true }), toArray))) as (number | null)[]
    expect(desc).toEqual([null, 2, 1])
  })

  it('Concat skips NULLs; Length counts characters, not bytes', async () => {
    const got = await db.run(
      pipe(
        Word.objects,
        filter({ text: 'Straße' }),
        annotate({ both: Concat('text', 'note'), n: Length('text') }),
        valuesList('both', 'n'),
        toArray,
      ),
    )
    expect(got).toEqual([['Straße', 6]])
    expect(await db.run(pipe(Word.objects, filter({ note__isnull: true }), count))).toBe(texts.length)
  })
})
