// Migrations on Oracle, compile-only: the statements sqlmigrate gives for each kind of change.
import { f, model, schema } from '@fjord/core'
import { autodetect, emptyState, flagQuestioner, named, sqlMigrate, stateFromModels } from '@fjord/migrate'
import { foreignKey } from '@fjord/relations'
import { describe, expect, test } from 'vitest'
import { oracle } from './index.js'

const db = oracle({ user: 'fjord', password: 'unused', connectString: '127.0.0.1:1/NOWHERE' })

const v1 = schema({
  Author: model({ name: f.char({ maxLength: 50 }), nick: f.char({ maxLength: 20, null: true }) }),
  Book: model({ title: f.char({ maxLength: 100 }), author: foreignKey('Author', { onDelete: 'CASCADE' }), pages: f.integer({ null: true }) }),
})
const v2 = schema({
  Author: model({ name: f.char({ maxLength: 80 }), score: f.integer({ default: 0 }), country: f.char({ maxLength: 2 }) }),
  Book: model(
    { headline: f.char({ maxLength: 100 }), author: foreignKey('Author', { onDelete: 'CASCADE' }), pages: f.integer({ default: 1 }) },
    { indexes: [{ fields: ['headline'], name: 'book_headline_idx' }], constraints: [{ kind: 'check', name: 'book_pages_gt_0', check: { pages__gt: 0 } }] },
  ),
})

const migrations = async () => {
  const q = flagQuestioner({ renames: ['Book.title=headline'], defaults: { 'Author.country': 'NO' } })
  const first = named('0001_initial', { operations: await autodetect(emptyState, stateFromModels(v1), q) })
  const second = named('0002_change', { dependencies: ['0001_initial'], operations: await autodetect(stateFromModels(v1), stateFromModels(v2), q) })
  return [first, second]
}

describe('migrations on Oracle (compile-only)', () => {
  test('forwards: ADD, MODIFY, RENAME COLUMN, DROP COLUMN, indexes and checks, values bound', async () => {
    const statements = await sqlMigrate(await migrations(), '0002')(db)
    expect(statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "book" RENAME COLUMN "title" TO "headline"',
      'ALTER TABLE "author" DROP COLUMN "nick"',
      // Oracle writes DEFAULT inside the type, so the rows are filled before NOT NULL.
      'ALTER TABLE "author" ADD "score" NUMBER(11) DEFAULT 0 NULL',
      'UPDATE "author" SET "score" = :1',
      'ALTER TABLE "author" MODIFY ("score" NOT NULL)',
      // '' is NULL on Oracle: a char column accepts NULL, and the rows still get the one-off value.
      'ALTER TABLE "author" ADD "country" NVARCHAR2(2) NULL',
      'UPDATE "author" SET "country" = :1',
      'ALTER TABLE "author" MODIFY ("name" NVARCHAR2(80))',
      'UPDATE "book" SET "pages" = :1 WHERE "pages" IS NULL',
      'ALTER TABLE "book" MODIFY ("pages" NUMBER(11) DEFAULT 1 NOT NULL)',
      'CREATE INDEX "book_headline_idx" ON "book" ("headline")',
      'ALTER TABLE "book" ADD CONSTRAINT "book_pages_gt_0" CHECK ("pages" > 0)',
    ])
    expect(statements.find((s) => s.sql.startsWith('UPDATE "author" SET "country"'))?.params).toEqual(['NO'])
  })

  test('backwards: the inverse of each step, latest first', async () => {
    const statements = await sqlMigrate(await migrations(), '0002', { backwards: true })(db)
    expect(statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "book" DROP CONSTRAINT "book_pages_gt_0"',
      'DROP INDEX "book_headline_idx"',
      'ALTER TABLE "book" MODIFY ("pages" NUMBER(11) NULL)',
      'ALTER TABLE "author" MODIFY ("name" NVARCHAR2(50))',
      'ALTER TABLE "author" DROP COLUMN "country"',
      'ALTER TABLE "author" DROP COLUMN "score"',
      'ALTER TABLE "author" ADD "nick" NVARCHAR2(20) NULL',
      'ALTER TABLE "book" RENAME COLUMN "headline" TO "title"',
    ])
  })
})
