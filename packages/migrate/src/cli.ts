// The `fjord` command: makemigrations, migrate, sqlmigrate, showmigrations and graph over a project's
// fjord.config.ts (Django's manage.py commands of the same names). `main` is the whole command, with
// its streams passed in, so it runs the same from the bin and from a test.
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Db } from '@fjord/core'
import { autodetect, flagQuestioner, QuestionError, type Questioner, suggestName } from './autodetector.js'
import { ConfigError, findConfig, type LoadedConfig, loadConfig } from './config.js'
import { erDiagram } from './erd.js'
import { migrate, MigrationError, type ProgressEvent, showMigrations, sqlMigrate } from './executor.js'
import { ancestors, buildGraph, graphState, type Migration, type MigrationGraph, MigrationGraphError, resolveName } from './graph.js'
import { loadMigrations, nextNumber } from './loader.js'
import { describe, type Operation } from './operations.js'
import { streamPrompter, ttyQuestioner } from './questioner-tty.js'
import { stateFromModels } from './state.js'
import { SerializationError, writeMigration } from './writer.js'

/** Where the command runs and what it writes to. */
export interface CliIO {
  /** The directory paths are relative to, and where fjord.config.ts is looked for. */
  readonly cwd: string
  readonly stdout: { write(s: string): unknown }
  readonly stderr: { write(s: string): unknown }
  /** Answers to questions; asked only when it is a terminal (`isTTY`) and --no-input is not given. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean }
}

/** Exit codes: success, failure (or changes found by --check), and a command line that can't be read. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

class UsageError extends Error {
  readonly _tag = 'UsageError'
}

const VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
})()

const USAGE = `Usage: fjord <command> [options]

Commands:
  makemigrations [--name N] [--check] [--dry-run] [--merge] [--no-input]
                 [--rename Model.old=new | Old=New]... [--default Model.field=value]...
                            write a migration for the changes to the models
  migrate [target] [--fake] apply migrations (target: a migration name or prefix, or zero)
  sqlmigrate <migration> [--backwards]
                            print the SQL of a migration
  showmigrations            list the migrations, [X] where applied
  graph [--output file]     a Mermaid erDiagram of the models

Options:
  --config <path>           the config file (default: fjord.config.ts, .mts, .js or .mjs here)
  -h, --help                this help
  -V, --version             the version of @fjord/migrate
`

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options']

const COMMON = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Spec

const COMMANDS = {
  makemigrations: {
    options: {
      ...COMMON,
      name: { type: 'string', short: 'n' },
      check: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      merge: { type: 'boolean' },
      rename: { type: 'string', multiple: true },
      default: { type: 'string', multiple: true },
      'no-input': { type: 'boolean' },
      noinput: { type: 'boolean' },
    },
    positionals: [0, 0],
  },
  migrate: { options: { ...COMMON, fake: { type: 'boolean' } }, positionals: [0, 1] },
  sqlmigrate: { options: { ...COMMON, backwards: { type: 'boolean' } }, positionals: [1, 1] },
  showmigrations: { options: { ...COMMON }, positionals: [0, 0] },
  graph: { options: { ...COMMON, output: { type: 'string', short: 'o' } }, positionals: [0, 0] },
} as const satisfies Record<string, { options: Spec; positionals: readonly [number, number] }>

type Command = keyof typeof COMMANDS
type Values = Record<string, string | boolean | string[] | undefined>

interface Context {
  readonly io: CliIO
  readonly values: Values
  readonly positionals: readonly string[]
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

/** Split off the command: the first word that is not an option or the value of --config. */
const splitCommand = (argv: readonly string[]): { command: string | undefined; rest: string[] } => {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') break
    if (a === '--config') {
      i++
      continue
    }
    if (!a.startsWith('-')) return { command: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] }
  }
  return { command: undefined, rest: [...argv] }
}

const parse = (command: Command, args: string[]): { values: Values; positionals: string[] } => {
  const spec = COMMANDS[command]
  let parsed: { values: Values; positionals: string[] }
  try {
    parsed = parseArgs({ args, options: spec.options, allowPositionals: true, strict: true }) as typeof parsed
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
  }
  const [min, max] = spec.positionals
  if (!parsed.values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(
      min === max && min === 1
        ? `${command} takes one migration name`
        : max === 0
          ? `${command} takes no arguments (got ${parsed.positionals.join(' ')})`
          : `${command} takes at most ${max} argument (got ${parsed.positionals.join(' ')})`,
    )
  }
  return parsed
}

const load = async (ctx: Context): Promise<LoadedConfig> => loadConfig(findConfig(ctx.io.cwd, ctx.values.config as string | undefined))

const loadGraph = async (config: LoadedConfig): Promise<{ migrations: Migration[]; graph: MigrationGraph }> => {
  const migrations = await loadMigrations(config.migrationsDir)
  return { migrations, graph: buildGraph(migrations) }
}

/** Open the config's database, run `fn`, close it. */
const withDb = async <A>(config: LoadedConfig, fn: (db: Db) => Promise<A>): Promise<A> => {
  const db = await config.database()
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

const shown = (ctx: Context, path: string): string => relative(ctx.io.cwd, path) || path

const conflictMessage = (graph: MigrationGraph, app: string): string =>
  `Conflicting migrations detected; multiple leaf nodes in the migration graph: (${graph.leaves.join(', ')} in ${app}).\n` +
  "To fix them run 'fjord makemigrations --merge'"

const header = (now: Date): string => `Generated by fjord makemigrations on ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`

// makemigrations ---------------------------------------------------------------------------------

const RENAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)?=[A-Za-z_$][\w$]*$/
const DEFAULT = /^([A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*)=(.*)$/s

const questionFlags = (values: Values): { renames: string[]; defaults: Record<string, string> } => {
  const renames = (values.rename as string[] | undefined) ?? []
  for (const r of renames) if (!RENAME.test(r)) throw new UsageError(`--rename ${r}: expected Model.old=new (a field) or Old=New (a model)`)
  const defaults: Record<string, string> = {}
  for (const d of (values.default as string[] | undefined) ?? []) {
    const m = DEFAULT.exec(d)
    if (!m) throw new UsageError(`--default ${d}: expected Model.field=value`)
    defaults[m[1]!] = m[2]!
  }
  return { renames, defaults }
}

/** For --check: never asks, never stops (a NOT NULL field without a value is still a change). */
const checkingQuestioner = (flags: ReturnType<typeof questionFlags>): Questioner => {
  const q = flagQuestioner(flags)
  return {
    ...q,
    askNotNullAddition: (model, name, field) => {
      try {
        return q.askNotNullAddition(model, name, field)
      } catch {
        return null
      }
    },
  }
}

/** Records the renames a non-interactive questioner refused, to say how to take them. */
const noting = (q: Questioner, refused: string[]): Questioner => {
  const note = (yes: boolean, rename: string): boolean => {
    if (!yes) refused.push(rename)
    return yes
  }
  return {
    ...q,
    askRenameModel: async (from, to) => note(await q.askRenameModel(from, to), `${from}=${to}`),
    askRenameField: async (model, from, to, field) => note(await q.askRenameField(model, from, to, field), `${model}.${from}=${to}`),
  }
}

const renameHint = (refused: readonly string[]): string =>
  `Not taken as renames (nobody to ask): ${refused.join(', ')}. If they are, pass ${refused.map((r) => `--rename ${r}`).join(' ')}.`

const planLines = (ctx: Context, app: string, file: string, operations: readonly Operation[]): void => {
  ctx.out(`Migrations for '${app}':`)
  ctx.out(`  ${shown(ctx, file)}`)
  for (const op of operations) ctx.out(`    - ${describe(op)}`)
}

const merge = async (ctx: Context, config: LoadedConfig, migrations: Migration[], graph: MigrationGraph): Promise<number> => {
  if (graph.leaves.length < 2) {
    ctx.out('No conflicts detected to merge.')
    return EXIT.ok
  }
  const leaves = [...graph.leaves].sort()
  // What each branch holds: its migrations that are not ancestors of every leaf.
  const lines = leaves.map((l) => ancestors(graph, l))
  const common = new Set(lines[0]!.filter((n) => lines.every((line) => line.includes(n))))
  ctx.out(`Merging ${config.app}`)
  leaves.forEach((leaf, i) => {
    ctx.out(`  Branch ${leaf}`)
    for (const n of lines[i]!) {
      if (common.has(n)) continue
      for (const op of graph.nodes.get(n)!.operations) ctx.out(`    - ${describe(op)}`)
    }
  })
  const joined = leaves.join('_')
  const now = new Date()
  const suffix = ctx.values.name ? String(ctx.values.name) : joined.length <= 47 ? `merge_${joined}` : `merge_${suggestName([], false, now).slice('auto_'.length)}`
  const file = join(config.migrationsDir, `${nextNumber(migrations)}_${suffix}.ts`)
  const source = writeMigration({ dependencies: leaves, operations: [] }, header(now))
  if (ctx.values['dry-run']) {
    ctx.out(`Would create the merge migration ${shown(ctx, file)}`)
    return EXIT.ok
  }
  await writeFile(file, source, { flag: 'wx' })
  ctx.out(`Created new merge migration ${shown(ctx, file)}`)
  return EXIT.ok
}

const makemigrations = async (ctx: Context): Promise<number> => {
  const { values } = ctx
  if (values.name !== undefined && !/^\w+$/.test(String(values.name))) throw new UsageError(`--name ${values.name}: use letters, digits and _ only`)
  const flags = questionFlags(values)
  const config = await load(ctx)
  const { migrations, graph } = await loadGraph(config)
  if (values.merge) return merge(ctx, config, migrations, graph)
  if (graph.leaves.length > 1) {
    ctx.err(conflictMessage(graph, config.app))
    return EXIT.failure
  }
  const check = values.check === true
  const interactive = !check && !values['no-input'] && !values.noinput && ctx.io.stdin?.isTTY === true
  const prompter = interactive ? streamPrompter(ctx.io.stdin!, ctx.io.stdout) : undefined
  const refused: string[] = []
  const questioner = prompter ? ttyQuestioner(prompter, flags, (s) => ctx.io.stdout.write(s)) : noting(check ? checkingQuestioner(flags) : flagQuestioner(flags), refused)
  let operations: Operation[]
  try {
    operations = await autodetect(graphState(graph), stateFromModels(config.schema), questioner)
  } catch (e) {
    if (refused.length > 0) ctx.err(renameHint(refused))
    throw e
  } finally {
    prompter?.close()
  }
  if (operations.length === 0) {
    ctx.out('No changes detected')
    return EXIT.ok
  }
  const now = new Date()
  const name = `${nextNumber(migrations)}_${values.name ?? suggestName(operations, graph.nodes.size === 0, now)}`
  const file = join(config.migrationsDir, `${name}.ts`)
  const source = writeMigration({ dependencies: graph.leaves, operations }, header(now))
  planLines(ctx, config.app, file, operations)
  if (refused.length > 0) ctx.out(renameHint(refused))
  if (check) return EXIT.failure
  if (values['dry-run']) return EXIT.ok
  if (existsSync(file)) throw new ConfigError(`${shown(ctx, file)} exists already`)
  await mkdir(config.migrationsDir, { recursive: true })
  await writeFile(file, source, { flag: 'wx' })
  return EXIT.ok
}

// migrate ------------------------------------------------------------------------------------------

/** Whether the models have changes no migration holds (asked after migrating, as Django warns). */
const pendingChanges = async (config: LoadedConfig, graph: MigrationGraph): Promise<boolean> => {
  try {
    return (await autodetect(graphState(graph), stateFromModels(config.schema), checkingQuestioner({ renames: [], defaults: {} }))).length > 0
  } catch {
    return true
  }
}

const runMigrate = async (ctx: Context): Promise<number> => {
  const config = await load(ctx)
  const { migrations, graph } = await loadGraph(config)
  const given = ctx.positionals[0]
  const target = given === undefined || given === 'zero' ? given : resolveName(graph, given)
  if (target === undefined && graph.leaves.length > 1) {
    ctx.err(conflictMessage(graph, config.app))
    return EXIT.failure
  }
  const fake = ctx.values.fake === true
  return withDb(config, async (db) => {
    ctx.out('Operations to perform:')
    if (target === undefined) ctx.out(`  Apply all migrations: ${config.app}`)
    else if (target === 'zero') ctx.out(`  Unapply all migrations: ${config.app}`)
    else ctx.out(`  Target specific migration: ${target}, from ${config.app}`)
    ctx.out('Running migrations:')
    let open = false
    const onProgress = (e: ProgressEvent) => {
      if (e.phase === 'start') {
        ctx.io.stdout.write(`  ${e.direction === 'apply' ? 'Applying' : 'Unapplying'} ${e.migration}...`)
        open = true
      } else {
        ctx.io.stdout.write(` ${e.fake ? 'FAKED' : 'OK'} (${Math.round(e.ms ?? 0)} ms)\n`)
        open = false
      }
    }
    try {
      const result = await db.run(migrate(migrations, { target, fake, app: config.app, onProgress }))
      if (result.applied.length + result.unapplied.length === 0) ctx.out('  No migrations to apply.')
    } catch (e) {
      if (open) ctx.io.stdout.write(' FAILED\n')
      throw e
    }
    if (target === undefined && (await pendingChanges(config, graph))) {
      ctx.out(
        `  Your models in '${config.app}' have changes that are not yet reflected in a migration, and so won't be applied.\n` +
          "  Run 'fjord makemigrations' to make new migrations, and then re-run 'fjord migrate' to apply them.",
      )
    }
    return EXIT.ok
  })
}

// sqlmigrate, showmigrations, graph --------------------------------------------------------------

/** A bound value as it reads in a comment. */
const param = (v: unknown): unknown => {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Date) return v.toISOString()
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`
  return v
}

const sqlmigrate = async (ctx: Context): Promise<number> => {
  const config = await load(ctx)
  const { migrations, graph } = await loadGraph(config)
  const name = resolveName(graph, ctx.positionals[0]!)
  const statements = await withDb(config, (db) => sqlMigrate(migrations, name, { backwards: ctx.values.backwards === true })(db))
  if (statements.length === 0) ctx.out(`-- ${name}${ctx.values.backwards ? ' (backwards)' : ''} sends no SQL`)
  for (const s of statements) {
    const text = s.sql.trimEnd()
    const params = s.params.length > 0 ? ` -- params: ${JSON.stringify(s.params.map(param))}` : ''
    ctx.out(`${text.endsWith(';') ? text : `${text};`}${params}`)
  }
  return EXIT.ok
}

const showmigrations = async (ctx: Context): Promise<number> => {
  const config = await load(ctx)
  const { migrations } = await loadGraph(config)
  const list = await withDb(config, (db) => db.run(showMigrations(migrations, config.app)))
  ctx.out(config.app)
  if (list.length === 0) ctx.out(' (no migrations)')
  for (const m of list) ctx.out(` [${m.applied ? 'X' : ' '}] ${m.name}`)
  return EXIT.ok
}

const graphCommand = async (ctx: Context): Promise<number> => {
  const config = await load(ctx)
  const text = erDiagram(config.schema)
  const output = ctx.values.output as string | undefined
  if (output === undefined) {
    ctx.io.stdout.write(text)
    return EXIT.ok
  }
  const file = resolve(ctx.io.cwd, output)
  await writeFile(file, file.endsWith('.md') ? `\`\`\`mermaid\n${text}\`\`\`\n` : text)
  const n = Array.isArray(config.schema) ? config.schema.length : Object.keys(config.schema).length
  ctx.out(`Wrote the diagram of ${n} model${n === 1 ? '' : 's'} to ${shown(ctx, file)}`)
  return EXIT.ok
}

const RUN: Record<Command, (ctx: Context) => Promise<number>> = {
  makemigrations,
  migrate: runMigrate,
  sqlmigrate,
  showmigrations,
  graph: graphCommand,
}

const isCommand = (s: string): s is Command => Object.hasOwn(COMMANDS, s)

/** The message of an error, with its cause's when that says more. */
const messageOf = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e)
  const cause = e.cause instanceof Error && !e.message.includes(e.cause.message) ? `\n  caused by: ${e.cause.message}` : ''
  return `${e.message}${cause}`
}

const KNOWN = [ConfigError, MigrationError, MigrationGraphError, QuestionError, SerializationError]

/**
 * Run the `fjord` command with its arguments (without `node` and the script); resolves to the exit code.
 * @example process.exitCode = await main(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, stdin: process.stdin })
 */
export const main = async (argv: readonly string[], io: CliIO): Promise<number> => {
  const out = (line: string) => void io.stdout.write(`${line}\n`)
  const err = (line: string) => void io.stderr.write(`${line}\n`)
  try {
    const { command, rest } = splitCommand(argv)
    if (command === undefined) {
      if (rest.includes('--version') || rest.includes('-V')) {
        out(VERSION)
        return EXIT.ok
      }
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout.write(USAGE)
        return EXIT.ok
      }
      throw new UsageError('no command given')
    }
    if (command === 'help') {
      io.stdout.write(USAGE)
      return EXIT.ok
    }
    if (!isCommand(command)) throw new UsageError(`unknown command '${command}'`)
    const { values, positionals } = parse(command, rest)
    if (values.help) {
      io.stdout.write(USAGE)
      return EXIT.ok
    }
    return await RUN[command]({ io, values, positionals, out, err })
  } catch (e) {
    if (e instanceof UsageError) {
      err(`fjord: ${e.message}`)
      err("Run 'fjord --help' for usage.")
      return EXIT.usage
    }
    const known = KNOWN.some((k) => e instanceof k) || (e instanceof Error && '_tag' in e)
    err(known ? messageOf(e) : e instanceof Error ? (e.stack ?? e.message) : String(e))
    return EXIT.failure
  }
}
