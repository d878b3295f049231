// Runs the pinned pnpm through npx, so a machine with only Node and npm can build and test.
// better-sqlite3 compiles from source: point node-gyp at the local Node headers when they exist.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' }
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr'
const result = spawnSync('npx', ['--yes', 'pnpm@12.4.2', ...process.argv.slice(2)], { stdio: 'inherit', env })
process.exit(result.status ?? 1)
