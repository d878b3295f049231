// Fjord against the raw driver on a database server over loopback: fetch by primary key, a filtered,
// ordered page of 20, a count, an insert and an update on a small table. Prints medians and ratios of
// the wall time per call and of this process's CPU time per call (the server's work is the same for
// both contestants, so on a busy machine the CPU column shows the client's cost more steadily). It
// asserts nothing about times.
//
//   node dist/server-bench.js [--rounds N] [--batch N] [--rows N]
//   FJORD_PG_URL (default postgres://postgres@127.0.0.1:5432/test) names the server.
import { count, create, type Db, f, filter, get, model, orderBy, pipe, schema, slice, toArray, update } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { postgres } from '@fjord/postgres'
import pg from 'pg'

const { BenchRow } = schema({
  BenchRow: model({
    name: f.char({ maxLength: 40 }),
    category: f.char({ maxLength: 10 }),
    price: f.decimal({ maxDigits: 10, decimalPlaces: 2 }),
    stock: f.integer(),
    created: f.dateTime(),
  }),
})

interface Row {
  id: number
  name: string
  category: string
  price: string
  stock: number
  created: Date
}

/** One contestant: the same five operations, each taking the iteration number. */
interface Contestant {
  readonly name: string
  readonly ops: Record<OpName, (i: number) => Promise<unknown>>
}
const OPS = ['fetchByPk', 'filterOrderSlice20', 'count', 'create', 'update'] as const
type OpName = (typeof OPS)[number]

const arg = (flag: string, fallback: number): number => {
  const i = process.argv.indexOf(flag)
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isFinite(n) || n < 1) throw new Error(`${flag} needs a positive number`)
  return n
}

const url = process.env.FJORD_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const rounds = arg('--rounds', 15)
const batch = arg('--batch', 200)
const rowCount = arg('--rows', 1000)
const categories = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']

const fjordContestant = (db: Db): Contestant => ({
  name: 'fjord',
  ops: {
    fetchByPk: (i) => db.run(pipe(BenchRow.objects, get({ pk: (i % rowCount) + 1 }))),
    filterOrderSlice20: (i) =>
      db.run(pipe(BenchRow.objects, filter({ category: categories[i % 5], stock__gt: 10 }), orderBy('-price', 'id'), slice(0, 20), toArray)),
    count: (i) => db.run(pipe(BenchRow.objects, filter({ category: categories[i % 5] }), count)),
    create: (i) => db.run(create(BenchRow, { name: `new ${i}`, category: 'zeta', price: '1.00', stock: i, created: new Date(0) })),
    update: (i) => db.run(pipe(BenchRow.objects, filter({ pk: (i % rowCount) + 1 }), update({ stock: i }))),
  },
})

const COLUMNS = '"id", "name", "category", "price", "stock", "created"'
const toRow = (r: Record<string, unknown>): Row => ({ ...(r as unknown as Row), id: Number(r.id) })

/** What an application would write by hand with pg: object rows, the id converted from int8. */
const rawContestant = (pool: pg.Pool): Contestant => ({
  name: 'raw pg',
  ops: {
    fetchByPk: async (i) => {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM "bench_row" WHERE "id" = $1`, [(i % rowCount) + 1])
      if (rows.length !== 1) throw new Error('expected one row')
      return toRow(rows[0])
    },
    filterOrderSlice20: async (i) => {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM "bench_row" WHERE "category" = $1 AND "stock" > $2 ORDER BY "price" DESC, "id" ASC LIMIT $3`,
        [categories[i % 5], 10, 20],
      )
      return rows.map(toRow)
    },
    count: async (i) => {
      const { rows } = await pool.query(`SELECT COUNT(*) AS n FROM "bench_row" WHERE "category" = $1`, [categories[i % 5]])
      return Number(rows[0].n)
    },
    create: async (i) => {
      const row = { name: `new ${i}`, category: 'zeta', price: '1.00', stock: i, created: new Date(0) }
      const { rows } = await pool.query(
        `INSERT INTO "bench_row" ("name", "category", "price", "stock", "created") VALUES ($1, $2, $3, $4, $5) RETURNING "id"`,
        [row.name, row.category, row.price, row.stock, row.created],
      )
      return { id: Number(rows[0].id), ...row }
    },
    update: async (i) => (await pool.query(`UPDATE "bench_row" SET "stock" = $1 WHERE "id" = $2`, [i, (i % rowCount) + 1])).rowCount,
  },
})

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Every read must give the same answer from both contestants before anything is timed. */
const check = async (a: Contestant, b: Contestant): Promise<void> => {
  for (const op of ['fetchByPk', 'filterOrderSlice20', 'count'] as const) {
    for (const i of [0, 1, 7]) {
      const [x, y] = [await a.ops[op](i), await b.ops[op](i)]
      if (JSON.stringify(x) !== JSON.stringify(y)) throw new Error(`${op}(${i}) differs:\n${JSON.stringify(x)}\n${JSON.stringify(y)}`)
    }
  }
}

const main = async () => {
  const schemaName = `fjord_bench_p${process.pid}`
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`)
  await admin.query(`CREATE SCHEMA "${schemaName}"`)
  const options = `-c search_path=${schemaName}`
  const db = postgres({ connectionString: url, options, max: 4 })
  const pool = new pg.Pool({ connectionString: url, options, max: 4 })
  try {
    await db.run(createTables([BenchRow]))
    await pool.query(
      `INSERT INTO "bench_row" ("name", "category", "price", "stock", "created")
       SELECT 'row ' || g, (ARRAY['alpha','beta','gamma','delta','epsilon'])[1 + g % 5], (g % 997) / 10.0, g % 50,
              TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 minute'
       FROM generate_series(1, ${rowCount}) g`,
    )
    await pool.query('ANALYZE "bench_row"')
    const contestants = [rawContestant(pool), fjordContestant(db)]
    await check(contestants[0], contestants[1])

    // Warm-up: JIT, plan caches, connections.
    for (const c of contestants) for (const op of OPS) for (let i = 0; i < batch; i++) await c.ops[op](i)

    const samples = new Map<string, number[]>()
    const record = (key: string, us: number) => samples.set(key, [...(samples.get(key) ?? []), us])
    let iteration = 0
    for (let r = 0; r < rounds; r++) {
      for (const op of OPS) {
        // Interleaved, order rotated each round, so drift and background load hit both alike.
        const order = r % 2 ? [...contestants].reverse() : contestants
        for (const c of order) {
          const cpu = process.cpuUsage()
          const start = performance.now()
          for (let i = 0; i < batch; i++) await c.ops[op](iteration + i)
          const wall = ((performance.now() - start) * 1000) / batch
          const used = process.cpuUsage(cpu)
          record(`${op}/${c.name}/wall`, wall)
          record(`${op}/${c.name}/cpu`, (used.user + used.system) / batch)
        }
        iteration += batch
      }
    }

    console.log(`PostgreSQL at ${new URL(url).host}, ${rowCount} rows, ${rounds} rounds of ${batch} calls; median µs per call`)
    const cols = ['wall raw', 'wall fjord', 'ratio', 'cpu raw', 'cpu fjord', 'ratio']
    console.log(`${'operation'.padEnd(20)}${cols.map((c) => c.padStart(11)).join('')}`)
    for (const op of OPS) {
      const cells: string[] = []
      for (const kind of ['wall', 'cpu']) {
        const raw = median(samples.get(`${op}/raw pg/${kind}`)!)
        const fj = median(samples.get(`${op}/fjord/${kind}`)!)
        cells.push(raw.toFixed(1), fj.toFixed(1), `${(fj / raw).toFixed(2)}×`)
      }
      console.log(`${op.padEnd(20)}${cells.map((c) => c.padStart(11)).join('')}`)
    }
  } finally {
    await db.close()
    await pool.end()
    await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`)
    await admin.end()
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
