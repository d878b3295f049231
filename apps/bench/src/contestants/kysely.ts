// Kysely's query builder with its SqliteDialect over the same better-sqlite3 handle.
// Queries are built per call, as an application would write them.
import { Kysely, SqliteDialect, sql } from 'kysely'
import type { NorthwindDB } from '../schema.js'
import type { ContestantFactory } from './types.js'

export const createKyselyContestant: ContestantFactory = ({ db }) => {
  const k = new Kysely<NorthwindDB>({ dialect: new SqliteDialect({ database: db }) })

  return {
    name: 'kysely',
    ops: {
      customerByPk: (id) => k.selectFrom('customer').selectAll().where('id', '=', id).executeTakeFirst(),

      customersByName: (term) =>
        k
          .selectFrom('customer')
          .selectAll()
          .where('company_name', 'like', `%${term}%`)
          .orderBy('company_name')
          .orderBy('id')
          .limit(20)
          .execute(),

      countOrders: async () => {
        const { count } = await k
          .selectFrom('order')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow()
        return Number(count)
      },

      createItem: (item) => k.insertInto('bench_item').values(item).returningAll().executeTakeFirstOrThrow(),

      updateItem: async ({ id, name, qty, price }) => {
        const result = await k.updateTable('bench_item').set({ name, qty, price }).where('id', '=', id).executeTakeFirst()
        return Number(result.numUpdatedRows)
      },

      allCustomers: () => k.selectFrom('customer').selectAll().orderBy('id').execute(),

      productWithSupplier: async (id) => {
        const row = await k
          .selectFrom('product as p')
          .leftJoin('supplier as s', 's.id', 'p.supplier_id')
          .selectAll('p')
          .select([
            's.id as s__id',
            's.company_name as s__company_name',
            's.contact_name as s__contact_name',
            's.contact_title as s__contact_title',
            's.address as s__address',
            's.city as s__city',
            's.region as s__region',
            's.postal_code as s__postal_code',
            's.country as s__country',
            's.phone as s__phone',
            's.fax as s__fax',
            's.home_page as s__home_page',
          ])
          .where('p.id', '=', id)
          .executeTakeFirst()
        if (row === undefined) return undefined
        const {
          s__id,
          s__company_name,
          s__contact_name,
          s__contact_title,
          s__address,
          s__city,
          s__region,
          s__postal_code,
          s__country,
          s__phone,
          s__fax,
          s__home_page,
          ...product
        } = row
        const supplier =
          s__id === null
            ? null
            : {
                id: s__id,
                company_name: s__company_name,
                contact_name: s__contact_name,
                contact_title: s__contact_title,
                address: s__address,
                city: s__city,
                region: s__region,
                postal_code: s__postal_code,
                country: s__country,
                phone: s__phone,
                fax: s__fax,
                home_page: s__home_page,
              }
        return { ...product, supplier }
      },

      orderTotals: () =>
        k
          .selectFrom('order as o')
          .innerJoin('order_detail as d', 'd.order_id', 'o.id')
          .select((eb) => [
            'o.id',
            'o.customer_id',
            'o.order_date',
            eb.fn.count<number>('d.id').as('line_count'),
            eb.fn.sum<number>('d.quantity').as('total_quantity'),
            eb.fn.sum<number>(sql<number>`d.unit_price * d.quantity * (1 - d.discount)`).as('total_price'),
          ])
          .groupBy('o.id')
          .orderBy('o.id')
          .execute(),

      orderLines: (orderId) => k.selectFrom('order_detail').selectAll().where('order_id', '=', orderId).orderBy('id').execute(),
    },
    // Kysely.destroy() would close the shared better-sqlite3 handle, so there is nothing to do here.
  }
}
