// The blog demo: create the tables, add posts and comments, and walk through the QuerySet API.
// DATABASE_URL picks the backend (see database.ts); by default a fresh ./blog.db SQLite file.
import { snakeCase } from '@fjord/core'
import { sqlCreateTables } from '@fjord/migrate'
import { connect, describeTarget, parseTarget } from './database.js'
import { formatOutcome } from './format.js'
import { blog } from './models.js'
import { seed, setUp } from './seed.js'
import { runWalkthrough } from './walkthrough.js'

const main = async (): Promise<void> => {
  const target = parseTarget(process.env.DATABASE_URL)
  console.log(`Fjord blog demo on ${describeTarget(target)}`)
  const db = await connect(target)
  try {
    console.log(`\nSchema (${Object.keys(blog).map(snakeCase).join(', ')}):\n`)
    console.log(sqlCreateTables(blog)(db))
    await setUp(db)
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
