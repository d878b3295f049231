// Text functions SQLite lacks, registered on the connection as Django registers them from Python:
// padding, repetition, reversal and hashes. Lengths count characters (code points), not UTF-16
// units; NULL in any argument gives NULL.
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'

const text = (v: unknown): string => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : String(v))
const count = (v: unknown): number => Math.trunc(Number(v))

/** `fill` repeated to `n` code points (empty when there is nothing to repeat). */
const fillTo = (fill: string[], n: number): string[] => {
  if (n <= 0 || fill.length === 0) return []
  const out: string[] = []
  while (out.length < n) out.push(...fill)
  return out.slice(0, n)
}

export const lpad = (value: unknown, length: unknown, fill: unknown): string | null => {
  if (value === null || length === null || fill === null) return null
  const chars = Array.from(text(value))
  const n = Math.max(count(length), 0)
  if (chars.length >= n) return chars.slice(0, n).join('')
  return fillTo(Array.from(text(fill)), n - chars.length).join('') + chars.join('')
}

export const rpad = (value: unknown, length: unknown, fill: unknown): string | null => {
  if (value === null || length === null || fill === null) return null
  const chars = Array.from(text(value))
  const n = Math.max(count(length), 0)
  if (chars.length >= n) return chars.slice(0, n).join('')
  return chars.join('') + fillTo(Array.from(text(fill)), n - chars.length).join('')
}

export const repeat = (value: unknown, times: unknown): string | null => {
  if (value === null || times === null) return null
  const n = count(times)
  return n > 0 ? text(value).repeat(n) : ''
}

export const reverse = (value: unknown): string | null => (value === null ? null : Array.from(text(value)).reverse().join(''))

const hash = (algorithm: string) => (value: unknown): string | null =>
  value === null ? null : createHash(algorithm).update(text(value), 'utf8').digest('hex')

/** Register `fjord_lpad`, `fjord_rpad`, `fjord_repeat`, `fjord_reverse`, `fjord_md5`, `fjord_sha1` and `fjord_sha256`. */
export const registerTextFunctions = (database: Database.Database): void => {
  const define = (name: string, fn: (...args: unknown[]) => unknown) => database.function(name, { deterministic: true }, fn)
  define('fjord_lpad', (v, n, f) => lpad(v, n, f))
  define('fjord_rpad', (v, n, f) => rpad(v, n, f))
  define('fjord_repeat', (v, n) => repeat(v, n))
  define('fjord_reverse', (v) => reverse(v))
  define('fjord_md5', hash('md5'))
  define('fjord_sha1', hash('sha1'))
  define('fjord_sha256', hash('sha256'))
}
