// The `fjord` command as a process, in a project folder of its own (a fjord.config.ts and a models file),
// on every backend the suite reaches: makemigrations, migrate forwards and back, sqlmigrate,
// showmigrations, graph, two heads and their merge, a failing migration. The folder lives under
// packages/testing/.tmp, so the config's `@fjord/*` imports resolve through the workspace.
//
// In CI, where everything is built before the tests run, the processes run the bin as it is installed
// (dist). Elsewhere they run it with the `@fjord/source` condition, on the packages' TypeScript sources,
// so no build is needed and nothing is stale; one test runs the built bin there too, when there is one.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Db } from '@fjord/core'
import { main } from '@fjord/migrate/cli'
import { sqlite } from '@fjord/sqlite'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { allBackends, type Backend, requireServers } from './index.js'
import { introspect } from './introspect.js'

const BIN = fileURLToPath(new URL('../../migrate/bin/fjord.js', import.meta.url))
const BUILT = fileURLToPath(new URL('../../migrate/dist/cli.js', import.meta.url))
const TMP = fileURLToPath(new URL('../.tmp', import.meta.url))

let folders = 0
/** A fresh project folder under packages/testing/.tmp, removed by the caller. */
const projectFolder = (label: string): string => {
  const dir = join(TMP, `cli-${process.pid}-${++folders}-${label}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const BUILT_IN_CI = Boolean(process.env.CI)

/** Run the command in `cwd`; `built` runs the bin on the packages' dist, as installed. */
const fjord = (cwd: string, args: readonly string[], options: { built?: boolean } = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const node = (options.built ?? BUILT_IN_CI) ? [BIN] : ['--conditions=@fjord/source', BIN]
    const child = spawn(process.execPath, [...node, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

/** What a failed expectation prints: the whole run. */
const shown = (r: Run): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`

const ok = (r: Run): Run => {
  expect(r.code, shown(r)).toBe(0)
  return r
}

// the project ----------------------------------------------------------------------------------------

const MODELS_V1 = `import { f, model, schema } from '@fjord/core'
import { foreignKey, manyToMany, oneToOne } from '@fjord/relations'

export const app = schema({
  Author: model({ name: f.char({ maxLength: 50 }) }),
  Profile: model({ author: oneToOne('Author', { onDelete: 'CASCADE' }), bio: f.text({ null: true }) }),
  Post: model(
    {
      title: f.char({ maxLength: 100 }),
      author: foreignKey('Author', { onDelete: 'CASCADE' }),
      tags: manyToMany('Tag', { relatedName: 'posts' }),
    },
    { ordering: ['title'] },
  ),
  Tag: model({ name: f.char({ maxLength: 30, unique: true }) }),
})
`

/** Post.title renamed to headline, and a nullable summary. */
const MODELS_V2 = MODELS_V1.replace("title: f.char({ maxLength: 100 }),", "headline: f.char({ maxLength: 100 }),\n      summary: f.text({ null: true }),").replace(
  "ordering: ['title']",
  "ordering: ['headline']",
)

/** Two changes made on two branches: Post.views and Tag.slug. */
const withViews = (src: string) => src.replace('summary: f.text({ null: true }),', 'summary: f.text({ null: true }),\n      views: f.integer({ default: 0 }),')
const withSlug = (src: string) => src.replace("Tag: model({ name: f.char({ maxLength: 30, unique: true }) })", "Tag: model({ name: f.char({ maxLength: 30, unique: true }), slug: f.slug({ null: true }) })")

const config = (database: string): string => `import { defineConfig } from '@fjord/migrate'
${database}
import { app } from './models.js'

export default defineConfig({ schema: app, migrations: './migrations', database })
`

/** Where the command's database is, and a way for the test to look at it. */
interface Target {
  /** Source defining `database`, for the config. */
  readonly database: string
  look<A>(fn: (db: Db) => Promise<A>): Promise<A>
  close(): Promise<void>
}

const firstValue = async (db: Db, text: string): Promise<string> => String((await db.execute(text, [], { returnsRows: true })).rows[0]![0])

const targetFor = async (backend: Backend, dir: string): Promise<Target> => {
  if (backend.name === 'sqlite') {
    const filename = join(dir, 'db.sqlite3')
    return {
      database: `import { sqlite } from '@fjord/sqlite'\nconst database = () => sqlite({ filename: ${JSON.stringify(filename)} })`,
      look: async (fn) => {
        const db = sqlite({ filename })
        try {
          return await fn(db)
        } finally {
          await db.close()
        }
      },
      close: async () => undefined,
    }
  }
  // A server: the suite's own schema (database) for this test, which the command connects to as well.
  const db = await backend.connect()
  const look = <A>(fn: (db: Db) => Promise<A>) => fn(db)
  if (backend.name === 'postgres') {
    const schema = await firstValue(db, 'SELECT current_schema()')
    const url = process.env.FJORD_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
    return {
      database: `import { postgres } from '@fjord/postgres'\nconst database = () => postgres({ connectionString: ${JSON.stringify(url)}, options: '-c search_path=${schema}' })`,
      look,
      close: () => db.close(),
    }
  }
  if (backend.name === 'mysql') {
    const url = new URL(process.env.FJORD_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test')
    url.pathname = `/${await firstValue(db, 'SELECT DATABASE()')}`
    return {
      database: `import { mysql } from '@fjord/mysql'\nconst database = () => mysql({ uri: ${JSON.stringify(url.toString())} })`,
      look,
      close: () => db.close(),
    }
  }
  await db.close()
  throw new Error(`no command test set-up for ${backend.name}`)
}

const tableNames = async (db: Db): Promise<string[]> => (await introspect(db)).tables.map((t) => t.name).sort()

const columnsOf = async (db: Db, table: string): Promise<string[]> =>
  ((await introspect(db, { tables: [table] })).tables[0]?.columns ?? []).map((c) => c.name)

const migrationFiles = (dir: string): string[] => (existsSync(join(dir, 'migrations')) ? readdirSync(join(dir, 'migrations')).sort() : [])

// the whole cycle, per backend -----------------------------------------------------------------------

// The suites below run side by side (each waits on its processes); the steps inside one run in order.
const step = it.sequential

for (const backend of allBackends().filter((b) => b.name !== 'oracle')) {
  // A step runs several processes, side by side with the other suites: more time than one query takes.
  describe.concurrent(`fjord command [${backend.name}]`, { timeout: 120_000 }, () => {
    let dir = ''
    let target: Target | undefined
    let skipReason: string | undefined
    const run = (...args: string[]) => fjord(dir, args)

    beforeAll(async () => {
      skipReason = await backend.unavailable()
      if (skipReason) {
        if (requireServers()) throw new Error(`${backend.name} is required but not reachable: ${skipReason}`)
        return
      }
      dir = projectFolder(backend.name)
      target = await targetFor(backend, dir)
      writeFileSync(join(dir, 'models.ts'), MODELS_V1)
      writeFileSync(join(dir, 'fjord.config.ts'), config(target.database))
    })
    afterAll(async () => {
      await target?.close()
      if (dir) rmSync(dir, { recursive: true, force: true })
    })
    beforeEach((t) => {
      if (!target) t.skip(`${backend.name} is not available: ${skipReason}`)
    })
    const look = <A>(fn: (db: Db) => Promise<A>) => target!.look(fn)

    step('makemigrations writes 0001_initial.ts, then finds nothing to do', async () => {
      const r = ok(await run('makemigrations'))
      expect(r.stdout).toContain("Migrations for 'default':\n  migrations/0001_initial.ts\n")
      for (const m of ['Author', 'Profile', 'Post', 'Tag']) expect(r.stdout).toContain(`    - Create model ${m}\n`)
      expect(migrationFiles(dir)).toEqual(['0001_initial.ts'])
      const text = readFileSync(join(dir, 'migrations', '0001_initial.ts'), 'utf8')
      expect(text).toContain('export default migration({')
      expect(text).toContain("ops.createModel('Post'")
      expect(ok(await run('makemigrations', '--check')).stdout).toBe('No changes detected\n')
    })

    step('migrate applies it; a second migrate has nothing to apply', async () => {
      const r = ok(await run('migrate'))
      expect(r.stdout).toContain('Operations to perform:\n  Apply all migrations: default\nRunning migrations:\n')
      expect(r.stdout).toMatch(/^ {2}Applying 0001_initial\.\.\. OK \(\d+ ms\)$/m)
      expect(await look(tableNames)).toEqual(['author', 'fjord_migrations', 'post', 'post_tags', 'profile', 'tag'])
      expect(ok(await run('migrate')).stdout).toContain('  No migrations to apply.\n')
    })

    step('after a change, --check exits 1 and writes nothing; --dry-run prints without writing', async () => {
      writeFileSync(join(dir, 'models.ts'), MODELS_V2)
      const check = await run('makemigrations', '--check')
      expect(check.code, shown(check)).toBe(1)
      expect(check.stdout).toContain('    - Add field summary to Post\n')
      const dry = ok(await run('makemigrations', '--dry-run', '--rename', 'Post.title=headline'))
      expect(dry.stdout).toContain('    - Rename field title on Post to headline\n')
      expect(migrationFiles(dir)).toEqual(['0001_initial.ts'])
      // migrate says the models have changes no migration holds.
      expect(ok(await run('migrate')).stdout).toContain("have changes that are not yet reflected in a migration")
    })

    step('without a terminal, a rename is not guessed: the NOT NULL headline needs --rename or --default', async () => {
      const r = await run('makemigrations', '--no-input')
      expect(r.code, shown(r)).toBe(1)
      expect(r.stderr).toContain('--rename Post.title=headline')
      expect(r.stderr).toContain('--default Post.headline=<value>')
      expect(migrationFiles(dir)).toEqual(['0001_initial.ts'])
    })

    step('makemigrations --no-input --rename writes the rename', async () => {
      const r = ok(await run('makemigrations', '--no-input', '--rename', 'Post.title=headline'))
      const name = '0002_rename_title_post_headline_post_summary'
      expect(r.stdout).toBe(
        `Migrations for 'default':\n  migrations/${name}.ts\n    - Rename field title on Post to headline\n    - Add field summary to Post\n`,
      )
      expect(migrationFiles(dir)).toEqual(['0001_initial.ts', `${name}.ts`])
      const text = readFileSync(join(dir, 'migrations', `${name}.ts`), 'utf8')
      expect(text).toContain("dependencies: ['0001_initial'],")
      expect(text).toContain("ops.renameField('Post', 'title', 'headline'),")
      expect(ok(await run('makemigrations')).stdout).toBe('No changes detected\n')
    })

    step('sqlmigrate prints the statements, forwards and backwards', async () => {
      const forwards = ok(await run('sqlmigrate', '0002'))
      expect(forwards.stdout).toMatch(/rename/i)
      expect(forwards.stdout).toContain('headline')
      // Every statement ends with a semicolon: the output is a script.
      expect(forwards.stdout.trimEnd().endsWith(';')).toBe(true)
      expect(forwards.stdout.split(/;\n/).filter((s) => s.trim() !== '').every((s) => !s.includes(';'))).toBe(true)
      const backwards = ok(await run('sqlmigrate', '0002_rename_title_post_headline_post_summary', '--backwards'))
      expect(backwards.stdout).not.toBe(forwards.stdout)
      expect(backwards.stdout).toMatch(/"title"|`title`/)
      expect((await run('sqlmigrate', '0009')).code).toBe(1)
    })

    step('showmigrations marks what is applied; migrate goes forwards, back to 0001 and to zero', async () => {
      expect(ok(await run('showmigrations')).stdout).toBe('default\n [X] 0001_initial\n [ ] 0002_rename_title_post_headline_post_summary\n')
      expect(ok(await run('migrate')).stdout).toMatch(/^ {2}Applying 0002_rename_title_post_headline_post_summary\.\.\. OK \(\d+ ms\)$/m)
      expect(await look((db) => columnsOf(db, 'post'))).toEqual(expect.arrayContaining(['headline', 'summary']))

      const back = ok(await run('migrate', '0001'))
      expect(back.stdout).toContain('  Target specific migration: 0001_initial, from default\n')
      expect(back.stdout).toMatch(/^ {2}Unapplying 0002_rename_title_post_headline_post_summary\.\.\. OK \(\d+ ms\)$/m)
      const columns = await look((db) => columnsOf(db, 'post'))
      expect(columns).toContain('title')
      expect(columns).not.toContain('summary')

      const zero = ok(await run('migrate', 'zero'))
      expect(zero.stdout).toMatch(/^ {2}Unapplying 0001_initial\.\.\. OK \(\d+ ms\)$/m)
      expect(await look(tableNames)).toEqual(['fjord_migrations'])
      expect(ok(await run('showmigrations')).stdout).toBe('default\n [ ] 0001_initial\n [ ] 0002_rename_title_post_headline_post_summary\n')

      const again = ok(await run('migrate'))
      expect(again.stdout).toMatch(/Applying 0001_initial\.\.\. OK .*\n {2}Applying 0002_rename_title_post_headline_post_summary\.\.\. OK/)
    })

    step('migrate --fake records without running', async () => {
      const r = ok(await run('migrate', '0001', '--fake'))
      expect(r.stdout).toMatch(/Unapplying 0002_rename_title_post_headline_post_summary\.\.\. FAKED/)
      expect(await look((db) => columnsOf(db, 'post'))).toContain('headline')
      expect(ok(await run('migrate', '--fake')).stdout).toMatch(/Applying 0002_rename_title_post_headline_post_summary\.\.\. FAKED/)
    })

    step('graph prints an erDiagram of the models, or writes it to a file', async () => {
      const r = ok(await run('graph'))
      expect(r.stdout.startsWith('erDiagram\n')).toBe(true)
      for (const line of [
        '  Post {',
        '    bigAuto id PK',
        '    char(100) headline',
        '    text summary "nullable"',
        '    bigInteger author_id FK',
        '    char(30) name UK',
        '    bigInteger author_id FK, UK',
        '  Post }o--|| Author : author',
        '  Profile |o--|| Author : author',
        '  Post }o--o{ Tag : tags',
      ]) {
        expect(r.stdout.split('\n')).toContain(line)
      }
      const written = ok(await run('graph', '--output', 'schema.mmd'))
      expect(written.stdout).toBe('Wrote the diagram of 4 models to schema.mmd\n')
      expect(readFileSync(join(dir, 'schema.mmd'), 'utf8')).toBe(r.stdout)
    })

    step('two heads: makemigrations and migrate refuse, --merge writes the merge migration', async () => {
      // Two branches made 0003 each from 0002.
      const folder = join(dir, 'migrations')
      writeFileSync(join(dir, 'models.ts'), withViews(MODELS_V2))
      ok(await run('makemigrations', '--name', 'post_views'))
      renameSync(join(folder, '0003_post_views.ts'), join(dir, 'aside.ts'))
      writeFileSync(join(dir, 'models.ts'), withSlug(MODELS_V2))
      ok(await run('makemigrations', '--name', 'tag_slug'))
      renameSync(join(dir, 'aside.ts'), join(folder, '0003_post_views.ts'))
      writeFileSync(join(dir, 'models.ts'), withSlug(withViews(MODELS_V2)))

      for (const args of [['makemigrations'], ['migrate']]) {
        const r = await run(...args)
        expect(r.code, shown(r)).toBe(1)
        expect(r.stderr).toContain('Conflicting migrations detected; multiple leaf nodes in the migration graph: (0003_post_views, 0003_tag_slug in default)')
        expect(r.stderr).toContain("fjord makemigrations --merge")
      }
      const merged = ok(await run('makemigrations', '--merge'))
      const name = '0004_merge_0003_post_views_0003_tag_slug'
      expect(merged.stdout).toBe(
        `Merging default\n  Branch 0003_post_views\n    - Add field views to Post\n  Branch 0003_tag_slug\n    - Add field slug to Tag\nCreated new merge migration migrations/${name}.ts\n`,
      )
      const text = readFileSync(join(folder, `${name}.ts`), 'utf8')
      expect(text).toContain("dependencies: ['0003_post_views', '0003_tag_slug'],")
      expect(ok(await run('makemigrations', '--merge')).stdout).toBe('No conflicts detected to merge.\n')
      expect(ok(await run('makemigrations')).stdout).toBe('No changes detected\n')

      const r = ok(await run('migrate'))
      expect(r.stdout).toMatch(/Applying 0003_post_views\.\.\. OK .*\n {2}Applying 0003_tag_slug\.\.\. OK .*\n {2}Applying 0004_merge_0003_post_views_0003_tag_slug\.\.\. OK/)
      expect(await look((db) => columnsOf(db, 'tag'))).toContain('slug')
    })

    step('a failing migration names the migration and the operation, exits 1, and stays unapplied', async () => {
      const file = join(dir, 'migrations', '0005_broken.ts')
      writeFileSync(
        file,
        `import { f } from '@fjord/core'
import { migration, ops } from '@fjord/migrate'

// A table that exists already.
export default migration({
  dependencies: ['0004_merge_0003_post_views_0003_tag_slug'],
  operations: [ops.createModel('Legacy', { id: f.bigAuto({ primaryKey: true }) }, { dbTable: 'post' })],
})
`,
      )
      const r = await run('migrate')
      expect(r.code, shown(r)).toBe(1)
      expect(r.stdout).toContain('  Applying 0005_broken... FAILED\n')
      expect(r.stderr).toContain('Migration 0005_broken failed at "Create model Legacy"')
      expect(ok(await run('showmigrations')).stdout).toContain(' [ ] 0005_broken\n')
      rmSync(file)
    })

    step('migrate zero unapplies everything, the merge included', async () => {
      const r = ok(await run('migrate', 'zero'))
      expect(r.stdout.match(/Unapplying/g)).toHaveLength(5)
      expect(await look(tableNames)).toEqual(['fjord_migrations'])
    })
  })
}

// usage, config, the built bin, questions at a terminal -----------------------------------------------

/** Streams for `main`: a stdin that says it is a terminal, with the answers in it. */
const terminal = (answers: readonly string[]) => {
  const stdin = Object.assign(new PassThrough(), { isTTY: true })
  stdin.end(answers.map((a) => `${a}\n`).join(''))
  let stdout = ''
  let stderr = ''
  return {
    io: {
      stdin,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    },
    output: () => ({ stdout, stderr }),
  }
}

describe.concurrent('fjord command: usage and config', () => {
  let dir = ''
  beforeAll(() => {
    dir = projectFolder('usage')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  step('exits 2 on a command line it cannot read, 1 without a config', async () => {
    // In this process first (quick), then once as a process for the exit code itself.
    for (const args of [[], ['bogus'], ['migrate', '--nope'], ['sqlmigrate'], ['makemigrations', '--rename', 'title'], ['makemigrations', '--name', 'a b'], ['showmigrations', 'extra']]) {
      const t = terminal([])
      expect(await main(args, { cwd: dir, ...t.io }), args.join(' ')).toBe(2)
      expect(t.output().stderr).toContain("Run 'fjord --help' for usage.")
    }
    const help = terminal([])
    expect(await main(['--help'], { cwd: dir, ...help.io })).toBe(0)
    expect(help.output().stdout).toContain('Usage: fjord <command> [options]')
    const missing = terminal([])
    expect(await main(['showmigrations'], { cwd: dir, ...missing.io })).toBe(1)
    expect(missing.output().stderr).toContain('No fjord.config.ts')
    const given = terminal([])
    expect(await main(['showmigrations', '--config', 'elsewhere.ts'], { cwd: dir, ...given.io })).toBe(1)
    expect(given.output().stderr).toContain('Config file elsewhere.ts does not exist')

    const r = await fjord(dir, ['migrate', '--nope'])
    expect(r.code, shown(r)).toBe(2)
    expect(r.stderr).toBe("fjord: Unknown option '--nope'\nRun 'fjord --help' for usage.\n")
    expect((await fjord(dir, ['showmigrations'])).code).toBe(1)
  })
})

describe.concurrent('fjord command: the built bin', () => {
  let dir = ''
  beforeAll(() => {
    dir = projectFolder('built')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  // CI builds before testing; a local run without a build skips this one.
  it.skipIf(!existsSync(BUILT) && !process.env.CI)('runs on dist under plain Node, with a config given by --config', async () => {
    mkdirSync(join(dir, 'app'))
    writeFileSync(join(dir, 'app', 'models.ts'), MODELS_V1)
    const filename = join(dir, 'app', 'db.sqlite3')
    writeFileSync(
      join(dir, 'app', 'project.config.mts'),
      config(`import { sqlite } from '@fjord/sqlite'\nconst database = () => sqlite({ filename: ${JSON.stringify(filename)} })`),
    )
    const built = (...args: string[]) => fjord(dir, ['--config', 'app/project.config.mts', ...args], { built: true })
    expect(ok(await built('makemigrations')).stdout).toContain('  app/migrations/0001_initial.ts\n')
    expect(ok(await built('migrate')).stdout).toMatch(/Applying 0001_initial\.\.\. OK/)
    expect(ok(await built('showmigrations')).stdout).toBe('default\n [X] 0001_initial\n')
    expect(ok(await fjord(dir, ['--version'], { built: true })).stdout).toMatch(/^\d+\.\d+\.\d+/)
  })
})

describe.concurrent('fjord makemigrations at a terminal', () => {
  let dir = ''
  beforeAll(async () => {
    dir = projectFolder('tty')
    const database = `import { sqlite } from '@fjord/sqlite'\nconst database = () => sqlite({ filename: ':memory:' })`
    writeFileSync(join(dir, 'models1.ts'), MODELS_V1)
    writeFileSync(join(dir, 'one.config.ts'), config(database).replace('./models.js', './models1.js'))
    // headline renamed from title, and a NOT NULL score without a default.
    writeFileSync(join(dir, 'models2.ts'), MODELS_V2.replace('summary: f.text({ null: true }),', 'summary: f.text({ null: true }),\n      score: f.integer(),'))
    writeFileSync(join(dir, 'two.config.ts'), config(database).replace('./models.js', './models2.js'))
    const t = terminal([])
    expect(await main(['makemigrations', '--config', 'one.config.ts'], { cwd: dir, ...t.io })).toBe(0)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  step('asks about the rename and for a one-off value, and writes what was answered', async () => {
    const t = terminal(['maybe', 'y', '3', '1', 'x', '7'])
    const code = await main(['makemigrations', '--config', 'two.config.ts', '--dry-run'], { cwd: dir, ...t.io })
    const { stdout, stderr } = t.output()
    expect(code, stderr).toBe(0)
    expect(stdout).toContain('Was Post.title renamed to Post.headline (a CharField)? [y/N] Please answer y or n.\n')
    expect(stdout).toContain("It is impossible to add a non-nullable field 'score' to Post without a default")
    expect(stdout).toContain('Please select a valid option (1-2).')
    expect(stdout).toContain("'x' is not a number. Try again.")
    expect(stdout).toContain('    - Rename field title on Post to headline\n')
    expect(stdout).toContain('    - Add field score to Post\n')

    const written = terminal(['y', '1', '7'])
    expect(await main(['makemigrations', '--config', 'two.config.ts'], { cwd: dir, ...written.io })).toBe(0)
    const file = readdirSync(join(dir, 'migrations')).find((n) => n.startsWith('0002_'))!
    const text = readFileSync(join(dir, 'migrations', file), 'utf8')
    expect(text).toContain("ops.renameField('Post', 'title', 'headline'),")
    expect(text).toContain("ops.addField('Post', 'score', f.integer(), { oneOffDefault: 7 }),")
    // The one-off value is bound: sqlmigrate shows it beside its statement.
    const sql = terminal([])
    expect(await main(['sqlmigrate', '0002', '--config', 'two.config.ts'], { cwd: dir, ...sql.io })).toBe(0)
    expect(sql.output().stdout).toMatch(/\?.*; -- params: \[7\]$/m)
    rmSync(join(dir, 'migrations', file))
  })

  step('a refused rename is a remove and an add; quitting stops without writing', async () => {
    const t = terminal(['n', '2'])
    const code = await main(['makemigrations', '--config', 'two.config.ts', '--name', 'other'], { cwd: dir, ...t.io })
    expect(code).toBe(1)
    expect(t.output().stdout).toContain("It is impossible to add a non-nullable field 'headline' to Post")
    expect(t.output().stderr).toContain('Stopped: give Post.headline a default')
    expect(readdirSync(join(dir, 'migrations')).some((n) => n.includes('other'))).toBe(false)
  })

  step('--no-input does not ask, even at a terminal; flags answer', async () => {
    const t = terminal([])
    const args = ['makemigrations', '--config', 'two.config.ts', '--no-input', '--dry-run', '--rename', 'Post.title=headline', '--default', 'Post.score=3']
    expect(await main(args, { cwd: dir, ...t.io })).toBe(0)
    expect(t.output().stdout).not.toContain('[y/N]')
    expect(t.output().stdout).toContain('    - Rename field title on Post to headline\n')
  })
})
