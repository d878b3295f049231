// User-registered lookups and transforms, after Django's tests/custom_lookups: the registries are
// values, a registered name works in filter and exclude on every backend, is offered among the
// choices of an error, and only applies to the field categories it names.
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { count, type Effect, type FieldError, lookupRegistry, orderBy, registerLookup, registerTransform, toArray, valuesList } from '@fjord/core'
import { describeEachBackend, truncate } from '../helpers.js'
import { Article, lookupModels, looseExclude, looseFilter, seedArticles } from './fixtures-query.js'

// `below` is `lt` under another name, for numbers only; `yr` is the year transform under another name.
registerLookup({ name: 'below', categories: ['number'], rhs: { kind: 'value' }, sql: lookupRegistry.get('lt')!.sql })
registerTransform({ name: 'yr', categories: ['date', 'datetime'], output: { category: 'number', type: 'integer' }, kind: { part: 'year' } })

describeEachBackend('lookups: custom', lookupModels, (ctx) => {
  beforeAll(async () => {
    await truncate(ctx().db, [...lookupModels])
    await seedArticles(ctx().db)
  })
  const run = <A>(e: Effect<A>) => ctx().db.run(e)

  it('a registered lookup works in filter and exclude', async () => {
    expect(await run(pipe(Article.objects, looseFilter({ views__below: 30 }), orderBy('views'), valuesList('views', { flat: true }), toArray))).toEqual([10, 20])
    // exclude keeps the NULL ratings, as for any built-in lookup.
    expect(await run(pipe(Article.objects, looseExclude({ rating__below: 5 }), count))).toBe(5)
  })

  it('a registered transform chains with any lookup', async () => {
    expect(await run(pipe(Article.objects, looseFilter({ pubDate__yr: 2005 }), count))).toBe(7)
    expect(await run(pipe(Article.objects, looseFilter({ pubDate__yr__gt: 2005 }), count))).toBe(0)
    expect(await run(pipe(Article.objects, looseFilter({ pubDate__yr__below: 2006 }), count))).toBe(7)
  })

  it('a registered lookup applies only to its categories, and is offered in errors', async () => {
    const onText = await pipe(Article.objects, looseFilter({ headline__below: 'x' }), toArray)(ctx().db)()
    expect(onText._tag).toBe('Left')
    if (onText._tag === 'Left') expect((onText.left as FieldError).details.choices).not.toContain('below')
    const typo = await pipe(Article.objects, looseFilter({ views__belw: 1 }), toArray)(ctx().db)()
    expect(typo._tag).toBe('Left')
    if (typo._tag === 'Left') {
      expect((typo.left as FieldError).details.choices).toContain('below')
      expect(typo.left.message).toContain("Did you mean 'below'?")
    }
  })
})
