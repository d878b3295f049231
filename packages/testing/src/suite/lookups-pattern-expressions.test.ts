// Pattern lookups against an expression (Django's test_patterns_escape): the other column's value is
// matched literally, its %, _, \ (and GLOB's *, ?, [) are not wildcards, and NULL matches nothing.
import { F, f, filter, model, orderBy, pipe, schema, toArray, valuesList, bulkCreate, Lower } from '@fjord/core'
import { expect, it } from 'vitest'
import { describeEachBackend } from '../helpers.js'

const models = schema({
  Pair: model({ tag: f.char({ maxLength: 4 }), whole: f.char({ maxLength: 20 }), part: f.char({ maxLength: 20, null: true }) }),
})
const { Pair } = models

const rows: [string, string, string | null][] = [
  ['pct', 'abc', '%'],
  ['pct+', 'a%c', '%'],
  ['und', 'abc', 'a_c'],
  ['und+', 'xa_cx', 'a_c'],
  ['bsl', 'abc', 'b\\c'],
  ['bsl+', 'ab\\c', 'b\\c'],
  ['star', 'abc', '*'],
  ['sta+', 'a*c', '*'],
  ['brk', 'abc', '[ab]c'],
  ['brk+', 'x[ab]c', '[ab]c'],
  ['case', 'ABC', 'b'],
  ['null', 'abc', null],
]

describeEachBackend('Pattern lookups against expressions', models, (ctx) => {
  const tags = async (cond: Record<string, unknown>) =>
    ctx().db.run(pipe(Pair.objects, filter(cond as never), orderBy('tag'), valuesList('tag', { flat: true }), toArray))

  it('contains F(): the other column matched literally', async () => {
    const { db } = ctx()
    await db.run(bulkCreate(Pair, rows.map(([tag, whole, part]) => ({ tag, whole, part }))))
    expect(await tags({ whole__contains: F('part') })).toEqual(['brk+', 'bsl+', 'pct+', 'sta+', 'und+'])
  })

  it('icontains, startswith, endswith, iexact against F() and a function of a column', async () => {
    expect(await tags({ whole__icontains: F('part') })).toEqual(['brk+', 'bsl+', 'case', 'pct+', 'sta+', 'und+'])
    expect(await tags({ whole__startswith: F('part') })).toEqual([])
    expect(await tags({ whole__endswith: F('part') })).toEqual(['brk+', 'bsl+'])
    expect(await tags({ part__startswith: F('part'), whole__istartswith: Lower('part') })).toEqual([])
    expect(await tags({ whole__iexact: F('whole') })).toEqual(rows.map((r) => r[0]).sort())
    expect(await tags({ whole__iendswith: Lower(F('part')) })).toEqual(['brk+', 'bsl+'])
  })
})
