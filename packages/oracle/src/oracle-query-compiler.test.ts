import { type Compilable, createQueryId, DummyDriver, IdentifierNode, Kysely, RawNode, sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { shortenIdentifier } from './identifiers.js'
import { OracleAdapter } from './oracle-dialect.js'
import { OracleIntrospector } from './oracle-introspector.js'
import { OracleQueryCompiler, type OracleQueryCompilerOptions, OutBind } from './oracle-query-compiler.js'

const db = new Kysely<any>({
  dialect: {
    createDriver: () => new DummyDriver(),
    createQueryCompiler: () => new OracleQueryCompiler(),
    createAdapter: () => new OracleAdapter(),
    createIntrospector: (k) => new OracleIntrospector(k),
  },
})

function kyselyWith(options: OracleQueryCompilerOptions) {
  return new Kysely<any>({
    dialect: {
      createDriver: () => new DummyDriver(),
      createQueryCompiler: () => new OracleQueryCompiler(options),
      createAdapter: () => new OracleAdapter(),
      createIntrospector: (k) => new OracleIntrospector(k),
    },
  })
}

function compiled(query: Compilable) {
  const { sql, parameters } = query.compile()
  return { sql, parameters }
}

describe('select', () => {
  test('where, order, limit and offset become OFFSET … ROWS FETCH NEXT … ROWS ONLY', () => {
    const query = db
      .selectFrom('person')
      .select(['id', 'name'])
      .where('age', '>', 18)
      .orderBy('name')
      .limit(10)
      .offset(20)
    expect(compiled(query)).toEqual({
      sql: 'select "id", "name" from "person" where "age" > :1 order by "name" offset :2 rows fetch next :3 rows only',
      parameters: [18, 20, 10],
    })
  })

  test('limit alone starts at offset 0', () => {
    expect(compiled(db.selectFrom('person').selectAll().limit(5))).toEqual({
      sql: 'select * from "person" offset 0 rows fetch next :1 rows only',
      parameters: [5],
    })
  })

  test('offset alone has no FETCH', () => {
    expect(compiled(db.selectFrom('person').selectAll().offset(5))).toEqual({
      sql: 'select * from "person" offset :1 rows',
      parameters: [5],
    })
  })

  test('table aliases have no AS, column aliases keep it', () => {
    const query = db
      .selectFrom('person as p')
      .innerJoin('pet as pt', 'pt.owner_id', 'p.id')
      .select(['p.id', 'pt.name as pet_name'])
    expect(compiled(query).sql).toBe(
      'select "p"."id", "pt"."name" as "pet_name" from "person" "p" inner join "pet" "pt" on "pt"."owner_id" = "p"."id"',
    )
  })

  test('derived tables have no AS, scalar subqueries do', () => {
    const query = db
      .selectFrom(db.selectFrom('person').select('id').as('sub'))
      .select((eb) => ['sub.id', eb.selectFrom('pet').select('pet.id').limit(1).as('first_pet')])
    expect(compiled(query)).toEqual({
      sql:
        'select "sub"."id", (select "pet"."id" from "pet" offset 0 rows fetch next :1 rows only) as "first_pet" ' +
        'from (select "id" from "person") "sub"',
      parameters: [1],
    })
  })

  test('a select without a table reads from dual', () => {
    expect(compiled(db.selectNoFrom(sql<number>`1`.as('one'))).sql).toBe('select 1 as "one" from dual')
  })

  test('booleans are bound as 1 and 0, and inlined the same way', () => {
    const query = db
      .selectFrom('person')
      .select(sql.lit(true).as('yes'))
      .where('active', '=', true)
      .where('banned', '=', false)
    expect(compiled(query)).toEqual({
      sql: 'select 1 as "yes" from "person" where "active" = :1 and "banned" = :2',
      parameters: [1, 0],
    })
  })

  test('identifiers are quoted and embedded double quotes doubled', () => {
    expect(compiled(db.selectFrom('we"ird').select('a"b')).sql).toBe('select "a""b" from "we""ird"')
  })

  test('trailing semicolons are dropped from SQL but kept on PL/SQL blocks', () => {
    expect(sql`select 1 from dual; `.compile(db).sql).toBe('select 1 from dual')
    expect(sql`begin null; end;`.compile(db).sql).toBe('begin null; end;')
  })
})

describe('set operations and identifiers', () => {
  test('except becomes MINUS, which every Oracle version knows', () => {
    const query = db.selectFrom('a').select('id').except(db.selectFrom('b').select('id'))
    expect(compiled(query).sql).toBe('select "id" from "a" minus select "id" from "b"')
    const all = db.selectFrom('a').select('id').exceptAll(db.selectFrom('b').select('id'))
    expect(compiled(all).sql).toBe('select "id" from "a" minus all select "id" from "b"')
  })

  test('identifiers longer than maxIdentifierLength are shortened the same way everywhere', () => {
    const short = kyselyWith({ maxIdentifierLength: 30 })
    const table = 'a_table_name_that_is_far_too_long'
    const column = 'a_column_name_that_is_far_too_long'
    const query = short.selectFrom(table).select(`${table}.${column}`).where('id', '=', 1)
    const t = shortenIdentifier(table)
    const c = shortenIdentifier(column)
    expect(t).toHaveLength(30)
    expect(compiled(query).sql).toBe(`select "${t}"."${c}" from "${t}" where "id" = :1`)
    // Without the option, names pass unchanged.
    expect(compiled(db.selectFrom(table).select('id')).sql).toBe(`select "id" from "${table}"`)
  })
})

describe('insert', () => {
  test('returning uses RETURNING … INTO with out-bind markers', () => {
    const query = db.insertInto('person').values({ name: 'Ada', active: true }).returning(['id', 'name as label'])
    const { sql: text, parameters } = compiled(query)
    expect(text).toBe('insert into "person" ("name", "active") values (:1, :2) returning "id", "name" into :3, :4')
    expect(parameters).toEqual(['Ada', 1, new OutBind('number', 'id'), new OutBind('string', 'label')])
    expect(parameters[2]).toBeInstanceOf(OutBind)
  })

  test('the out-bind type can be chosen per column', () => {
    const custom = new Kysely<any>({
      dialect: {
        createDriver: () => new DummyDriver(),
        createQueryCompiler: () =>
          new OracleQueryCompiler({ returningType: (c) => (c === 'created' ? 'date' : 'number') }),
        createAdapter: () => new OracleAdapter(),
        createIntrospector: (k) => new OracleIntrospector(k),
      },
    })
    const { parameters } = custom.insertInto('t').values({ a: 1 }).returning(['created', 'n']).compile()
    expect(parameters.slice(1)).toEqual([new OutBind('date', 'created'), new OutBind('number', 'n')])
  })

  test('returning * is refused with a clear error', () => {
    expect(() => db.insertInto('person').values({ name: 'x' }).returningAll().compile()).toThrow(/explicit columns/)
  })

  test('no values becomes (id) VALUES (DEFAULT)', () => {
    expect(compiled(db.insertInto('person').defaultValues()).sql).toBe('insert into "person" ("id") values (default)')
    expect(compiled(db.insertInto('person').values({})).sql).toBe('insert into "person" ("id") values (default)')
  })

  test('several rows become INSERT … SELECT * FROM (SELECT … FROM dual UNION ALL …)', () => {
    // The derived table keeps an identity column's NEXTVAL away from UNION (ORA-02287);
    // the first row's aliases keep `select *` unambiguous when values repeat (ORA-00918).
    expect(compiled(db.insertInto('person').values([{ name: 'a', age: 1 }, { name: 'b', age: 1 }]))).toEqual({
      sql: 'insert into "person" ("name", "age") select * from (select :1 c0, :2 c1 from dual union all select :3, :4 from dual)',
      parameters: ['a', 1, 'b', 1],
    })
  })

  test('a multi-row insert with RETURNING is refused, or runs without it when told to omit it', () => {
    const rows = [{ name: 'a' }, { name: 'b' }]
    expect(() => db.insertInto('person').values(rows).returning('id').compile()).toThrow(/multi-row/)
    const omitting = kyselyWith({ multiRowReturning: 'omit' })
    expect(compiled(omitting.insertInto('person').values(rows).returning('id'))).toEqual({
      sql: 'insert into "person" ("name") select * from (select :1 c0 from dual union all select :2 from dual)',
      parameters: ['a', 'b'],
    })
    // One row still returns.
    expect(compiled(omitting.insertInto('person').values(rows[0]).returning('id')).sql).toBe(
      'insert into "person" ("name") values (:1) returning "id" into :2',
    )
  })

  test('an empty insert sets the returned column to DEFAULT', () => {
    expect(compiled(db.insertInto('person').defaultValues().returning(sql.ref('pk').as('pk'))).sql).toBe(
      'insert into "person" ("pk") values (default) returning "pk" into :1',
    )
  })
})

describe('update and delete', () => {
  test('update with alias and returning', () => {
    const query = db.updateTable('person as p').set({ name: 'Bo', active: false }).where('p.id', '=', 7).returning('p.id')
    expect(compiled(query)).toEqual({
      sql: 'update "person" "p" set "name" = :1, "active" = :2 where "p"."id" = :3 returning "p"."id" into :4',
      parameters: ['Bo', 0, 7, new OutBind('number', 'id')],
    })
  })

  test('delete with returning', () => {
    const query = db.deleteFrom('person').where('id', 'in', [1, 2]).returning(['id', 'name'])
    expect(compiled(query)).toEqual({
      sql: 'delete from "person" where "id" in (:1, :2) returning "id", "name" into :3, :4',
      parameters: [1, 2, new OutBind('number', 'id'), new OutBind('string', 'name')],
    })
  })

  test('delete … limit is refused', () => {
    expect(() => db.deleteFrom('person').limit(1).compile()).toThrow(/LIMIT/)
  })
})

describe('savepoints', () => {
  const compiler = new OracleQueryCompiler()
  const command = (cmd: string, name: string) =>
    compiler.compileQuery(
      RawNode.createWithChildren([RawNode.createWithSql(`${cmd} `), IdentifierNode.create(name)]),
      createQueryId(),
    ).sql

  test('savepoint and rollback to savepoint compile as Oracle expects', () => {
    expect(command('savepoint', 'sp1')).toBe('savepoint "sp1"')
    expect(command('rollback to savepoint', 'sp1')).toBe('rollback to savepoint "sp1"')
  })

  test('release savepoint compiles to an empty statement', () => {
    expect(command('release savepoint', 'sp1')).toBe('')
    expect(command('release', 'sp1')).toBe('')
    expect(sql`release savepoint sp2`.compile(db).sql).toBe('')
  })
})

describe('row locks', () => {
  test('FOR UPDATE OF names a selected column of each table, as Oracle requires', () => {
    const query = db
      .selectFrom('person as p')
      .innerJoin('pet', 'pet.owner_id', 'p.id')
      .select(['p.id', 'pet.name'])
      .forUpdate(['p', 'pet'])
      .noWait()
    expect(compiled(query).sql).toBe(
      'select "p"."id", "pet"."name" from "person" "p" inner join "pet" on "pet"."owner_id" = "p"."id" for update of "p"."id", "pet"."name" nowait',
    )
    expect(() => db.selectFrom('person').select('id').forUpdate('pet' as never).compile()).toThrow(/select a column of "pet"/)
  })

  test('an unordered limit under FOR UPDATE becomes ROWNUM (FETCH is refused there)', () => {
    const query = db.selectFrom('person').select('id').where('id', '=', 1).limit(21).forUpdate().skipLocked()
    expect(compiled(query)).toEqual({
      sql: 'select "id" from "person" where "id" = :1 and rownum <= :2 for update skip locked',
      parameters: [1, 21],
    })
    expect(compiled(db.selectFrom('person').select('id').limit(2).forUpdate()).sql).toBe(
      'select "id" from "person" where rownum <= :1 for update',
    )
  })

  test('an ordered or offset slice cannot be locked', () => {
    expect(() => db.selectFrom('person').select('id').orderBy('id').limit(1).forUpdate().compile()).toThrow(/ORA-02014/)
    expect(() => db.selectFrom('person').select('id').offset(1).forUpdate().compile()).toThrow(/ORA-02014/)
  })
})
