// Compile-only: the statements prefetchRelated sends on Oracle for sliced Prefetch querysets, recorded
// by a fake driver that runs nothing (no server here). It answers the parents' query with two rows,
// so that the prefetch statement has keys to bind, and every later query with none.
import { type Driver, type ExecResult, f, makeDb, model, orderBy, pipe, schema, slice, toArray } from '@fjord/core'
import { foreignKey, manyToMany, Prefetch, prefetchRelated } from '@fjord/relations'
import { describe, expect, test } from 'vitest'
import { oracleDialect } from './index.js'

const { Shelf, Volume, Reader } = schema({
  Shelf: model({ name: f.char({ maxLength: 20 }) }),
  Volume: model({ shelf: foreignKey('Shelf', { onDelete: 'CASCADE', relatedName: 'volumes' }), title: f.char({ maxLength: 20 }), year: f.integer() }),
  Reader: model({ name: f.char({ maxLength: 20 }), volumes: manyToMany('Volume', { relatedName: 'readers' }) }, { ordering: ['name'] }),
})

/** A Db whose driver records every statement; the first SELECT gives `parents`, the others nothing. */
const recording = (parents: readonly (readonly unknown[])[]) => {
  const sent: { sql: string; params: readonly unknown[] }[] = []
  const answer = (sql: string, params: readonly unknown[]): ExecResult => {
    sent.push({ sql, params })
    return { rows: sent.length === 1 ? parents : [], affected: 0 }
  }
  const driver: Driver = {
    execute: async (sql, params) => answer(sql, params),
    acquire: async () => ({ execute: async (sql, params) => answer(sql, params), release: () => undefined }),
    close: async () => undefined,
  }
  return { db: makeDb(oracleDialect, driver), sent }
}

const VOLUME = '"volume"."id" as "col0", "volume"."shelf_id" as "col1", "volume"."title" as "col2", "volume"."year" as "col3"'
const OUTER = (n: number) => Array.from({ length: n }, (_, i) => `"fjord_sliced"."col${i}"`).join(', ')

describe('sliced Prefetch querysets', () => {
  test('reverse foreign key: ROW_NUMBER() over each parent key in a derived table, the bounds bound', async () => {
    const { db, sent } = recording([[1, 'fiction'], [2, 'poetry']])
    await db.run(pipe(Shelf.objects, prefetchRelated(Prefetch('volumes', { queryset: pipe(Volume.objects, orderBy('-year'), slice(1, 3)) })), toArray))
    expect(sent[1]).toEqual({
      sql:
        `select ${OUTER(5)} from (select ${VOLUME}, "volume"."shelf_id" as "col4", ` +
        'ROW_NUMBER() OVER (PARTITION BY "volume"."shelf_id" ORDER BY "volume"."year" DESC) as "fjord_n" ' +
        'from "volume" where "volume"."shelf_id" IN (:1, :2)) "fjord_sliced" ' +
        'where "fjord_sliced"."fjord_n" > :3 and "fjord_sliced"."fjord_n" <= :4 order by "fjord_sliced"."fjord_n"',
      params: [1, 2, 1, 3],
    })
  })

  test('many-to-many through the join table, an offset alone, the Meta ordering', async () => {
    const { db, sent } = recording([[7, 'v']])
    await db.run(pipe(Volume.objects, prefetchRelated(Prefetch('readers', { queryset: pipe(Reader.objects, slice(2)) })), toArray))
    expect(sent[1]).toEqual({
      sql:
        `select ${OUTER(3)} from (select "reader"."id" as "col0", "reader"."name" as "col1", "reader_volumes"."volume_id" as "col2", ` +
        'ROW_NUMBER() OVER (PARTITION BY "reader_volumes"."volume_id" ORDER BY "reader"."name" ASC) as "fjord_n" ' +
        'from "reader" left join "reader_volumes" on "reader"."id" = "reader_volumes"."reader_id" where "reader_volumes"."volume_id" IN (:1)) "fjord_sliced" ' +
        'where "fjord_sliced"."fjord_n" > :2 order by "fjord_sliced"."fjord_n"',
      params: [7, 2],
    })
  })

  test('forward foreign key: one row per parent, numbered by the primary key without an ordering', async () => {
    const { db, sent } = recording([[5, 1, 'Emma', 1815]])
    await db.run(pipe(Volume.objects, prefetchRelated(Prefetch('shelf', { queryset: pipe(Shelf.objects, slice(0, 1)) })), toArray))
    expect(sent[1]).toEqual({
      sql:
        `select ${OUTER(3)} from (select "shelf"."id" as "col0", "shelf"."name" as "col1", "shelf"."id" as "col2", ` +
        'ROW_NUMBER() OVER (PARTITION BY "shelf"."id" ORDER BY "shelf"."id" ASC) as "fjord_n" ' +
        'from "shelf" where "shelf"."id" IN (:1)) "fjord_sliced" where "fjord_sliced"."fjord_n" <= :2 order by "fjord_sliced"."fjord_n"',
      params: [1, 1],
    })
  })
})
