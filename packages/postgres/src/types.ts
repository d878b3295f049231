// How values cross the wire: the text parsers Fjord uses for its own queries (passed per query, so
// pg's global parsers stay as the application set them) and the interval format for durations.
import { digitsAt } from '@fjord/core'
import pg from 'pg'

type Parser = (value: string) => unknown

const identity: Parser = (v) => v

const TS_RE = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/

/**
 * The usual shape, `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]]`, read digit by digit as TS_RE would
 * read it (the pattern costs several times as much, once per value read); undefined for any other text.
 */
const readTimestamp = (s: string): Date | undefined => {
  if (s.length < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return undefined
  }
  const y = digitsAt(s, 0, 4)
  const mo = digitsAt(s, 5, 2)
  const day = digitsAt(s, 8, 2)
  const h = digitsAt(s, 11, 2)
  const mi = digitsAt(s, 14, 2)
  const se = digitsAt(s, 17, 2)
  if ((y | mo | day | h | mi | se) < 0) return undefined
  let i = 19
  let ms = 0
  if (s.charCodeAt(i) === 46) {
    const start = ++i
    while (i < s.length && i - start < 7 && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++
    const n = i - start
    if (n === 0 || n > 6) return undefined
    for (let k = 0, scale = 100; k < 3 && k < n; k++, scale /= 10) ms += (s.charCodeAt(start + k) - 48) * scale
  }
  let offset = 0
  const sign = s.charCodeAt(i)
  if (sign === 43 || sign === 45) {
    const parts = [0, 0, 0]
    i++
    // The hours are required; minutes and seconds may follow, each after an optional colon.
    for (let p = 0; p < 3 && (p === 0 || i < s.length); p++) {
      if (p > 0 && s.charCodeAt(i) === 58) i++
      const v = digitsAt(s, i, 2)
      if (v < 0) return undefined
      parts[p] = v
      i += 2
    }
    offset = (parts[0] * 3600 + parts[1] * 60 + parts[2]) * 1000
    if (sign === 45) offset = -offset
  }
  if (i !== s.length) return undefined
  const d = new Date(Date.UTC(2000, mo - 1, day, h, mi, se, ms))
  d.setUTCFullYear(y)
  if (offset !== 0) d.setTime(d.getTime() - offset)
  return d
}

/**
 * A timestamp's text (DateStyle ISO) as a Date. With an offset (timestamptz) it is exact; without one
 * (`timestamp`) it is read as UTC, where pg would read it in the process's local zone.
 */
export const parseTimestamp = (s: string): Date | string => {
  const fast = readTimestamp(s)
  if (fast !== undefined) return fast
  const m = TS_RE.exec(s)
  if (!m) return s === 'infinity' || s === '-infinity' ? s : new Date(s)
  const year = m[12] ? 1 - Number(m[1]) : Number(m[1])
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(6, '0')) / 1000) : 0
  const d = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms))
  d.setUTCFullYear(year)
  if (m[8]) {
    const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000
    d.setTime(d.getTime() - (m[8] === '-' ? -offset : offset))
  }
  return d
}

const builtinBytea = pg.types.getTypeParser(17, 'text') as Parser
/** bytea in the hex format (the default since 9.0); the legacy escape format goes to pg's parser. */
const parseBytea: Parser = (v) => (v.startsWith('\\x') ? Buffer.from(v.slice(2), 'hex') : builtinBytea(v))

const DAY_MS = 86_400_000
const UNIT_MS: Record<string, number> = {
  year: 365 * DAY_MS,
  mon: 30 * DAY_MS,
  day: DAY_MS,
}

/**
 * An interval's text (IntervalStyle `postgres`, the default, or `iso_8601`) as milliseconds.
 * Months count 30 days and years 365, as Python's driver does for Django.
 */
export const parseInterval = (s: string): number => {
  if (s.startsWith('P') || s.startsWith('-P')) return parseIsoInterval(s)
  let ms = 0
  const re = /([+-]?\d+) (year|mon|day)s?/g
  for (let m = re.exec(s); m; m = re.exec(s)) ms += Number(m[1]) * UNIT_MS[m[2]]
  const t = /([+-])?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/.exec(s)
  if (t) {
    const micros = t[5] ? Number(t[5].padEnd(6, '0')) : 0
    const part = Number(t[2]) * 3_600_000 + Number(t[3]) * 60_000 + Number(t[4]) * 1000 + micros / 1000
    ms += t[1] === '-' ? -part : part
  }
  return ms
}

const ISO_UNITS: Record<string, number> = { Y: 365 * DAY_MS, M: 30 * DAY_MS, W: 7 * DAY_MS, D: DAY_MS, H: 3_600_000, m: 60_000, S: 1000 }

const parseIsoInterval = (s: string): number => {
  const neg = s.startsWith('-')
  const [date, time = ''] = s.slice(neg ? 2 : 1).split('T')
  let ms = 0
  const re = /(-?\d+(?:\.\d+)?)([A-Z])/g
  for (let m = re.exec(date); m; m = re.exec(date)) ms += Number(m[1]) * (ISO_UNITS[m[2]] ?? 0)
  for (let m = re.exec(time); m; m = re.exec(time)) ms += Number(m[1]) * (ISO_UNITS[m[2] === 'M' ? 'm' : m[2]] ?? 0)
  return neg ? -ms : ms
}

/** Milliseconds as interval input: whole microseconds, which is what an interval holds. */
export const formatDuration = (ms: number): string => `${Math.round(ms * 1000)} microseconds`

const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const

// Parsers for the types Fjord reads, fixed here so that an application's global settings can't change
// what a row hydrates to. Everything else falls back to pg's (global) parser.
const parsers = new Map<number, Parser>([
  [OID.bool, (v) => v === 't' || v === 'true'],
  [OID.bytea, parseBytea],
  // int8 and numeric stay text: the field's converter decides between number, bigint and string.
  [OID.int8, identity],
  [OID.numeric, identity],
  [OID.int2, (v) => Number.parseInt(v, 10)],
  [OID.int4, (v) => Number.parseInt(v, 10)],
  [OID.float4, Number.parseFloat],
  [OID.float8, Number.parseFloat],
  [OID.json, JSON.parse],
  [OID.jsonb, JSON.parse],
  [OID.date, identity],
  [OID.time, identity],
  [OID.timetz, identity],
  [OID.timestamp, parseTimestamp],
  [OID.timestamptz, parseTimestamp],
  [OID.interval, parseInterval],
  [OID.uuid, identity],
])

/** The type parsers Fjord passes with each of its queries. */
export const fjordTypes = {
  getTypeParser(oid: number, format?: string): Parser {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary') as Parser
    return parsers.get(oid) ?? (pg.types.getTypeParser(oid, 'text') as Parser)
  },
}
