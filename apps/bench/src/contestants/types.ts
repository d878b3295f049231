// What a contestant is: a name and implementations of some of the benchmark operations.
//
// Every operation runs on the snake_case Northwind schema (see ../schema.ts) through the shared
// better-sqlite3 handle in `BenchContext.db`. Results may use any key spelling (`company_name`,
// `companyName` and `CompanyName` compare equal) and may be returned synchronously or as a
// Promise; before anything is timed each result is compared with the raw driver's (see
// ../harness.ts for the normalisation). An operation a contestant leaves out is skipped for it.
import type Database from 'better-sqlite3'

export type MaybePromise<T> = T | Promise<T>

/** A row: a plain object, or a model instance whose own enumerable properties are its fields. */
export type Row = object

export interface NewItem {
  readonly name: string
  readonly qty: number
  readonly price: number
}

export interface ItemChange {
  readonly id: number
  readonly name: string
  readonly qty: number
  readonly price: number
}

/** The operations, with the SQL the raw contestant runs for each (its result is the reference). */
export interface Operations {
  /** (a) `SELECT * FROM customer WHERE id = ?` -> the row, or undefined. */
  customerByPk(id: string): MaybePromise<Row | undefined>
  /** (b) `SELECT * FROM customer WHERE company_name LIKE '%term%' ORDER BY company_name, id LIMIT 20`.
   *  `term` is lower-case ASCII, so case-insensitive `contains` (Django's `icontains`) gives the same rows. */
  customersByName(term: string): MaybePromise<readonly Row[]>
  /** (c) `SELECT count(*) FROM "order"` -> a number. */
  countOrders(): MaybePromise<number>
  /** (d) `INSERT INTO bench_item (name, qty, price) VALUES (?, ?, ?) RETURNING *` -> the new row, with its id.
   *  The table is emptied before every batch, so ids start at 1 for every contestant. */
  createItem(item: NewItem): MaybePromise<Row>
  /** (e) `UPDATE bench_item SET name = ?, qty = ?, price = ? WHERE id = ?` -> rows changed (1).
   *  The table holds ids 1..1000 before every batch. */
  updateItem(change: ItemChange): MaybePromise<number>
  /** (f) `SELECT * FROM customer ORDER BY id` -> all 93 rows. */
  allCustomers(): MaybePromise<readonly Row[]>
  /** (g) a product by id with its supplier, one query (`product JOIN supplier`):
   *  `{ ...product columns, supplier: { ...supplier columns } | null }` (a nested object, as a
   *  `selectRelated('supplier')` gives it). */
  productWithSupplier(id: number): MaybePromise<Row | undefined>
  /** (h) every order with its line count, total quantity and total price, ordered by order id:
   *  `{ id, customer_id, order_date, line_count, total_quantity, total_price }` where
   *  total_price = sum(unit_price * quantity * (1 - discount)) over the order's lines (GROUP BY). */
  orderTotals(): MaybePromise<readonly Row[]>
  /** (i) `SELECT * FROM order_detail WHERE order_id = ? ORDER BY id` -> the order's lines. */
  orderLines(orderId: number): MaybePromise<readonly Row[]>
}

export type OperationName = keyof Operations

export interface BenchContext {
  /** The benchmark database; every contestant uses this same handle. */
  readonly db: Database.Database
  /** True when running on the original-size database (`--small`). */
  readonly small: boolean
}

export interface Contestant {
  /** Column title in the printed table. */
  readonly name: string
  /** The operations it implements; missing ones are skipped. */
  readonly ops: Partial<Operations>
  /** Called once after the run (must not close `BenchContext.db`). */
  close?(): MaybePromise<void>
}

/** How a contestant module exports itself: called once, before checking and timing. */
export type ContestantFactory = (context: BenchContext) => MaybePromise<Contestant>
