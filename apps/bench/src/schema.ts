// The snake_case schema every contestant queries (built by northwind.ts from the PascalCase original).
//
// Naming follows Fjord's defaults (Django's, without the app prefix), so Fjord models need no
// `dbTable`/`dbColumn` overrides:
//   - table = snake_case of the singular model name: Customer -> customer, OrderDetail -> order_detail,
//     Order -> "order" (an SQL keyword: always quote it);
//   - primary key `id` (text for customer and territory, integer elsewhere);
//   - a foreign key field `x` is the column `x_id` (Order.customer -> customer_id, Order.shipper ->
//     shipper_id, Employee.reportsTo -> reports_to_id);
//   - other columns = snake_case of the original (CompanyName -> company_name).
// Prices and freight are REAL (JS numbers), dates are TEXT as in the original ('1996-07-04 00:00:00.000'),
// product.discontinued is 0/1, order_detail has its own `id` plus UNIQUE (order_id, product_id).
// `bench_item` is a scratch table for the create/update operations.
import type { Generated } from 'kysely'

export interface CategoryTable {
  id: Generated<number>
  category_name: string
  description: string | null
  picture: Buffer | null
}

export interface CustomerTable {
  id: string
  company_name: string
  contact_name: string | null
  contact_title: string | null
  address: string | null
  city: string | null
  region: string | null
  postal_code: string | null
  country: string | null
  phone: string | null
  fax: string | null
}

export interface EmployeeTable {
  id: Generated<number>
  last_name: string
  first_name: string
  title: string | null
  title_of_courtesy: string | null
  birth_date: string | null
  hire_date: string | null
  address: string | null
  city: string | null
  region: string | null
  postal_code: string | null
  country: string | null
  home_phone: string | null
  extension: string | null
  photo: Buffer | null
  notes: string | null
  reports_to_id: number | null
  photo_path: string | null
}

export interface ShipperTable {
  id: Generated<number>
  company_name: string
  phone: string | null
}

export interface SupplierTable {
  id: Generated<number>
  company_name: string
  contact_name: string | null
  contact_title: string | null
  address: string | null
  city: string | null
  region: string | null
  postal_code: string | null
  country: string | null
  phone: string | null
  fax: string | null
  home_page: string | null
}

export interface ProductTable {
  id: Generated<number>
  product_name: string
  supplier_id: number | null
  category_id: number | null
  quantity_per_unit: string | null
  unit_price: number
  units_in_stock: number
  units_on_order: number
  reorder_level: number
  discontinued: number
}

export interface RegionTable {
  id: number
  region_description: string
}

export interface TerritoryTable {
  id: string
  territory_description: string
  region_id: number
}

export interface EmployeeTerritoryTable {
  id: Generated<number>
  employee_id: number
  territory_id: string
}

export interface OrderTable {
  id: Generated<number>
  customer_id: string | null
  employee_id: number | null
  order_date: string | null
  required_date: string | null
  shipped_date: string | null
  shipper_id: number | null
  freight: number
  ship_name: string | null
  ship_address: string | null
  ship_city: string | null
  ship_region: string | null
  ship_postal_code: string | null
  ship_country: string | null
}

export interface OrderDetailTable {
  id: Generated<number>
  order_id: number
  product_id: number
  unit_price: number
  quantity: number
  discount: number
}

export interface BenchItemTable {
  id: Generated<number>
  name: string
  qty: number
  price: number
}

/** Kysely's view of the database. */
export interface NorthwindDB {
  category: CategoryTable
  customer: CustomerTable
  employee: EmployeeTable
  shipper: ShipperTable
  supplier: SupplierTable
  product: ProductTable
  region: RegionTable
  territory: TerritoryTable
  employee_territory: EmployeeTerritoryTable
  order: OrderTable
  order_detail: OrderDetailTable
  bench_item: BenchItemTable
}
