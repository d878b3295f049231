// Database functions, after Django's tests/db_functions (text, comparison, math, datetime): each in
// annotate with the values read back as their documented types, in filter, orderBy and update, and
// NULL in giving NULL out, on every backend.
import { createHash } from 'node:crypto'
import { pipe } from 'fp-ts/function'
import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import {
  Abs,
  annotate,
  type AnyQuerySet,
  ATan2,
  bulkCreate,
  Ceil,
  Chr,
  Cos,
  create,
  Degrees,
  type Effect,
  Exp,
  type Expression,
  Extract,
  ExtractDay,
  ExtractHour,
  ExtractIsoWeekDay,
  ExtractIsoYear,
  ExtractMinute,
  ExtractMonth,
  ExtractQuarter,
  ExtractSecond,
  ExtractWeek,
  ExtractWeekDay,
  ExtractYear,
  F,
  f,
  filter,
  Floor,
  Left,
  Length,
  Ln,
  Log,
  Lower,
  LPad,
  LTrim,
  MD5,
  Mod,
  model,
  NullIf,
  Ord,
  orderBy,
  Pi,
  Power,
  Q,
  Radians,
  Repeat,
  Replace,
  Reverse,
  Right,
  Round,
  RPad,
  RTrim,
  schema,
  SHA1,
  SHA256,
  Sign,
  Sin,
  Sqrt,
  StrIndex,
  Substr,
  Tan,
  toArray,
  Trim,
  Trunc,
  TruncDate,
  TruncDay,
  TruncHour,
  TruncMinute,
  TruncMonth,
  TruncQuarter,
  TruncSecond,
  TruncTime,
  TruncWeek,
  TruncYear,
  update,
  Upper,
  Value,
  values,
  valuesList,
} from '@fjord/core'
import { foreignKey } from '@fjord/relations'
import { describeEachBackend, truncate } from '../helpers.js'

// Django's tests/db_functions/models.py, with integer fields that may hold negative numbers.
const { Author, Article, DecimalModel, FloatModel, IntegerModel, DTModel } = schema({
  Author: model(
    {
      name: f.char({ maxLength: 50 }),
      alias: f.char({ maxLength: 50, null: true, blank: true }),
      goesBy: f.char({ maxLength: 50, null: true, blank: true }),
      age: f.integer({ default: 30 }),
    },
    { dbTable: 'dbfn_author' },
  ),
  Article: model(
    {
      title: f.char({ maxLength: 50 }),
      text: f.text(),
      author: foreignKey('Author', { onDelete: 'CASCADE', null: true }),
    },
    { dbTable: 'dbfn_article' },
  ),
  DecimalModel: model({ n1: f.decimal({ maxDigits: 6, decimalPlaces: 2 }), n2: f.decimal({ maxDigits: 7, decimalPlaces: 2, null: true }) }, { dbTable: 'dbfn_decimal' }),
  FloatModel: model({ f1: f.float({ null: true }), f2: f.float({ null: true }) }, { dbTable: 'dbfn_float' }),
  IntegerModel: model({ big: f.bigInteger({ null: true }), normal: f.integer({ null: true }), small: f.smallInteger({ null: true }) }, { dbTable: 'dbfn_integer' }),
  DTModel: model(
    {
      name: f.char({ maxLength: 32 }),
      startDatetime: f.dateTime({ null: true }),
      endDatetime: f.dateTime({ null: true }),
      startDate: f.date({ null: true }),
      startTime: f.time({ null: true }),
    },
    { dbTable: 'dbfn_dt' },
  ),
})
const models = [Author, Article, DecimalModel, FloatModel, IntegerModel, DTModel]

const hex = (algorithm: string, s: string) => createHash(algorithm).update(s, 'utf8').digest('hex')

describeEachBackend('expressions: database functions', models, (ctx) => {
  beforeEach(async () => {
    await truncate(ctx().db, models)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)
  /** One annotation's value per row, rows in the given order (the primary key by default). */
  const col = async (qs: AnyQuerySet, name: string, ...order: string[]) =>
    run(pipe(qs as typeof Author.objects, orderBy(...((order.length ? order : ['pk']) as ['pk'])), valuesList(name as 'name', { flat: true }), toArray)) as Promise<
      unknown[]
    >
  /** The annotations of the only row of a model. */
  const one = async (qs: AnyQuerySet, annotations: Record<string, Expression>) => {
    const rows = (await run(pipe(qs as typeof Author.objects, annotate(annotations), values(...(Object.keys(annotations) as ['name'])), toArray))) as Record<
      string,
      unknown
    >[]
    expect(rows).toHaveLength(1)
    return rows[0]
  }
  /** '' where the backend stores the empty string as NULL, as Django's tests write it. */
  const empty = () => (ctx().db.dialect.features.interpretsEmptyStringsAsNulls ? null : '')
  const authors = (...rows: { name: string; alias?: string | null; goesBy?: string | null; age?: number }[]) =>
    run(bulkCreate(Author, rows.map((r) => ({ alias: null, goesBy: null, ...r }))))

  describe('text', () => {
    it('Left and Right: characters from either end, a longer length takes the whole text', async () => {
      await authors({ name: 'John Smith', alias: 'smithj' }, { name: 'Rhonda' })
      expect(await col(pipe(Author.objects, annotate({ l: Left('name', 5) })), 'l')).toEqual(['John ', 'Rhond'])
      expect(await col(pipe(Author.objects, annotate({ r: Right('name', 5) })), 'r')).toEqual(['Smith', 'honda'])
      expect(await col(pipe(Author.objects, annotate({ r: Right('name', 8) })), 'r')).toEqual(['hn Smith', 'Rhonda'])
      expect(await col(pipe(Author.objects, annotate({ l: Left('name', 20) })), 'l')).toEqual(['John Smith', 'Rhonda'])
      // The length as an expression.
      expect(await col(pipe(Author.objects, filter({ alias__isnull: false }), annotate({ l: Left('name', Length('alias')) })), 'l')).toEqual(['John S'])
      expect(await col(pipe(Author.objects, annotate({ l: Left('goesBy', 2), r: Right('goesBy', 2) })), 'l')).toEqual([null, null])
      // In filter, orderBy and update.
      expect(await col(pipe(Author.objects, annotate({ l: Left('name', 4) }), filter(Q({ l: 'John' }))), 'name')).toEqual(['John Smith'])
      expect(await col(pipe(Author.objects, filter({ name: Left(Value('Rhonda Jones'), 6) })), 'name')).toEqual(['Rhonda'])
      expect(await col(Author.objects, 'name', Right('name', 1).desc() as never)).toEqual(['John Smith', 'Rhonda'])
      expect(await run(pipe(Author.objects, update({ alias: Lower(Left('name', 2)) })))).toBe(2)
      expect(await col(Author.objects, 'alias')).toEqual(['jo', 'rh'])
      expect(() => Left('name', 0)).toThrow(RangeError)
      expect(() => Right('name', -1)).toThrow("'length' must be greater than 0")
    })

    it('Substr: 1-based positions, with or without a length, over Unicode text', async () => {
      await authors({ name: 'John Smith', alias: 'smithj' }, { name: 'Rhonda' }, { name: 'ツリー皇帝' })
      expect(await col(pipe(Author.objects, annotate({ s: Substr('name', 1, 5) })), 's')).toEqual(['John ', 'Rhond', 'ツリー皇帝'])
      expect(await col(pipe(Author.objects, annotate({ s: Substr('name', 2) })), 's')).toEqual(['ohn Smith', 'honda', 'リー皇帝'])
      expect(await col(pipe(Author.objects, annotate({ s: Substr('name', 3, 2) })), 's')).toEqual(['hn', 'on', 'ー皇'])
      expect(await col(pipe(Author.objects, annotate({ s: Substr('goesBy', 1, 2) })), 's')).toEqual([null, null, null])
      expect(await col(pipe(Author.objects, annotate({ s: Substr('name', Value(2), Length('alias')) })), 's')).toEqual(['ohn Sm', null, null])
      expect(await run(pipe(Author.objects, filter({ alias__isnull: true }), update({ alias: Lower(Substr('name', 1, 5)) })))).toBe(2)
      expect(await col(Author.objects, 'alias')).toEqual(['smithj', 'rhond', 'ツリー皇帝'])
      expect(await col(pipe(Author.objects, annotate({ s: Substr('name', 2, 3) }), filter(Q({ s: 'hon' }))), 'name')).toEqual(['Rhonda'])
      expect(() => Substr('name', 0)).toThrow("'pos' must be greater than 0")
    })

    it('StrIndex: the 1-based position, 0 when absent, case-sensitive on every backend', async () => {
      await authors({ name: 'George. R. R. Martin' }, { name: 'J. R. R. Tolkien' }, { name: 'Terry Pratchett' })
      const at = pipe(Author.objects, annotate({ i: StrIndex('name', Value('R.')) }))
      expect(await col(at, 'i', 'name')).toEqual([9, 4, 0])
      expect(await col(pipe(Author.objects, annotate({ i: StrIndex('name', Value('r.')) })), 'i', 'name')).toEqual([0, 0, 0])
      expect(await col(pipe(Author.objects, annotate({ i: StrIndex('name', Value('t')) })), 'i', 'name')).toEqual([18, 0, 10])
      expect(await col(pipe(at, filter(Q({ i__gt: 0 }))), 'name', 'name')).toEqual(['George. R. R. Martin', 'J. R. R. Tolkien'])
      expect(await col(Author.objects, 'name', StrIndex('name', Value('R.')).asc() as never)).toEqual(['Terry Pratchett', 'J. R. R. Tolkien', 'George. R. R. Martin'])
      expect(await col(pipe(Author.objects, annotate({ i: StrIndex('goesBy', Value('R.')) })), 'i')).toEqual([null, null, null])
    })

    it('StrIndex over Unicode text and another column (Django test_unicode_values, test_annotate_textfield)', async () => {
      await authors({ name: 'ツリー' }, { name: '皇帝' }, { name: '皇帝 ツリー' })
      expect(await col(pipe(Author.objects, annotate({ i: StrIndex('name', Value('リ')) })), 'i', 'name')).toEqual([2, 0, 5])
      await run(create(Article, { title: 'How to Django', text: 'This is about How to Django.', author: null }))
      await run(create(Article, { title: 'How to Tango', text: "Won't find anything here.", author: null }))
      expect(await col(pipe(Article.objects, annotate({ i: StrIndex('text', 'title') })), 'i', 'title')).toEqual([15, 0])
    })

    it('Trim, LTrim and RTrim remove spaces on their side; update with them', async () => {
      await authors({ name: '  John ', alias: 'j' }, { name: 'Rhonda', alias: 'r' })
      const got = await run(
        pipe(Author.objects, annotate({ l: LTrim('name'), r: RTrim('name'), t: Trim('name') }), orderBy('alias'), valuesList('l', 'r', 't'), toArray),
      )
      expect(got).toEqual([
        ['John ', '  John', 'John'],
        ['Rhonda', 'Rhonda', 'Rhonda'],
      ])
      expect(await col(pipe(Author.objects, annotate({ t: Trim('goesBy') })), 't')).toEqual([null, null])
      expect(await col(pipe(Author.objects, annotate({ t: Trim('name') }), filter(Q({ t: 'John' }))), 'alias')).toEqual(['j'])
      expect(await run(pipe(Author.objects, update({ name: Trim('name') })))).toBe(2)
      expect(await col(Author.objects, 'name', 'alias')).toEqual(['John', 'Rhonda'])
    })

    it('Replace: every occurrence, case-sensitive, removed by default', async () => {
      await authors({ name: 'George R. R. Martin' }, { name: 'J. R. R. Tolkien' })
      expect(await col(pipe(Author.objects, annotate({ s: Replace('name', Value('R. R. '), Value('')) })), 's', 'name')).toEqual(['George Martin', 'J. Tolkien'])
      expect(await col(pipe(Author.objects, annotate({ s: Replace('name', Value('R. ')) })), 's', 'name')).toEqual(['George Martin', 'J. Tolkien'])
      expect(await col(pipe(Author.objects, annotate({ s: Replace('name', Value('R.'), Value('Ronald')) })), 's', 'name')).toEqual([
        'George Ronald Ronald Martin',
        'J. Ronald Ronald Tolkien',
      ])
      expect(await col(pipe(Author.objects, annotate({ s: Replace('name', Value('r. r.'), Value('X')) })), 's', 'name')).toEqual([
        'George R. R. Martin',
        'J. R. R. Tolkien',
      ])
      // With expressions: the name's text replaced by another column's.
      expect(await col(pipe(Author.objects, annotate({ s: Replace(Upper('name'), Value('R. R.'), Lower(Value('AND'))) })), 's', 'name')).toEqual([
        'GEORGE and MARTIN',
        'J. and TOLKIEN',
      ])
      expect(await col(pipe(Author.objects, annotate({ s: Replace('goesBy', Value('R.')) })), 's')).toEqual([null, null])
      expect(await run(pipe(Author.objects, update({ name: Replace('name', Value('R. R. '), Value('R.R. ')) })))).toBe(2)
      expect(await col(Author.objects, 'name', 'name')).toEqual(['George R.R. Martin', 'J. R.R. Tolkien'])
    })

    it('Reverse: characters last first, Unicode included', async () => {
      await authors({ name: 'John Smith', alias: 'smithj' }, { name: 'Élena Jordan', alias: 'elena' }, { name: 'パイソン', alias: 'python' })
      expect(await col(pipe(Author.objects, annotate({ r: Reverse('name') })), 'r')).toEqual(['htimS nhoJ', 'nadroJ anelÉ', 'ンソイパ'])
      expect(await col(pipe(Author.objects, annotate({ r: Reverse(Trim(Upper('name'))) })), 'r')).toEqual(['HTIMS NHOJ', 'NADROJ ANELÉ', 'ンソイパ'])
      expect(await col(pipe(Author.objects, annotate({ r: Reverse('goesBy') })), 'r')).toEqual([null, null, null])
      expect(await col(pipe(Author.objects, filter({ alias: Reverse(Value('nosyhtp')) })), 'alias')).toEqual([])
      expect(await col(pipe(Author.objects, filter({ alias: Reverse(Value('nohtyp')) })), 'name')).toEqual(['パイソン'])
      expect(await run(pipe(Author.objects, update({ alias: Reverse('alias') })))).toBe(3)
      expect(await col(Author.objects, 'alias')).toEqual(['jhtims', 'anele', 'nohtyp'])
    })

    it('Repeat: n copies; zero gives the empty text; NULL gives NULL', async () => {
      await authors({ name: 'John', alias: 'xyz' })
      expect(await one(Author.objects, { two: Repeat('name', 2), three: Repeat('alias', Value(3)), zero: Repeat('name', 0) })).toEqual({
        two: 'JohnJohn',
        three: 'xyzxyzxyz',
        zero: empty(),
      })
      expect(await one(Author.objects, { a: Repeat('goesBy', 2), b: Repeat('name', null), c: Repeat(Value(null), 2) })).toEqual({ a: null, b: null, c: null })
      expect(await run(pipe(Author.objects, update({ alias: Repeat(Value('ab'), F('age').sub(25)) })))).toBe(1)
      expect(await col(Author.objects, 'alias')).toEqual(['ababababab'])
      expect(() => Repeat('name', -1)).toThrow("'number' must be greater or equal to 0")
    })

    it('LPad and RPad: filled to the length, cut when longer (Django test_pad)', async () => {
      await authors({ name: 'John', alias: 'j' })
      const cases: [Expression, string | null][] = [
        [LPad('name', 7, Value('xy')), 'xyxJohn'],
        [RPad('name', 7, Value('xy')), 'Johnxyx'],
        [LPad('name', 6, Value('x')), 'xxJohn'],
        [RPad('name', 6, Value('x')), 'Johnxx'],
        // The default fill is a space.
        [LPad('name', 6), '  John'],
        [RPad('name', 6), 'John  '],
        // A text longer than the length is cut.
        [LPad('name', 2), 'Jo'],
        [RPad('name', 2), 'Jo'],
        [LPad('name', 0), empty()],
        [RPad('name', 0), empty()],
        [LPad('name', null), null],
        [RPad('name', null), null],
        [LPad(Value(null), 1), null],
        [RPad(Value(null), 1), null],
        [LPad('goesBy', 1), null],
        [RPad('goesBy', 1), null],
      ]
      for (const [fn, expected] of cases) {
        expect(await col(pipe(Author.objects, annotate({ p: fn })), 'p')).toEqual([expected])
      }
      expect(() => LPad('name', -1)).toThrow("'length' must be greater or equal to 0")
    })

    it('LPad with a length from another column, over Unicode text (Django test_combined_with_length)', async () => {
      await authors({ name: 'Rhonda', alias: 'john_smith' }, { name: '♥♣♠', alias: 'bytes' })
      expect(await col(pipe(Author.objects, annotate({ p: LPad('name', Length('alias')) })), 'p', 'alias')).toEqual(['  ♥♣♠', '    Rhonda'])
      expect(await run(pipe(Author.objects, update({ goesBy: RPad('name', 8, Value('.')) })))).toBe(2)
      expect(await col(Author.objects, 'goesBy', 'alias')).toEqual(['♥♣♠.....', 'Rhonda..'])
      expect(await col(pipe(Author.objects, filter({ goesBy: RPad('name', 8, Value('.')) })), 'name', 'name')).toEqual(['Rhonda', '♥♣♠'])
    })

    it('Chr and Ord: characters and Unicode code points', async () => {
      await authors({ name: 'John Smith', alias: 'smithj' }, { name: 'Élena Jordan', alias: 'elena' }, { name: 'Rhonda', alias: '皇帝' })
      expect(await col(pipe(Author.objects, annotate({ o: Ord('name') })), 'o')).toEqual([74, 201, 82])
      expect(await col(pipe(Author.objects, annotate({ o: Ord('alias') })), 'o')).toEqual([115, 101, 30343])
      expect(await col(pipe(Author.objects, annotate({ o: Ord('goesBy') })), 'o')).toEqual([null, null, null])
      expect(await one(pipe(Author.objects, filter({ alias: 'elena' })), { m: Chr(77), e: Chr(Value(201)), h: Chr(Value(0x2665)), n: Chr(Value(null)) })).toEqual({
        m: 'M',
        e: 'É',
        h: '♥',
        n: null,
      })
      // Django's test_transform: the name starts with the character.
      expect(await col(pipe(Author.objects, filter({ name__startswith: Chr(Value(82)) })), 'name')).toEqual(['Rhonda'])
      expect(await col(pipe(Author.objects, annotate({ first: Left('name', 1) }), filter(Q({ first: Chr(Ord('alias')) }))), 'name')).toEqual([])
      expect(await col(pipe(Author.objects, annotate({ o: Ord('name') }), filter(Q({ o__lt: 80 }))), 'name')).toEqual(['John Smith'])
      expect(await col(Author.objects, 'name', Ord('alias').desc() as never)).toEqual(['Rhonda', 'John Smith', 'Élena Jordan'])
    })

    it('MD5, SHA1 and SHA256 of the UTF-8 text, as lowercase hex (Django test_md5, test_sha1, test_sha256)', async () => {
      const names = ['John Smith', 'Jordan Élena', '皇帝', '', 'x'.repeat(50)]
      await authors(...names.map((alias, i) => ({ name: `a${i}`, alias })), { name: 'nobody', alias: null })
      const expected = (algorithm: string) => [...names.map((s) => (s === '' && empty() === null ? null : hex(algorithm, s))), null]
      expect(await col(pipe(Author.objects, annotate({ h: MD5('alias') })), 'h')).toEqual(expected('md5'))
      expect(await col(pipe(Author.objects, annotate({ h: SHA1('alias') })), 'h')).toEqual(expected('sha1'))
      expect(await col(pipe(Author.objects, annotate({ h: SHA256('alias') })), 'h')).toEqual(expected('sha256'))
      // A number is hashed as its text.
      expect(await one(pipe(Author.objects, filter({ name: 'a0' })), { md5: MD5('age'), sha1: SHA1('age'), sha256: SHA256('age') })).toEqual({
        md5: hex('md5', '30'),
        sha1: hex('sha1', '30'),
        sha256: hex('sha256', '30'),
      })
      // In a filter, and a hash of a bound value.
      expect(await col(pipe(Author.objects, annotate({ h: SHA1('alias') }), filter(Q({ h: hex('sha1', '皇帝') }))), 'name')).toEqual(['a2'])
      expect(await col(pipe(Author.objects, filter({ goesBy__isnull: true, alias: 'John Smith' }), annotate({ h: SHA256(Value('Fjord')) })), 'h')).toEqual([
        hex('sha256', 'Fjord'),
      ])
      expect(await run(pipe(Author.objects, filter({ name: 'a1' }), update({ goesBy: MD5(Upper('alias')) })))).toBe(1)
      expect(await col(pipe(Author.objects, filter({ name: 'a1' })), 'goesBy')).toEqual([hex('md5', 'JORDAN ÉLENA')])
    })

    it('hashes over several 64-byte blocks, and across the padding boundary at 56 bytes', async () => {
      // 55 bytes fit one block with the padding, 56 need two; é is two bytes in UTF-8.
      const texts = [`${'é'.repeat(27)}x`, 'é'.repeat(28), 'é'.repeat(32), `${'ツリー皇帝'.repeat(30)}…`, 'The quick brown fox jumps over the lazy dog'.repeat(5)]
      await run(bulkCreate(Article, texts.map((text, i) => ({ title: `t${i}`, text, author: null }))))
      for (const algorithm of ['md5', 'sha1', 'sha256'] as const) {
        const fn = { md5: MD5, sha1: SHA1, sha256: SHA256 }[algorithm]
        expect(await col(pipe(Article.objects, annotate({ h: fn('text') })), 'h', 'title')).toEqual(texts.map((t) => hex(algorithm, t)))
      }
    })
  })

  describe('comparison', () => {
    it('NullIf: NULL when both are equal, else the first (Django test_nullif)', async () => {
      await authors({ name: 'John Smith', alias: 'smithj' }, { name: 'Rhonda', alias: 'Rhonda' })
      expect(await col(pipe(Author.objects, annotate({ n: NullIf('alias', 'name') })), 'n')).toEqual(['smithj', null])
      expect(await col(pipe(Author.objects, annotate({ n: NullIf('name', Value('Rhonda')) })), 'n')).toEqual(['John Smith', null])
      expect(await col(pipe(Author.objects, annotate({ n: NullIf('age', 30) })), 'n')).toEqual([null, null])
      expect(await col(pipe(Author.objects, annotate({ n: NullIf('age', 31) })), 'n')).toEqual([30, 30])
      expect(await col(pipe(Author.objects, annotate({ n: NullIf(Value(null), 'name') })), 'n')).toEqual([null, null])
      expect(await col(pipe(Author.objects, annotate({ n: NullIf('alias', 'name') }), filter(Q({ n__isnull: true }))), 'name')).toEqual(['Rhonda'])
      expect(await run(pipe(Author.objects, update({ alias: NullIf('alias', 'name') })))).toBe(2)
      expect(await col(Author.objects, 'alias')).toEqual(['smithj', null])
    })
  })

  describe('math', () => {
    /** Decimals are exact strings; their digits past the field's places differ by backend. */
    const decimals = (xs: unknown[]) => {
      for (const x of xs) if (x !== null) expect(typeof x).toBe('string')
      return xs.map((x) => (x === null ? null : Number(x)))
    }
    const floats = (xs: unknown[]) => {
      for (const x of xs) if (x !== null) expect(typeof x).toBe('number')
      return xs
    }

    it('Abs keeps the type: decimals, floats and integers (bigint for a bigInteger)', async () => {
      await run(create(DecimalModel, { n1: '-0.80', n2: '1.20' }))
      await run(create(FloatModel, { f1: -0.5, f2: 12.5 }))
      await run(create(IntegerModel, { small: 12, normal: 0, big: -45n }))
      const d = await one(DecimalModel.objects, { a: Abs('n1'), b: Abs('n2') })
      expect(decimals([d.a, d.b])).toEqual([0.8, 1.2])
      expect(floats(Object.values(await one(FloatModel.objects, { a: Abs('f1'), b: Abs('f2') })))).toEqual([0.5, 12.5])
      expect(await one(IntegerModel.objects, { s: Abs('small'), n: Abs('normal'), b: Abs('big') })).toEqual({ s: 12, n: 0, b: 45n })
      expect(await col(pipe(IntegerModel.objects, filter({ small: Abs(Value(-12)) })), 'small')).toEqual([12])
      expect(await run(pipe(IntegerModel.objects, update({ big: Abs('big') })))).toBe(1)
      expect(await col(IntegerModel.objects, 'big')).toEqual([45n])
    })

    it('Ceil, Floor and Sign keep the type', async () => {
      await run(create(DecimalModel, { n1: '-12.90', n2: '0.60' }))
      await run(create(FloatModel, { f1: -27.5, f2: 0.33 }))
      await run(create(IntegerModel, { small: -20, normal: 15, big: 0n }))
      const d = await one(DecimalModel.objects, { c1: Ceil('n1'), c2: Ceil('n2'), l1: Floor('n1'), l2: Floor('n2'), s1: Sign('n1'), s2: Sign('n2') })
      expect(decimals(Object.values(d))).toEqual([-12, 1, -13, 0, -1, 1])
      const fl = await one(FloatModel.objects, { c1: Ceil('f1'), c2: Ceil('f2'), l1: Floor('f1'), l2: Floor('f2'), s1: Sign('f1'), s2: Sign('f2') })
      expect(floats(Object.values(fl))).toEqual([-27, 1, -28, 0, -1, 1])
      expect(await one(IntegerModel.objects, { c: Ceil('small'), f: Floor('normal'), s: Sign('small'), z: Sign('big'), p: Sign('normal') })).toEqual({
        c: -20,
        f: 15,
        s: -1,
        z: 0n,
        p: 1,
      })
      expect(await col(pipe(FloatModel.objects, annotate({ c: Ceil('f2') }), filter(Q({ c: 1 }))), 'c')).toEqual([1])
    })

    it('Round with a precision keeps the type; a negative precision rounds to tens (Django test_round)', async () => {
      await run(create(DecimalModel, { n1: '5.23', n2: '-0.60' }))
      await run(create(FloatModel, { f1: -27.55, f2: 0.55 }))
      await run(create(IntegerModel, { small: -16, normal: 15, big: -1251n }))
      const d = await one(DecimalModel.objects, { a: Round('n1'), b: Round('n2'), c: Round('n1', 1), e: Round('n2', 1) })
      expect(decimals(Object.values(d))).toEqual([5, -1, 5.2, -0.6])
      const fl = await one(FloatModel.objects, { a: Round('f1'), b: Round('f2'), c: Round('f1', 1), e: Round('f2', 1) })
      expect(floats(Object.values(fl))).toEqual([-28, 1, -27.6, 0.6])
      expect(await one(IntegerModel.objects, { s: Round('small', -1), n: Round('normal', -1), b: Round('big', -2), z: Round('normal', 2) })).toEqual({
        s: -20,
        n: 20,
        b: -1300n,
        z: 15,
      })
      // The precision as an expression, negative or not.
      expect(await one(IntegerModel.objects, { a: Round('normal', Value(-1)), b: Round('normal', F('normal').sub(14)) })).toEqual({ a: 20, b: 15 })
      expect(await one(DecimalModel.objects, { n: Round(Value(null, 'decimal'), 1), p: Round('n1', null) })).toEqual({ n: null, p: null })
      expect(await col(pipe(DecimalModel.objects, annotate({ r: Round('n1') }), filter(Q({ r__gt: 4 }))), 'n1')).toHaveLength(1)
      expect(await run(pipe(FloatModel.objects, update({ f1: Round('f1', 1) })))).toBe(1)
      expect(await col(FloatModel.objects, 'f1')).toEqual([-27.6])
      expect(() => Round('n1', 1.5)).toThrow(RangeError)
    })

    it('Mod: the remainder with the sign of the dividend; a decimal over decimals, else a float (Django test_mod)', async () => {
      await run(create(DecimalModel, { n1: '-9.90', n2: '4.60' }))
      await run(create(FloatModel, { f1: -25, f2: 0.33 }))
      await run(create(IntegerModel, { small: 20, normal: 15, big: 1n }))
      const [d] = decimals([(await one(DecimalModel.objects, { m: Mod('n1', 'n2') })).m])
      expect(d).toBeCloseTo(-0.7, 10)
      const [fl] = floats([(await one(FloatModel.objects, { m: Mod('f1', 'f2') })).m]) as number[]
      expect(fl).toBeCloseTo(-25 % 0.33, 10)
      const i = await one(IntegerModel.objects, { a: Mod('small', 'normal'), b: Mod('normal', 'big'), c: Mod('big', 'small'), d: Mod('small', 6) })
      expect(floats(Object.values(i))).toEqual([5, 0, 1, 2])
      expect(await one(IntegerModel.objects, { n: Mod('small', null), m: Mod(Value(null, 'integer'), 'normal') })).toEqual({ n: null, m: null })
      expect(await col(pipe(IntegerModel.objects, annotate({ m: Mod('small', 'normal') }), filter(Q({ m: 5 }))), 'small')).toEqual([20])
    })

    it('Power, Sqrt, Exp, Ln and Log: floats over integers and floats, decimals over decimals', async () => {
      await run(create(DecimalModel, { n1: '12.90', n2: '3.60' }))
      await run(create(FloatModel, { f1: 2.3, f2: 1.1 }))
      await run(create(IntegerModel, { small: -1, normal: 20, big: 3n }))
      const i = await one(IntegerModel.objects, {
        p1: Power('small', 'normal'),
        p2: Power('normal', 'big'),
        p3: Power('big', 'small'),
        sq: Sqrt('normal'),
        ex: Exp('big'),
        ln: Ln('normal'),
        lg: Log(2, Value(8)),
        lb: Log('big', Power('big', 4)),
      })
      const v = floats(Object.values(i)) as number[]
      expect(v.slice(0, 3)).toEqual([1, 8000, expect.closeTo(1 / 3, 10)])
      expect(v[3]).toBeCloseTo(Math.sqrt(20), 10)
      expect(v[4]).toBeCloseTo(Math.exp(3), 10)
      expect(v[5]).toBeCloseTo(Math.log(20), 10)
      expect(v[6]).toBeCloseTo(3, 10)
      expect(v[7]).toBeCloseTo(4, 10)
      const fl = floats(Object.values(await one(FloatModel.objects, { p: Power('f1', 'f2'), s: Sqrt('f1'), e: Exp('f2'), l: Ln('f1'), g: Log('f2', 'f1') }))) as number[]
      expect(fl[0]).toBeCloseTo(2.3 ** 1.1, 10)
      expect(fl[1]).toBeCloseTo(Math.sqrt(2.3), 10)
      expect(fl[2]).toBeCloseTo(Math.exp(1.1), 10)
      expect(fl[3]).toBeCloseTo(Math.log(2.3), 10)
      expect(fl[4]).toBeCloseTo(Math.log(2.3) / Math.log(1.1), 8)
      const d = decimals(Object.values(await one(DecimalModel.objects, { p: Power('n2', 2), s: Sqrt('n1'), e: Exp('n2'), l: Ln('n1'), g: Log('n2', 'n1') }))) as number[]
      expect(d[0]).toBeCloseTo(12.96, 10)
      expect(d[1]).toBeCloseTo(Math.sqrt(12.9), 10)
      expect(d[2]).toBeCloseTo(Math.exp(3.6), 8)
      expect(d[3]).toBeCloseTo(Math.log(12.9), 10)
      expect(d[4]).toBeCloseTo(Math.log(12.9) / Math.log(3.6), 8)
      // In a filter, orderBy and update.
      expect(await col(pipe(IntegerModel.objects, filter({ normal: Sqrt(Value(400)) })), 'normal')).toEqual([20])
      expect(await run(pipe(FloatModel.objects, update({ f2: Sqrt(Power('f1', 2)) })))).toBe(1)
      expect(await col(FloatModel.objects, 'f2')).toEqual([expect.closeTo(2.3, 10)])
    })

    it('Pi, and trigonometry in radians and degrees', async () => {
      await run(create(DecimalModel, { n1: '0.50', n2: '-1.00' }))
      await run(create(FloatModel, { f1: 0.5, f2: 180 }))
      await run(create(IntegerModel, { small: 1, normal: 2, big: 45n }))
      expect((await one(FloatModel.objects, { pi: Pi() })).pi).toBeCloseTo(Math.PI, 14)
      const fl = floats(
        Object.values(await one(FloatModel.objects, { s: Sin('f1'), c: Cos('f1'), t: Tan('f1'), a: ATan2('f1', 'f2'), d: Degrees('f1'), r: Radians('f2') })),
      ) as number[]
      expect(fl).toEqual([Math.sin(0.5), Math.cos(0.5), Math.tan(0.5), Math.atan2(0.5, 180), (0.5 * 180) / Math.PI, Math.PI].map((x) => expect.closeTo(x, 10)))
      const i = floats(Object.values(await one(IntegerModel.objects, { s: Sin('small'), a: ATan2('small', 'normal'), r: Radians('big'), d: Degrees('small') }))) as number[]
      expect(i).toEqual([Math.sin(1), Math.atan2(1, 2), Math.PI / 4, 180 / Math.PI].map((x) => expect.closeTo(x, 10)))
      const d = decimals(Object.values(await one(DecimalModel.objects, { c: Cos('n1'), t: Tan('n2'), a: ATan2('n1', 'n2') }))) as number[]
      expect(d).toEqual([Math.cos(0.5), Math.tan(-1), Math.atan2(0.5, -1)].map((x) => expect.closeTo(x, 10)))
      expect(await col(pipe(IntegerModel.objects, annotate({ r: Radians('big') }), filter(Q({ r__lt: Pi() }))), 'big')).toEqual([45n])
      expect(await col(pipe(IntegerModel.objects, annotate({ r: Radians('big') }), filter(Q({ r__gt: Pi().div(2) }))), 'big')).toEqual([])
    })

    it('NULL in gives NULL out, for every math function', async () => {
      await run(create(FloatModel, { f1: null, f2: 2 }))
      const got = await one(FloatModel.objects, {
        abs: Abs('f1'),
        ceil: Ceil('f1'),
        floor: Floor('f1'),
        round: Round('f1', 1),
        sign: Sign('f1'),
        mod: Mod('f1', 'f2'),
        mod2: Mod('f2', 'f1'),
        power: Power('f2', 'f1'),
        sqrt: Sqrt('f1'),
        exp: Exp('f1'),
        ln: Ln('f1'),
        log: Log('f2', 'f1'),
        log2: Log('f1', 'f2'),
        degrees: Degrees('f1'),
        radians: Radians('f1'),
        sin: Sin('f1'),
        cos: Cos('f1'),
        tan: Tan('f1'),
        atan2: ATan2('f1', 'f2'),
      })
      expect(Object.entries(got).filter(([, v]) => v !== null)).toEqual([])
    })

    it('math functions compose, and order rows', async () => {
      await run(bulkCreate(IntegerModel, [{ small: -3, normal: 1, big: 1n }, { small: 2, normal: 2, big: 2n }, { small: -1, normal: 3, big: 3n }]))
      expect(await col(IntegerModel.objects, 'small', Abs('small').desc() as never)).toEqual([-3, 2, -1])
      expect(await col(IntegerModel.objects, 'small', Mod(Abs('small'), 2).asc() as never, 'small')).toEqual([2, -3, -1])
      expect(await col(pipe(IntegerModel.objects, annotate({ x: Round(Sqrt(Power('small', 2)).mul(10)) })), 'x')).toEqual([30, 20, 10])
      expect(await run(pipe(IntegerModel.objects, filter({ small__lt: 0 }), update({ normal: Abs('small'), small: Sign('small') })))).toBe(2)
      expect(await run(pipe(IntegerModel.objects, orderBy('big'), values('small', 'normal'), toArray))).toEqual([
        { small: -1, normal: 3 },
        { small: 2, normal: 2 },
        { small: -1, normal: 1 },
      ])
    })
  })

  describe('dates and times', () => {
    const start = new Date('2015-06-15T14:30:50.321Z')
    const end = new Date('2016-01-03T23:59:09.123Z')
    beforeEach(async () => {
      await run(create(DTModel, { name: 'a', startDatetime: start, endDatetime: end, startDate: '2015-06-15', startTime: '14:30:50.321000' }))
      await run(create(DTModel, { name: 'b', startDatetime: end, endDatetime: null, startDate: '2016-01-03', startTime: '23:59:09' }))
      await run(create(DTModel, { name: 'n', startDatetime: null, endDatetime: null, startDate: null, startTime: null }))
    })

    it('the Extract… shorthands are Extract with their part (Django test_extract_*_func)', async () => {
      const parts = {
        year: ExtractYear('startDatetime'),
        isoYear: ExtractIsoYear('startDatetime'),
        month: ExtractMonth('startDatetime'),
        day: ExtractDay('startDatetime'),
        weekDay: ExtractWeekDay('startDatetime'),
        isoWeekDay: ExtractIsoWeekDay('startDatetime'),
        week: ExtractWeek('startDatetime'),
        quarter: ExtractQuarter('startDatetime'),
        hour: ExtractHour('startDatetime'),
        minute: ExtractMinute('startDatetime'),
        second: ExtractSecond('startDatetime'),
      }
      const got = await run(pipe(DTModel.objects, annotate(parts), orderBy('name'), values(...(Object.keys(parts) as ['year'])), toArray))
      expect(got).toEqual([
        { year: 2015, isoYear: 2015, month: 6, day: 15, weekDay: 2, isoWeekDay: 1, week: 25, quarter: 2, hour: 14, minute: 30, second: 50 },
        // 3 January 2016 is a Sunday in ISO week 53 of 2015.
        { year: 2016, isoYear: 2015, month: 1, day: 3, weekDay: 1, isoWeekDay: 7, week: 53, quarter: 1, hour: 23, minute: 59, second: 9 },
        { year: null, isoYear: null, month: null, day: null, weekDay: null, isoWeekDay: null, week: null, quarter: null, hour: null, minute: null, second: null },
      ])
      const same = await run(
        pipe(DTModel.objects, annotate({ a: ExtractWeekDay('startDate'), b: Extract('startDate', 'weekDay'), h: ExtractHour('startTime') }), orderBy('name'), valuesList('a', 'b', 'h'), toArray),
      )
      expect(same).toEqual([
        [2, 2, 14],
        [1, 1, 23],
        [null, null, null],
      ])
      expect(await col(pipe(DTModel.objects, annotate({ y: ExtractYear('startDatetime') }), filter(Q({ y: 2016 }))), 'name')).toEqual(['b'])
      expect(await col(pipe(DTModel.objects, filter({ startDatetime__isnull: false })), 'name', ExtractMonth('startDatetime').asc() as never)).toEqual(['b', 'a'])
      expect(await col(pipe(DTModel.objects, filter({ startDatetime__year: ExtractYear('endDatetime') })), 'name')).toEqual([])
      expect(await col(pipe(DTModel.objects, filter({ startDatetime__year__lt: ExtractYear('endDatetime') })), 'name')).toEqual(['a'])
    })

    it('the Trunc… shorthands are Trunc with their kind (Django test_trunc_*_func)', async () => {
      const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v)
      const kinds = {
        year: TruncYear('startDatetime'),
        quarter: TruncQuarter('startDatetime'),
        month: TruncMonth('startDatetime'),
        week: TruncWeek('startDatetime'),
        day: TruncDay('startDatetime'),
        hour: TruncHour('startDatetime'),
        minute: TruncMinute('startDatetime'),
        second: TruncSecond('startDatetime'),
      }
      const rows = await run(pipe(DTModel.objects, annotate(kinds), orderBy('name'), values(...(Object.keys(kinds) as ['year'])), toArray))
      expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, iso(v)])))).toEqual([
        {
          year: '2015-01-01T00:00:00.000Z',
          quarter: '2015-04-01T00:00:00.000Z',
          month: '2015-06-01T00:00:00.000Z',
          week: '2015-06-15T00:00:00.000Z',
          day: '2015-06-15T00:00:00.000Z',
          hour: '2015-06-15T14:00:00.000Z',
          minute: '2015-06-15T14:30:00.000Z',
          second: '2015-06-15T14:30:50.000Z',
        },
        {
          year: '2016-01-01T00:00:00.000Z',
          quarter: '2016-01-01T00:00:00.000Z',
          month: '2016-01-01T00:00:00.000Z',
          week: '2015-12-28T00:00:00.000Z',
          day: '2016-01-03T00:00:00.000Z',
          hour: '2016-01-03T23:00:00.000Z',
          minute: '2016-01-03T23:59:00.000Z',
          second: '2016-01-03T23:59:09.000Z',
        },
        { year: null, quarter: null, month: null, week: null, day: null, hour: null, minute: null, second: null },
      ])
      // On a date the truncation is a date; TruncDate and TruncTime take a datetime's date and time.
      const dates = await run(
        pipe(
          DTModel.objects,
          annotate({ m: TruncMonth('startDate'), w: TruncWeek('startDate'), d: TruncDate('startDatetime'), t: TruncTime('startDatetime') }),
          orderBy('name'),
          valuesList('m', 'w', 'd', 't'),
          toArray,
        ),
      )
      expect(dates.map((r) => r.map((v) => (typeof v === 'string' ? v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : v)))).toEqual([
        ['2015-06-01', '2015-06-15', '2015-06-15', '14:30:50.321'],
        ['2016-01-01', '2015-12-28', '2016-01-03', '23:59:09.123'],
        [null, null, null, null],
      ])
      const same = await run(pipe(DTModel.objects, annotate({ a: TruncQuarter('startDate'), b: Trunc('startDate', 'quarter') }), orderBy('name'), valuesList('a', 'b'), toArray))
      expect(same).toEqual([
        ['2015-04-01', '2015-04-01'],
        ['2016-01-01', '2016-01-01'],
        [null, null],
      ])
      expect(await col(pipe(DTModel.objects, annotate({ d: TruncDate('startDatetime') }), filter(Q({ d: '2016-01-03' }))), 'name')).toEqual(['b'])
      expect(await col(pipe(DTModel.objects, filter({ startDate: TruncDate('startDatetime') })), 'name', 'name')).toEqual(['a', 'b'])
      expect(await run(pipe(DTModel.objects, filter({ name: 'a' }), update({ endDatetime: TruncDay('startDatetime') })))).toBe(1)
      expect(iso((await col(pipe(DTModel.objects, filter({ name: 'a' })), 'endDatetime'))[0])).toBe('2015-06-15T00:00:00.000Z')
    })
  })
})

describe('database functions: types', () => {
  it('each constructor is typed by what it gives', () => {
    expectTypeOf(Left('name', 1)).toEqualTypeOf<Expression<string>>()
    expectTypeOf(StrIndex('name', Value('x'))).toEqualTypeOf<Expression<number>>()
    expectTypeOf(Ord('name')).toEqualTypeOf<Expression<number>>()
    expectTypeOf(MD5('name')).toEqualTypeOf<Expression<string>>()
    expectTypeOf(NullIf(Value(3), 3)).toEqualTypeOf<Expression<number | null>>()
    // The argument's type where it is known, a number for a path, or the type given.
    expectTypeOf(Abs('n')).toEqualTypeOf<Expression<number>>()
    expectTypeOf(Abs(Value(2n))).toEqualTypeOf<Expression<bigint>>()
    expectTypeOf(Round<string>('price', 1)).toEqualTypeOf<Expression<string>>()
    expectTypeOf(Sqrt('n')).toEqualTypeOf<Expression<number>>()
    expectTypeOf(Mod(Value('1.50', 'decimal'), 2)).toEqualTypeOf<Expression<string>>()
    expectTypeOf(Pi()).toEqualTypeOf<Expression<number>>()
    expectTypeOf(ExtractYear('at')).toEqualTypeOf<Expression<number>>()
    expectTypeOf(TruncMonth('at')).toEqualTypeOf<Expression<Date>>()
    expectTypeOf(TruncDate('at')).toEqualTypeOf<Expression<string>>()
  })
})
