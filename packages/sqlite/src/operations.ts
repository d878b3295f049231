// SQLite's vendor operations: date parts via strftime, booleans as 0/1, datetimes as UTC text,
// decimals as numbers (exact to SQLite's limits, as Django), regex through a registered function.
import { type FieldType, integerBooleanToDb, type Operations, type OutputType, parseDateTime, type Sql } from '@fjord/core'
import { sql } from 'kysely'

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC: fixed width, so text order is time order. */
export const formatDateTime = (d: Date): string =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`

export { parseDateTime }

const intPart = (fmt: string, lhs: Sql): Sql => sql`CAST(strftime(${sql.lit(fmt)}, ${lhs}) AS INTEGER)`

const isInteger = (t: string) =>
  t === 'integer' || t === 'smallInteger' || t === 'positiveInteger' || t === 'positiveSmallInteger' || t === 'auto' || t === 'bigAuto' || t === 'foreignKey' || t === 'oneToOne'

const decimalString = (v: unknown, places: number | undefined): string => {
  if (typeof v === 'string') return places === undefined ? v : Number(v).toFixed(places)
  const n = Number(v)
  return places === undefined ? String(n) : n.toFixed(places)
}

export const sqliteOperations: Operations = {
  // LIKE is case-insensitive in SQLite; the case-sensitive pattern lookups use GLOB, whose
  // wildcards in the value are escaped as one-character classes.
  lookups: {
    contains: (l, r) => sql`${l} GLOB ${r}`,
    startswith: (l, r) => sql`${l} GLOB ${r}`,
    endswith: (l, r) => sql`${l} GLOB ${r}`,
    regex: (l, r) => sql`${l} REGEXP ${r}`,
    iregex: (l, r) => sql`fjord_iregexp(${r}, ${l})`,
  },
  functions: {
    Greatest: (args) => sql`MAX(${sql.join(args)})`,
    Least: (args) => sql`MIN(${sql.join(args)})`,
    Concat: (args) => sql`(${sql.join(args.map((a) => sql`COALESCE(${a}, '')`), sql` || `)})`,
    // Registered on the connection (statistics.ts).
    StdDev: (args, o) => sql`${sql.raw(o.sample ? 'fjord_stddev_samp' : 'fjord_stddev_pop')}(${sql.join(args)})`,
    Variance: (args, o) => sql`${sql.raw(o.sample ? 'fjord_var_samp' : 'fjord_var_pop')}(${sql.join(args)})`,
    // No LEFT/RIGHT: SUBSTR counts from the end with a negative start.
    Left: ([x, n]) => sql`SUBSTR(${x}, 1, ${n})`,
    Right: ([x, n]) => sql`SUBSTR(${x}, -(${n}), ${n})`,
    Substr: (args) => sql`SUBSTR(${sql.join(args)})`,
    // Registered on the connection (text-functions.ts).
    LPad: (args) => sql`fjord_lpad(${sql.join(args)})`,
    RPad: (args) => sql`fjord_rpad(${sql.join(args)})`,
    Repeat: (args) => sql`fjord_repeat(${sql.join(args)})`,
    Reverse: (args) => sql`fjord_reverse(${args[0]})`,
    MD5: (args) => sql`fjord_md5(${args[0]})`,
    SHA1: (args) => sql`fjord_sha1(${args[0]})`,
    SHA256: (args) => sql`fjord_sha256(${args[0]})`,
    // CHAR(NULL) is U+0000 and UNICODE('') is NULL; elsewhere NULL and 0.
    Chr: ([x]) => sql`(CASE WHEN ${x} IS NOT NULL THEN CHAR(${x}) END)`,
    Ord: ([x]) => sql`(CASE WHEN ${x} = '' THEN 0 ELSE UNICODE(${x}) END)`,
    // ROUND ignores a negative precision: scale by the power of ten instead (Round(15, -1) is 20).
    Round: ([x, p], o) => {
      if (p === undefined) return sql`ROUND(${x})`
      const scaled = sql`(ROUND(${x} / POWER(10, -(${p}))) * POWER(10, -(${p})))`
      if (o.precision === 'negative') return scaled
      if (o.precision === 'nonNegative') return sql`ROUND(${x}, ${p})`
      return sql`(CASE WHEN ${p} < 0 THEN ${scaled} ELSE ROUND(${x}, ${p}) END)`
    },
  },
  patternValue(lookup, value) {
    const glob = value.replace(/[*?[]/g, (c) => `[${c}]`)
    if (lookup === 'contains') return `*${glob}*`
    if (lookup === 'startswith') return `${glob}*`
    if (lookup === 'endswith') return `*${glob}`
    return undefined
  },
  patternExpr(lookup, value) {
    // GLOB's wildcards in the value become one-character classes, in SQL.
    const glob = sql`REPLACE(REPLACE(REPLACE(${value}, '[', '[[]'), '*', '[*]'), '?', '[?]')`
    if (lookup === 'contains') return sql`'*' || ${glob} || '*'`
    if (lookup === 'startswith') return sql`${glob} || '*'`
    if (lookup === 'endswith') return sql`'*' || ${glob}`
    return undefined
  },
  datePart(part, lhs) {
    switch (part) {
      case 'year':
        return intPart('%Y', lhs)
      case 'isoYear':
        return intPart('%G', lhs)
      case 'month':
        return intPart('%m', lhs)
      case 'day':
        return intPart('%d', lhs)
      case 'week':
        return intPart('%V', lhs)
      case 'weekDay':
        return sql`(${intPart('%w', lhs)} + 1)`
      case 'isoWeekDay':
        return sql`(((${intPart('%w', lhs)} + 6) % 7) + 1)`
      case 'quarter':
        return sql`((${intPart('%m', lhs)} + 2) / 3)`
      case 'hour':
        return intPart('%H', lhs)
      case 'minute':
        return intPart('%M', lhs)
      case 'second':
        return intPart('%S', lhs)
    }
  },
  dateTrunc(kind, lhs, type) {
    const dt = type === 'dateTime'
    const f = (fmt: string) => sql`strftime(${sql.lit(fmt)}, ${lhs})`
    switch (kind) {
      case 'year':
        return f(dt ? '%Y-01-01 00:00:00.000000' : '%Y-01-01')
      case 'quarter':
        // printf formats NULL as '' and 0: NULL must stay NULL.
        return sql`(CASE WHEN strftime('%Y', ${lhs}) IS NOT NULL THEN printf(${sql.lit(dt ? '%s-%02d-01 00:00:00.000000' : '%s-%02d-01')}, strftime('%Y', ${lhs}), ((CAST(strftime('%m', ${lhs}) AS INTEGER) - 1) / 3) * 3 + 1) END)`
      case 'month':
        return f(dt ? '%Y-%m-01 00:00:00.000000' : '%Y-%m-01')
      case 'week':
        return dt ? sql`strftime('%Y-%m-%d 00:00:00.000000', ${lhs}, '-6 days', 'weekday 1')` : sql`date(${lhs}, '-6 days', 'weekday 1')`
      case 'day':
        return f(dt ? '%Y-%m-%d 00:00:00.000000' : '%Y-%m-%d')
      // A date, not a datetime at midnight: it compares with dates.
      case 'date':
        return sql`date(${lhs})`
      case 'hour':
        return f('%Y-%m-%d %H:00:00.000000')
      case 'minute':
        return f('%Y-%m-%d %H:%M:00.000000')
      case 'second':
        return f('%Y-%m-%d %H:%M:%S.000000')
      case 'time':
        // The time of day with its fraction, as the __time transform gives it.
        return sqliteOperations.timeCast(lhs)
    }
  },
  dateCast: (lhs) => sql`date(${lhs})`,
  timeCast: (lhs) => sql`(CASE WHEN substr(${lhs}, 20) = '.000000' OR substr(${lhs}, 20) = '' THEN substr(${lhs}, 12, 8) ELSE substr(${lhs}, 12) END)`,
  cast(lhs, type) {
    switch (type) {
      case 'integer':
      case 'bigInteger':
      case 'boolean':
        return sql`CAST(${lhs} AS INTEGER)`
      case 'float':
        return sql`CAST(${lhs} AS REAL)`
      case 'decimal':
        return sql`CAST(${lhs} AS NUMERIC)`
      case 'date':
        return sql`date(${lhs})`
      case 'json':
        return sql`json(${lhs})`
      default:
        return sql`CAST(${lhs} AS TEXT)`
    }
  },
  toDb: integerBooleanToDb({
    dateTime: formatDateTime,
    // Bound as numbers: SQLite keeps decimals as REAL (exact to about 15 digits, as Django's).
    decimal: (v) => (typeof v === 'string' ? Number(v) : v),
    binary: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
  }),
  converter(type, field) {
    const t = type as FieldType | OutputType
    if (t === 'boolean') return (v) => (v === null ? null : v === 1 || v === 1n || v === true)
    if (t === 'dateTime') return (v) => (v === null ? null : parseDateTime(String(v)))
    if (t === 'decimal') {
      const places = field?.field.options.decimalPlaces
      return (v) => (v === null ? null : decimalString(v, places))
    }
    if (t === 'json') return (v) => (v === null ? null : typeof v === 'string' ? JSON.parse(v) : v)
    if (t === 'duration') return (v) => (v === null ? null : Number(v) / 1000)
    if (t === 'bigInteger') return (v) => (v === null ? null : typeof v === 'bigint' ? v : BigInt(v as number))
    if (t === 'binary') return (v) => (v === null ? null : new Uint8Array(v as Buffer))
    if (isInteger(t)) return (v) => (typeof v === 'bigint' ? Number(v) : v)
    if (t === 'float') return (v) => (typeof v === 'bigint' ? Number(v) : v)
    if (t === 'date') return (v) => (v === null ? null : String(v).slice(0, 10))
    return null
  },
  // Datetimes are UTC text and durations integer microseconds: move a point with a julianday modifier
  // and write it back in the stored shape (so text order stays time order); differences in microseconds.
  temporalArithmetic(op, l, r, lt, rt) {
    const point = (t: unknown) => t === 'date' || t === 'dateTime'
    // printf reads NULL as 0; substr(NULL, 0, 0) is NULL and makes the modifier NULL like the duration.
    const seconds = (us: Sql, negate: boolean) =>
      sql`(printf('%+.6f seconds', ${negate ? sql`-(${us})` : us} / 1000000.0) || substr(${us}, 0, 0))`
    const shift = (p: Sql, mod: Sql, t: unknown) =>
      t === 'date' ? sql`date(${p}, ${mod})` : sql`(strftime('%Y-%m-%d %H:%M:%f', ${p}, ${mod}) || '000')`
    if (point(lt) && rt === 'duration') return shift(l, seconds(r, op === '-'), lt)
    if (lt === 'duration' && point(rt) && op === '+') return shift(r, seconds(l, false), rt)
    if (op === '-' && point(lt) && point(rt)) return sql`(CAST(ROUND((julianday(${l}) - julianday(${r})) * 86400000.0) AS INTEGER) * 1000)`
    return undefined
  },
  random: () => sql`RANDOM()`,
  offsetWithoutLimit: -1,
  insertConflict(q, conflict) {
    if (conflict.ignore) return q.orIgnore() as typeof q
    const u = conflict.update!
    return q.onConflict((oc) =>
      oc.columns(u.uniqueColumns as string[]).doUpdateSet(Object.fromEntries(u.updateColumns.map((c) => [c, sql.ref(`excluded.${c}`)]))),
    ) as typeof q
  },
  explain: (text) => `EXPLAIN QUERY PLAN ${text}`,
}
