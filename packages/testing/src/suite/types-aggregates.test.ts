// Type-level: aggregates in annotate(), alias() and aggregate() typed from the model they are
// applied to, across forward foreign keys, reverse foreign keys and many-to-manys (both ways).
// Checked by tsc; the runtime bodies build values only.
import { aggregate, Avg, Count, Max, Min, StdDev, Sum } from '@fjord/aggregate'
import { alias, annotate, type Effect, filter, orderBy, type ResultOf, toArray, values } from '@fjord/core'
import { pipe } from 'fp-ts/function'
import { describe, expectTypeOf, it } from 'vitest'
import { Author, Book, Publisher, Store } from './fixtures-aggregation.js'

type Out<E> = E extends Effect<infer A> ? A : never

describe('aggregate annotations across relations', () => {
  it('over local fields', () => {
    const q = pipe(Store.objects, annotate({ opened: Min('originalOpening'), closes: Max('fridayNightClosing'), n: Count('name') }))
    type R = ResultOf<typeof q>
    expectTypeOf<R['opened']>().toEqualTypeOf<Date | null>()
    expectTypeOf<R['closes']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['n']>().toEqualTypeOf<number>()
  })

  it('over a forward foreign key', () => {
    const q = pipe(
      Book.objects,
      annotate({
        awards: Sum('publisher__numAwards'),
        span: Sum('publisher__duration'),
        oldest: Max('contact__age'),
        firstName: Min('publisher__name'),
        meanAge: Avg('contact__age', { default: 0 }),
      }),
    )
    type R = ResultOf<typeof q>
    expectTypeOf<R['awards']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['span']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['oldest']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['firstName']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['meanAge']>().toEqualTypeOf<number>()
    const positional = pipe(Book.objects, annotate(Sum('publisher__numAwards')))
    expectTypeOf<ResultOf<typeof positional>['publisher__numAwards__sum']>().toEqualTypeOf<number | null>()
  })

  it('over a reverse foreign key', () => {
    const q = pipe(
      Publisher.objects,
      annotate({
        last: Max('book__pubdate'),
        total: Sum('book__price'),
        prizes: Sum('award__prize', { default: '0' }),
        books: Count('book'),
        good: Count('book', { filter: { book__rating__gte: 4.5 } }),
        ratings: Count('book__rating', { distinct: true }),
        avgRating: Avg('book__rating'),
        spread: StdDev('book__pages', { sample: true }),
      }),
    )
    type R = ResultOf<typeof q>
    expectTypeOf<R['last']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['total']>().toEqualTypeOf<string | null>()
    expectTypeOf<R['prizes']>().toEqualTypeOf<string>()
    expectTypeOf<R['books']>().toEqualTypeOf<number>()
    expectTypeOf<R['good']>().toEqualTypeOf<number>()
    expectTypeOf<R['ratings']>().toEqualTypeOf<number>()
    expectTypeOf<R['avgRating']>().toEqualTypeOf<number | null>()
    expectTypeOf<R['spread']>().toEqualTypeOf<number | null>()
    const contact = pipe(Author.objects, annotate({ n: Count('bookContactSet'), top: Max('bookContactSet__price') }))
    expectTypeOf<ResultOf<typeof contact>['n']>().toEqualTypeOf<number>()
    expectTypeOf<ResultOf<typeof contact>['top']>().toEqualTypeOf<string | null>()
  })

  it('over a many-to-many, forwards and backwards, and across several relations', () => {
    const books = pipe(Book.objects, annotate({ meanAge: Avg('authors__age'), youngest: Min('authors__age'), authors: Count('authors') }))
    type B = ResultOf<typeof books>
    expectTypeOf<B['meanAge']>().toEqualTypeOf<number | null>()
    expectTypeOf<B['youngest']>().toEqualTypeOf<number | null>()
    expectTypeOf<B['authors']>().toEqualTypeOf<number>()
    const authors = pipe(Author.objects, annotate({ latest: Max('book__pubdate'), friendsAge: Sum('friends__age'), pages: Sum('book__pages', { default: 0 }) }))
    type A = ResultOf<typeof authors>
    expectTypeOf<A['latest']>().toEqualTypeOf<string | null>()
    expectTypeOf<A['friendsAge']>().toEqualTypeOf<number | null>()
    expectTypeOf<A['pages']>().toEqualTypeOf<number>()
    const stores = pipe(Store.objects, annotate(Max('books__authors__age'), { cheapest: Min('books__price'), awards: Min('books__publisher__numAwards') }))
    type S = ResultOf<typeof stores>
    expectTypeOf<S['books__authors__age__max']>().toEqualTypeOf<number | null>()
    expectTypeOf<S['cheapest']>().toEqualTypeOf<string | null>()
    expectTypeOf<S['awards']>().toEqualTypeOf<number | null>()
    const back = pipe(Author.objects, annotate({ awards: Min('book__publisher__numAwards'), opened: Max('book__store__originalOpening') }))
    expectTypeOf<ResultOf<typeof back>['awards']>().toEqualTypeOf<number | null>()
    expectTypeOf<ResultOf<typeof back>['opened']>().toEqualTypeOf<Date | null>()
    // A transform at the end of a path across relations gives its own type.
    const years = pipe(Publisher.objects, annotate({ firstYear: Min('book__pubdate__year'), openedOn: Max('book__store__originalOpening__date') }))
    expectTypeOf<ResultOf<typeof years>['firstYear']>().toEqualTypeOf<number | null>()
    expectTypeOf<ResultOf<typeof years>['openedOn']>().toEqualTypeOf<string | null>()
  })

  it('the types reach values(), filter() and alias(); aggregate() follows relations too', () => {
    const q = pipe(Publisher.objects, annotate({ total: Sum('book__price'), last: Max('book__pubdate') }))
    expectTypeOf(pipe(q, filter({ total__gt: '50' }), orderBy('-total'), values('name', 'total', 'last'), toArray)).toEqualTypeOf<
      Effect<{ readonly name: string; readonly total: string | null; readonly last: string | null }[]>
    >()
    const aliased = pipe(Publisher.objects, alias({ n: Count('book') }), filter({ n__gt: 1 }), values('name', 'n'), toArray)
    expectTypeOf(aliased).toEqualTypeOf<Effect<{ readonly name: string; readonly n: number }[]>>()
    const e = pipe(Publisher.objects, aggregate({ pages: Sum('book__pages'), last: Max('book__pubdate'), prizes: Sum('award__prize') }))
    expectTypeOf<Out<typeof e>>().toEqualTypeOf<{ readonly pages: number | null; readonly last: string | null; readonly prizes: string | null }>()
  })

  it('a path that names nothing is refused where the aggregate is applied', () => {
    // @ts-expect-error no field agee on Author
    pipe(Book.objects, annotate({ meanAge: Avg('authors__agee') }))
    // @ts-expect-error Publisher has no relation named books (its reverse name is book)
    pipe(Publisher.objects, annotate({ n: Count('books') }))
    // @ts-expect-error no field nope on Book
    pipe(Publisher.objects, annotate(Max('book__nope')))
    // @ts-expect-error unknown relation in alias
    pipe(Author.objects, alias({ n: Count('store') }))
    // @ts-expect-error a lookup at the end of the path is not a value
    pipe(Publisher.objects, annotate({ n: Count('book__rating__gte') }))
    // @ts-expect-error no such transform
    pipe(Publisher.objects, annotate({ n: Max('book__pubdate__yr') }))
  })
})
