import { pipe } from 'fp-ts/function'
import { describe, expect, it } from 'vitest'
import { schema, model, f, filter, exclude, orderBy, slice, toArray, get, count, create, toSql, values, valuesList, annotate, Length, F, update, deleteAll, first, exists, Q, or } from '@fjord/core'
import { sqlite } from '@fjord/sqlite'
import { createTables, sqlCreateTables } from '@fjord/migrate'

const { Post } = schema({
  Post: model({
    title: f.char({ maxLength: 100 }),
    content: f.text(),
    pubDate: f.dateTime({ autoNowAdd: true }),
    views: f.integer({ default: 0 }),
  }, { ordering: ['-pubDate'] }),
})

describe('smoke', () => {
  it('works end to end', async () => {
    const db = sqlite({ filename: ':memory:' })
    const log: string[] = []
    db.onQuery((e) => log.push(e.sql))
    console.log(sqlCreateTables([Post])(db))
    await db.run(createTables([Post]))
    const p = await db.run(create(Post, { title: 'First', content: 'hello' }))
    console.log(p)
    await db.run(create(Post, { title: 'Second 100%', content: 'x', pubDate: new Date('2023-05-01T10:00:00Z') }))
    const rows = await db.run(toArray(pipe(Post.objects, filter({ title__startswith: 'F' }), orderBy('-pubDate', 'title'), slice(0, 10))))
    console.log(rows)
    console.log(toSql(pipe(Post.objects, filter({ title__contains: '100%' })))(db))
    expect(await db.run(toArray(pipe(Post.objects, filter({ title__contains: '100%' }))))).toHaveLength(1)
    expect(await db.run(toArray(pipe(Post.objects, filter({ title__contains: 'first' }))))).toHaveLength(0)
    expect(await db.run(toArray(pipe(Post.objects, filter({ title__icontains: 'first' }))))).toHaveLength(1)
    expect(await db.run(count(Post.objects))).toBe(2)
    expect(await db.run(pipe(Post.objects, filter({ pubDate__year: 2023 }), count))).toBe(1)
    const g = await db.run(pipe(Post.objects, get({ pk: p.id })))
    expect(g.title).toBe('First')
    console.log(await db.run(pipe(Post.objects, values('title'), toArray)))
    console.log(await db.run(pipe(Post.objects, valuesList('title', { flat: true }), toArray)))
    console.log(await db.run(pipe(Post.objects, annotate({ n: Length('title') }), toArray)))
    expect(await db.run(pipe(Post.objects, filter({ pk: p.id }), update({ views: F('views').add(1) })))).toBe(1)
    console.log(await db.run(pipe(Post.objects, first)))
    expect(await db.run(pipe(Post.objects, filter(or(Q({ title: 'First' }), Q({ views__gt: 5 }))), exists))).toBe(true)
    console.log(await db.run(pipe(Post.objects, exclude({ title: 'First' }), deleteAll)))
    console.log(log.join('\n'))
  })
})
