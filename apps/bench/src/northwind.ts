// Builds the benchmark's Northwind database and caches it under apps/bench/.data/.
//
// 1. The classic Northwind script (`create.sql`: CRLF, bracket-quoted PascalCase identifiers,
//    `[Order Details]`, blobs, views) is loaded as is with better-sqlite3's `exec`.
// 2. Unless `small` is asked for, a seeded generator enlarges it to about 16,800 orders and
//    620,000 order lines, dated 2012 to 2024.
// 3. The same data is copied into a snake_case schema (`customer`, `order`, `order_detail`, ...;
//    see schema.ts) that follows Fjord's default naming. The contestants query that copy; the
//    original PascalCase tables and views stay in the file for reference.
//
// Run this file directly (`node dist/northwind.js [--small] [--rebuild]`) to build the cache alone.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

/** Bump when the generator or the snake_case schema changes: cached files are rebuilt. */
const GENERATOR_VERSION = 3
const SEED = 0x6a6f7264 // "jord"

/** Orders and lines in the enlarged database (the original has 830 orders, 2,155 lines). */
export const TARGET_ORDERS = 16_800
const FIRST_DAY = Date.UTC(2012, 0, 1)
const LAST_DAY = Date.UTC(2024, 11, 31)
const DAY_MS = 86_400_000
const MAX_LINES = 77

export interface NorthwindOptions {
  /** The original-size database (830 orders) instead of the enlarged one. */
  readonly small?: boolean
  /** `memory` (default): a private in-memory copy of the cached file, so writes never touch the cache.
   *  `file`: open the cached file itself (writes persist). */
  readonly storage?: 'memory' | 'file'
  /** Rebuild the cached file even when it is up to date. */
  readonly rebuild?: boolean
  /** Progress messages (default: none). */
  readonly log?: (message: string) => void
}

export interface NorthwindCounts {
  readonly orders: number
  readonly orderLines: number
  readonly customers: number
  readonly products: number
}

// ---------------------------------------------------------------------------------------------
// Locations

const here = dirname(fileURLToPath(import.meta.url))
/** apps/bench (this file is compiled to apps/bench/dist/, or run from apps/bench/src/). */
export const appDir = resolve(here, '..')

/** Walks up from `start` to the directory holding pnpm-workspace.yaml. */
export const findRepoRoot = (start: string = here): string => {
  let dir = resolve(start)
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`No pnpm-workspace.yaml above ${start}`)
    dir = parent
  }
}

/** The Northwind script: $NORTHWIND_SQL, else ../shared/data/northwind/sqlite/create.sql from the repo root. */
export const northwindSqlPath = (): string => {
  const fromEnv = process.env.NORTHWIND_SQL
  const path = fromEnv ? resolve(fromEnv) : resolve(findRepoRoot(), '../shared/data/northwind/sqlite/create.sql')
  if (!existsSync(path)) {
    throw new Error(`Northwind SQL not found at ${path}${fromEnv ? ' (from NORTHWIND_SQL)' : '; set NORTHWIND_SQL to its path'}`)
  }
  return path
}

export const cachePath = (small = false): string => join(appDir, '.data', small ? 'northwind-small.db' : 'northwind.db')

// ---------------------------------------------------------------------------------------------
// Seeded PRNG

/** mulberry32: a small, fast 32-bit PRNG; the same seed always gives the same sequence. */
export const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ---------------------------------------------------------------------------------------------
// Loading create.sql

/** Splits SQL text on top-level semicolons, respecting quotes, [brackets] and comments.
 *  (No trigger bodies in Northwind, so BEGIN ... END is not handled.) */
export const splitSqlStatements = (sql: string): string[] => {
  const out: string[] = []
  let start = 0
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i]
    if (c === "'" || c === '"' || c === '`') {
      i++
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2
          else break
        } else i++
      }
      i++
    } else if (c === '[') {
      const end = sql.indexOf(']', i + 1)
      i = end < 0 ? n : end + 1
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? n : end + 1
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? n : end + 2
    } else if (c === ';') {
      const stmt = sql.slice(start, i).trim()
      if (stmt) out.push(stmt)
      start = ++i
    } else i++
  }
  const tail = sql.slice(start).trim()
  if (tail && !/^(--[^\n]*\n?\s*)*$/.test(tail)) out.push(tail)
  return out
}

/** Loads the script into a fresh database: in one `exec`; if that fails, into another fresh database
 *  statement by statement, dropping (and reporting) the statements that fail. Returns the database. */
const loadNorthwindSql = (open: () => Database.Database, sql: string, log: (m: string) => void): Database.Database => {
  const text = sql.replace(/\r\n?/g, '\n')
  const first = open()
  try {
    first.exec(text)
    return first
  } catch (error) {
    first.close()
    log(`create.sql did not load in one exec (${(error as Error).message}); loading it statement by statement`)
  }
  const db = open()
  const failed: string[] = []
  for (const stmt of splitSqlStatements(text)) {
    try {
      db.exec(stmt)
    } catch (error) {
      failed.push(`${stmt.slice(0, 80).replace(/\s+/g, ' ')}... -> ${(error as Error).message}`)
    }
  }
  if (failed.length > 0) log(`skipped ${failed.length} failing statement(s) of create.sql:\n  ${failed.join('\n  ')}`)
  return db
}

// ---------------------------------------------------------------------------------------------
// Enlarging

const isoDay = (ms: number): string => `${new Date(ms).toISOString().slice(0, 10)} 00:00:00.000`

const DISCOUNTS = [0.05, 0.1, 0.15, 0.2, 0.25] as const

interface CustomerInfo {
  CustomerID: string
  CompanyName: string
  Address: string | null
  City: string | null
  Region: string | null
  PostalCode: string | null
  Country: string | null
}

/** Adds orders with ids after the last original one until there are TARGET_ORDERS, each with 1..77 distinct products. */
const enlarge = (db: Database.Database): void => {
  const rng = mulberry32(SEED)
  const int = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1))

  const customers = db
    .prepare('SELECT CustomerID, CompanyName, Address, City, Region, PostalCode, Country FROM Customers WHERE Country IS NOT NULL ORDER BY CustomerID')
    .all() as CustomerInfo[]
  const products = db.prepare('SELECT ProductID, UnitPrice FROM Products ORDER BY ProductID').all() as { ProductID: number; UnitPrice: number }[]
  const employees = (db.prepare('SELECT EmployeeID FROM Employees ORDER BY EmployeeID').pluck().all() as number[])
  const shippers = (db.prepare('SELECT ShipperID FROM Shippers ORDER BY ShipperID').pluck().all() as number[])
  const existing = db.prepare('SELECT count(*) FROM Orders').pluck().get() as number
  const lastId = db.prepare('SELECT max(OrderID) FROM Orders').pluck().get() as number
  const toAdd = TARGET_ORDERS - existing
  if (toAdd <= 0) return

  // Dates: uniform over 2012-01-01..2024-12-31, sorted so order ids grow with dates.
  const days = (LAST_DAY - FIRST_DAY) / DAY_MS
  const dates = Array.from({ length: toAdd }, () => FIRST_DAY + int(0, days) * DAY_MS).sort((a, b) => a - b)

  const insertOrder = db.prepare(
    'INSERT INTO Orders (OrderID, CustomerID, EmployeeID, OrderDate, RequiredDate, ShippedDate, ShipVia, Freight, ShipName, ShipAddress, ShipCity, ShipRegion, ShipPostalCode, ShipCountry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const insertLine = db.prepare('INSERT INTO [Order Details] (OrderID, ProductID, UnitPrice, Quantity, Discount) VALUES (?, ?, ?, ?, ?)')
  const picks = products.map((_, i) => i)

  db.transaction(() => {
    for (let k = 0; k < toAdd; k++) {
      const id = lastId + 1 + k
      const day = dates[k]
      const c = customers[int(0, customers.length - 1)]
      const shipped = rng() < 0.03 ? null : isoDay(day + int(1, 35) * DAY_MS)
      insertOrder.run(
        id,
        c.CustomerID,
        employees[int(0, employees.length - 1)],
        isoDay(day),
        isoDay(day + 28 * DAY_MS),
        shipped,
        shippers[int(0, shippers.length - 1)],
        Math.round(rng() * 50_000) / 100,
        c.CompanyName,
        c.Address,
        c.City,
        c.Region,
        c.PostalCode,
        c.Country,
      )
      // Distinct products: a partial Fisher-Yates shuffle, then lines in product order.
      const count = int(1, MAX_LINES)
      for (let j = 0; j < count; j++) {
        const r = j + Math.floor(rng() * (picks.length - j))
        const t = picks[j]
        picks[j] = picks[r]
        picks[r] = t
      }
      const chosen = picks.slice(0, count).sort((a, b) => a - b)
      for (const p of chosen) {
        const r = rng()
        const quantity = 1 + Math.floor(r * r * 100)
        const discount = rng() < 0.7 ? 0 : DISCOUNTS[int(0, DISCOUNTS.length - 1)]
        insertLine.run(id, products[p].ProductID, products[p].UnitPrice, quantity, discount)
      }
    }
  })()
}

// ---------------------------------------------------------------------------------------------
// The snake_case copy (see schema.ts for the column list and the naming rules)

const SNAKE_SCHEMA = `
CREATE TABLE category (
  id INTEGER PRIMARY KEY,
  category_name TEXT NOT NULL,
  description TEXT,
  picture BLOB
);
CREATE TABLE customer (
  id TEXT PRIMARY KEY NOT NULL,
  company_name TEXT NOT NULL,
  contact_name TEXT,
  contact_title TEXT,
  address TEXT,
  city TEXT,
  region TEXT,
  postal_code TEXT,
  country TEXT,
  phone TEXT,
  fax TEXT
);
CREATE TABLE employee (
  id INTEGER PRIMARY KEY,
  last_name TEXT NOT NULL,
  first_name TEXT NOT NULL,
  title TEXT,
  title_of_courtesy TEXT,
  birth_date TEXT,
  hire_date TEXT,
  address TEXT,
  city TEXT,
  region TEXT,
  postal_code TEXT,
  country TEXT,
  home_phone TEXT,
  extension TEXT,
  photo BLOB,
  notes TEXT,
  reports_to_id INTEGER REFERENCES employee (id),
  photo_path TEXT
);
CREATE TABLE shipper (
  id INTEGER PRIMARY KEY,
  company_name TEXT NOT NULL,
  phone TEXT
);
CREATE TABLE supplier (
  id INTEGER PRIMARY KEY,
  company_name TEXT NOT NULL,
  contact_name TEXT,
  contact_title TEXT,
  address TEXT,
  city TEXT,
  region TEXT,
  postal_code TEXT,
  country TEXT,
  phone TEXT,
  fax TEXT,
  home_page TEXT
);
CREATE TABLE product (
  id INTEGER PRIMARY KEY,
  product_name TEXT NOT NULL,
  supplier_id INTEGER REFERENCES supplier (id),
  category_id INTEGER REFERENCES category (id),
  quantity_per_unit TEXT,
  unit_price REAL NOT NULL DEFAULT 0,
  units_in_stock INTEGER NOT NULL DEFAULT 0,
  units_on_order INTEGER NOT NULL DEFAULT 0,
  reorder_level INTEGER NOT NULL DEFAULT 0,
  discontinued INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE region (
  id INTEGER PRIMARY KEY,
  region_description TEXT NOT NULL
);
CREATE TABLE territory (
  id TEXT PRIMARY KEY NOT NULL,
  territory_description TEXT NOT NULL,
  region_id INTEGER NOT NULL REFERENCES region (id)
);
CREATE TABLE employee_territory (
  id INTEGER PRIMARY KEY,
  employee_id INTEGER NOT NULL REFERENCES employee (id),
  territory_id TEXT NOT NULL REFERENCES territory (id),
  UNIQUE (employee_id, territory_id)
);
CREATE TABLE "order" (
  id INTEGER PRIMARY KEY,
  customer_id TEXT REFERENCES customer (id),
  employee_id INTEGER REFERENCES employee (id),
  order_date TEXT,
  required_date TEXT,
  shipped_date TEXT,
  shipper_id INTEGER REFERENCES shipper (id),
  freight REAL NOT NULL DEFAULT 0,
  ship_name TEXT,
  ship_address TEXT,
  ship_city TEXT,
  ship_region TEXT,
  ship_postal_code TEXT,
  ship_country TEXT
);
CREATE TABLE order_detail (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES "order" (id),
  product_id INTEGER NOT NULL REFERENCES product (id),
  unit_price REAL NOT NULL,
  quantity INTEGER NOT NULL,
  discount REAL NOT NULL DEFAULT 0,
  UNIQUE (order_id, product_id)
);
CREATE TABLE bench_item (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  qty INTEGER NOT NULL,
  price REAL NOT NULL
);

INSERT INTO category (id, category_name, description, picture)
  SELECT CategoryID, CategoryName, Description, Picture FROM Categories ORDER BY CategoryID;
INSERT INTO customer (id, company_name, contact_name, contact_title, address, city, region, postal_code, country, phone, fax)
  SELECT CustomerID, CompanyName, ContactName, ContactTitle, Address, City, Region, PostalCode, Country, Phone, Fax
  FROM Customers ORDER BY CustomerID;
INSERT INTO employee (id, last_name, first_name, title, title_of_courtesy, birth_date, hire_date, address, city, region,
                      postal_code, country, home_phone, extension, photo, notes, reports_to_id, photo_path)
  SELECT EmployeeID, LastName, FirstName, Title, TitleOfCourtesy, BirthDate, HireDate, Address, City, Region,
         PostalCode, Country, HomePhone, Extension, Photo, Notes, ReportsTo, PhotoPath
  FROM Employees ORDER BY EmployeeID;
INSERT INTO shipper (id, company_name, phone) SELECT ShipperID, CompanyName, Phone FROM Shippers ORDER BY ShipperID;
INSERT INTO supplier (id, company_name, contact_name, contact_title, address, city, region, postal_code, country, phone, fax, home_page)
  SELECT SupplierID, CompanyName, ContactName, ContactTitle, Address, City, Region, PostalCode, Country, Phone, Fax, HomePage
  FROM Suppliers ORDER BY SupplierID;
INSERT INTO product (id, product_name, supplier_id, category_id, quantity_per_unit, unit_price, units_in_stock,
                     units_on_order, reorder_level, discontinued)
  SELECT ProductID, ProductName, SupplierID, CategoryID, QuantityPerUnit, CAST(UnitPrice AS REAL), UnitsInStock,
         UnitsOnOrder, ReorderLevel, CAST(Discontinued AS INTEGER)
  FROM Products ORDER BY ProductID;
INSERT INTO region (id, region_description) SELECT RegionID, trim(RegionDescription) FROM Regions ORDER BY RegionID;
INSERT INTO territory (id, territory_description, region_id)
  SELECT TerritoryID, trim(TerritoryDescription), RegionID FROM Territories ORDER BY TerritoryID;
INSERT INTO employee_territory (employee_id, territory_id)
  SELECT EmployeeID, TerritoryID FROM EmployeeTerritories ORDER BY EmployeeID, TerritoryID;
INSERT INTO "order" (id, customer_id, employee_id, order_date, required_date, shipped_date, shipper_id, freight,
                     ship_name, ship_address, ship_city, ship_region, ship_postal_code, ship_country)
  SELECT OrderID, CustomerID, EmployeeID, OrderDate, RequiredDate, ShippedDate, ShipVia, CAST(Freight AS REAL),
         ShipName, ShipAddress, ShipCity, ShipRegion, ShipPostalCode, ShipCountry
  FROM Orders ORDER BY OrderID;
INSERT INTO order_detail (order_id, product_id, unit_price, quantity, discount)
  SELECT OrderID, ProductID, CAST(UnitPrice AS REAL), Quantity, Discount FROM [Order Details] ORDER BY OrderID, ProductID;

CREATE INDEX product_supplier_id ON product (supplier_id);
CREATE INDEX product_category_id ON product (category_id);
CREATE INDEX order_customer_id ON "order" (customer_id);
CREATE INDEX order_employee_id ON "order" (employee_id);
CREATE INDEX order_shipper_id ON "order" (shipper_id);
CREATE INDEX order_detail_product_id ON order_detail (product_id);
`

// ---------------------------------------------------------------------------------------------
// Build, cache, open

const cacheKey = (sql: string, small: boolean): string =>
  `v${GENERATOR_VERSION};seed=${SEED};small=${small};sql=${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`

const readCacheKey = (path: string): string | undefined => {
  if (!existsSync(path)) return undefined
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true })
    try {
      return db.prepare("SELECT value FROM bench_meta WHERE key = 'cache_key'").pluck().get() as string | undefined
    } finally {
      db.close()
    }
  } catch {
    return undefined
  }
}

/** Builds the database file at `path` (written to a temporary file, then renamed). */
const build = (path: string, sql: string, key: string, small: boolean, log: (m: string) => void): void => {
  const started = performance.now()
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.tmp-${process.pid}`
  const open = (): Database.Database => {
    rmSync(tmp, { force: true })
    const db = new Database(tmp)
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    db.pragma('cache_size = -262144')
    return db
  }
  let db: Database.Database | undefined
  try {
    db = loadNorthwindSql(open, sql, log)
    db.pragma('foreign_keys = OFF')
    if (!small) enlarge(db)
    db.exec(SNAKE_SCHEMA)
    const violations = db.pragma('foreign_key_check') as unknown[]
    if (violations.length > 0) log(`warning: ${violations.length} foreign key violation(s) in the built database`)
    db.exec('CREATE TABLE bench_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
    db.prepare('INSERT INTO bench_meta (key, value) VALUES (?, ?)').run('cache_key', key)
    db.exec('ANALYZE')
    db.close()
  } catch (error) {
    db?.close()
    rmSync(tmp, { force: true })
    throw error
  }
  renameSync(tmp, path)
  log(`built ${path} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

/** Makes sure the cached database file exists and is current; returns its path. */
export const northwindPath = (options: NorthwindOptions = {}): string => {
  const small = options.small ?? false
  const log = options.log ?? (() => {})
  const sqlPath = northwindSqlPath()
  const sql = readFileSync(sqlPath, 'utf8')
  const key = cacheKey(sql, small)
  const path = cachePath(small)
  if (options.rebuild || readCacheKey(path) !== key) {
    log(`building ${small ? 'original-size' : 'enlarged'} Northwind database from ${sqlPath} ...`)
    build(path, sql, key, small, log)
  }
  return path
}

/** Opens the benchmark database (building the cache first if needed). */
export const openNorthwind = (options: NorthwindOptions = {}): Database.Database => {
  const path = northwindPath(options)
  // better-sqlite3 opens a Buffer as an in-memory copy (sqlite3_deserialize); its typings only admit strings.
  const db = options.storage === 'file' ? new Database(path) : new Database(readFileSync(path) as unknown as string)
  db.pragma('foreign_keys = ON')
  return db
}

/** The original-size database, for quick runs. */
export const openSmallNorthwind = (options: Omit<NorthwindOptions, 'small'> = {}): Database.Database =>
  openNorthwind({ ...options, small: true })

export const countNorthwind = (db: Database.Database): NorthwindCounts => {
  const count = (table: string): number => db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number
  return { orders: count('order'), orderLines: count('order_detail'), customers: count('customer'), products: count('product') }
}

// Direct run: build (or check) the cache and print the sizes.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const small = args.includes('--small')
  const db = openNorthwind({ small, rebuild: args.includes('--rebuild'), log: (m) => console.log(m) })
  console.log(countNorthwind(db))
  db.close()
}
