// Mistakes in a QuerySet, after Django's tests/lookup (test_error_messages, test_nonfield_lookups)
// and tests/queries: an unknown field or lookup is a FieldError naming the model, the bad part and
// the choices (with "Did you mean"); a value of the wrong type is a ValidationError naming the field.
// Each is a Left found before any statement is sent; building the QuerySet never throws.
import { pipe } from 'fp-ts/function'
import { beforeAll, expect, it } from 'vitest'
import { annotate, count, type Effect, exclude, F, FieldError, filter, orderBy, type OrmError, Q, toArray, ValidationError } from '@fjord/core'
import { countQueries, describeEachBackend, truncate } from '../helpers.js'
import { Article, lookupModels, looseExclude, looseFilter, looseOrderBy, looseValues, seedArticles } from './fixtures-query.js'

describeEachBackend('errors in querysets', lookupModels, (ctx) => {
  beforeAll(async () => {
    await truncate(ctx().db, [...lookupModels])
    await seedArticles(ctx().db)
  })

  /** Run an effect that must fail before reaching the database; returns its error. */
  const failsEarly = async <A>(e: Effect<A>): Promise<OrmError> => {
    const db = ctx().db
    let err: OrmError | undefined
    const n = await countQueries(db, async () => {
      const either = await e(db)()
      if (either._tag === 'Right') throw new Error(`expected a Left, got ${JSON.stringify(either.right)}`)
      err = either.left
    })
    expect(n).toBe(0)
    return err as OrmError
  }

  it('building a QuerySet with a mistake never throws; running it gives a Left', async () => {
    expect(() => pipe(Article.objects, looseFilter({ nope: 1 }), looseOrderBy('-nope'), looseValues('nope'))).not.toThrow()
    const e = await failsEarly(toArray(pipe(Article.objects, looseFilter({ nope: 1 }))))
    expect(e).toBeInstanceOf(FieldError)
  })

  it('unknown field in filter: model, bad part, choices and a suggestion', async () => {
    const e = await failsEarly(toArray(pipe(Article.objects, looseFilter({ headlin: 'x' }))))
    expect(e._tag).toBe('FieldError')
    expect(e.message).toContain("Cannot resolve keyword 'headlin'")
    expect(e.message).toContain('Article')
    expect(e.message).toMatch(/Choices are: .*headline.*pubDate/)
    expect(e.message).toContain("Did you mean 'headline'?")
    const details = (e as FieldError).details
    expect(details.model).toBe('Article')
    expect(details.part).toBe('headlin')
    expect(details.choices).toEqual(expect.arrayContaining(['id', 'headline', 'pubDate', 'author', 'views', 'rating', 'pk']))
  })

  it('no suggestion when nothing is close', async () => {
    const e = await failsEarly(count(pipe(Article.objects, looseFilter({ zzzzzzzzzz: 1 }))))
    expect(e.message).toContain("Cannot resolve keyword 'zzzzzzzzzz'")
    expect(e.message).not.toContain('Did you mean')
  })

  it('unknown field in exclude, orderBy and values', async () => {
    const ex = await failsEarly(toArray(pipe(Article.objects, looseExclude({ viewz: 1 }))))
    expect(ex.message).toContain("Did you mean 'views'?")
    const ob = await failsEarly(toArray(pipe(Article.objects, looseOrderBy('-ratin'))))
    expect(ob._tag).toBe('FieldError')
    expect(ob.message).toContain("'ratin'")
    expect(ob.message).toContain("Did you mean 'rating'?")
    const va = await failsEarly(toArray(pipe(Article.objects, looseValues('headline', 'pubdate'))))
    expect(va.message).toContain("'pubdate'")
    expect(va.message).toContain("Did you mean 'pubDate'?")
  })

  it('an unknown field across a relation names the related model', async () => {
    const e = await failsEarly(toArray(pipe(Article.objects, filter(Q({ author__nmae: 'x' })))))
    expect((e as FieldError).details.model).toBe('Author')
    expect((e as FieldError).details.part).toBe('nmae')
    expect(e.message).toContain("Did you mean 'name'?")
    expect(e.message).toMatch(/Choices are: .*article/)
  })

  it('an unknown lookup, or one the field type does not have', async () => {
    const e = await failsEarly(toArray(pipe(Article.objects, looseFilter({ headline__startswit: 'A' }))))
    expect(e._tag).toBe('FieldError')
    expect(e.message).toContain("Unsupported lookup 'startswit'")
    expect(e.message).toContain('Article.headline')
    expect(e.message).toContain("Did you mean 'startswith'?")
    expect((e as FieldError).details.choices).toEqual(expect.arrayContaining(['exact', 'iexact', 'contains', 'startswith', 'regex']))
    const onInt = await failsEarly(toArray(pipe(Article.objects, looseFilter({ views__icontains: '1' }))))
    expect(onInt.message).toContain("Unsupported lookup 'icontains'")
    expect((onInt as FieldError).details.choices).not.toContain('icontains')
    const yearOfText = await failsEarly(toArray(pipe(Article.objects, looseFilter({ headline__year: 2005 }))))
    expect(yearOfText.message).toContain("'year'")
    // A lookup in the middle of a path is not a transform.
    expect((await failsEarly(toArray(pipe(Article.objects, looseFilter({ views__gt__lt: 1 })))))._tag).toBe('FieldError')
    expect((await failsEarly(toArray(pipe(Article.objects, looseFilter({ pubDate__year__foo: 1 })))))._tag).toBe('FieldError')
  })

  it('an unknown field inside F, an annotation or a transform of F', async () => {
    expect((await failsEarly(toArray(pipe(Article.objects, filter({ views__gt: F('viewz') })))))._tag).toBe('FieldError')
    expect((await failsEarly(toArray(pipe(Article.objects, annotate({ x: F('nope') })))))._tag).toBe('FieldError')
    expect((await failsEarly(toArray(pipe(Article.objects, annotate({ x: F('pubDate__yeer') })))))._tag).toBe('FieldError')
    expect((await failsEarly(toArray(pipe(Article.objects, orderBy(F('nope').desc())))))._tag).toBe('FieldError')
  })

  it('a value of the wrong type is a ValidationError naming the field', async () => {
    const cases: Record<string, unknown>[] = [
      { views: 'many' },
      { views__gt: 1.5 },
      { views__in: [1, 'two'] },
      { views__range: [1, 'x'] },
      { pk: 'abc' },
      { pubDate: 'not a date' },
      { pubDate__gte: 12 },
      { headline: 42 },
      { headline__contains: 5 },
      { headline__regex: 5 },
    ]
    for (const c of cases) {
      const e = await failsEarly(toArray(pipe(Article.objects, looseFilter(c))))
      expect(e, JSON.stringify(c)).toBeInstanceOf(ValidationError)
      expect(e.message).toMatch(/Article\.(views|id|pubDate|headline)/)
    }
    const viaExclude = await failsEarly(toArray(pipe(Article.objects, looseExclude({ rating__lt: 'high' }))))
    expect(viaExclude.message).toContain('Article.rating')
  })

  it('an unsafe integer in a lookup is a ValidationError, never a rounded number', async () => {
    for (const c of [{ views: 2 ** 53 }, { views__in: [1, 2 ** 60] }, { pk: Number.MAX_SAFE_INTEGER + 2 }, { author: 2 ** 53 + 1 }]) {
      const e = await failsEarly(toArray(pipe(Article.objects, looseFilter(c))))
      expect(e._tag, JSON.stringify(c)).toBe('ValidationError')
      expect(e.message).toMatch(/safe integer/)
    }
  })

  it('malformed lookup values: isnull, in, range', async () => {
    expect((await failsEarly(toArray(pipe(Article.objects, looseFilter({ rating__isnull: 'yes' })))))._tag).toBe('FieldError')
    expect((await failsEarly(toArray(pipe(Article.objects, looseFilter({ views__in: 5 })))))._tag).toBe('FieldError')
    expect((await failsEarly(toArray(pipe(Article.objects, looseFilter({ views__range: [1] })))))._tag).toBe('FieldError')
    expect((await failsEarly(toArray(pipe(Article.objects, looseFilter({ views__gt: null })))))._tag).toBe('FieldError')
  })

  it('annotation aliases with quotes, semicolons, comments or whitespace are refused', async () => {
    for (const alias of ['a"b', "a'b", 'a`b', 'a;b', 'a--b', 'a/*b', 'a b', 'a\nb']) {
      const e = await failsEarly(toArray(pipe(Article.objects, annotate({ [alias]: F('views') }))))
      expect(e._tag).toBe('FieldError')
    }
    const e = await failsEarly(count(pipe(Article.objects, exclude({ views: 1 }), annotate({ 'x; DROP TABLE article': F('views') }))))
    expect(e.message).toContain('Column aliases cannot contain')
  })
})
