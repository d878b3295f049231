// Type-level: lookup keys and values per field type, and the result shapes of orderBy, values,
// valuesList, only, defer and annotate. Checked by tsc; the runtime bodies build values only.
import {
  annotate,
  Coalesce,
  count,
  defer,
  type Effect,
  exclude,
  F,
  f,
  filter,
  first,
  get,
  Length,
  Lower,
  model,
  only,
  orderBy,
  Q,
  type Row,
  schema,
  toArray,
  Value,
  values,
  valuesList,
} from '@fjord/core'
import { foreignKey } from '@fjord/relations'
import { pipe } from 'fp-ts/function'
import { describe, expectTypeOf, it } from 'vitest'

const { Item, Owner } = schema({
  Owner: model({ name: f.char({ maxLength: 20 }) }),
  Item: model({
    owner: foreignKey('Owner', { onDelete: 'CASCADE' }),
    name: f.char({ maxLength: 20 }),
    note: f.text({ null: true }),
    qty: f.integer(),
    big: f.bigInteger(),
    price: f.decimal({ maxDigits: 6, decimalPlaces: 2 }),
    ratio: f.float({ null: true }),
    done: f.boolean(),
    day: f.date(),
    at: f.dateTime(),
    clock: f.time(),
    span: f.duration(),
    uid: f.uuid(),
    doc: f.json(),
    bytes: f.binary(),
  }),
})
type ItemRow = Row<typeof Item>
const items = Item.objects

describe('lookups', () => {
  it('accept the lookups and value types of each field', () => {
    pipe(items, filter({ name__iexact: 'a', name__icontains: 'b', name__regex: '^x', name__in: ['a', 'b'], note: null, note__isnull: true }))
    pipe(items, filter({ qty__gte: 1, qty__range: [1, 5], qty__in: [1, 2], qty: F('qty') }))
    pipe(items, filter({ big__gt: 2n ** 60n, price__lte: '9.99', ratio__lt: 0.5, done: false, span__gt: 1000 }))
    pipe(items, filter({ day__year: 2024, day__month__gte: 6, day__gte: '2024-01-01', day__weekDay: 1 }))
    pipe(items, filter({ at__date: '2024-01-01', at__hour__lt: 12, at__gte: new Date(), at__quarter: 2, at__time__gte: '10:00' }))
    pipe(items, filter({ clock__hour: 10, clock__lt: '12:00', uid__icontains: 'abc', doc__hasKey: 'k' }))
    pipe(items, filter({ owner: 1, ownerId__in: [1, 2], owner_id: 3, pk__in: [1], pk__gt: 0 }))
    pipe(items, exclude(Q({ name: 'x' })), filter({ name__startswith: 'a' }, { qty__lt: 3 }))
  })

  it('refuse unknown fields and lookups a field type does not have', () => {
    // @ts-expect-error unknown field
    pipe(items, filter({ nmae: 'x' }))
    // @ts-expect-error no contains on integers
    pipe(items, filter({ qty__contains: 1 }))
    // @ts-expect-error no icontains on booleans
    pipe(items, filter({ done__icontains: 'x' }))
    // @ts-expect-error no year on a time
    pipe(items, filter({ clock__year: 2020 }))
    // @ts-expect-error no hour on a date
    pipe(items, filter({ day__hour: 1 }))
    // @ts-expect-error no string lookups on binary
    pipe(items, filter({ bytes__contains: 'x' }))
    // @ts-expect-error no such lookup at all
    pipe(items, filter({ name__like: 'x%' }))
    // @ts-expect-error unknown field in get
    pipe(items, get({ nmae: 'x' }))
  })

  it('refuse values of the wrong type', () => {
    // @ts-expect-error integer compared with a string
    pipe(items, filter({ qty__gt: '1' }))
    // @ts-expect-error bigInteger compared with a number
    pipe(items, filter({ big: 1 }))
    // @ts-expect-error decimal compared with a number
    pipe(items, filter({ price__gte: 1.5 }))
    // @ts-expect-error a year is a number
    pipe(items, filter({ day__year: '2024' }))
    // @ts-expect-error a date is a string, not a Date
    pipe(items, filter({ at__date: new Date() }))
    // @ts-expect-error a datetime is a Date, not a string
    pipe(items, filter({ at__lt: '2024-01-01' }))
    // @ts-expect-error isnull takes a boolean
    pipe(items, filter({ note__isnull: 'yes' }))
    // @ts-expect-error in takes a list of the field's values
    pipe(items, filter({ qty__in: ['1'] }))
    // @ts-expect-error range takes a pair
    pipe(items, filter({ qty__range: 5 }))
    // @ts-expect-error only exact takes null
    pipe(items, filter({ name__contains: null }))
    // @ts-expect-error a regex is a string
    pipe(items, filter({ name__regex: /x/ }))
    // @ts-expect-error boolean compared with a number
    pipe(items, filter({ done: 1 }))
  })
})

describe('result shapes', () => {
  it('toArray, get, first and count', () => {
    expectTypeOf(pipe(items, toArray)).toEqualTypeOf<Effect<ItemRow[]>>()
    expectTypeOf(pipe(items, get({ pk: 1 }))).toEqualTypeOf<Effect<ItemRow>>()
    expectTypeOf(pipe(items, first)).toEqualTypeOf<Effect<ItemRow | null>>()
    expectTypeOf(pipe(items, filter({ qty: 1 }), count)).toEqualTypeOf<Effect<number>>()
  })

  it('orderBy keeps the row type and checks its keys', () => {
    expectTypeOf(pipe(items, orderBy('-at', 'name', 'pk', '-ownerId', 'owner', '?'), toArray)).toEqualTypeOf<Effect<ItemRow[]>>()
    // @ts-expect-error unknown ordering key
    pipe(items, orderBy('nmae'))
    // @ts-expect-error unknown descending key
    pipe(items, orderBy('-nmae'))
    // @ts-expect-error two dashes
    pipe(items, orderBy('--name'))
  })

  it('values gives exactly the named keys (every field when none are named)', () => {
    expectTypeOf(pipe(items, values('name', 'qty', 'pk'), toArray)).toEqualTypeOf<
      Effect<{ readonly name: string; readonly qty: number; readonly pk: number }[]>
    >()
    expectTypeOf(pipe(items, values('ownerId', 'note', 'big'), toArray)).toEqualTypeOf<
      Effect<{ readonly ownerId: number; readonly note: string | null; readonly big: bigint }[]>
    >()
    expectTypeOf(pipe(items, values(), toArray)).toEqualTypeOf<Effect<ItemRow[]>>()
    // @ts-expect-error unknown values key
    pipe(items, values('name', 'nope'))
  })

  it('valuesList gives tuples, bare values with flat, objects with named', () => {
    expectTypeOf(pipe(items, valuesList('name', 'at', 'price'), toArray)).toEqualTypeOf<Effect<(readonly [string, Date, string])[]>>()
    expectTypeOf(pipe(items, valuesList('big', { flat: true }), toArray)).toEqualTypeOf<Effect<bigint[]>>()
    expectTypeOf(pipe(items, valuesList('ratio', { flat: true }), toArray)).toEqualTypeOf<Effect<(number | null)[]>>()
    expectTypeOf(pipe(items, valuesList('done', 'bytes', { named: true }), toArray)).toEqualTypeOf<
      Effect<{ readonly done: boolean; readonly bytes: Uint8Array }[]>
    >()
    // @ts-expect-error unknown valuesList key
    pipe(items, valuesList('nope', { flat: true }))
  })

  it('only and defer leave fields out, the primary key always stays', () => {
    expectTypeOf(pipe(items, only('name', 'owner'), toArray)).toEqualTypeOf<
      Effect<{ readonly id: number; readonly name: string; readonly ownerId: number }[]>
    >()
    type Deferred = Omit<ItemRow, 'doc' | 'bytes' | 'note'>
    expectTypeOf(pipe(items, defer('doc', 'bytes', 'note'), toArray)).toEqualTypeOf<Effect<{ readonly [K in keyof Deferred]: Deferred[K] }[]>>()
    expectTypeOf(pipe(Owner.objects, defer('name', 'id'), toArray)).toEqualTypeOf<Effect<{ readonly id: number }[]>>()
    // @ts-expect-error unknown field
    pipe(items, only('nope'))
  })

  it('annotate adds typed keys that filter, orderBy and values accept', () => {
    const annotated = pipe(
      items,
      annotate({ nameLength: Length('name'), lower: Lower('name'), double: F<number>('qty').mul(2), label: Coalesce(F<string>('note'), Value('-')) }),
    )
    expectTypeOf(pipe(annotated, first)).toEqualTypeOf<
      Effect<{
        readonly [K in keyof ItemRow | 'nameLength' | 'lower' | 'double' | 'label']: K extends keyof ItemRow
          ? ItemRow[K]
          : K extends 'nameLength' | 'double'
            ? number
            : string
      } | null>
    >()
    pipe(annotated, filter({ nameLength__gt: 3, lower__startswith: 'a' }), orderBy('-nameLength', 'lower'))
    expectTypeOf(pipe(annotated, values('name', 'nameLength'), toArray)).toEqualTypeOf<
      Effect<{ readonly name: string; readonly nameLength: number }[]>
    >()
    expectTypeOf(pipe(annotated, valuesList('double', { flat: true }), toArray)).toEqualTypeOf<Effect<number[]>>()
    // @ts-expect-error an annotation is a number: no string lookups
    pipe(annotated, filter({ nameLength__icontains: 'x' }))
    // @ts-expect-error unknown annotation in orderBy
    pipe(annotated, orderBy('nameLen'))
  })
})
