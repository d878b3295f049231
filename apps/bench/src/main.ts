// Runs every contestant on the Northwind database and prints the table of medians.
//
//   node --expose-gc dist/main.js [--small] [--rounds N] [--batch-ms N] [--warmup-ms N]
//                                 [--only kysely,...] [--ops a,c,h] [--rebuild]
import { contestantFactories } from './contestants/index.js'
import type { BenchContext, Contestant } from './contestants/types.js'
import { MismatchError, checkResults, formatTable, runBench } from './harness.js'
import { countNorthwind, openNorthwind } from './northwind.js'
import { buildOperations } from './operations.js'

interface Args {
  small: boolean
  rounds: number
  batchMs: number
  warmupMs: number
  only: string[] | undefined
  ops: string[] | undefined
  rebuild: boolean
}

const USAGE = `usage: bench [--small] [--rounds N] [--batch-ms N] [--warmup-ms N] [--only NAME,...] [--ops a,b,...] [--rebuild]
  --small        the original-size Northwind (830 orders) instead of the enlarged one (16,800 orders)
  --rounds N     timed rounds (default 20)
  --batch-ms N   target duration of one timed batch in ms (default 20)
  --warmup-ms N  warm-up per operation and contestant in ms (default 150)
  --only LIST    contestants besides raw, e.g. --only kysely (raw always runs: it is the reference)
  --ops LIST     operations by letter or name, e.g. --ops a,b,orderTotals
  --rebuild      rebuild the cached database first`

const parseArgs = (argv: readonly string[]): Args => {
  const args: Args = { small: false, rounds: 20, batchMs: 20, warmupMs: 150, only: undefined, ops: undefined, rebuild: false }
  const number = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value)
    if (value === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min}\n${USAGE}`)
    return n
  }
  const list = (flag: string, value: string | undefined): string[] => {
    if (!value) throw new Error(`${flag} needs a comma-separated list\n${USAGE}`)
    return value.split(',').map((s) => s.trim()).filter(Boolean)
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') continue
    else if (a === '--small') args.small = true
    else if (a === '--rebuild') args.rebuild = true
    else if (a === '--rounds') args.rounds = Math.floor(number(a, argv[++i], 1))
    else if (a === '--batch-ms') args.batchMs = number(a, argv[++i], 0.1)
    else if (a === '--warmup-ms') args.warmupMs = number(a, argv[++i], 0)
    else if (a === '--only') args.only = list(a, argv[++i])
    else if (a === '--ops') args.ops = list(a, argv[++i])
    else if (a === '--help' || a === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else throw new Error(`unknown argument ${a}\n${USAGE}`)
  }
  return args
}

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2))
  const started = performance.now()
  const log = (m: string): void => console.error(`[bench] ${m}`)

  const db = openNorthwind({ small: args.small, rebuild: args.rebuild, log })
  const counts = countNorthwind(db)
  const context: BenchContext = { db, small: args.small }

  let contestants: Contestant[] = []
  for (const factory of contestantFactories) contestants.push(await factory(context))
  if (contestants[0]?.name !== 'raw') throw new Error('the first contestant must be "raw" (the reference)')
  if (args.only !== undefined) {
    const wanted = new Set(args.only)
    const unknown = args.only.filter((n) => n !== 'raw' && !contestants.some((c) => c.name === n))
    if (unknown.length > 0) throw new Error(`unknown contestant(s): ${unknown.join(', ')}`)
    contestants = contestants.filter((c, i) => i === 0 || wanted.has(c.name))
  }

  let operations = buildOperations(db)
  if (args.ops !== undefined) {
    const wanted = args.ops.map((s) => s.toLowerCase())
    operations = operations.filter((op) => wanted.some((w) => op.name.toLowerCase() === w || op.label.startsWith(`(${w})`)))
    if (operations.length === 0) throw new Error(`--ops ${args.ops.join(',')} matches no operation`)
  }

  const sqliteVersion = db.prepare('SELECT sqlite_version()').pluck().get() as string
  console.log(
    `Northwind${args.small ? ' (original size)' : ''}: ${counts.orders.toLocaleString('en-US')} orders, ${counts.orderLines.toLocaleString('en-US')} order lines, ${counts.customers} customers, ${counts.products} products`,
  )
  console.log(
    `node ${process.version}, SQLite ${sqliteVersion}, in-memory copy; ${args.rounds} rounds, batches of ~${args.batchMs} ms, ${args.warmupMs} ms warm-up${
      (globalThis as { gc?: unknown }).gc ? ', GC before each batch' : ''
    }`,
  )

  log(`checking results of ${contestants.map((c) => c.name).join(', ')} against raw ...`)
  await checkResults(contestants, operations)
  log('all results match raw')

  const result = await runBench(contestants, operations, {
    rounds: args.rounds,
    batchMs: args.batchMs,
    warmupMs: args.warmupMs,
    log,
  })

  console.log('\nmedian µs per operation; in brackets: the ratio to raw (1.00x = as fast as raw, 2.00x = twice the time)\n')
  console.log(formatTable(result))
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`)

  for (const c of contestants) await c.close?.()
  db.close()
}

main().catch((error: unknown) => {
  if (error instanceof MismatchError) {
    console.error(`\nRESULT MISMATCH, benchmark aborted:\n${error.message}`)
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  }
  process.exit(1)
})
