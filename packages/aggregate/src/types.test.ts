// Type-level behaviour of aggregates: default names, result types from the model's fields in
// aggregate(), `default` removing null, and annotations typed on the rows. Checked by tsc.
import { annotate, type Effect, f, model, pipe, type ResultOf, schema } from '@fjord/core'
import { describe, expectTypeOf, it } from 'vitest'
import { aggregate } from './aggregate.js'
import { Avg, Count, Max, Min, StdDev, Sum } from './functions.js'

const { Item } = schema({
  Item: model({
    name: f.char({ maxLength: 20 }),
    qty: f.integer(),
    price: f.decimal({ maxDigits: 8, decimalPlaces: 2 }),
    weight: f.float({ null: true }),
    madeOn: f.date(),
    big: f.bigInteger(),
  }),
})

type Out<E> = E extends Effect<infer A> ? A : never

describe('aggregate types', () => {
  it('positional entries are named <path>__<function>', () => {
    const e = pipe(Item.objects, aggregate(Avg('qty'), Count('name')))
    expectTypeOf<Out<typeof e>>().toEqualTypeOf<{ readonly qty__avg: number | null; readonly name__count: number }>()
  })

  it('aggregate() types each entry from the field it reads', () => {
    const e = pipe(
      Item.objects,
      aggregate({
        total: Sum('price'),
        qty: Sum('qty'),
        big: Sum('big'),
        first: Min('madeOn'),
        heaviest: Max('weight'),
        n: Count('*'),
        sd: StdDev('qty'),
        orZero: Sum('qty', { default: 0 }),
      }),
    )
    expectTypeOf<Out<typeof e>>().toEqualTypeOf<{
      readonly total: string | null
      readonly qty: number | null
      readonly big: bigint | null
      readonly first: string | null
      readonly heaviest: number | null
      readonly n: number
      readonly sd: number | null
      readonly orZero: number
    }>()
  })

  it('annotations are typed on the rows (Count a number, Avg a number or null)', () => {
    const q = pipe(Item.objects, annotate({ n: Count('name'), mean: Avg('qty'), meanOr: Avg('qty', { default: 0 }) }))
    expectTypeOf<ResultOf<typeof q>['n']>().toEqualTypeOf<number>()
    expectTypeOf<ResultOf<typeof q>['mean']>().toEqualTypeOf<number | null>()
    expectTypeOf<ResultOf<typeof q>['meanOr']>().toEqualTypeOf<number>()
    const positional = pipe(Item.objects, annotate(Max('qty')))
    expectTypeOf<ResultOf<typeof positional>>().toHaveProperty('qty__max')
  })

  it('Count("*") and arithmetic have no default name', () => {
    // @ts-expect-error a complex aggregate needs a name
    pipe(Item.objects, aggregate(Count('*')))
    // @ts-expect-error a complex aggregate needs a name
    pipe(Item.objects, aggregate(Sum('qty').div(Count('qty'))))
  })
})
