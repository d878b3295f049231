// Reading the text datetimes SQLite and MySQL hand back (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC) as Dates.

/** The number in `s` at [from, from + n) when all n characters are digits, else -1. */
export const digitsAt = (s: string, from: number, n: number): number => {
  let v = 0
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

const DT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?/
/** A stored datetime text read as UTC; microseconds past the millisecond are dropped (a Date holds ms). */
export const parseDateTime = (s: string): Date => {
  // The stored shape, `YYYY-MM-DD HH:MM:SS[.ffffff]`, read digit by digit (a regex costs several
  // times as much, once per value read); any other text goes through the pattern.
  if (s.length >= 19 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && (s.charCodeAt(10) === 32 || s.charCodeAt(10) === 84) && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58) {
    const y = digitsAt(s, 0, 4)
    const mo = digitsAt(s, 5, 2)
    const d = digitsAt(s, 8, 2)
    const h = digitsAt(s, 11, 2)
    const mi = digitsAt(s, 14, 2)
    const se = digitsAt(s, 17, 2)
    if ((y | mo | d | h | mi | se) >= 0) {
      let ms = 0
      if (s.charCodeAt(19) === 46) {
        for (let i = 20, scale = 100; i < 23 && i < s.length; i++, scale /= 10) {
          const c = s.charCodeAt(i) - 48
          if (c < 0 || c > 9) break
          ms += c * scale
        }
      }
      return new Date(Date.UTC(y, mo - 1, d, h, mi, se, ms))
    }
  }
  const m = DT_RE.exec(s)
  if (!m) return new Date(s)
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(6, '0')) / 1000) : 0
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms))
}
