// One-to-one relations on every backend, after Django's tests/one_to_one (Place/Restaurant/Waiter):
// a unique foreign key, the reverse side named by the model (a single row), a one-to-one as primary key.
import { count, create, deleteRow, f, filter, get, IntegrityError, model, type Row, schema, toArray, valuesList } from '@fjord/core'
import { foreignKey, oneToOne, related, selectRelated } from '@fjord/relations'
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { describeEachBackend, truncate } from '../helpers.js'

const models = schema({
  Place: model({ name: f.char({ maxLength: 50 }), address: f.char({ maxLength: 80 }) }, { ordering: ['name'] }),
  Restaurant: model({
    place: oneToOne('Place', { onDelete: 'CASCADE', primaryKey: true }),
    servesHotDogs: f.boolean({ default: false }),
    servesPizza: f.boolean({ default: false }),
  }),
  Bar: model({ place: oneToOne('Place', { onDelete: 'CASCADE' }), servesCocktails: f.boolean({ default: true }) }),
  Waiter: model({ restaurant: foreignKey('Restaurant', { onDelete: 'CASCADE' }), name: f.char({ maxLength: 50 }) }),
})
const { Place, Restaurant, Bar, Waiter } = models

describeEachBackend('one-to-one', models, (ctx) => {
  let p1: Row<typeof Place>
  let p2: Row<typeof Place>
  let r: Row<typeof Restaurant>

  beforeEach(async () => {
    const { db } = ctx()
    await truncate(db, [Place, Restaurant, Bar, Waiter])
    p1 = await db.run(create(Place, { name: 'Demon Dogs', address: '944 W. Fullerton' }))
    p2 = await db.run(create(Place, { name: 'Ace Hardware', address: '1013 N. Ashland' }))
    r = await db.run(create(Restaurant, { place: p1, servesHotDogs: true }))
  })

  it('a one-to-one primary key: the row is keyed by the place', async () => {
    const { db } = ctx()
    expect(r).toEqual({ placeId: p1.id, servesHotDogs: true, servesPizza: false })
    expect(await db.run(pipe(Restaurant.objects, get({ pk: p1.id })))).toEqual(r)
    expect(await db.run(pipe(Restaurant.objects, get({ place: p1 })))).toEqual(r)
    expect(await db.run(pipe(Restaurant.objects, get({ place__name__startswith: 'Demon' })))).toEqual(r)
  })

  it('the reverse side is named by the model and holds one row', async () => {
    const { db } = ctx()
    expect(await db.run(toArray(related(Place, p1, 'restaurant')))).toEqual([r])
    expect(await db.run(toArray(related(Place, p2, 'restaurant')))).toEqual([])
    expect(await db.run(pipe(Place.objects, get({ restaurant__place: p1 })))).toEqual(p1)
    expect(await db.run(pipe(Place.objects, get({ restaurant: r.placeId })))).toEqual(p1)
    expect(await db.run(pipe(Place.objects, filter({ restaurant__servesHotDogs: true }), valuesList('name', { flat: true }), toArray))).toEqual(['Demon Dogs'])
    expect(await db.run(pipe(Place.objects, filter({ restaurant__isnull: true }), valuesList('name', { flat: true }), toArray))).toEqual(['Ace Hardware'])
  })

  it('selectRelated follows it forwards and backwards, null where there is no row', async () => {
    const { db } = ctx()
    const [withPlace] = await db.run(pipe(Restaurant.objects, selectRelated('place'), toArray))
    expect(withPlace.place).toEqual(p1)
    const places = await db.run(pipe(Place.objects, selectRelated('restaurant'), toArray))
    expect(places.map((p) => [p.name, p.restaurant])).toEqual([
      ['Ace Hardware', null],
      ['Demon Dogs', r],
    ])
  })

  it('lookups through a one-to-one and on to its foreign keys', async () => {
    const { db } = ctx()
    await db.run(create(Waiter, { restaurant: r, name: 'Joe' }))
    await db.run(create(Waiter, { restaurant: r, name: 'Jim' }))
    const names = pipe(Waiter.objects, filter({ restaurant__place__name__startswith: 'Demon' }), valuesList('name', { flat: true }))
    expect((await db.run(toArray(names))).sort()).toEqual(['Jim', 'Joe'])
    expect(await db.run(pipe(Waiter.objects, filter({ restaurant: p1.id }), count))).toBe(2)
    expect(await db.run(pipe(Place.objects, filter({ restaurant__waiter__name: 'Joe' }), valuesList('name', { flat: true }), toArray))).toEqual(['Demon Dogs'])
  })

  it('is unique: a second row for the same target is an IntegrityError', async () => {
    const { db } = ctx()
    await db.run(create(Bar, { place: p2 }))
    await expect(db.run(create(Bar, { place: p2 }))).rejects.toBeInstanceOf(IntegrityError)
    await expect(db.run(create(Restaurant, { place: p1 }))).rejects.toBeInstanceOf(IntegrityError)
  })

  it('deleting the target cascades through the one-to-one to its dependents', async () => {
    const { db } = ctx()
    await db.run(create(Waiter, { restaurant: r, name: 'Joe' }))
    await db.run(create(Bar, { place: p1 }))
    expect(await db.run(deleteRow(Place, p1))).toEqual({ total: 4, perModel: { Place: 1, Restaurant: 1, Bar: 1, Waiter: 1 } })
    expect(await db.run(count(Restaurant.objects))).toBe(0)
  })
})
