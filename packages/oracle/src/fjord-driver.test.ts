// The Fjord side of the Oracle driver without a server: how parameters become oracledb binds, how
// RETURNING … INTO out binds become rows, how columns are fetched, how values convert both ways, how
// errors map, and (for real) that an unreachable server fails fast as a connection error.
import { DatabaseError, f, fromDbValue, IntegrityError, model, schema, toArray } from '@fjord/core'
import { atomic } from '@fjord/transaction'
import oracledb from 'oracledb'
import { describe, expect, test } from 'vitest'
import {
  converter,
  fetchTypeHandler,
  fromInterval,
  mapOracleError,
  oracle,
  oracleDialect,
  OutBind,
  parseOracleUrl,
  rowsFromOutBinds,
  toBinds,
  toDb,
  toInterval,
} from './index.js'

const { Note } = schema({
  Note: model({
    title: f.char({ maxLength: 20 }),
    subtitle: f.char({ maxLength: 20, null: true }),
    price: f.decimal({ maxDigits: 8, decimalPlaces: 2 }),
    big: f.bigInteger(),
  }),
})
const field = (name: string) => Note.meta.fieldMap.get(name)!

describe('binds', () => {
  test('out binds for RETURNING … INTO, nulls, and LOB binds for long values', () => {
    const long = 'é'.repeat(2001)
    const blob = Buffer.alloc(2001, 1)
    const { binds, outs } = toBinds([1, 'a', null, undefined, 7n, long, blob, new OutBind('string', 'id'), new OutBind('number', 'n')])
    expect(outs).toBe(2)
    expect(binds).toEqual([
      { val: 1 },
      { val: 'a' },
      { val: null },
      { val: null },
      { val: 7n },
      { val: long, type: oracledb.DB_TYPE_CLOB },
      { val: blob, type: oracledb.DB_TYPE_BLOB },
      { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_VARCHAR, maxSize: 32767 },
      { dir: oracledb.BIND_OUT, type: oracledb.DB_TYPE_NUMBER },
    ])
    // Short values bind as plain VARCHAR2 and RAW.
    expect(toBinds(['é'.repeat(2000), Buffer.alloc(2000)]).binds.map((b) => 'type' in b)).toEqual([false, false])
  })

  test('out binds come back one array per column: rows are read across them', () => {
    expect(rowsFromOutBinds([['10', '11'], ['a', 'b']])).toEqual([
      ['10', 'a'],
      ['11', 'b'],
    ])
    expect(rowsFromOutBinds([[]])).toEqual([])
    expect(rowsFromOutBinds(undefined)).toEqual([])
  })

  test('the dialect returns keys as text, so any key type fits the out bind', () => {
    const compiled = oracle({ user: 'u', password: 'p', connectString: '127.0.0.1:1/NOWHERE' })
      .kysely.insertInto('note')
      .values({ title: 'x' })
      .returning((eb) => eb.ref('id').as('id'))
      .compile()
    expect(compiled.sql).toBe('insert into "note" ("title") values (:1) returning "id" into :2')
    expect(compiled.parameters).toEqual(['x', new OutBind('string', 'id')])
  })
})

describe('fetch types', () => {
  const meta = (m: Partial<oracledb.Metadata<unknown>>) => fetchTypeHandler({ name: 'c', ...m } as oracledb.Metadata<unknown>)
  test('NUMBER is text unless a double holds it exactly; LOBs are strings and Buffers', () => {
    expect(meta({ dbType: oracledb.DB_TYPE_NUMBER, precision: 11, scale: 0 })).toBeUndefined()
    expect(meta({ dbType: oracledb.DB_TYPE_NUMBER, precision: 1, scale: 0 })).toBeUndefined()
    expect(meta({ dbType: oracledb.DB_TYPE_NUMBER, precision: 19, scale: 0 })).toEqual({ type: oracledb.STRING })
    expect(meta({ dbType: oracledb.DB_TYPE_NUMBER, precision: 8, scale: 2 })).toEqual({ type: oracledb.STRING })
    // COUNT(*), SUM(…), EXTRACT(…): unconstrained NUMBER.
    expect(meta({ dbType: oracledb.DB_TYPE_NUMBER, precision: 0, scale: -127 })).toEqual({ type: oracledb.STRING })
    expect(meta({ dbType: oracledb.DB_TYPE_NCLOB })).toEqual({ type: oracledb.STRING })
    expect(meta({ dbType: oracledb.DB_TYPE_CLOB })).toEqual({ type: oracledb.STRING })
    expect(meta({ dbType: oracledb.DB_TYPE_BLOB })).toEqual({ type: oracledb.BUFFER })
    expect(meta({ dbType: oracledb.DB_TYPE_TIMESTAMP })).toBeUndefined()
    expect(meta({ dbType: oracledb.DB_TYPE_BINARY_DOUBLE })).toBeUndefined()
  })
})

describe('values both ways', () => {
  // oracledb builds a fetched DATE/TIMESTAMP from the stored components in the local zone.
  const fetched = (utcText: string) => {
    const u = new Date(utcText)
    return new Date(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate(), u.getUTCHours(), u.getUTCMinutes(), u.getUTCSeconds(), u.getUTCMilliseconds())
  }
  const read = (type: Parameters<typeof converter>[0], v: unknown, f?: Parameters<typeof converter>[1]) => {
    const c = converter(type, f)
    return c ? c(v) : v
  }

  test('datetimes are written as their UTC wall clock and read back as the same instant', () => {
    const at = new Date('2021-06-15T01:30:15.250Z')
    expect(toDb('dateTime', at)).toBe('2021-06-15 01:30:15.250000')
    expect(read('dateTime', fetched('2021-06-15T01:30:15.250Z'))).toEqual(at)
    expect(read('dateTime', null)).toBeNull()
  })

  test('dates and times', () => {
    expect(toDb('date', '2020-02-29')).toBe('2020-02-29')
    expect(read('date', fetched('2020-02-29T00:00:00Z'))).toBe('2020-02-29')
    expect(toDb('time', '07:05')).toBe('1900-01-01 07:05:00')
    expect(toDb('time', '07:05:09.5')).toBe('1900-01-01 07:05:09.500000')
    expect(read('time', fetched('1900-01-01T07:05:09Z'))).toBe('07:05:09')
    expect(read('time', fetched('1900-01-01T07:05:09.5Z'))).toBe('07:05:09.500000')
  })

  test('durations as INTERVAL DAY TO SECOND, negative ones too', () => {
    const i = toInterval(90_061_001.5)
    expect({ ...i }).toEqual({ days: 1, hours: 1, minutes: 1, seconds: 1, fseconds: 1_500_000 })
    expect(fromInterval(i)).toBe(90_061_001.5)
    expect(fromInterval(toInterval(-1500))).toBe(-1500)
    expect(read('duration', toInterval(250))).toBe(250)
  })

  test('booleans are 1/0; decimals are exact text padded to their places; bigints exact', () => {
    expect([toDb('boolean', true), toDb('boolean', false)]).toEqual([1, 0])
    expect([read('boolean', 1), read('boolean', 0), read('boolean', null)]).toEqual([true, false, null])
    expect(toDb('decimal', '12345678.91')).toBe('12345678.91')
    expect(read('decimal', '1.5', field('price'))).toBe('1.50')
    expect(read('decimal', '-.05', field('price'))).toBe('-0.05')
    expect(read('bigInteger', '9223372036854775807', field('big'))).toBe(9223372036854775807n)
    expect(toDb('bigInteger', 9223372036854775807n)).toBe(9223372036854775807n)
  })

  test('integers past 2^53 are an error, not a rounding; text from wide NUMBERs is read exactly', () => {
    expect(read('bigAuto', '9007199254740991')).toBe(9007199254740991)
    expect(() => read('bigAuto', '9007199254740993')).toThrow(/safe range/)
    expect(read('integer', 42)).toBe(42)
  })

  test("a NOT NULL string field reads Oracle's NULL (stored for '') as ''; a nullable one keeps null", () => {
    expect(read('char', null, field('title'))).toBe('')
    expect(read('char', 'x', field('title'))).toBe('x')
    expect(read('char', null, field('subtitle'))).toBeNull()
    expect(fromDbValue(oracleDialect.ops, 'char', null, field('title'))).toBe('')
  })

  test('json and binary', () => {
    expect(toDb('json', { a: [1, 'x'] })).toBe('{"a":[1,"x"]}')
    expect(read('json', '{"a":[1,"x"]}')).toEqual({ a: [1, 'x'] })
    const bytes = new Uint8Array([1, 2, 3])
    expect(Buffer.isBuffer(toDb('binary', bytes))).toBe(true)
    expect(read('binary', Buffer.from([1, 2, 3]))).toEqual(bytes)
  })
})

describe('error mapping', () => {
  const err = (code: string, message = `${code}: failure`) => Object.assign(new Error(message), { code })
  test('constraint violations are IntegrityErrors by kind', () => {
    const kinds = ['ORA-00001', 'ORA-02291', 'ORA-02292', 'ORA-01400', 'ORA-02290'].map((c) => {
      const e = mapOracleError(err(c))
      expect(e).toBeInstanceOf(IntegrityError)
      return (e as IntegrityError).kind
    })
    expect(kinds).toEqual(['unique', 'foreignKey', 'foreignKey', 'notNull', 'check'])
  })

  test('database errors by kind, from the code or from the message alone', () => {
    const kind = (e: unknown) => (mapOracleError(e) as DatabaseError).kind
    expect(kind(err('ORA-08177'))).toBe('serialization')
    expect(kind(err('ORA-00060'))).toBe('deadlock')
    expect(kind(err('ORA-00054'))).toBe('lockTimeout')
    expect(kind(err('ORA-30006'))).toBe('lockTimeout')
    expect(kind(err('ORA-01017'))).toBe('authentication')
    expect(kind(err('NJS-503'))).toBe('connection')
    expect(kind(err('NJS-510'))).toBe('connection')
    expect(kind(new Error('ORA-00060: deadlock detected while waiting for resource'))).toBe('deadlock')
    expect(kind(Object.assign(new Error('socket'), { cause: { code: 'ECONNREFUSED' } }))).toBe('connection')
    expect(kind(err('ORA-00942'))).toBe('other')
    const mapped = mapOracleError(err('ORA-00942')) as DatabaseError
    expect([mapped.code, mapped.cause instanceof Error]).toEqual(['ORA-00942', true])
  })
})

describe('dialect', () => {
  test('transactions: implicit begin, isolation levels Oracle knows, no RELEASE SAVEPOINT', () => {
    const t = oracleDialect.transactions
    expect(t.begin({})).toEqual([])
    expect(t.begin({ isolationLevel: 'serializable' })).toEqual(['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE'])
    expect(t.begin({ isolationLevel: 'repeatableRead' })).toEqual(['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE'])
    expect(t.begin({ isolationLevel: 'readUncommitted' })).toEqual(['SET TRANSACTION ISOLATION LEVEL READ COMMITTED'])
    expect(t.begin({ readOnly: true })).toEqual(['SET TRANSACTION READ ONLY'])
    expect([t.commit(), t.rollback()]).toEqual(['COMMIT', 'ROLLBACK'])
    expect(t.savepoint('s1_x')).toBe('SAVEPOINT "s1_x"')
    expect(t.rollbackTo('s1_x')).toBe('ROLLBACK TO SAVEPOINT "s1_x"')
    expect(t.release('s1_x')).toBeNull()
  })

  test('features', () => {
    expect(oracleDialect.features).toMatchObject({
      canReturnRowsFromInsert: true,
      supportsNullsOrdering: true,
      maxQueryParams: 65535,
      maxInListSize: 1000,
      interpretsEmptyStringsAsNulls: true,
      canReleaseSavepoints: false,
      hasSelectForUpdate: true,
      hasSelectForUpdateNowait: true,
      hasSelectForUpdateSkipLocked: true,
      hasSelectForUpdateOf: true,
      supportsIgnoreConflicts: false,
      supportsTransactionalDdl: false,
      supportsAggregateFilterClause: false,
      supportsExcept: true,
      hasNativeBoolean: false,
    })
  })

  test('oracle:// URLs', () => {
    expect(parseOracleUrl('oracle://app:s%40cret@db.example:1521/FREEPDB1')).toEqual({
      user: 'app',
      password: 's@cret',
      connectString: 'db.example:1521/FREEPDB1',
    })
    expect(() => parseOracleUrl('postgres://x@y/z')).toThrow(/oracle:\/\//)
  })
})

describe('an unreachable server (real connections, no server needed)', () => {
  test('building the Db and compiling never connect; the first statement fails as a connection error', async () => {
    const db = oracle({ user: 'fjord', password: 'x', connectString: '127.0.0.1:1/FREEPDB1', connectTimeout: 2 })
    expect(db.kysely.selectFrom('note').select('id').compile().sql).toBe('select "id" from "note"')
    const error = await db.run(toArray(Note.objects)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatabaseError)
    expect((error as DatabaseError).kind).toBe('connection')
    expect((error as DatabaseError).code).toBe('NJS-503')
    await db.close()
  })

  test('a transaction that cannot get a connection fails the same way', async () => {
    const db = oracle({ user: 'fjord', password: 'x', connectString: '127.0.0.1:1/FREEPDB1', connectTimeout: 2 })
    const error = await db.run(atomic(toArray(Note.objects))).catch((e: unknown) => e)
    expect((error as DatabaseError).kind).toBe('connection')
    await db.close()
  })
})
