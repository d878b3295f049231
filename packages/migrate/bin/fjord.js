#!/usr/bin/env node
// The `fjord` command. Configs and migration files may be TypeScript: tsx's ESM loader is registered
// before anything of the project is imported, so they load under plain Node.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('@fjord/migrate/cli')
process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
})
