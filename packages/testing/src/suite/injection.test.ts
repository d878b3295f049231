// Properties over hostile strings: every string lookup sends the same statement text whatever the
// value (values travel as parameters, never spliced), and matches literally — quotes, backslashes,
// LIKE and GLOB wildcards, regex metacharacters, comment markers and SQL fragments included.
import { bulkCreate, filter, type Lookup, type QuerySet, toArray, toSql, valuesList } from '@fjord/core'
import fc from 'fast-check'
import { pipe } from 'fp-ts/function'
import { expect, it } from 'vitest'
import { describeEachBackend, truncate } from '../helpers.js'
import { injectionModels } from './fixtures-write.js'

const { Phrase } = injectionModels
type PhraseLookup = Lookup<typeof Phrase>

/** Pieces that break naive quoting, LIKE/GLOB patterns, regexes or comments; no NUL. */
const hostilePieces = [
  "'", "''", '"', '\\', '\\\\', '%', '_', '*', '?', '[', ']', '[!a]', '^', '$', '.', '(', ')', '{', '}', '|', '+',
  '-', '--', '/*', '*/', ';', '#', '`', '~', "'; DROP TABLE phrase; --", "' OR '1'='1", '" OR ""="', '$1', ':1', '@p0',
  '%%', '\\%', '\\_', ' ', '\t', '\n', '\r\n', '日本', '🙂', '€', '→', 'x',
]
const asciiLetters = 'aAbBqQzZ09'.split('')
/** Letters whose upper case differs between backends (SQLite folds ASCII only): case-sensitive lookups only. */
const unicodeLetters = ['é', 'É', 'ß', 'ÿ', 'Ω', 'ω', 'ǅ']

const stringOf = (pieces: readonly string[]) =>
  fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''))
const hostile = stringOf([...hostilePieces, ...asciiLetters, ...unicodeLetters])
const hostileCaseless = stringOf([...hostilePieces, ...asciiLetters])

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())
const swapAsciiCase = (s: string) => s.replace(/[a-zA-Z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
const regexLiteral = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Rows around `s`: itself, inside others, with its case swapped, and near misses a wildcard would match. */
const rowsAround = (s: string): string[] =>
  [
    s,
    `head${s}`,
    `${s}tail`,
    `<${s}>`,
    swapAsciiCase(s),
    `Z${swapAsciiCase(s)}z`,
    s.replace(/[%_*?]/g, 'Q'),
    s.replace(/\\/g, '/'),
    s.replace(/'/g, '"'),
    // By code points: slicing UTF-16 units could leave a lone surrogate, which is no text at all.
    [...s].slice(1).join(''),
    [...s].slice(0, -1).join(''),
    `${s}~`,
    'plain',
  ].filter((r) => r.length > 0)

interface Case {
  readonly name: string
  readonly lookup: (s: string) => PhraseLookup
  readonly matches: (row: string, s: string) => boolean
}

const caseSensitive: readonly Case[] = [
  { name: 'exact', lookup: (s) => ({ body: s }), matches: (r, s) => r === s },
  { name: 'contains', lookup: (s) => ({ body__contains: s }), matches: (r, s) => r.includes(s) },
  { name: 'startswith', lookup: (s) => ({ body__startswith: s }), matches: (r, s) => r.startsWith(s) },
  { name: 'endswith', lookup: (s) => ({ body__endswith: s }), matches: (r, s) => r.endsWith(s) },
  { name: 'in', lookup: (s) => ({ body__in: [s, `${s}~`] }), matches: (r, s) => r === s || r === `${s}~` },
  { name: 'regex', lookup: (s) => ({ body__regex: regexLiteral(s) }), matches: (r, s) => r.includes(s) },
]
const caseInsensitive: readonly Case[] = [
  { name: 'iexact', lookup: (s) => ({ body__iexact: s }), matches: (r, s) => asciiLower(r) === asciiLower(s) },
  { name: 'icontains', lookup: (s) => ({ body__icontains: s }), matches: (r, s) => asciiLower(r).includes(asciiLower(s)) },
  { name: 'istartswith', lookup: (s) => ({ body__istartswith: s }), matches: (r, s) => asciiLower(r).startsWith(asciiLower(s)) },
  { name: 'iendswith', lookup: (s) => ({ body__iendswith: s }), matches: (r, s) => asciiLower(r).endsWith(asciiLower(s)) },
]

const RUNS = 60
const sorted = (xs: readonly string[]) => [...xs].sort()
const bodies = (qs: QuerySet<typeof Phrase, unknown>) => pipe(qs as typeof Phrase.objects, valuesList('body', { flat: true }), toArray)

describeEachBackend('injection-safe lookups', injectionModels, (ctx) => {
  const baseline = (c: Case) => toSql(pipe(Phrase.objects, filter(c.lookup('abc'))))(ctx().db).sql

  /** For each generated value: same SQL text as for a benign value, and the rows JavaScript expects. */
  const check = (cases: readonly Case[], values: fc.Arbitrary<string>) =>
    fc.assert(
      fc.asyncProperty(values, async (s) => {
        const { db } = ctx()
        await truncate(db, [Phrase])
        const rows = rowsAround(s)
        await db.run(bulkCreate(Phrase, rows.map((body) => ({ body }))))
        for (const c of cases) {
          const qs = pipe(Phrase.objects, filter(c.lookup(s)))
          const compiled = toSql(qs)(db)
          expect(compiled.sql, `${c.name} SQL for ${JSON.stringify(s)}`).toBe(baseline(c))
          const got = sorted(await db.run(bodies(qs)))
          const want = sorted(rows.filter((r) => c.matches(r, s)))
          expect(got, `${c.name} ${JSON.stringify(s)}`).toEqual(want)
        }
      }),
      { numRuns: RUNS },
    )

  it(`case-sensitive lookups match literally (${caseSensitive.map((c) => c.name).join(', ')})`, () => check(caseSensitive, hostile))

  it(`case-insensitive lookups match literally, folding ASCII case (${caseInsensitive.map((c) => c.name).join(', ')})`, () =>
    check(caseInsensitive, hostileCaseless))

  it('a value is never part of the statement text', async () => {
    const { db } = ctx()
    const s = "'; DROP TABLE phrase; -- /* \\' %_ */"
    for (const c of [...caseSensitive, ...caseInsensitive]) {
      const { sql, parameters } = toSql(pipe(Phrase.objects, filter(c.lookup(s))))(db)
      expect(sql, c.name).not.toContain('DROP TABLE')
      expect(parameters.some((p) => typeof p === 'string' && p.includes('DROP TABLE')), c.name).toBe(true)
    }
    await truncate(db, [Phrase])
    await db.run(bulkCreate(Phrase, [{ body: s }]))
    expect(await db.run(bodies(pipe(Phrase.objects, filter({ body: s }))))).toEqual([s])
  })
})
