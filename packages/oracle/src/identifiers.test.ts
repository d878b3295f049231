import { describe, expect, test } from 'vitest'
import { fnv1a32, shortenIdentifier, upperIdentifier } from './identifiers.js'

describe('shortenIdentifier', () => {
  const long = 'blog_article_tags_relation_to_category_idx'

  test('leaves names that fit alone', () => {
    expect(shortenIdentifier('person_name_idx')).toBe('person_name_idx')
    expect(shortenIdentifier('x'.repeat(30))).toBe('x'.repeat(30))
  })

  test('truncates to the limit and appends a 4-hex-digit hash', () => {
    const short = shortenIdentifier(long)
    expect(short).toHaveLength(30)
    expect(short.startsWith(long.slice(0, 26))).toBe(true)
    expect(short.slice(26)).toMatch(/^[0-9a-f]{4}$/)
    expect(short.slice(26)).toBe(fnv1a32(long).toString(16).padStart(8, '0').slice(0, 4))
  })

  test('is deterministic and tells similar names apart', () => {
    expect(shortenIdentifier(long)).toBe(shortenIdentifier(long))
    const other = shortenIdentifier(`${long}_2`)
    expect(other).not.toBe(shortenIdentifier(long))
    expect(other.slice(0, 26)).toBe(shortenIdentifier(long).slice(0, 26))
  })

  test('honours the 128-byte limit of Oracle 12.2+', () => {
    expect(shortenIdentifier(long, 128)).toBe(long)
    expect(shortenIdentifier('y'.repeat(200), 128)).toHaveLength(128)
  })

  test('counts bytes, not characters, and never splits a character', () => {
    const short = shortenIdentifier('é'.repeat(20))
    expect(new TextEncoder().encode(short).length).toBeLessThanOrEqual(30)
    expect(short).toBe(`${'é'.repeat(13)}${short.slice(13)}`)
  })

  test('known FNV-1a vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5)
    expect(fnv1a32('a')).toBe(0xe40c292c)
  })
})

test('upperIdentifier folds like unquoted Oracle names', () => {
  expect(upperIdentifier('person_id')).toBe('PERSON_ID')
})
