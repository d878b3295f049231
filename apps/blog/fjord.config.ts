// The blog for the `fjord` command: `npx fjord makemigrations` after changing src/models.ts, then
// `npx fjord migrate`. DATABASE_URL picks the database, as for the demo (by default ./blog.db).
import { defineConfig } from '@fjord/migrate'
import { open, parseTarget } from './src/database.js'
import { blog } from './src/models.js'

export default defineConfig({
  schema: blog,
  migrations: './migrations',
  database: () => open(parseTarget(process.env.DATABASE_URL)),
})
