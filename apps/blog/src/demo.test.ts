// The walkthrough on every backend the suite reaches (SQLite in memory always): if the API it shows
// changes, or a backend answers differently, this fails.
import type { Db } from '@fjord/core'
import { describeEachBackend } from '@fjord/testing'
import { describe, expect, it } from 'vitest'
import { parseTarget } from './database.js'
import { formatOutcome } from './format.js'
import { blog } from './models.js'
import { seed, setUp } from './seed.js'
import { runWalkthrough } from './walkthrough.js'

const tour = async (db: Db) => {
  await setUp(db)
  const seeded = await seed(db)
  const printed: string[] = []
  const outcomes = await runWalkthrough(db, seeded, (o) => printed.push(formatOutcome(o, printed.length + 1)))
  const result = (id: string): unknown => {
    const o = outcomes.get(id)
    if (!o) throw new Error(`no step ${id}`)
    return o.result
  }
  return { outcomes, printed, result }
}

describeEachBackend('blog walkthrough', blog, (ctx) => {
  it('answers every query as the demo prints it', async () => {
    const { outcomes, printed, result } = await tour(ctx().db)
    expect(printed).toHaveLength(outcomes.size)

    // DESIGN §3: 2023 only, no title mentioning django in any case, newest first.
    expect(result('recentTitles')).toEqual(['SQLite is enough', 'Functional QuerySets', 'First steps with pipe'])
    // The year is a range of pubDate (an index serves it), its bounds bound as the backend binds datetimes.
    const bound = (iso: string) => ctx().db.dialect.ops.toDb('dateTime', new Date(iso))
    expect(outcomes.get('recent')?.sql?.parameters).toEqual([
      bound('2023-01-01T00:00:00Z'),
      bound('2024-01-01T00:00:00Z'),
      '%django%',
    ])
    expect(outcomes.get('recent')?.sql?.sql).toMatch(/limit/i)
    expect((result('getByPk') as { title: string }).title).toBe('SQLite is enough')
    expect((result('first') as { title: string }).title).toBe('SQLite is enough')
    expect((result('last') as { title: string }).title).toBe('Migrations without magic')
    expect(result('count2023')).toBe(5)
    expect(result('existsGrace')).toBe(true)
    expect(result('authors')).toEqual(['Ada', 'Grace', 'John'])

    // Across the relation, both ways.
    expect((result('johns') as { title: string }[]).map((p) => p.title)).toEqual([
      'First steps with pipe',
      'Functional QuerySets',
    ])
    expect((result('onF') as { author: string }[]).map((c) => c.author)).toEqual(['Ada', 'John', 'John'])
    expect((result('headlines') as { headline: string; textLength: number }[])[0]).toEqual({
      headline: 'ADA: Looking forward to the autodetector.',
      textLength: 'Looking forward to the autodetector.'.length,
    })
  })

  it('writes: F update, getOrCreate, bulkCreate, cascade, errors as values', async () => {
    const { outcomes, result } = await tour(ctx().db)
    expect(result('bumpViews')).toBe(3)
    expect(result('popular')).toEqual([
      ['Fjord, the Django ORM for TypeScript', 41],
      ['What django got right', 21],
      ['First steps with pipe', 13],
      ['Migrations without magic', 9],
      ['Functional QuerySets', 8],
      ['SQLite is enough', 3],
    ])
    expect((result('qOrNot') as { title: string }[]).map((p) => p.title)).toEqual([
      'Fjord, the Django ORM for TypeScript',
      'Migrations without magic',
      'What django got right',
    ])
    const tags = result('getOrCreate') as {
      first: { created: boolean; row: { id: number } }
      second: { created: boolean; row: { id: number } }
    }
    expect([tags.first.created, tags.second.created]).toEqual([true, false])
    expect(tags.second.row.id).toBe(tags.first.row.id)
    expect(result('tagged')).toEqual(['First steps with pipe', 'Functional QuerySets'])
    const queries = (id: string) => outcomes.get(id)?.sent.filter((e) => e.kind === 'query') ?? []
    expect(result('selectRelated')).toEqual([
      'Ada on "Migrations without magic"',
      'John on "First steps with pipe"',
      'Ada on "First steps with pipe"',
      'John on "Functional QuerySets"',
      'Grace on "SQLite is enough"',
    ])
    expect(queries('selectRelated')).toHaveLength(1)
    expect(result('prefetchRelated')).toEqual([
      'First steps with pipe: John, Ada',
      'Fjord, the Django ORM for TypeScript: -',
      'Functional QuerySets: John',
      'Migrations without magic: Ada',
      'SQLite is enough: Grace',
      'What django got right: -',
    ])
    expect(queries('prefetchRelated')).toHaveLength(2)
    expect(result('related')).toEqual([
      { author: 'John', text: 'Finally, no more method chains.' },
      { author: 'Ada', text: 'Does it tree-shake?' },
    ])
    expect(result('bulkCreate')).toHaveLength(2)
    expect(result('cascade')).toEqual({ total: 4, perModel: { Post: 1, Comment: 3 } })
    // The comments go in their own DELETE, inside the same transaction as the post's.
    const sent = outcomes.get('cascade')?.sent ?? []
    const deletes = sent.filter((e) => /^delete from [`"]?(comment|post)[`"]? /i.test(e.sql)).map((e) => e.sql.split(/\s+/)[2])
    expect(deletes.map((t) => t.replace(/[`"]/g, ''))).toEqual(['comment', 'post'])
    expect(sent.filter((e) => e.kind === 'transaction')).toHaveLength(2)
    const [typo, missing] = result('errors') as string[]
    expect(typo).toMatch(/^Left FieldError: .*'titel'.*Did you mean 'title'/)
    expect(missing).toMatch(/^Left DoesNotExist/)
    expect(result('str')).toEqual(['Functional QuerySets', 'First steps with pipe'])
  })
})

describe('DATABASE_URL', () => {
  it('reads DATABASE_URL', () => {
    expect(parseTarget(undefined)).toEqual({ kind: 'sqlite', filename: './blog.db' })
    expect(parseTarget('sqlite:')).toEqual({ kind: 'sqlite', filename: './blog.db' })
    expect(parseTarget('sqlite:///tmp/x.db')).toEqual({ kind: 'sqlite', filename: '/tmp/x.db' })
    expect(parseTarget('data/blog.sqlite3')).toEqual({ kind: 'sqlite', filename: 'data/blog.sqlite3' })
    expect(parseTarget('postgres://postgres@127.0.0.1:5432/test')).toEqual({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/test',
    })
    expect(parseTarget('mariadb://root@127.0.0.1/test')).toEqual({ kind: 'mysql', url: 'mysql://root@127.0.0.1/test' })
  })
})
