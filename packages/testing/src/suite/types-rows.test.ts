// Type-level: Row and Insert for every field type and option. Checked by tsc (CI runs
// `tsc -p packages/testing/tsconfig.json --noEmit`); the runtime bodies only touch values.
import { bulkCreate, create, type Effect, f, type Insert, model, type Row, save, schema } from '@fjord/core'
import { foreignKey } from '@fjord/relations'
import { describe, expectTypeOf, it } from 'vitest'

const { Every, Optional, Keyed, Counted, Author, Book } = schema({
  Every: model({
    char: f.char({ maxLength: 10 }),
    text: f.text(),
    slug: f.slug(),
    email: f.email(),
    url: f.url(),
    small: f.smallInteger(),
    int: f.integer(),
    big: f.bigInteger(),
    pos: f.positiveInteger(),
    posSmall: f.positiveSmallInteger(),
    flt: f.float(),
    dec: f.decimal({ maxDigits: 5, decimalPlaces: 2 }),
    flag: f.boolean(),
    day: f.date(),
    at: f.dateTime(),
    clock: f.time(),
    span: f.duration(),
    uid: f.uuid(),
    doc: f.json(),
    bytes: f.binary(),
  }),
  Optional: model({
    nullable: f.char({ maxLength: 10, null: true }),
    withDefault: f.integer({ default: 3 }),
    withCallable: f.json({ default: () => [] }),
    stamped: f.dateTime({ autoNowAdd: true }),
    touched: f.dateTime({ autoNow: true }),
    today: f.date({ autoNowAdd: true }),
    nullBig: f.bigInteger({ null: true }),
    nullDefault: f.boolean({ null: true, default: false }),
    chosen: f.char({ maxLength: 1, choices: [['a', 'A'], ['b', 'B']] }),
    blankable: f.text({ blank: true }),
  }),
  Keyed: model({ code: f.char({ maxLength: 2, primaryKey: true }), name: f.char({ maxLength: 9 }) }),
  Counted: model({ key: f.auto(), label: f.text() }),
  Author: model({ name: f.char({ maxLength: 50 }) }),
  Book: model({
    author: foreignKey('Author', { onDelete: 'CASCADE' }),
    editor: foreignKey('Author', { onDelete: 'SET_NULL', null: true, relatedName: 'edited' }),
    title: f.char({ maxLength: 50 }),
  }),
})

describe('Row', () => {
  it('maps every field type to its documented TypeScript value', () => {
    expectTypeOf<Row<typeof Every>>().toEqualTypeOf<{
      readonly id: number
      readonly char: string
      readonly text: string
      readonly slug: string
      readonly email: string
      readonly url: string
      readonly small: number
      readonly int: number
      readonly big: bigint
      readonly pos: number
      readonly posSmall: number
      readonly flt: number
      readonly dec: string
      readonly flag: boolean
      readonly day: string
      readonly at: Date
      readonly clock: string
      readonly span: number
      readonly uid: string
      readonly doc: unknown
      readonly bytes: Uint8Array
    }>()
  })

  it('adds | null for null: true only; defaults and timestamps stay non-null', () => {
    expectTypeOf<Row<typeof Optional>>().toEqualTypeOf<{
      readonly id: number
      readonly nullable: string | null
      readonly withDefault: number
      readonly withCallable: unknown
      readonly stamped: Date
      readonly touched: Date
      readonly today: string
      readonly nullBig: bigint | null
      readonly nullDefault: boolean | null
      readonly chosen: string
      readonly blankable: string
    }>()
  })

  it('has no implicit id when a field is the primary key (explicit or auto)', () => {
    expectTypeOf<Row<typeof Keyed>>().toEqualTypeOf<{ readonly code: string; readonly name: string }>()
    expectTypeOf<Row<typeof Counted>>().toEqualTypeOf<{ readonly key: number; readonly label: string }>()
  })

  it('stores a foreign key as <name>Id', () => {
    expectTypeOf<Row<typeof Book>>().toEqualTypeOf<{
      readonly id: number
      readonly authorId: number
      readonly editorId: number | null
      readonly title: string
    }>()
  })

  it('is what create, save and bulkCreate return', () => {
    expectTypeOf(create(Every, {} as Insert<typeof Every>)).toEqualTypeOf<Effect<Row<typeof Every>>>()
    expectTypeOf(save(Keyed, { code: 'NO', name: 'Norway' })).toEqualTypeOf<Effect<Row<typeof Keyed>>>()
    expectTypeOf(bulkCreate(Counted, [])).toEqualTypeOf<Effect<Row<typeof Counted>[]>>()
  })
})

describe('Insert', () => {
  it('requires plain fields and makes auto, default, timestamp and nullable fields optional', () => {
    expectTypeOf<Insert<typeof Optional>>().toEqualTypeOf<{
      readonly chosen: string
      readonly blankable: string
      readonly id?: number
      readonly nullable?: string | null
      readonly withDefault?: number
      readonly withCallable?: unknown
      readonly stamped?: Date
      readonly touched?: Date
      readonly today?: string
      readonly nullBig?: bigint | null
      readonly nullDefault?: boolean | null
    }>()
  })

  it('requires every non-optional field of every type', () => {
    const ok: Insert<typeof Every> = {
      char: 'c',
      text: 't',
      slug: 's',
      email: 'e',
      url: 'u',
      small: 1,
      int: 2,
      big: 3n,
      pos: 4,
      posSmall: 5,
      flt: 1.5,
      dec: '1.50',
      flag: true,
      day: '2020-01-01',
      at: new Date(),
      clock: '10:00',
      span: 1000,
      uid: '00000000-0000-0000-0000-000000000000',
      doc: { any: ['json'] },
      bytes: new Uint8Array(1),
    }
    void ok
    // @ts-expect-error a required field is missing
    const missing: Insert<typeof Keyed> = { name: 'x' }
    void missing
  })

  it('refuses values of the wrong type and unknown fields', () => {
    const base = { chosen: 'a', blankable: '' }
    // @ts-expect-error bigInteger takes a bigint, not a number
    const big: Insert<typeof Optional> = { ...base, nullBig: 1 }
    // @ts-expect-error dateTime takes a Date, not a string
    const at: Insert<typeof Optional> = { ...base, stamped: '2020-01-01T00:00:00Z' }
    // @ts-expect-error date takes a string, not a Date
    const day: Insert<typeof Optional> = { ...base, today: new Date() }
    // @ts-expect-error integer takes a number, not a string
    const int: Insert<typeof Optional> = { ...base, withDefault: '3' }
    // @ts-expect-error a non-nullable field does not take null
    const nul: Insert<typeof Optional> = { ...base, chosen: null }
    // @ts-expect-error an unknown field
    const unknown: Insert<typeof Optional> = { ...base, chosn: 'a' }
    // @ts-expect-error decimal takes a string, not a number
    const dec: Partial<Insert<typeof Every>> = { dec: 1.5 }
    // @ts-expect-error binary takes a Uint8Array
    const bytes: Partial<Insert<typeof Every>> = { bytes: 'abc' }
    void [big, at, day, int, nul, unknown, dec, bytes]
  })

  it('takes a foreign key as a row or an id, by name or by <name>Id; null only where nullable', () => {
    const author = {} as Row<typeof Author>
    const byRow: Insert<typeof Book> = { author, title: 't' }
    const byId: Insert<typeof Book> = { author: 1, title: 't' }
    const byAttname: Insert<typeof Book> = { authorId: 1, editor: null, title: 't' }
    void [byRow, byId, byAttname]
    // @ts-expect-error a non-nullable foreign key does not take null
    const nul: Insert<typeof Book> = { author: null, title: 't' }
    void nul
  })

  it('create() checks its data against Insert', () => {
    // @ts-expect-error title is required
    void create(Book, { author: 1 })
    // @ts-expect-error unknown field
    void create(Keyed, { code: 'NO', name: 'n', extra: 1 })
  })
})
