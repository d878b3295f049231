// The tour of DESIGN §3–6 on the blog: every query is a value built with `pipe`, compiled with
// `toSql` to show its SQL, then run. Steps are data so the demo prints them and the test checks them.
import {
  type AnyQuerySet,
  annotate,
  bulkCreate,
  Concat,
  count,
  type Db,
  deleteRow,
  distinct,
  type Effect,
  exclude,
  exists,
  F,
  filter,
  first,
  get,
  getOrCreate,
  Length,
  last,
  not,
  or,
  orderBy,
  pipe,
  Q,
  type QueryEvent,
  slice,
  str,
  toArray,
  toSql,
  Upper,
  update,
  Value,
  values,
  valuesList,
} from '@fjord/core'
import { addRelated, prefetchRelated, related, selectRelated } from '@fjord/relations'
import { Comment, Post, Tag } from './models.js'
import type { Seeded } from './seed.js'

/** One stop of the tour: a QuerySet to show (when there is one) and what to run. */
export interface Step {
  readonly id: string
  readonly title: string
  readonly query?: AnyQuerySet
  readonly run: (db: Db) => Promise<unknown>
}

/** What a step printed: its SQL as compiled, the statements it sent, and its result. */
export interface Outcome {
  readonly id: string
  readonly title: string
  readonly sql?: { readonly sql: string; readonly parameters: readonly unknown[] }
  readonly sent: readonly QueryEvent[]
  readonly result: unknown
}

const step = <A>(id: string, title: string, query: AnyQuerySet | undefined, eff: Effect<A>): Step => ({
  id,
  title,
  query,
  run: (db) => db.run(eff),
})

/** DESIGN §3: the posts of 2023 not about Django, newest first, ten at most. Nothing runs here. */
export const recent = pipe(
  Post.objects,
  filter({ pubDate__year: 2023 }),
  exclude({ title__icontains: 'django' }),
  orderBy('-pubDate', 'title'),
  slice(0, 10),
)

/** The steps of the tour, in order; later steps see the writes of earlier ones. */
export const steps = (seeded: Seeded): readonly Step[] => {
  const { posts } = seeded
  const titles = pipe(recent, valuesList('title', { flat: true }))
  const johns = pipe(Post.objects, filter(Q({ comment__author: 'John' })), orderBy('title'))
  const onF = pipe(Comment.objects, filter(Q({ post__title__startswith: 'F' })), orderBy('author', 'text'))
  const headlines = pipe(
    Comment.objects,
    annotate({ headline: Concat(Upper('author'), Value(': '), 'text'), textLength: Length('text') }),
    orderBy('pubDate'),
    values('headline', 'textLength'),
  )
  const popular = pipe(Post.objects, orderBy(F('views').desc(), 'title'), valuesList('title', 'views'))
  const either = pipe(Post.objects, filter(or(Q({ views__gte: 20 }), not(Q({ pubDate__year: 2023 })))), orderBy('title'))
  const tagged = pipe(Post.objects, filter(Q({ tags__name: 'orm' })), orderBy('title'), valuesList('title', { flat: true }))
  const withPosts = pipe(Comment.objects, selectRelated('post'), orderBy('pubDate'))
  const withComments = pipe(Post.objects, prefetchRelated('commentSet'), orderBy('title'))
  const pipeComments = pipe(related(Post, posts.pipe, 'commentSet'), orderBy('pubDate'), values('author', 'text'))
  const misspelled = pipe(Post.objects, filter(Q({ titel__startswith: 'F' })))

  return [
    step('recent', 'The recent query of DESIGN §3', recent, pipe(recent, toArray)),
    step('recentTitles', 'The same query, titles only (valuesList flat)', titles, pipe(titles, toArray)),
    step('getByPk', 'get by primary key', undefined, pipe(Post.objects, get({ pk: posts.sqlite.id }))),
    step('first', 'first (default ordering: -pubDate)', undefined, pipe(Post.objects, first)),
    step('last', 'last (the ordering reversed)', undefined, pipe(Post.objects, last)),
    // count and exists send their own statement (COUNT(*), LIMIT 1): the demo prints what was sent.
    step('count2023', 'count of the posts of 2023', undefined, pipe(Post.objects, filter({ pubDate__year: 2023 }), count)),
    step('existsGrace', 'exists: has Grace commented?', undefined, pipe(Comment.objects, filter({ author: 'Grace' }), exists)),
    step(
      'values',
      'values: title and views',
      pipe(Post.objects, orderBy('title'), values('title', 'views')),
      pipe(Post.objects, orderBy('title'), values('title', 'views'), toArray),
    ),
    step(
      'authors',
      'valuesList: distinct comment authors',
      pipe(Comment.objects, orderBy('author'), valuesList('author', { flat: true }), distinct()),
      pipe(Comment.objects, orderBy('author'), valuesList('author', { flat: true }), distinct(), toArray),
    ),
    step('johns', 'Posts John commented on (reverse relation: comment__author)', johns, pipe(johns, toArray)),
    step('onF', 'Comments on posts whose title starts with F (post__title__startswith)', onF, pipe(onF, toArray)),
    step(
      'headlines',
      'annotate with expressions: Concat(Upper(author), ": ", text) and Length(text)',
      headlines,
      pipe(headlines, toArray),
    ),
    step(
      'bumpViews',
      "update with F: views + 1 on the posts starting with 'F'",
      undefined,
      pipe(Post.objects, filter({ title__startswith: 'F' }), update({ views: F('views').add(1) })),
    ),
    step('popular', 'orderBy(F("views").desc(), "title")', popular, pipe(popular, toArray)),
    step('qOrNot', 'Q, or, not: at least 20 views, or not from 2023', either, pipe(either, toArray)),
    {
      id: 'getOrCreate',
      title: "getOrCreate(Tag, { name: 'orm' }), twice",
      run: async (db) => {
        const [a, createdA] = await db.run(getOrCreate(Tag, { name: 'orm' }))
        const [b, createdB] = await db.run(getOrCreate(Tag, { name: 'orm' }))
        return { first: { row: a, created: createdA }, second: { row: b, created: createdB } }
      },
    },
    {
      id: 'tagged',
      title: "addRelated(Post, …, 'tags', [orm]), then the posts tagged 'orm' (tags__name)",
      query: tagged,
      run: async (db) => {
        const [orm] = await db.run(getOrCreate(Tag, { name: 'orm' }))
        await db.run(addRelated(Post, posts.pipe, 'tags', [orm]))
        await db.run(addRelated(Post, posts.functional, 'tags', [orm.id]))
        return db.run(pipe(tagged, toArray))
      },
    },
    {
      id: 'selectRelated',
      title: "selectRelated('post'): each comment with its post, in one query",
      query: withPosts,
      run: async (db) => (await db.run(pipe(withPosts, toArray))).map((c) => `${c.author} on "${c.post.title}"`),
    },
    {
      id: 'prefetchRelated',
      title: "prefetchRelated('commentSet'): the posts, then all their comments in one more query",
      // Both statements are shown: toSql compiles only the first.
      run: async (db) =>
        (await db.run(pipe(withComments, toArray))).map(
          (p) => `${p.title}: ${p.commentSet.map((c) => c.author).join(', ') || '-'}`,
        ),
    },
    step(
      'related',
      "related(Post, post, 'commentSet'): a post's comments as a QuerySet",
      pipeComments,
      pipe(pipeComments, toArray),
    ),
    step(
      'bulkCreate',
      'bulkCreate: two more comments on "SQLite is enough"',
      undefined,
      bulkCreate(Comment, [
        { post: posts.sqlite, author: 'Linus', text: 'Fsync or it did not happen.', pubDate: new Date('2023-12-02T10:00:00Z') },
        { post: posts.sqlite.id, author: 'Ada', text: 'Agreed.', pubDate: new Date('2023-12-03T10:00:00Z') },
      ]),
    ),
    step('cascade', 'deleteRow(Post, …): its comments go too (onDelete CASCADE)', undefined, deleteRow(Post, posts.sqlite)),
    {
      id: 'errors',
      title: 'Errors are values: the Either of effect(db)()',
      query: undefined,
      run: async (db) => {
        // A misspelled field compiles to a FieldError in the Left; nothing is thrown.
        const typo = await pipe(misspelled, toArray)(db)()
        const missing = await pipe(Post.objects, get({ pk: posts.sqlite.id }))(db)()
        return [typo, missing].map((e) => {
          if (e._tag === 'Right') return `Right: ${Array.isArray(e.right) ? e.right.length : 1} row(s)`
          switch (e.left._tag) {
            case 'FieldError':
              return `Left FieldError: ${e.left.message}`
            case 'DoesNotExist':
              return `Left DoesNotExist: ${e.left.message}`
            default:
              return `Left ${e.left._tag}: ${e.left.message}`
          }
        })
      },
    },
    {
      id: 'str',
      title: "str(Post, row): the model's str",
      run: async (db) => (await db.run(pipe(recent, toArray))).map((p) => str(Post, p)),
    },
  ]
}

/** Run the steps in order on `db`, reporting each as it finishes. */
export const runWalkthrough = async (
  db: Db,
  seeded: Seeded,
  report: (o: Outcome) => void = () => {},
): Promise<ReadonlyMap<string, Outcome>> => {
  const out = new Map<string, Outcome>()
  for (const s of steps(seeded)) {
    const sql = s.query ? toSql(s.query)(db) : undefined
    const sent: QueryEvent[] = []
    const off = db.onQuery((e) => sent.push(e))
    let result: unknown
    try {
      result = await s.run(db)
    } finally {
      off()
    }
    const outcome: Outcome = { id: s.id, title: s.title, sql, sent, result }
    out.set(s.id, outcome)
    report(outcome)
  }
  return out
}
