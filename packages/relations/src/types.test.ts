// Type-level behaviour of relations: lookups, ordering and values across relations in both directions.
import { type Effect, f, filter, exclude, model, orderBy, pipe, schema, toArray, values, valuesList } from '@fjord/core'
import { describe, expectTypeOf, it } from 'vitest'
import { foreignKey, manyToMany, oneToOne } from './index.js'

const { Author, Post, Comment, Tag, Person, Place, Restaurant } = schema({
  Author: model({ name: f.char({ maxLength: 50 }), age: f.integer() }),
  Post: model({
    title: f.char({ maxLength: 100 }),
    author: foreignKey('Author', { onDelete: 'CASCADE', null: true, relatedName: 'posts' }),
    pubDate: f.dateTime(),
    tags: manyToMany('Tag', { relatedName: 'posts' }),
  }),
  Comment: model({
    post: foreignKey('Post', { onDelete: 'CASCADE' }),
    replyTo: foreignKey('self', { onDelete: 'CASCADE', null: true, relatedName: 'replies' }),
    text: f.text(),
  }),
  Tag: model({ name: f.char({ maxLength: 30 }) }),
  Person: model({ name: f.char({ maxLength: 30 }), friends: manyToMany('self'), hidden: foreignKey('Tag', { onDelete: 'CASCADE', null: true, relatedName: '+' }) }),
  Place: model({ name: f.char({ maxLength: 30 }) }),
  Restaurant: model({ place: oneToOne('Place', { onDelete: 'CASCADE' }), stars: f.integer() }),
})

describe('lookups across relations', () => {
  it('forward, reverse and many-to-many paths type-check with their values', () => {
    pipe(Comment.objects, filter({ post__title__icontains: 'x', post__author__age__gt: 3 }))
    pipe(Comment.objects, filter({ post__tags__name: 'django', replyTo__text__startswith: 'a' }))
    pipe(Post.objects, filter({ comment__text__contains: 'x', comment: 3, comment__in: [1, 2], comment__isnull: false }))
    pipe(Post.objects, filter({ tags: 1, tags__in: [1, 2], tags__name__iexact: 'x' }), exclude({ comment__post__title: 'y' }))
    pipe(Tag.objects, filter({ posts__title: 'x', posts__author__name: 'y', posts__pubDate__year: 2020 }))
    pipe(Author.objects, filter({ posts__comment__text__icontains: 'x' }))
    pipe(Person.objects, filter({ friends__friends__name: 'Anne' }))
    pipe(Place.objects, filter({ restaurant__stars__gte: 3 }))
    pipe(Restaurant.objects, filter({ place__name: 'x' }))
    pipe(Comment.objects, filter({ replies__replies__text: 'deep' }))
  })
  it('rejects unknown names and wrong values', () => {
    // @ts-expect-error no such field on the target
    pipe(Comment.objects, filter({ post__titel: 'x' }))
    // @ts-expect-error wrong value type across a relation
    pipe(Comment.objects, filter({ post__author__age__gt: 'old' }))
    // @ts-expect-error reverse names are query names in lookups (not the accessor)
    pipe(Post.objects, filter({ commentSet__text: 'x' }))
    // @ts-expect-error relatedName '+' hides the reverse relation
    pipe(Tag.objects, filter({ person__name: 'x' }))
    // @ts-expect-error a symmetrical many-to-many has no reverse name
    pipe(Person.objects, filter({ person__name: 'x' }))
    // @ts-expect-error no lookup 'icontains' on a number across a relation
    pipe(Comment.objects, filter({ post__author__age__icontains: 'x' }))
  })
  it('ordering and values follow paths; values across a nullable relation may be null', () => {
    pipe(Comment.objects, orderBy('post__title', '-post__author__name'))
    // @ts-expect-error unknown ordering path
    pipe(Comment.objects, orderBy('post__nope'))
    expectTypeOf(pipe(Comment.objects, values('text', 'post__title', 'post__author__age'), toArray)).toEqualTypeOf<
      Effect<{ readonly text: string; readonly post__title: string; readonly post__author__age: number | null }[]>
    >()
    expectTypeOf(pipe(Post.objects, valuesList('tags__name', { flat: true }), toArray)).toEqualTypeOf<Effect<(string | null)[]>>()
    // @ts-expect-error unknown values path
    pipe(Post.objects, values('tags__nope'))
  })
})
