// Django's tests/transactions and on_commit cases, and concurrency under selectForUpdate, on every backend.
import {
  count,
  create,
  DatabaseError,
  type Db,
  DoesNotExist,
  effect,
  F,
  f,
  filter,
  get,
  model,
  pipe,
  schema,
  toArray,
  TransactionManagementError,
  unwrap,
  update,
  valuesList,
} from '@fjord/core'
import { atomic, onCommit, retrying, selectForUpdate } from '@fjord/transaction'
import { beforeEach, describe, expect, it } from 'vitest'
import { captureQueries, describeEachBackend, truncate } from '../helpers.js'

const { Reporter, Counter } = schema({
  Reporter: model({ firstName: f.char({ maxLength: 30 }), lastName: f.char({ maxLength: 30 }) }, { ordering: ['firstName'] }),
  Counter: model({ name: f.char({ maxLength: 30, unique: true }), value: f.integer({ default: 0 }) }),
})

const names = (db: Db) => db.run(pipe(Reporter.objects, valuesList('firstName', { flat: true }), toArray))
const addReporter = (first: string) => create(Reporter, { firstName: first, lastName: 'X' })
const fail = (message: string) =>
  effect(async () => {
    throw new DoesNotExist('Reporter', message)
  })

describeEachBackend('transactions', [Reporter, Counter], (ctx) => {
  beforeEach(async () => {
    await truncate(ctx().db, [Reporter, Counter])
  })

  it('commits on success', async () => {
    const { db } = ctx()
    await db.run(atomic(addReporter('Tintin')))
    expect(await names(db)).toEqual(['Tintin'])
  })

  it('rolls back on a Left and returns the same Left', async () => {
    const { db } = ctx()
    const left = new DoesNotExist('Reporter', 'nope')
    const result = await atomic(
      effect(async (tx) => {
        await unwrap(tx, addReporter('Haddock'))
        throw left
      }),
    )(db)()
    expect(result).toEqual({ _tag: 'Left', left })
    expect(await names(db)).toEqual([])
  })

  it('rolls back on a throw and rejects with the same error', async () => {
    const { db } = ctx()
    const boom = new Error('boom')
    await expect(
      db.run(
        atomic(
          effect(async (tx) => {
            await unwrap(tx, addReporter('Haddock'))
            throw boom
          }),
        ),
      ),
    ).rejects.toBe(boom)
    expect(await names(db)).toEqual([])
  })

  it('nested atomic is a savepoint: an inner failure rolls back only its part', async () => {
    const { db } = ctx()
    const { queries } = await captureQueries(db, () =>
      db.run(
        atomic(
          effect(async (tx) => {
            await unwrap(tx, addReporter('Tintin'))
            const inner = await atomic(
              effect(async (tx2) => {
                await unwrap(tx2, addReporter('Haddock'))
                await unwrap(tx2, fail('inner'))
              }),
            )(tx)()
            expect(inner._tag).toBe('Left')
            await unwrap(tx, addReporter('Archibald'))
          }),
        ),
      ),
    )
    expect(await names(db)).toEqual(['Archibald', 'Tintin'])
    const kinds = queries.filter((q) => q.kind === 'transaction').map((q) => q.sql.split(' ')[0].toUpperCase())
    expect(kinds).toContain('SAVEPOINT')
    expect(kinds[kinds.length - 1]).toBe('COMMIT')
  })

  it('an outer failure rolls back the inner committed savepoint too', async () => {
    const { db } = ctx()
    const r = await atomic(
      effect(async (tx) => {
        await unwrap(tx, atomic(addReporter('Tintin')))
        await unwrap(tx, fail('outer'))
      }),
    )(db)()
    expect(r._tag).toBe('Left')
    expect(await names(db)).toEqual([])
  })

  it('durable atomic inside another is a TransactionManagementError', async () => {
    const { db } = ctx()
    const r = await atomic(atomic(addReporter('Tintin'), { durable: true }))(db)()
    expect(r._tag).toBe('Left')
    expect((r as { left: unknown }).left).toBeInstanceOf(TransactionManagementError)
    expect(await names(db)).toEqual([])
    await db.run(atomic(addReporter('Tintin'), { durable: true }))
    expect(await names(db)).toEqual(['Tintin'])
  })

  it('onCommit runs after the outermost commit, in order, and never after a rollback', async () => {
    const { db } = ctx()
    const log: string[] = []
    await db.run(
      atomic(
        effect(async (tx) => {
          await unwrap(tx, onCommit(() => void log.push('a')))
          await atomic(
            effect(async (tx2) => {
              await unwrap(tx2, onCommit(() => void log.push('dropped')))
              await unwrap(tx2, fail('savepoint'))
            }),
          )(tx)()
          await unwrap(
            tx,
            atomic(
              effect(async (tx2) => {
                await unwrap(tx2, onCommit(() => void log.push('b')))
              }),
            ),
          )
          expect(log).toEqual([])
        }),
      ),
    )
    expect(log).toEqual(['a', 'b'])
    await atomic(
      effect(async (tx) => {
        await unwrap(tx, onCommit(() => void log.push('never')))
        await unwrap(tx, fail('rollback'))
      }),
    )(db)()
    expect(log).toEqual(['a', 'b'])
    await db.run(onCommit(() => void log.push('now')))
    expect(log).toEqual(['a', 'b', 'now'])
  })

  it('selectForUpdate outside atomic is a TransactionManagementError; inside it locks and reads', async () => {
    const { db } = ctx()
    await db.run(create(Counter, { name: 'c' }))
    const outside = await pipe(Counter.objects, selectForUpdate(), toArray)(db)()
    expect(outside._tag).toBe('Left')
    expect((outside as { left: unknown }).left).toBeInstanceOf(TransactionManagementError)
    const rows = await db.run(atomic(pipe(Counter.objects, selectForUpdate(), toArray)))
    expect(rows).toHaveLength(1)
  })

  it('8 concurrent workers × 200 locked increments end at exactly 1,600', async () => {
    const { db } = ctx()
    await db.run(create(Counter, { name: 'hits' }))
    const increment = atomic(
      effect(async (tx) => {
        const row = await unwrap(tx, pipe(Counter.objects, filter({ name: 'hits' }), selectForUpdate(), get()))
        await unwrap(tx, pipe(Counter.objects, filter({ pk: row.id }), update({ value: row.value + 1 })))
      }),
    )
    const worker = async () => {
      for (let i = 0; i < 200; i++) await db.run(retrying(increment, { attempts: 10 }))
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    const final = await db.run(pipe(Counter.objects, filter({ name: 'hits' }), get()))
    expect(final.value).toBe(1600)
  }, 120_000)

  it('retrying reruns only on serialization failures and deadlocks', async () => {
    const { db } = ctx()
    let calls = 0
    const flaky = effect(async () => {
      calls++
      if (calls < 3) throw new DatabaseError('could not serialize', 'serialization')
      return 'ok'
    })
    expect(await db.run(retrying(flaky, { attempts: 5, backoff: () => 0 }))).toBe('ok')
    expect(calls).toBe(3)
    calls = 0
    const other = effect(async () => {
      calls++
      throw new DatabaseError('other failure', 'other')
    })
    await expect(db.run(retrying(other, { attempts: 5, backoff: () => 0 }))).rejects.toBeInstanceOf(DatabaseError)
    expect(calls).toBe(1)
  })

  it('F() increments inside atomic are atomic too', async () => {
    const { db } = ctx()
    await db.run(create(Counter, { name: 'f' }))
    await Promise.all(
      Array.from({ length: 20 }, () => db.run(atomic(pipe(Counter.objects, filter({ name: 'f' }), update({ value: F('value').add(1) }))))),
    )
    expect(await db.run(pipe(Counter.objects, filter({ name: 'f', value: 20 }), count))).toBe(1)
  })
})

describe('transaction package', () => {
  it('exports the contract names', async () => {
    const mod = await import('@fjord/transaction')
    expect(Object.keys(mod)).toEqual(expect.arrayContaining(['atomic', 'onCommit', 'selectForUpdate', 'retrying']))
  })
})
