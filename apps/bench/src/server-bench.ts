// Fjord against the raw driver on database servers over loopback: PostgreSQL (pg) and MariaDB or
// MySQL (mysql2). Five operations: fetch by primary key, a filtered, ordered page of 20, a count, an
// insert and an update on a small table. On PostgreSQL Fjord runs twice, as configured by default and
// with `prepare: true` (named server-side statements). Prints one table: per server and operation the
// median wall time per call, this process's CPU time per call (the server's work is the same for
// every contestant, so on a busy machine the CPU columns show the client's cost more steadily), and
// the ratios to the raw driver. It asserts nothing about times.
//
//   node dist/server-bench.js [--servers pg,mysql] [--ops fetchByPk,count] [--rounds N] [--batch N] [--rows N]
//   FJORD_PG_URL (default postgres://postgres@127.0.0.1:5432/test) and FJORD_MYSQL_URL (default
//   mysql://root@127.0.0.1:3306/test) name the servers; one that does not answer is skipped.
import { count, create, type Db, f, filter, get, model, orderBy, pipe, schema, slice, toArray, update } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { connectMysql } from '@fjord/mysql'
import { postgres } from '@fjord/postgres'
import os from 'node:os'
import mysql2 from 'mysql2/promise'
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

const list = (flag: string, fallback: readonly string[]): string[] => {
  const i = process.argv.indexOf(flag)
  return i >= 0 ? String(process.argv[i + 1] ?? '').split(',').filter(Boolean) : [...fallback]
}

const pgUrl = process.env.FJORD_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const mysqlUrl = process.env.FJORD_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
const rounds = arg('--rounds', 30)
const batch = arg('--batch', 50)
const rowCount = arg('--rows', 1000)
const servers = list('--servers', ['pg', 'mysql'])
const ops = list('--ops', OPS) as OpName[]
const categories = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']

const fjordContestant = (db: Db, name = 'fjord'): Contestant => ({
  name,
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
const rawPgContestant = (pool: pg.Pool): Contestant => ({
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

const MY_COLUMNS = '`id`, `name`, `category`, `price`, `stock`, `created`'

/** The same by hand with mysql2: `pool.query` (the text protocol, as most applications use it), object rows. */
const rawMysqlContestant = (pool: mysql2.Pool): Contestant => ({
  name: 'raw mysql2',
  ops: {
    fetchByPk: async (i) => {
      const [rows] = await pool.query<mysql2.RowDataPacket[]>(`SELECT ${MY_COLUMNS} FROM \`bench_row\` WHERE \`id\` = ?`, [(i % rowCount) + 1])
      if (rows.length !== 1) throw new Error('expected one row')
      return rows[0]
    },
    filterOrderSlice20: async (i) => {
      const [rows] = await pool.query<mysql2.RowDataPacket[]>(
        `SELECT ${MY_COLUMNS} FROM \`bench_row\` WHERE \`category\` = ? AND \`stock\` > ? ORDER BY \`price\` DESC, \`id\` ASC LIMIT ?`,
        [categories[i % 5], 10, 20],
      )
      return rows
    },
    count: async (i) => {
      const [rows] = await pool.query<mysql2.RowDataPacket[]>('SELECT COUNT(*) AS n FROM `bench_row` WHERE `category` = ?', [categories[i % 5]])
      return Number(rows[0].n)
    },
    create: async (i) => {
      const row = { name: `new ${i}`, category: 'zeta', price: '1.00', stock: i, created: new Date(0) }
      const [res] = await pool.query<mysql2.ResultSetHeader>(
        'INSERT INTO `bench_row` (`name`, `category`, `price`, `stock`, `created`) VALUES (?, ?, ?, ?, ?)',
        [row.name, row.category, row.price, row.stock, row.created],
      )
      return { id: res.insertId, ...row }
    },
    update: async (i) => {
      const [res] = await pool.query<mysql2.ResultSetHeader>('UPDATE `bench_row` SET `stock` = ? WHERE `id` = ?', [i, (i % rowCount) + 1])
      return res.affectedRows
    },
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

/** Medians of one server's run: wall and CPU µs per call, by operation and contestant (the raw driver first). */
interface ServerResult {
  readonly title: string
  readonly contestants: readonly string[]
  readonly cells: Record<OpName, { readonly wall: readonly number[]; readonly cpu: readonly number[] }>
}

/**
 * Check, warm up, then time the contestants batch by batch: every round runs a batch of each operation
 * for each contestant, their order rotated, so drift and background load hit all of them alike.
 */
const measure = async (title: string, contestants: readonly Contestant[]): Promise<ServerResult> => {
  const [raw, ...others] = contestants
  for (const c of others) await check(raw, c)
  // Warm-up: JIT, plan caches, connections, prepared statements.
  for (const c of contestants) for (const op of ops) for (let i = 0; i < 4 * batch; i++) await c.ops[op](i)

  const wall = new Map<string, number[]>()
  const cpu = new Map<string, number[]>()
  const record = (m: Map<string, number[]>, key: string, us: number) => {
    const xs = m.get(key)
    if (xs) xs.push(us)
    else m.set(key, [us])
  }
  let iteration = 0
  for (let r = 0; r < rounds; r++) {
    for (const op of ops) {
      for (let k = 0; k < contestants.length; k++) {
        const c = contestants[(k + r) % contestants.length]
        const used = process.cpuUsage()
        const start = performance.now()
        for (let i = 0; i < batch; i++) await c.ops[op](iteration + i)
        const elapsed = performance.now() - start
        const time = process.cpuUsage(used)
        record(wall, `${op}/${c.name}`, (elapsed * 1000) / batch)
        record(cpu, `${op}/${c.name}`, (time.user + time.system) / batch)
      }
      iteration += batch
    }
  }
  const cells = {} as Record<OpName, { wall: number[]; cpu: number[] }>
  for (const op of ops) {
    cells[op] = {
      wall: contestants.map((c) => median(wall.get(`${op}/${c.name}`)!)),
      cpu: contestants.map((c) => median(cpu.get(`${op}/${c.name}`)!)),
    }
  }
  return { title, contestants: contestants.map((c) => c.name), cells }
}

const runPostgres = async (): Promise<ServerResult> => {
  const schemaName = `fjord_bench_p${process.pid}`
  const admin = new pg.Pool({ connectionString: pgUrl, max: 1 })
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`)
    await admin.query(`CREATE SCHEMA "${schemaName}"`)
  } catch (e) {
    await admin.end()
    throw e
  }
  // One connection for every contestant: the same server process answers them all (on two cores
  // the scheduler's placement of a server process against the client's changes a round trip by
  // more than the differences measured here).
  const pool = new pg.Pool({ connectionString: pgUrl, options: `-c search_path=${schemaName}`, max: 1 })
  const db = postgres({ pool })
  const prepared = postgres({ pool, prepare: true })
  try {
    await db.run(createTables([BenchRow]))
    await pool.query(
      `INSERT INTO "bench_row" ("name", "category", "price", "stock", "created")
       SELECT 'row ' || g, (ARRAY['alpha','beta','gamma','delta','epsilon'])[1 + g % 5], (g % 997) / 10.0, g % 50,
              TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 minute'
       FROM generate_series(1, ${rowCount}) g`,
    )
    await pool.query('ANALYZE "bench_row"')
    const version = (await pool.query('SHOW server_version')).rows[0].server_version as string
    return await measure(`PostgreSQL ${version.split(' ')[0]}`, [rawPgContestant(pool), fjordContestant(db), fjordContestant(prepared, 'fjord prepare')])
  } finally {
    await db.close()
    await prepared.close()
    await pool.end()
    await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`)
    await admin.end()
  }
}

const runMysql = async (): Promise<ServerResult> => {
  const database = `fjord_bench_m${process.pid}`
  const admin = await mysql2.createConnection({ uri: mysqlUrl })
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``)
    await admin.query(`CREATE DATABASE \`${database}\``)
  } catch (e) {
    await admin.end()
    throw e
  }
  const url = new URL(mysqlUrl)
  url.pathname = `/${database}`
  // One connection for both, as on PostgreSQL. The pool is made as an application would make it
  // (object rows, Date values), so Fjord gives mysql2 its reading options with each statement.
  const pool = mysql2.createPool({ uri: url.toString(), connectionLimit: 1, timezone: 'Z', jsonStrings: true })
  const db = await connectMysql({ pool })
  try {
    await db.run(createTables([BenchRow]))
    const start = Date.UTC(2024, 0, 1)
    const rows = Array.from({ length: rowCount }, (_, k) => {
      const g = k + 1
      return [`row ${g}`, categories[g % 5], String((g % 997) / 10), g % 50, new Date(start + g * 60_000)]
    })
    await pool.query('INSERT INTO `bench_row` (`name`, `category`, `price`, `stock`, `created`) VALUES ?', [rows])
    await pool.query('ANALYZE TABLE `bench_row`')
    const [version] = await pool.query<mysql2.RowDataPacket[]>('SELECT VERSION() AS v')
    const v = String(version[0].v)
    const title = `${v.includes('MariaDB') ? 'MariaDB' : 'MySQL'} ${v.split('-')[0]}`
    return await measure(title, [rawMysqlContestant(pool), fjordContestant(db)])
  } finally {
    await db.close()
    await pool.end()
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``)
    await admin.end()
  }
}

const RUNNERS: Record<string, { readonly label: string; readonly run: () => Promise<ServerResult> }> = {
  pg: { label: `PostgreSQL at ${new URL(pgUrl).host}`, run: runPostgres },
  mysql: { label: `MySQL/MariaDB at ${new URL(mysqlUrl).host}`, run: runMysql },
}

/** One table: a row per server and operation; wall µs, then CPU µs, each contestant's with its ratio to the raw driver. */
const printTable = (results: readonly ServerResult[]): void => {
  const names = [...new Set(results.flatMap((r) => r.contestants.slice(1)))]
  const header = ['server', 'operation', 'raw µs', ...names.map((n) => `${n} µs (x raw)`), 'cpu raw', ...names.map((n) => `cpu ${n} (x raw)`)]
  const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us.toFixed(1))
  const rows: string[][] = []
  for (const r of results) {
    for (const op of ops) {
      const { wall, cpu } = r.cells[op]
      const rel = (xs: readonly number[], name: string) => {
        const k = r.contestants.indexOf(name)
        return k < 0 ? '-' : `${fmt(xs[k])} (${(xs[k] / xs[0]).toFixed(2)}x)`
      }
      rows.push([r.title, op, fmt(wall[0]), ...names.map((n) => rel(wall, n)), fmt(cpu[0]), ...names.map((n) => rel(cpu, n))])
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ').trimEnd()
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('   '))
  for (const row of rows) console.log(line(row))
  console.log(`raw drivers: ${results.map((r) => `${r.title}: ${r.contestants[0]}`).join('; ')}`)
}

const main = async () => {
  const unknown = servers.filter((name) => !(name in RUNNERS))
  if (unknown.length) throw new Error(`--servers: unknown ${unknown.join(', ')} (pg, mysql)`)
  const unknownOps = ops.filter((op) => !OPS.includes(op))
  if (unknownOps.length) throw new Error(`--ops: unknown ${unknownOps.join(', ')} (${OPS.join(', ')})`)
  const started = os.loadavg().map((l) => l.toFixed(2)).join(' ')
  const results: ServerResult[] = []
  for (const name of servers) {
    const { label, run } = RUNNERS[name]
    console.error(`[server-bench] ${label} ...`)
    try {
      results.push(await run())
    } catch (e) {
      const code = (e as { code?: string }).code
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') console.error(`[server-bench] ${label}: not reachable (${code}), skipped`)
      else throw e
    }
  }
  if (results.length === 0) throw new Error('no server answered')
  const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ')
  console.log(
    `${rowCount} rows; ${rounds} rounds of ${batch} calls per operation and contestant, interleaved; median µs per call; load average ${started} at the start, ${load()} at the end\n`,
  )
  printTable(results)
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
