import { type Compilable, createQueryId, DummyDriver, IdentifierNode, Kysely, RawNode, sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { OracleAdapter } from './oracle-dialect.js'
import { OracleIntrospector } from './oracle-introspector.js'
import { OracleQueryCompiler, OutBind } from './oracle-query-compiler.js'

const db = new Kysely<any>({
  dialect: {
    createDriver: () => new DummyDriver(),
    createQueryCompiler: () => new OracleQueryCompiler(),
    createAdapter: () => new OracleAdapter(),
    createIntrospector: (k) => new OracleIntrospector(k),
  },
})

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

  test('several rows become INSERT … SELECT … FROM dual UNION ALL', () => {
    expect(compiled(db.insertInto('person').values([{ name: 'a' }, { name: 'b' }]))).toEqual({
      sql: 'insert into "person" ("name") select :1 from dual union all select :2 from dual',
      parameters: ['a', 'b'],
    })
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
