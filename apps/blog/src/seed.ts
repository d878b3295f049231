// The rows the walkthrough queries: fixed dates, so the output is the same on every run.
import { fileURLToPath } from 'node:url'
import { bulkCreate, create, type Db, type Row } from '@fjord/core'
import { dropTables, loadMigrations, type MigrateOptions, type MigrateResult, MigrationRecord, migrate } from '@fjord/migrate'
import { blog, Comment, Post } from './models.js'

/** The blog's migration files (apps/blog/migrations, from src/ and from dist/ alike). */
export const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url))

/**
 * Build the schema from scratch with the blog's migrations. A server keeps tables between runs, so
 * the blog's tables and the record of applied migrations (fjord_migrations) are dropped first.
 */
export const setUp = async (db: Db, options: MigrateOptions = {}): Promise<MigrateResult> => {
  await db.run(dropTables([...Object.values(blog), MigrationRecord]))
  return db.run(migrate(await loadMigrations(MIGRATIONS), options))
}

export interface Seeded {
  readonly posts: Readonly<Record<string, Row<typeof Post>>>
  readonly comments: number
}

const at = (iso: string): Date => new Date(`${iso}T09:00:00Z`)

const POSTS = [
  {
    key: 'pipe',
    title: 'First steps with pipe',
    content: 'QuerySets are values; pipe composes them.',
    pubDate: at('2023-01-15'),
    views: 12,
  },
  {
    key: 'fjord',
    title: 'Fjord, the Django ORM for TypeScript',
    content: 'Why another ORM?',
    pubDate: at('2023-03-01'),
    views: 40,
  },
  {
    key: 'functional',
    title: 'Functional QuerySets',
    content: 'filter, exclude, orderBy, slice.',
    pubDate: at('2023-06-10'),
    views: 7,
  },
  { key: 'django', title: 'What django got right', content: 'Lookups, Q and F.', pubDate: at('2023-09-05'), views: 21 },
  { key: 'sqlite', title: 'SQLite is enough', content: 'One file, no server.', pubDate: at('2023-11-30'), views: 3 },
  {
    key: 'migrations',
    title: 'Migrations without magic',
    content: 'createTables, then more.',
    pubDate: at('2022-11-20'),
    views: 9,
  },
] as const

const COMMENTS = [
  { post: 'pipe', author: 'John', text: 'Finally, no more method chains.', pubDate: at('2023-01-16') },
  { post: 'pipe', author: 'Ada', text: 'Does it tree-shake?', pubDate: at('2023-01-17') },
  { post: 'functional', author: 'John', text: 'Data-last is the right call.', pubDate: at('2023-06-11') },
  { post: 'sqlite', author: 'Grace', text: 'WAL mode helps too.', pubDate: at('2023-12-01') },
  { post: 'migrations', author: 'Ada', text: 'Looking forward to the autodetector.', pubDate: at('2022-11-21') },
] as const

/** Insert the posts one by one (each `create` returns the row with its id) and the comments in one batch. */
export const seed = async (db: Db): Promise<Seeded> => {
  const posts: Record<string, Row<typeof Post>> = {}
  for (const { key, ...data } of POSTS) posts[key] = await db.run(create(Post, data))
  const comments = await db.run(
    bulkCreate(
      Comment,
      COMMENTS.map(({ post, ...data }) => ({ ...data, post: posts[post] })),
    ),
  )
  return { posts, comments: comments.length }
}
