// F() expressions, after Django's tests/expressions and tests/ordering: arithmetic in filter, annotate,
// orderBy and update; references across a foreign key; NULLS FIRST/LAST on every backend.
import { pipe } from 'fp-ts/function'
import { beforeEach, expect, it } from 'vitest'
import { annotate, type AnyQuerySet, type Effect, F, filter, orderBy, Q, reverse, toArray, update, Value, valuesList } from '@fjord/core'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Company, companyModels, Num, seedCompanies, seedNums } from './fixtures-query.js'

const models = [...companyModels, Num]

describeEachBackend('expressions: F', models, (ctx) => {
  beforeEach(async () => {
    await truncate(ctx().db, models)
    await seedCompanies(ctx().db)
    await seedNums(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  const names = async (qs: AnyQuerySet) =>
    (await run(pipe(qs as typeof Company.objects, orderBy('name'), valuesList('name', { flat: true }), toArray))) as string[]
  const nums = async (qs: AnyQuerySet) => (await run(pipe(qs as typeof Num.objects, valuesList('num', { flat: true }), toArray))) as (number | null)[]

  it('compares two columns of the same row', async () => {
    expect(await names(pipe(Company.objects, filter({ numEmployees__gt: F('numChairs') })))).toEqual(['Example Inc.', 'Test GmbH'])
    expect(await names(pipe(Company.objects, filter({ numEmployees__lt: F('numChairs') })))).toEqual(['Foobar Ltd.'])
    expect(await names(pipe(Company.objects, filter({ numEmployees: F('numEmployees') })))).toEqual(['Example Inc.', 'Foobar Ltd.', 'Test GmbH'])
  })

  it('arithmetic with F and plain values in a filter', async () => {
    expect(await names(pipe(Company.objects, filter({ numEmployees__gt: F('numChairs').mul(10) })))).toEqual(['Example Inc.', 'Test GmbH'])
    expect(await names(pipe(Company.objects, filter({ numEmployees__gt: F('numChairs').add(30) })))).toEqual(['Example Inc.', 'Test GmbH'])
    expect(await names(pipe(Company.objects, filter({ numEmployees__gt: F('numChairs').add(31) })))).toEqual(['Example Inc.'])
    expect(await names(pipe(Company.objects, filter({ numChairs: F('numEmployees').sub(F('numEmployees')).add(4) })))).toEqual(['Foobar Ltd.'])
  })

  it('annotate with +, -, *, / and %', async () => {
    const got = await run(
      pipe(
        Company.objects,
        annotate({
          sum: F('numEmployees').add(F('numChairs')),
          // Kept non-negative: MySQL refuses a negative result from unsigned (positive…) columns.
          diff: F('numEmployees').add(10).sub(F('numChairs')),
          prod: F('numChairs').mul(F('numChairs')),
          mod: F('numEmployees').mod(F('numChairs')),
          half: F('numEmployees').mul(2).div(2),
        }),
        orderBy('name'),
        valuesList('sum', 'diff', 'prod', 'mod', 'half'),
        toArray,
      ),
    )
    expect(got).toEqual([
      [2305, 2305, 25, 0, 2300],
      [7, 9, 16, 3, 3],
      [33, 41, 1, 0, 32],
    ])
  })

  it('integer and float arithmetic mix to a float', async () => {
    const got = await run(pipe(Num.objects, filter({ num__in: [1, 3, 5] }), annotate({ x: F('num').add(F('flt')) }), orderBy('num'), valuesList('x', { flat: true }), toArray))
    expect(got).toEqual([2.5, 6.25, 2.5])
  })

  it('NULL propagates through arithmetic', async () => {
    const got = await run(pipe(Num.objects, annotate({ total: F('num').add(F('other')) }), orderBy('pk'), valuesList('total', { flat: true }), toArray))
    expect(got).toEqual([11, null, 33, null, 10])
  })

  it('filter and order on an annotation built from F', async () => {
    const qs = pipe(Num.objects, annotate({ total: F('num').add(F('other')) }))
    expect(await nums(pipe(qs, filter(Q({ total__gt: 20 }))))).toEqual([3])
    expect(await nums(pipe(qs, filter(Q({ total__isnull: false })), orderBy('-total')))).toEqual([3, 1, 5])
    expect(await nums(pipe(qs, filter(Q({ total__lte: F('other') }))))).toEqual([])
  })

  it('F across a foreign key joins', async () => {
    expect(await names(pipe(Company.objects, filter({ numEmployees__gt: F('ceo__salary') })))).toEqual(['Example Inc.', 'Test GmbH'])
    const got = await run(pipe(Company.objects, annotate({ ceoSalary: F('ceo__salary'), ceoName: F('ceo__firstname') }), orderBy('name'), valuesList('ceoName', 'ceoSalary'), toArray))
    expect(got).toEqual([
      ['Joe', 10],
      ['Frank', 20],
      ['Max', 30],
    ])
  })

  it('orderBy an expression, ascending and descending', async () => {
    const nonNull = pipe(Num.objects, filter({ num__isnull: false, other__isnull: false }))
    expect(await nums(pipe(nonNull, orderBy(F('num').add(F('other')))))).toEqual([5, 1, 3])
    expect(await nums(pipe(nonNull, orderBy(F('num').add(F('other')).desc())))).toEqual([3, 1, 5])
    expect(await nums(pipe(nonNull, orderBy(F('other').asc(), 'num')))).toEqual([5, 1, 3])
    expect(await names(pipe(Company.objects, orderBy(F('numEmployees').div(F('numChairs')).desc())))).toEqual(['Example Inc.', 'Foobar Ltd.', 'Test GmbH'])
  })

  it('NULLS FIRST / NULLS LAST, on every backend', async () => {
    expect(await nums(pipe(Num.objects, orderBy(F('num').desc({ nullsLast: true }))))).toEqual([5, 3, 2, 1, null])
    expect(await nums(pipe(Num.objects, orderBy(F('num').desc({ nullsFirst: true }))))).toEqual([null, 5, 3, 2, 1])
    expect(await nums(pipe(Num.objects, orderBy(F('num').asc({ nullsFirst: true }))))).toEqual([null, 1, 2, 3, 5])
    expect(await nums(pipe(Num.objects, orderBy(F('num').asc({ nullsLast: true }))))).toEqual([1, 2, 3, 5, null])
    // reverse() flips the direction and the NULLs' place.
    expect(await nums(pipe(Num.objects, orderBy(F('num').asc({ nullsLast: true })), reverse()))).toEqual([null, 5, 3, 2, 1])
    // A second key after a NULLS clause still applies.
    const byOther = await run(pipe(Num.objects, orderBy(F('other').asc({ nullsFirst: true }), '-num'), valuesList('other', { flat: true }), toArray))
    expect(byOther).toEqual([null, 5, 10, 30, 40])
  })

  it('update with F: one statement, every matching row changes', async () => {
    const db = ctx().db
    let changed = 0
    expect(await countQueries(db, async () => (changed = await db.run(pipe(Company.objects, update({ numChairs: F('numChairs').add(1) })))))).toBe(1)
    expect(changed).toBe(3)
    expect(await run(pipe(Company.objects, orderBy('name'), valuesList('numChairs', { flat: true }), toArray))).toEqual([6, 5, 2])
    expect(await run(pipe(Company.objects, filter({ numEmployees__gt: F('numChairs') }), update({ numChairs: F('numEmployees') })))).toBe(2)
    expect(await run(pipe(Company.objects, orderBy('name'), valuesList('numChairs', { flat: true }), toArray))).toEqual([2300, 5, 32])
  })

  it('update from another column, with arithmetic and with a Value', async () => {
    expect(await run(pipe(Num.objects, filter({ other__isnull: false }), update({ num: F('other').mul(2).sub(1) })))).toBe(4)
    expect(await nums(pipe(Num.objects, orderBy('pk')))).toEqual([19, 2, 59, 79, 9])
    expect(await run(pipe(Num.objects, filter({ num__gt: 50 }), update({ label: Value('big') })))).toBe(2)
    expect(await run(pipe(Num.objects, filter({ label: 'big' }), orderBy('num'), valuesList('num', { flat: true }), toArray))).toEqual([59, 79])
    // Setting NULL through update.
    expect(await run(pipe(Num.objects, filter({ num: 2 }), update({ num: null })))).toBe(1)
    expect(await nums(pipe(Num.objects, filter({ num: null })))).toEqual([null])
  })

  it('update with a filter across a relation changes only the matching rows', async () => {
    expect(await run(pipe(Company.objects, filter(Q({ ceo__firstname: 'Max' })), update({ numChairs: F('numChairs').add(100) })))).toBe(1)
    expect(await run(pipe(Company.objects, orderBy('name'), valuesList('numChairs', { flat: true }), toArray))).toEqual([5, 4, 101])
  })
})
