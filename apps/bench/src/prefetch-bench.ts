// prefetchRelated against hand-written code on the raw driver: 1,000 parents with 10 children each,
// loaded as parents that each carry the array of their children. The raw contestant is what an
// application would write with better-sqlite3: two prepared statements (the parents, then their
// children by an IN list of the parents' ids) and a Map to group the children. Both share one
// in-memory database handle. Prints the median time per load and the ratio; asserts nothing.
//
//   node dist/prefetch-bench.js [--rounds N] [--batch N] [--parents N] [--children N]
import { bulkCreate, f, model, orderBy, pipe, schema, toArray } from '@fjord/core'
import { createTables } from '@fjord/migrate'
import { foreignKey, prefetchRelated } from '@fjord/relations'
import { sqlite } from '@fjord/sqlite'
import Database from 'better-sqlite3'

const { Parent, Child } = schema({
  Parent: model({ name: f.char({ maxLength: 40 }), rank: f.integer() }),
  Child: model({ parent: foreignKey('Parent', { onDelete: 'CASCADE' }), name: f.char({ maxLength: 40 }), weight: f.integer() }),
})

const arg = (flag: string, fallback: number): number => {
  const i = process.argv.indexOf(flag)
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isFinite(n) || n < 1) throw new Error(`${flag} needs a positive number`)
  return n
}
const rounds = arg('--rounds', 15)
const batch = arg('--batch', 10)
const parentCount = arg('--parents', 1000)
const childCount = arg('--children', 10)

interface ChildRow {
  readonly id: number
  readonly parentId: number
  readonly name: string
  readonly weight: number
}
interface ParentRow {
  readonly id: number
  readonly name: string
  readonly rank: number
  childSet: ChildRow[]
}

/** Hand-written: two prepared statements (one per IN-list length), children grouped by a Map. */
const rawLoader = (database: Database.Database) => {
  const parents = database.prepare('SELECT "id", "name", "rank" FROM "parent" ORDER BY "id"')
  const byLength = new Map<number, Database.Statement>()
  const childrenOf = (n: number) => {
    let s = byLength.get(n)
    if (!s) {
      s = database.prepare(`SELECT "id", "parent_id", "name", "weight" FROM "child" WHERE "parent_id" IN (${Array(n).fill('?').join(', ')}) ORDER BY "id"`)
      byLength.set(n, s)
    }
    return s
  }
  return (): ParentRow[] => {
    const rows = parents.all() as { id: number; name: string; rank: number }[]
    const out: ParentRow[] = rows.map((r) => ({ id: r.id, name: r.name, rank: r.rank, childSet: [] }))
    const index = new Map<number, ParentRow>()
    for (const p of out) index.set(p.id, p)
    const children = childrenOf(out.length).all(...out.map((p) => p.id)) as { id: number; parent_id: number; name: string; weight: number }[]
    for (const c of children) index.get(c.parent_id)!.childSet.push({ id: c.id, parentId: c.parent_id, name: c.name, weight: c.weight })
    return out
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const main = async () => {
  const database = new Database(':memory:')
  const db = sqlite({ database })
  await db.run(createTables([Parent, Child]))
  await db.run(bulkCreate(Parent, Array.from({ length: parentCount }, (_, i) => ({ name: `parent ${i}`, rank: i % 7 }))))
  const ids = (database.prepare('SELECT "id" FROM "parent" ORDER BY "id"').all() as { id: number }[]).map((r) => r.id)
  await db.run(bulkCreate(Child, ids.flatMap((parent) => Array.from({ length: childCount }, (_, j) => ({ parent, name: `child ${parent}.${j}`, weight: j })))))

  const contestants: { name: string; load: () => Promise<unknown> | unknown }[] = [
    { name: 'raw better-sqlite3', load: rawLoader(database) },
    { name: 'fjord prefetchRelated', load: () => db.run(pipe(Parent.objects, orderBy('id'), prefetchRelated('childSet'), toArray)) },
  ]

  // Both must give the same parents with the same children before anything is timed.
  const [expected, actual] = [await contestants[0].load(), await contestants[1].load()]
  if (JSON.stringify(expected) !== JSON.stringify(actual)) throw new Error('the contestants disagree on the rows')

  for (const c of contestants) for (let i = 0; i < batch * 3; i++) await c.load()
  const samples = new Map<string, number[]>(contestants.map((c) => [c.name, []]))
  for (let r = 0; r < rounds; r++) {
    // Interleaved, order rotated each round, so drift and background load hit both alike.
    const order = r % 2 ? [...contestants].reverse() : contestants
    for (const c of order) {
      const start = performance.now()
      for (let i = 0; i < batch; i++) await c.load()
      samples.get(c.name)!.push(((performance.now() - start) * 1000) / batch)
    }
  }
  const raw = median(samples.get(contestants[0].name)!)
  console.log(`${parentCount} parents × ${childCount} children, ${rounds} rounds of ${batch} loads; median µs per load`)
  for (const c of contestants) {
    const us = median(samples.get(c.name)!)
    console.log(`${c.name.padEnd(24)}${us.toFixed(0).padStart(10)} µs${`${(us / raw).toFixed(2)}×`.padStart(10)}`)
  }
  await db.close()
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
