// Type-level behaviour of aggregates: default names, result types from the model's fields in
// aggregate() and annotate(), `default` removing null, and annotations typed on the rows. Checked by tsc.
import { alias, annotate, type Effect, F, f, filter, model, orderBy, pipe, type ResultOf, schema, toArray, values, valuesList } from '@fjord/core'
import { describe, expectTypeOf, it } from 'vitest'
import { aggregate } from './aggregate.js'
import { Avg, Count, Max, Min, StdDev, Sum, Variance } from './functions.js'

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

  it('annotate() types each aggregate from the field it reads, as aggregate() does', () => {
    const q = pipe(
      Item.objects,
      annotate({
        total: Sum('price'),
        qty: Sum('qty'),
        big: Sum('big'),
        heavy: Sum('weight'),
        first: Min('madeOn'),
        last: Max('madeOn'),
        heaviest: Max('weight'),
        cheapest: Min('price'),
        name: Max('name'),
        n: Count('qty'),
        rows: Count('*'),
        mean: Avg('price'),
        sd: StdDev('qty'),
        v: Variance('weight', { sample: true }),
      }),
    )
    type R = ResultOf<typeof q>
    expectTypeOf<R['total']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['qty']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['big']>().toEqualTypeOf<bigint | null>()
    expectTypeOf<R['heavy']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['first']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['last']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['heaviest']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['cheapest']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['name']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['n']>().toEqualTypeOf<number>()
    expectTypeOf<R['rows']>().toEqualTypeOf<number>()
    expectTypeOf<R['mean']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['sd']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['v']>().toEqualTypeOf<number | null>()
    // The row keeps the model's fields next to the annotations.
    expectTypeOf<R['madeOn']>().toEqualTypeOf<string>()
  })

  it('annotate(): positional aggregates are named and typed; default removes null; filter keeps the type', () => {
    const q = pipe(Item.objects, annotate(Sum('price'), Max('madeOn'), Min('big', { default: 0n }), { orZero: Sum('qty', { default: 0 }) }))
    type R = ResultOf<typeof q>
    expectTypeOf<R['price__sum']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['madeOn__max']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['big__min']>().toEqualTypeOf<bigint>()
    expectTypeOf<R['orZero']>().toEqualTypeOf<number>()
    const d = pipe(
      Item.objects,
      annotate({
        total: Sum('price', { default: '0' }),
        first: Min('madeOn', { default: '2000-01-01' }),
        mean: Avg('qty', { default: 0 }),
        cheap: Sum('price', { filter: { qty__lt: 3 } }),
        few: Count('qty', { filter: { qty__lt: 3 }, distinct: true }),
        bigs: Sum('big', { filter: { big__gt: 0n }, default: 0n }),
      }),
    )
    type D = ResultOf<typeof d>
    expectTypeOf<D['total']>().toEqualTypeOf<string>()
    expectTypeOf<D['first']>().toEqualTypeOf<string>()
    expectTypeOf<D['mean']>().toEqualTypeOf<number>()
    expectTypeOf<D['cheap']>().toEqualTypeOf<string | null>()
    expectTypeOf<D['few']>().toEqualTypeOf<number>()
    expectTypeOf<D['bigs']>().toEqualTypeOf<bigint>()
  })

  it('annotations carry their types into values(), valuesList(), filter() and alias()', () => {
    const q = pipe(Item.objects, annotate({ total: Sum('price'), first: Min('madeOn') }))
    expectTypeOf(pipe(q, values('name', 'total'), toArray)).toEqualTypeOf<Effect<{ readonly name: string; readonly total: string | null }[]>>()
    expectTypeOf(pipe(q, valuesList('first', { flat: true }), toArray)).toEqualTypeOf<Effect<(string | null)[]>>()
    pipe(q, filter({ total__gte: '10.00', first__gte: '2024-01-01' }), orderBy('-total'))
    // @ts-expect-error a decimal sum is compared with a string
    pipe(q, filter({ total__gte: 10 }))
    const aliased = pipe(Item.objects, alias({ top: Max('big') }), annotate({ n: Count('qty') }))
    expectTypeOf(pipe(aliased, values('top', 'n'), toArray)).toEqualTypeOf<Effect<{ readonly top: bigint | null; readonly n: number }[]>>()
    expectTypeOf<ResultOf<typeof aliased>>().not.toHaveProperty('top')
    // An aggregate over an earlier annotation reads its type.
    const twice = pipe(Item.objects, annotate({ total: Sum('price') }), annotate({ top: Max('total') }))
    expectTypeOf<ResultOf<typeof twice>['top']>().toEqualTypeOf<string | null>()
  })

  it('an aggregate of an expression, or combined arithmetically, keeps its own type', () => {
    const q = pipe(Item.objects, annotate({ e: Sum(F<number>('qty').mul(2)), plus: Avg('qty').add(1), ratio: Sum('qty').div(Count('qty')) }))
    type R = ResultOf<typeof q>
    expectTypeOf<R['e']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['plus']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['ratio']>().toEqualTypeOf<string | number | null>()
  })

  it('annotate() and alias() refuse a path that names no field', () => {
    // @ts-expect-error unknown field
    pipe(Item.objects, annotate({ total: Sum('prize') }))
    // @ts-expect-error unknown field, positional
    pipe(Item.objects, annotate(Max('madeon')))
    // @ts-expect-error unknown field in alias
    pipe(Item.objects, alias({ n: Count('nope') }))
    // @ts-expect-error a lookup is not a value to aggregate
    pipe(Item.objects, annotate({ n: Count('qty__gte') }))
    // @ts-expect-error no such transform
    pipe(Item.objects, annotate({ year: Max('madeOn__yearr') }))
    // A transform of a field is (`madeOn__year`, typed by what it gives), and so is a name the same call gives.
    const q = pipe(Item.objects, annotate({ year: Max('madeOn__year'), n: Count('*'), any: Max('n') }))
    expectTypeOf<ResultOf<typeof q>['year']>().toEqualTypeOf<number | null>()
  })

  it('Count("*") and arithmetic have no default name', () => {
    // @ts-expect-error a complex aggregate needs a name
    pipe(Item.objects, aggregate(Count('*')))
    // @ts-expect-error a complex aggregate needs a name
    pipe(Item.objects, aggregate(Sum('qty').div(Count('qty'))))
  })
})
