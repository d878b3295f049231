// Scalar functions and conditional expressions, after Django's tests/db_functions and
// tests/expressions_case: Value, Coalesce, Concat, Lower, Upper, Length, Now, Cast, Greatest, Least,
// Case/When and RawSQL, in annotate, filter, orderBy and update.
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import {
  annotate,
  type AnyQuerySet,
  Case,
  Cast,
  Coalesce,
  Concat,
  count,
  create,
  type Effect,
  F,
  filter,
  Greatest,
  Least,
  Length,
  Lower,
  Now,
  orderBy,
  Q,
  RawSQL,
  toArray,
  update,
  Upper,
  Value,
  valuesList,
  When,
} from '@fjord/core'
import { describeEachBackend, truncate } from '../helpers.js'
import { Company, companyModels, Event, Num, seedCompanies, seedNums } from './fixtures-query.js'

const models = [...companyModels, Num, Event]

describeEachBackend('expressions: functions, Case/When, RawSQL', models, (ctx) => {
  beforeEach(async () => {
    await truncate(ctx().db, models)
    await seedCompanies(ctx().db)
    await seedNums(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  /** One annotation's value per row, rows in the given order. */
  const col = async (qs: AnyQuerySet, name: string, ...order: string[]) =>
    run(pipe(qs as typeof Num.objects, orderBy(...((order.length ? order : ['pk']) as ['pk'])), valuesList(name as 'num', { flat: true }), toArray)) as Promise<unknown[]>

  it('Value: literals of each type come back typed', async () => {
    const got = await run(
      pipe(Company.objects, filter({ name: 'Foobar Ltd.' }), annotate({ s: Value('hi'), n: Value(42), b: Value(true), x: Value(1.5) }), valuesList('s', 'n', 'b', 'x'), toArray),
    )
    expect(got).toEqual([['hi', 42, true, 1.5]])
    expect(await run(pipe(Company.objects, filter({ numChairs: Value(5) }), count))).toBe(1)
  })

  it('Coalesce takes the first non-NULL argument', async () => {
    expect(await col(pipe(Num.objects, annotate({ c: Coalesce('num', 'other') })), 'c')).toEqual([1, 2, 3, 40, 5])
    expect(await col(pipe(Num.objects, annotate({ c: Coalesce('other', Value(0)) })), 'c')).toEqual([10, 0, 30, 40, 5])
    expect(await col(pipe(Num.objects, annotate({ c: Coalesce('label', Value('?')) })), 'c')).toEqual(['one', 'two', '?', 'none', 'five'])
    expect(await run(pipe(Num.objects, filter({ num: Coalesce('num', 'other') }), count))).toBe(4)
  })

  it('Concat joins text; a NULL part counts as empty (Django ConcatPair)', async () => {
    expect(await col(pipe(Num.objects, annotate({ c: Concat('label', Value('!')) })), 'c')).toEqual(['one!', 'two!', '!', 'none!', 'five!'])
    expect(await col(pipe(Company.objects, annotate({ c: Concat('name', Value(' / '), 'ceo__lastname') })), 'c', 'name')).toEqual([
      'Example Inc. / Smith',
      'Foobar Ltd. / Meyer',
      'Test GmbH / Mustermann',
    ])
  })

  it('Lower, Upper and Length, in annotate, filter and orderBy', async () => {
    expect(await col(pipe(Company.objects, annotate({ l: Lower('name') })), 'l', 'name')).toEqual(['example inc.', 'foobar ltd.', 'test gmbh'])
    expect(await col(pipe(Company.objects, annotate({ u: Upper('name') })), 'u', 'name')).toEqual(['EXAMPLE INC.', 'FOOBAR LTD.', 'TEST GMBH'])
    expect(await col(pipe(Company.objects, annotate({ n: Length('name') })), 'n', 'name')).toEqual([12, 11, 9])
    expect(await col(pipe(Num.objects, annotate({ n: Length('label') })), 'n')).toEqual([3, 3, null, 4, 4])
    expect(await col(pipe(Company.objects, annotate({ n: Length('name') }), filter(Q({ n__gt: 10 }))), 'name', 'name')).toEqual(['Example Inc.', 'Foobar Ltd.'])
    const byLength = await run(pipe(Company.objects, orderBy(Length('name').asc()), valuesList('name', { flat: true }), toArray))
    expect(byLength).toEqual(['Test GmbH', 'Foobar Ltd.', 'Example Inc.'])
    expect(await run(pipe(Company.objects, filter({ name__iexact: Upper(Value('test gmbh')) }), count))).toBe(1)
  })

  it('Now is the database clock: past rows match, future rows do not', async () => {
    await run(create(Event, { name: 'past', at: new Date('2001-01-01T00:00:00Z'), day: '2001-01-01' }))
    await run(create(Event, { name: 'future', at: new Date('2999-01-01T00:00:00Z'), day: '2999-01-01' }))
    expect(await run(pipe(Event.objects, filter({ at__lt: Now() }), valuesList('name', { flat: true }), toArray))).toEqual(['past'])
    const [now] = await run(pipe(Event.objects, filter({ name: 'past' }), annotate({ now: Now() }), valuesList('now', { flat: true }), toArray))
    expect(now).toBeInstanceOf(Date)
    expect((now as Date).getUTCFullYear()).toBeGreaterThanOrEqual(2024)
  })

  it('Cast between text, integer and float', async () => {
    expect(await col(pipe(Company.objects, annotate({ t: Cast('numEmployees', 'text') })), 't', 'name')).toEqual(['2300', '3', '32'])
    expect(await col(pipe(Company.objects, filter({ name: 'Test GmbH' }), annotate({ i: Cast(Value('42'), 'integer') })), 'i')).toEqual([42])
    expect(await col(pipe(Num.objects, filter({ num__in: [1, 5] }), annotate({ x: Cast('num', 'float') })), 'x')).toEqual([1, 5])
    // A cast value compares as its new type: as text '2300' < '3' < '32'; as numbers 3 < 32 < 2300.
    expect(await col(pipe(Company.objects, annotate({ t: Cast('numEmployees', 'text') })), 'name', 't')).toEqual(['Example Inc.', 'Foobar Ltd.', 'Test GmbH'])
    expect(await col(Company.objects, 'name', 'numEmployees')).toEqual(['Foobar Ltd.', 'Test GmbH', 'Example Inc.'])
  })

  it('Greatest and Least across columns', async () => {
    const qs = pipe(Num.objects, filter({ num__isnull: false, other__isnull: false }))
    expect(await col(pipe(qs, annotate({ g: Greatest('num', 'other') })), 'g')).toEqual([10, 30, 5])
    expect(await col(pipe(qs, annotate({ l: Least('num', 'other', Value(4)) })), 'l')).toEqual([1, 3, 4])
    expect(await col(pipe(Company.objects, annotate({ g: Greatest('numChairs', Value(4)) })), 'g', 'name')).toEqual([5, 4, 4])
  })

  it('Case/When picks the first matching branch, else the default', async () => {
    const size = Case(When({ numEmployees__gt: 100 }, 'big'), When({ numEmployees__gt: 10 }, 'medium'), { default: 'small' })
    expect(await col(pipe(Company.objects, annotate({ size })), 'size', 'name')).toEqual(['big', 'small', 'medium'])
    const noDefault = Case(When({ basedInEu: true }, F('numChairs')))
    expect(await col(pipe(Company.objects, annotate({ eu: noDefault })), 'eu', 'name')).toEqual([null, 4, 1])
    const byNull = Case(When({ num: null }, Value(0)), When({ num__gte: 3 }, F('num').mul(10)), { default: F('num') })
    expect(await col(pipe(Num.objects, annotate({ c: byNull })), 'c')).toEqual([1, 2, 30, 0, 50])
  })

  it('Case/When with or() conditions, in filter and orderBy', async () => {
    const rank = Case(When({ name: 'Test GmbH' }, Value(1)), When(Q({ ceo__firstname: 'Joe' }), Value(2)), { default: Value(3) })
    expect(await run(pipe(Company.objects, orderBy(rank.asc()), valuesList('name', { flat: true }), toArray))).toEqual(['Test GmbH', 'Example Inc.', 'Foobar Ltd.'])
    const eu = Case(When({ basedInEu: true }, Value(1)), { default: Value(0) })
    expect(await run(pipe(Company.objects, annotate({ eu }), filter(Q({ eu: 1 })), count))).toBe(2)
  })

  it('conditional update with Case/When (Django expressions_case)', async () => {
    const changed = await run(
      pipe(Company.objects, update({ numChairs: Case(When({ basedInEu: true }, F('numChairs').add(100)), { default: F('numChairs') }) })),
    )
    expect(changed).toBe(3)
    expect(await run(pipe(Company.objects, orderBy('name'), valuesList('numChairs', { flat: true }), toArray))).toEqual([5, 104, 101])
  })

  it('RawSQL: parameters are bound, usable in annotate, filter and orderBy', async () => {
    expect(await col(pipe(Company.objects, annotate({ r: RawSQL('num_chairs * ?', [3], 'integer') })), 'r', 'name')).toEqual([15, 12, 3])
    expect(await run(pipe(Company.objects, filter(RawSQL('num_chairs > ?', [3])), count))).toBe(2)
    // A value with quotes is bound, never spliced.
    const tricky = "x' OR '1'='1"
    expect(await run(pipe(Company.objects, filter(RawSQL('name = ?', [tricky])), count))).toBe(0)
    expect(await run(pipe(Company.objects, orderBy(RawSQL('num_employees', []).desc()), valuesList('name', { flat: true }), toArray))).toEqual([
      'Example Inc.',
      'Test GmbH',
      'Foobar Ltd.',
    ])
  })
})
