// The baseline: better-sqlite3 with every statement prepared once, results returned as the driver gives them.
import type { ContestantFactory, Row } from './types.js'

const SUPPLIER_PREFIX = 's__'

export const createRawContestant: ContestantFactory = ({ db }) => {
  const customerByPk = db.prepare<[string], Row>('SELECT * FROM customer WHERE id = ?')
  const customersByName = db.prepare<[string], Row>(
    'SELECT * FROM customer WHERE company_name LIKE ? ORDER BY company_name, id LIMIT 20',
  )
  const countOrders = db.prepare<[], number>('SELECT count(*) FROM "order"').pluck()
  const createItem = db.prepare<[string, number, number], Row>('INSERT INTO bench_item (name, qty, price) VALUES (?, ?, ?) RETURNING *')
  const updateItem = db.prepare<[string, number, number, number]>('UPDATE bench_item SET name = ?, qty = ?, price = ? WHERE id = ?')
  const allCustomers = db.prepare<[], Row>('SELECT * FROM customer ORDER BY id')
  const productWithSupplier = db.prepare<[number], Record<string, unknown>>(
    `SELECT p.*, ${['id', 'company_name', 'contact_name', 'contact_title', 'address', 'city', 'region', 'postal_code', 'country', 'phone', 'fax', 'home_page']
      .map((c) => `s.${c} AS ${SUPPLIER_PREFIX}${c}`)
      .join(', ')}
     FROM product p LEFT JOIN supplier s ON s.id = p.supplier_id
     WHERE p.id = ?`,
  )
  const orderTotals = db.prepare<[], Row>(
    `SELECT o.id, o.customer_id, o.order_date,
            count(d.id) AS line_count,
            sum(d.quantity) AS total_quantity,
            sum(d.unit_price * d.quantity * (1 - d.discount)) AS total_price
     FROM "order" o JOIN order_detail d ON d.order_id = o.id
     GROUP BY o.id
     ORDER BY o.id`,
  )
  const orderLines = db.prepare<[number], Row>('SELECT * FROM order_detail WHERE order_id = ? ORDER BY id')

  return {
    name: 'raw',
    ops: {
      customerByPk: (id) => customerByPk.get(id),
      customersByName: (term) => customersByName.all(`%${term}%`),
      countOrders: () => countOrders.get() as number,
      createItem: ({ name, qty, price }) => createItem.get(name, qty, price) as Row,
      updateItem: ({ id, name, qty, price }) => updateItem.run(name, qty, price, id).changes,
      allCustomers: () => allCustomers.all(),
      productWithSupplier: (id) => {
        const flat = productWithSupplier.get(id)
        if (flat === undefined) return undefined
        const product: Record<string, unknown> = {}
        const supplier: Record<string, unknown> = {}
        for (const key in flat) {
          if (key.startsWith(SUPPLIER_PREFIX)) supplier[key.slice(SUPPLIER_PREFIX.length)] = flat[key]
          else product[key] = flat[key]
        }
        product.supplier = supplier.id === null ? null : supplier
        return product
      },
      orderTotals: () => orderTotals.all(),
      orderLines: (orderId) => orderLines.all(orderId),
    },
  }
}
