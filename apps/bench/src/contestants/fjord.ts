// Fjord: QuerySets composed with pipe, run through the Db's plan cache on the same better-sqlite3 handle.
import { Count, Sum } from '@fjord/aggregate'
import { annotate, count, create, F, f, filter, get, model, orderBy, pipe, schema, slice, toArray, update, Value, values } from '@fjord/core'
import { foreignKey } from '@fjord/relations'
import { sqlite } from '@fjord/sqlite'
import type { ContestantFactory } from './types.js'

export const { Customer, Order, OrderDetail, Product, Supplier, BenchItem } = schema({
  Customer: model({
    id: f.char({ maxLength: 5, primaryKey: true }),
    companyName: f.char({ maxLength: 40 }),
    contactName: f.char({ maxLength: 30, null: true }),
    contactTitle: f.char({ maxLength: 30, null: true }),
    address: f.char({ maxLength: 60, null: true }),
    city: f.char({ maxLength: 15, null: true }),
    region: f.char({ maxLength: 15, null: true }),
    postalCode: f.char({ maxLength: 10, null: true }),
    country: f.char({ maxLength: 15, null: true }),
    phone: f.char({ maxLength: 24, null: true }),
    fax: f.char({ maxLength: 24, null: true }),
  }),
  Supplier: model({
    companyName: f.char({ maxLength: 40 }),
    contactName: f.char({ maxLength: 30, null: true }),
    contactTitle: f.char({ maxLength: 30, null: true }),
    address: f.char({ maxLength: 60, null: true }),
    city: f.char({ maxLength: 15, null: true }),
    region: f.char({ maxLength: 15, null: true }),
    postalCode: f.char({ maxLength: 10, null: true }),
    country: f.char({ maxLength: 15, null: true }),
    phone: f.char({ maxLength: 24, null: true }),
    fax: f.char({ maxLength: 24, null: true }),
    homePage: f.text({ null: true }),
  }),
  Product: model({
    productName: f.char({ maxLength: 40 }),
    supplier: foreignKey('Supplier', { onDelete: 'SET_NULL', null: true }),
    categoryId: f.integer({ null: true }),
    quantityPerUnit: f.char({ maxLength: 20, null: true }),
    unitPrice: f.float(),
    unitsInStock: f.integer(),
    unitsOnOrder: f.integer(),
    reorderLevel: f.integer(),
    discontinued: f.integer(),
  }),
  Order: model(
    {
      customer: foreignKey('Customer', { onDelete: 'SET_NULL', null: true }),
      employeeId: f.integer({ null: true }),
      orderDate: f.text({ null: true }),
      requiredDate: f.text({ null: true }),
      shippedDate: f.text({ null: true }),
      shipperId: f.integer({ null: true }),
      freight: f.float(),
      shipName: f.text({ null: true }),
      shipAddress: f.text({ null: true }),
      shipCity: f.text({ null: true }),
      shipRegion: f.text({ null: true }),
      shipPostalCode: f.text({ null: true }),
      shipCountry: f.text({ null: true }),
    },
    { dbTable: 'order' },
  ),
  OrderDetail: model({
    order: foreignKey('Order', { onDelete: 'CASCADE' }),
    product: foreignKey('Product', { onDelete: 'CASCADE' }),
    unitPrice: f.float(),
    quantity: f.integer(),
    discount: f.float(),
  }),
  BenchItem: model({ name: f.text(), qty: f.integer(), price: f.float() }),
})

export const createFjordContestant: ContestantFactory = ({ db: database }) => {
  const db = sqlite({ database })
  return {
    name: 'fjord',
    ops: {
      customerByPk: (id) => db.run(pipe(Customer.objects, get({ pk: id }))),
      customersByName: (term) =>
        db.run(pipe(Customer.objects, filter({ companyName__icontains: term }), orderBy('companyName', 'id'), slice(0, 20), toArray)),
      countOrders: () => db.run(count(Order.objects)),
      createItem: (item) => db.run(create(BenchItem, item)),
      updateItem: ({ id, name, qty, price }) => db.run(pipe(BenchItem.objects, filter({ pk: id }), update({ name, qty, price }))),
      allCustomers: () => db.run(pipe(Customer.objects, orderBy('id'), toArray)),
      orderTotals: () =>
        db.run(
          pipe(
            Order.objects,
            annotate({
              lineCount: Count('orderDetail'),
              totalQuantity: Sum('orderDetail__quantity'),
              totalPrice: Sum(F('orderDetail__unitPrice').mul(F('orderDetail__quantity')).mul(Value(1).sub(F('orderDetail__discount')))),
            }),
            orderBy('id'),
            values('id', 'customerId', 'orderDate', 'lineCount', 'totalQuantity', 'totalPrice'),
            toArray,
          ),
        ),
      orderLines: (orderId) => db.run(pipe(OrderDetail.objects, filter({ order: orderId }), orderBy('id'), toArray)),
    },
  }
}
