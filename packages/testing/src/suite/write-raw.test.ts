// raw(M, sql, params): hand-written SQL hydrated into rows of M, parameters bound and never spliced
// (after Django's tests/raw_query).
import { count, create, FieldError, raw } from '@fjord/core'
import { beforeEach, expect, it } from 'vitest'
import { captureQueries, describeEachBackend, truncate } from '../helpers.js'
import { createModels, quoteId, rejection, typeModels } from './fixtures-write.js'

const { Article } = createModels
const { Sample } = typeModels
const models = { ...createModels, ...typeModels }
const when = new Date('2010-01-02T03:04:05.678Z')

describeEachBackend('raw', models, (ctx) => {
  beforeEach(() => truncate(ctx().db, [...Object.values(createModels), Sample]))

  const table = (name: string) => quoteId(ctx().db, name)
  const col = (name: string) => quoteId(ctx().db, name)

  it('hydrates every field of the model from SELECT *', async () => {
    const { db } = ctx()
    const a = await db.run(create(Article, { headline: 'Raw', pubDate: when, views: 3 }))
    const rows = await db.run(raw(Article, `SELECT * FROM ${table('article')} WHERE ${col('id')} = ?`, [a.id]))
    expect(rows).toEqual([a])
    expect(rows[0].pubDate).toBeInstanceOf(Date)
  })

  it('converts values by field type (booleans, decimals, big integers, json)', async () => {
    const { db } = ctx()
    const s = await db.run(create(Sample, { active: true, price: '1.50', bigNum: 2n ** 60n, payload: { a: [1] } }))
    const [row] = await db.run(raw(Sample, `SELECT * FROM ${table('sample')}`))
    expect(row).toMatchObject({ id: s.id, active: true, price: '1.50', payload: { a: [1] } })
    expect(row.bigNum).toBe(2n ** 60n)
  })

  it('keeps extra columns as extra keys and leaves missing fields out', async () => {
    const { db } = ctx()
    const a = await db.run(create(Article, { headline: 'Extra', pubDate: when, views: 4 }))
    const rows = await db.run(raw(Article, `SELECT ${col('id')}, ${col('headline')}, ${col('views')} * 2 AS ${col('doubled')} FROM ${table('article')}`))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ id: a.id, headline: 'Extra' })
    expect(Number((rows[0] as unknown as { doubled: unknown }).doubled)).toBe(8)
    expect(rows[0]).not.toHaveProperty('pubDate')
  })

  it('binds parameters: a hostile value is data, never SQL', async () => {
    const { db } = ctx()
    const hostile = "x' OR '1'='1'; DROP TABLE article; --"
    await db.run(create(Article, { headline: 'innocent', pubDate: when }))
    await db.run(create(Article, { headline: hostile, pubDate: when }))
    const text = `SELECT * FROM ${table('article')} WHERE ${col('headline')} = ?`
    const { result, queries } = await captureQueries(db, () => db.run(raw(Article, text, [hostile])))
    expect(result.map((r) => r.headline)).toEqual([hostile])
    expect(queries[0].sql).not.toContain(hostile)
    expect(queries[0].parameters).toContain(hostile)
    expect(await db.run(count(Article.objects))).toBe(2)
  })

  it('binds several parameters in order', async () => {
    const { db } = ctx()
    for (const [headline, views] of [['a', 1], ['b', 2], ['c', 3]] as const) await db.run(create(Article, { headline, pubDate: when, views }))
    const rows = await db.run(
      raw(Article, `SELECT * FROM ${table('article')} WHERE ${col('views')} >= ? AND ${col('headline')} <> ? ORDER BY ${col('views')}`, [2, 'c']),
    )
    expect(rows.map((r) => r.headline)).toEqual(['b'])
  })

  it('refuses a count of parameters that does not match the placeholders, before sending', async () => {
    const { db } = ctx()
    const { result, queries } = await captureQueries(db, () => rejection(db.run(raw(Article, `SELECT * FROM ${table('article')} WHERE ${col('id')} = ?`, []))))
    expect(result).toBeInstanceOf(FieldError)
    expect(queries).toHaveLength(0)
  })
})
