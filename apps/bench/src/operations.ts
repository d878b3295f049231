// The benchmark's operations: what each call is given, how the scratch table is reset before a
// batch, and (for writes) which table state must match after the check calls.
import type Database from 'better-sqlite3'
import type { ItemChange, NewItem, OperationName } from './contestants/types.js'

export interface OperationSpec {
  readonly name: OperationName
  /** Printed label, e.g. "(a) customer by pk". */
  readonly label: string
  /** The argument of call number `i` (deterministic: every contestant gets the same sequence). */
  readonly arg: (i: number) => unknown
  /** How many calls (i = 0, 1, ...) are compared with the raw driver before timing. */
  readonly checkCalls: number
  /** Untimed: run before each contestant's check and before every warm-up and timed batch. */
  readonly reset?: () => void
  /** Untimed: state compared with the raw driver's after the check calls (for writes). */
  readonly snapshot?: () => unknown
}

/** Lower-case ASCII substrings of company names for the LIKE search (b). */
export const SEARCH_TERMS = ['a', 'er', 'co', 'mar', 'an', 'de', 'in', 'os', 'ma', 'sa'] as const
/** Rows in bench_item before every batch of the update operation (e). */
export const UPDATE_ROWS = 1000

/** Spreads `count` picks evenly over `values`. */
const spread = <T>(values: readonly T[], count: number): T[] => {
  if (values.length <= count) return [...values]
  const step = values.length / count
  return Array.from({ length: count }, (_, k) => values[Math.floor(k * step)])
}

export const newItem = (i: number): NewItem => ({ name: `item ${i}`, qty: 1 + (i % 100), price: (i % 1000) / 4 })

export const itemChange = (i: number): ItemChange => ({
  id: 1 + ((i * 7919) % UPDATE_ROWS),
  name: `updated ${i}`,
  qty: 1 + ((i * 31) % 500),
  price: (i % 4000) / 8,
})

/** Builds the operations over the benchmark database (its data choose the arguments). */
export const buildOperations = (db: Database.Database): OperationSpec[] => {
  const customerIds = db.prepare('SELECT id FROM customer ORDER BY id').pluck().all() as string[]
  const productIds = db.prepare('SELECT id FROM product ORDER BY id').pluck().all() as number[]
  const orderIds = spread(db.prepare('SELECT id FROM "order" ORDER BY id').pluck().all() as number[], 97)

  const clearItems = db.prepare('DELETE FROM bench_item')
  const seedItems = db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${UPDATE_ROWS})
     INSERT INTO bench_item (id, name, qty, price) SELECT i, 'item ' || i, i % 100, i / 4.0 FROM n`,
  )
  const items = db.prepare('SELECT * FROM bench_item ORDER BY id')

  const pick = <T>(values: readonly T[]) => (i: number): T => values[i % values.length]

  return [
    { name: 'customerByPk', label: '(a) customer by pk', arg: pick(customerIds), checkCalls: customerIds.length },
    { name: 'customersByName', label: '(b) customers LIKE, order, limit 20', arg: pick(SEARCH_TERMS), checkCalls: SEARCH_TERMS.length },
    { name: 'countOrders', label: '(c) count orders', arg: () => undefined, checkCalls: 1 },
    {
      name: 'createItem',
      label: '(d) create one row',
      arg: newItem,
      checkCalls: 5,
      reset: () => {
        clearItems.run()
      },
      snapshot: () => items.all(),
    },
    {
      name: 'updateItem',
      label: '(e) update one row by pk',
      arg: itemChange,
      checkCalls: 5,
      reset: () => {
        clearItems.run()
        seedItems.run()
      },
      snapshot: () => items.all(),
    },
    { name: 'allCustomers', label: '(f) all customers', arg: () => undefined, checkCalls: 1 },
    { name: 'productWithSupplier', label: '(g) product + supplier (join)', arg: pick(productIds), checkCalls: productIds.length },
    { name: 'orderTotals', label: '(h) orders with line totals (GROUP BY)', arg: () => undefined, checkCalls: 1 },
    { name: 'orderLines', label: '(i) order lines by order', arg: pick(orderIds), checkCalls: orderIds.length },
  ]
}
