// The blog demo: apply the blog's migrations, add posts and comments, and walk through the QuerySet
// API. DATABASE_URL picks the backend (see database.ts); by default a fresh ./blog.db SQLite file.
import { relative } from 'node:path'
import { register } from 'tsx/esm/api'
import { connect, describeTarget, parseTarget } from './database.js'
import { formatOutcome } from './format.js'
import { MIGRATIONS, seed, setUp } from './seed.js'
import { runWalkthrough } from './walkthrough.js'

// The migration files are TypeScript: tsx's loader lets plain Node import them.
register()

const main = async (): Promise<void> => {
  const target = parseTarget(process.env.DATABASE_URL)
  console.log(`Fjord blog demo on ${describeTarget(target)}`)
  const db = await connect(target)
  try {
    console.log(`\nApplying the migrations in ${relative(process.cwd(), MIGRATIONS) || '.'}/:\n`)
    await setUp(db, {
      onProgress: (e) => {
        if (e.phase === 'start') console.log(`-- Applying ${e.migration}`)
        else console.log(`-- ${e.migration} applied (${Math.round(e.ms ?? 0)} ms)`)
      },
      onStatement: (s) => console.log(`${s.sql};${s.params.length ? ` -- ${JSON.stringify(s.params)}` : ''}`),
    })
    const seeded = await seed(db)
    console.log(`\nAdded ${Object.keys(seeded.posts).length} posts and ${seeded.comments} comments.`)
    let i = 0
    await runWalkthrough(db, seeded, (o) => console.log(formatOutcome(o, ++i)))
    console.log('\nDone.')
  } finally {
    await db.close()
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
