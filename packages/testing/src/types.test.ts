// Type-level behaviour: lookup keys and values, orderBy and values keys, result shapes.
import { pipe } from 'fp-ts/function'
import { describe, expectTypeOf, it } from 'vitest'
import { annotate, count, defer, f, filter, get, Length, model, only, orderBy, type Row, schema, toArray, values, valuesList, type Insert, F, exclude, Q, or } from '@fjord/core'
import type { Effect } from '@fjord/core'

const { Post } = schema({
  Post: model({
    title: f.char({ maxLength: 100 }),
    content: f.text(),
    pubDate: f.dateTime({ autoNowAdd: true }),
    views: f.integer({ default: 0 }),
    rating: f.decimal({ maxDigits: 5, decimalPlaces: 2, null: true }),
    big: f.bigInteger({ null: true }),
  }),
})

describe('types', () => {
  it('rows and inserts', () => {
    expectTypeOf<Row<typeof Post>>().toEqualTypeOf<{
      readonly id: number
      readonly title: string
      readonly content: string
      readonly pubDate: Date
      readonly views: number
      readonly rating: string | null
      readonly big: bigint | null
    }>()
    expectTypeOf<Insert<typeof Post>>().toHaveProperty('title').toEqualTypeOf<string>()
    const ok: Insert<typeof Post> = { title: 'x', content: 'y' }
    void ok
    // @ts-expect-error content is required
    const missing: Insert<typeof Post> = { title: 'x' }
    void missing
  })
  it('lookup keys and values are checked', () => {
    pipe(Post.objects, filter({ title__icontains: 'x', pubDate__year__gte: 2020, views__in: [1, 2] }))
    pipe(Post.objects, filter({ views__gt: F('views') }), exclude({ rating: null }))
    pipe(Post.objects, filter(or(Q({ title: 'a' }), Q({ views__lt: 3 }))))
    // @ts-expect-error unknown field
    pipe(Post.objects, filter({ titel: 'x' }))
    // @ts-expect-error wrong value type
    pipe(Post.objects, filter({ views__gt: 'many' }))
    // @ts-expect-error no such lookup for integers
    pipe(Post.objects, filter({ views__icontains: 'x' }))
    // @ts-expect-error unknown ordering key
    pipe(Post.objects, orderBy('-titel'))
    pipe(Post.objects, orderBy('-pubDate', 'title', '?'))
  })
  it('results follow the selection', () => {
    expectTypeOf(pipe(Post.objects, toArray)).toEqualTypeOf<Effect<Row<typeof Post>[]>>()
    expectTypeOf(pipe(Post.objects, values('title', 'views'), toArray)).toEqualTypeOf<Effect<{ readonly title: string; readonly views: number }[]>>()
    expectTypeOf(pipe(Post.objects, valuesList('title', { flat: true }), toArray)).toEqualTypeOf<Effect<string[]>>()
    expectTypeOf(pipe(Post.objects, valuesList('title', 'views'), toArray)).toEqualTypeOf<Effect<(readonly [string, number])[]>>()
    expectTypeOf(pipe(Post.objects, only('title'), toArray)).toEqualTypeOf<Effect<{ readonly id: number; readonly title: string }[]>>()
    expectTypeOf(pipe(Post.objects, defer('content', 'rating', 'big', 'pubDate', 'views'), toArray)).toEqualTypeOf<Effect<{ readonly id: number; readonly title: string }[]>>()
    const annotated = pipe(Post.objects, annotate({ n: Length('title') }), filter({ n__gt: 3 }), orderBy('-n'))
    expectTypeOf(pipe(annotated, get({ pk: 1 }))).toEqualTypeOf<
      Effect<{
        readonly id: number
        readonly title: string
        readonly content: string
        readonly pubDate: Date
        readonly views: number
        readonly rating: string | null
        readonly big: bigint | null
        readonly n: number
      }>
    >()
    expectTypeOf(pipe(Post.objects, count)).toEqualTypeOf<Effect<number>>()
    // @ts-expect-error unknown values key
    pipe(Post.objects, values('nope'))
  })
})
