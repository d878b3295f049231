// Values between Fjord's TypeScript types and what oracledb binds and fetches.
//
// Datetimes are stored as UTC wall-clock TIMESTAMPs. They are bound as text in the session's
// NLS_TIMESTAMP_FORMAT (set on every connection, see session.ts), which no time zone can shift.
// oracledb fetches a TIMESTAMP or DATE as a Date built from the stored components in the
// process's local zone, so reading them back with the local getters gives the stored wall clock.
import oracledb from 'oracledb'

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** Where Oracle's TIMESTAMP-typed time fields put their date, as Django does. */
export const TIME_BASE_DATE = '1900-01-01'

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC: the text form a TIMESTAMP is bound in. */
export const formatTimestamp = (d: Date): string =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`

/** A time of day (`HH:MM[:SS[.ffffff]]`) as the TIMESTAMP text a time column stores. */
export const formatTime = (t: string): string => {
  const [hm, frac] = t.split('.')
  const parts = hm.split(':')
  while (parts.length < 3) parts.push('00')
  return `${TIME_BASE_DATE} ${parts.map((p) => pad(Number(p))).join(':')}${frac ? `.${frac.padEnd(6, '0').slice(0, 6)}` : ''}`
}

/** The UTC instant whose wall clock oracledb put in a Date's local components. */
export const utcFromWallClock = (d: Date): Date => {
  const out = new Date(0)
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as they are.
  out.setUTCFullYear(d.getFullYear(), d.getMonth(), d.getDate())
  out.setUTCHours(d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds())
  return out
}

/** The `YYYY-MM-DD` a fetched DATE holds. */
export const dateFromWallClock = (d: Date): string => `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** The `HH:MM:SS[.ffffff]` a fetched time column holds. */
export const timeFromWallClock = (d: Date): string => {
  const ms = d.getMilliseconds()
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${ms ? `.${pad(ms, 3)}000` : ''}`
}

/** Milliseconds as an INTERVAL DAY TO SECOND (every component carries the sign). */
export const toInterval = (ms: number): oracledb.IntervalDS => {
  const sign = ms < 0 ? -1 : 1
  let micros = Math.round(Math.abs(ms) * 1000)
  const days = Math.floor(micros / 86_400_000_000)
  micros -= days * 86_400_000_000
  const hours = Math.floor(micros / 3_600_000_000)
  micros -= hours * 3_600_000_000
  const minutes = Math.floor(micros / 60_000_000)
  micros -= minutes * 60_000_000
  const seconds = Math.floor(micros / 1_000_000)
  micros -= seconds * 1_000_000
  // `0 * -1` is -0, which oracledb's integer checks accept, but keep the values plain.
  const s = (n: number) => (n === 0 ? 0 : sign * n)
  return Object.assign(new oracledb.IntervalDS(), { days: s(days), hours: s(hours), minutes: s(minutes), seconds: s(seconds), fseconds: s(micros * 1000) })
}

/** An INTERVAL DAY TO SECOND as milliseconds. */
export const fromInterval = (v: { days?: number; hours?: number; minutes?: number; seconds?: number; fseconds?: number }): number =>
  (v.days ?? 0) * 86_400_000 + (v.hours ?? 0) * 3_600_000 + (v.minutes ?? 0) * 60_000 + (v.seconds ?? 0) * 1000 + (v.fseconds ?? 0) / 1_000_000

/** A number's text (`.5`, `-12.3`, `7`) padded to `places` decimals, as a decimal field reads. */
export const decimalText = (v: unknown, places: number | undefined): string => {
  const text = typeof v === 'string' ? v : String(v)
  if (places === undefined || !/^-?\d*\.?\d*$/.test(text)) return text
  const negative = text.startsWith('-')
  const [whole = '', frac = ''] = text.replace(/^-/, '').split('.')
  const w = whole.replace(/^0+(?=\d)/, '') || '0'
  const out = places > 0 ? `${w}.${frac.padEnd(places, '0').slice(0, places)}` : w
  return negative && /[1-9]/.test(out) ? `-${out}` : out
}

/**
 * An integer read from NUMBER (a JS number, or text when the column is wider than a double).
 * Past 2^53 it is an error, not a silent rounding; a fraction (Oracle's `/` does not truncate) passes.
 */
export const integerValue = (v: unknown): number => {
  const n = typeof v === 'number' ? v : Number(v)
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) throw new RangeError(`Integer ${String(v)} is outside JavaScript's safe range; use a bigInteger field.`)
  return n
}
