import { pipe } from 'fp-ts/function'
import { expect, it } from 'vitest'
import { count, create, deleteAll, f, filter, model, Q, schema, toArray } from '@fjord/core'
import { foreignKey } from '@fjord/relations'
import { sqlite } from '@fjord/sqlite'
import { createTables, sqlCreateTables } from '@fjord/migrate'

const { Post, Comment } = schema({
  Post: model({ title: f.char({ maxLength: 100 }) }),
  Comment: model({ post: foreignKey('Post', { onDelete: 'CASCADE' }), author: f.char({ maxLength: 50 }) }),
})

it('foreign keys: lookups both ways, cascade', async () => {
  const db = sqlite()
  await db.run(createTables([Post, Comment]))
  const p = await db.run(create(Post, { title: 'Hello' }))
  const c = await db.run(create(Comment, { post: p, author: 'John' }))
  expect(c.postId).toBe(p.id)
  expect(await db.run(pipe(Comment.objects, filter(Q({ post__title__startswith: 'He' })), count))).toBe(1)
  expect(await db.run(pipe(Post.objects, filter(Q({ comment__author: 'John' })), count))).toBe(1)
  expect(await db.run(pipe(Post.objects, deleteAll))).toEqual({ total: 2, perModel: { Post: 1, Comment: 1 } })
  expect(await db.run(pipe(Comment.objects, toArray))).toEqual([])
  expect(sqlCreateTables([Post, Comment])(db)).toContain('REFERENCES "post" ("id")')
})
