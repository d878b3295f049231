#!/usr/bin/env node
// The `fjord` command. Configs and migration files may be TypeScript: tsx's ESM loader is registered
// before the project's config is imported, so they load under plain Node. When the command itself is
// JavaScript (dist, as published) it loads first, so it and its dependencies skip the loader's hooks;
// under the `@fjord/source` condition it is TypeScript and needs the loader first.
import { register } from 'tsx/esm/api'

const cli = import.meta.resolve('@fjord/migrate/cli')
const typescript = cli.endsWith('.ts')
if (typescript) register()
const { main } = await import(cli)
if (!typescript) register()
process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
})
