// MySQL's and MariaDB's vendor operations: case-sensitive string lookups under case-insensitive
// collations, date parts and truncation as Django's MySQL backend writes them, and the conversions
// between driver values (strings for BIGINT, DECIMAL and dates) and Fjord's documented values.
import { DatabaseError, type FieldType, integerBooleanToDb, type LookupSql, type Operations, type OutputType, parseDateTime, type Sql } from '@fjord/core'
import { sql } from 'kysely'

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, as DATETIME(6) takes it. */
export const formatDateTime = (d: Date): string =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`

export { parseDateTime }

const TEXT_TYPES = new Set<string>(['char', 'text', 'slug', 'email', 'url'])
const isText = (t: FieldType | OutputType | undefined): boolean => t !== undefined && TEXT_TYPES.has(t)

const INTEGER_TYPES = new Set<string>([
  'integer',
  'smallInteger',
  'positiveInteger',
  'positiveSmallInteger',
  'positiveBigInteger',
  'auto',
  'bigAuto',
  'foreignKey',
  'oneToOne',
])

// The driver reads BIGINT and DECIMAL results as strings (exactness); integer fields want numbers.
const toSafeInteger = (v: unknown): unknown => {
  if (typeof v === 'number' || v === null) return v
  const n = Number(v)
  if (!Number.isSafeInteger(n)) {
    throw new DatabaseError(`The integer ${String(v)} is beyond Number.MAX_SAFE_INTEGER: use a bigInteger field to read it exactly.`)
  }
  return n
}

const toNumber = (v: unknown): unknown => (v === null || typeof v === 'number' ? v : Number(v))

const TIME_ZERO_FRACTION = /\.0+$/
const timeString = (v: unknown): unknown => {
  if (v === null) return null
  const s = String(v)
  return TIME_ZERO_FRACTION.test(s) ? s.replace(TIME_ZERO_FRACTION, '') : s
}

const decimalString = (v: unknown, places: number | undefined): unknown => {
  if (v === null) return null
  const s = typeof v === 'string' ? v : String(v)
  // Without a field (CAST, arithmetic) MySQL pads to its own scale: trim the zeros it added.
  if (places === undefined && s.includes('.')) return s.replace(/\.?0+$/, '')
  return s
}

/** A value as utf8mb4 text in its binary collation, where a comparison must be case-sensitive. */
const binaryText = (x: Sql) => sql`CONVERT(${x} USING utf8mb4) COLLATE utf8mb4_bin`

const like = (l: Sql, r: Sql) => sql`${l} LIKE ${r}`
const likeBinary = (l: Sql, r: Sql) => sql`${l} LIKE CAST(${r} AS BINARY)`

/**
 * Pattern lookups. LIKE's default escape character is the backslash (Fjord keeps
 * NO_BACKSLASH_ESCAPES off), so no ESCAPE clause is written. The case-insensitive lookups rely on
 * the column's collation being case-insensitive, as Django's do: Fjord's tables are created with
 * utf8mb4 and its default (case-insensitive) collation. The case-sensitive ones compare bytes.
 */
const lookups: Readonly<Record<string, LookupSql>> = {
  // `col = CAST(? AS BINARY)` still uses an index on col (a COLLATE on the column would not).
  exact: (l, r, t) => (isText(t) ? sql`${l} = CAST(${r} AS BINARY)` : sql`${l} = ${r}`),
  iexact: like,
  // `in` is exact against a list: the collation's IN narrows through an index, the bytes decide.
  in: (l, r, t) => (isText(t) ? sql`(${l} IN ${r} AND CAST(${l} AS BINARY) IN ${r})` : sql`${l} IN ${r}`),
  contains: likeBinary,
  icontains: like,
  // The case-insensitive LIKE first lets an index on the column narrow a range; the binary LIKE decides.
  startswith: (l, r) => sql`(${l} LIKE ${r} AND ${l} LIKE CAST(${r} AS BINARY))`,
  istartswith: like,
  endswith: likeBinary,
  iendswith: like,
  // MariaDB has no REGEXP_LIKE, and MySQL 8 rejects REGEXP BINARY between text and bytes; an inline
  // flag (understood by both PCRE and ICU) sets the case sensitivity whatever the collation.
  regex: (l, r) => sql`${l} REGEXP CONCAT('(?-i)', ${r})`,
  iregex: (l, r) => sql`${l} REGEXP CONCAT('(?i)', ${r})`,
}

// TIME_TO_SEC keeps the fraction on MariaDB and drops it on MySQL: count the parts instead.
const timeMicros = (t: Sql) => sql`((HOUR(${t}) * 3600 + MINUTE(${t}) * 60 + SECOND(${t})) * 1000000 + MICROSECOND(${t}))`

const dateFormat = (lhs: Sql, fmt: string) => sql`DATE_FORMAT(${lhs}, ${sql.lit(fmt)})`
const quarterStart = (lhs: Sql) => sql`MAKEDATE(YEAR(${lhs}), 1) + INTERVAL QUARTER(${lhs}) QUARTER - INTERVAL 1 QUARTER`
const weekStart = (lhs: Sql) => sql`DATE_SUB(${lhs}, INTERVAL WEEKDAY(${lhs}) DAY)`

// Formats that keep the parts up to the truncation and reset the rest (Django's MySQL approach).
const TRUNC_FORMATS: Readonly<Record<string, string>> = {
  year: '%Y-01-01 00:00:00',
  month: '%Y-%m-01 00:00:00',
  day: '%Y-%m-%d 00:00:00',
  date: '%Y-%m-%d 00:00:00',
  hour: '%Y-%m-%d %H:00:00',
  minute: '%Y-%m-%d %H:%i:00',
  second: '%Y-%m-%d %H:%i:%s',
}

export const mysqlOperations: Operations = {
  lookups,
  functions: {
    // CONCAT is NULL if any part is; CONCAT_WS skips NULLs, as Django's MySQL Concat does.
    Concat: (args) => sql`CONCAT_WS('', ${sql.join(args)})`,
    // LENGTH counts bytes on MySQL.
    Length: (args) => sql`CHAR_LENGTH(${args[0]})`,
    // Plain CURRENT_TIMESTAMP has whole seconds.
    Now: () => sql`CURRENT_TIMESTAMP(6)`,
    // Over integers and decimals these give DECIMALs rounded to 4 places (div_precision_increment),
    // and the text protocol rounds their doubles the same way; a double argument keeps full precision.
    Avg: (args) => sql`AVG(${args[0]} + 0e0)`,
    StdDev: (args, o) => sql`${sql.raw(o.sample ? 'STDDEV_SAMP' : 'STDDEV_POP')}(${args[0]} + 0e0)`,
    Variance: (args, o) => sql`${sql.raw(o.sample ? 'VAR_SAMP' : 'VAR_POP')}(${args[0]} + 0e0)`,
    // MariaDB rounds a window's double (PERCENT_RANK, CUME_DIST) to 10 places; adding a double keeps them all.
    Window: (args, o) => (o.float ? sql`(${args[0]} OVER (${args[1]}) + 0e0)` : sql`${args[0]} OVER (${args[1]})`),
    // INSTR follows the collation (case-insensitive by default): compare code points, as elsewhere.
    StrIndex: ([x, s]) => sql`INSTR(${binaryText(x)}, ${binaryText(s)})`,
    // Code points through UTF-32 (CHAR(n) alone makes bytes; ORD of a multibyte character combines its bytes).
    // CHAR skips a NULL argument, giving ''.
    Chr: ([x]) => sql`(CASE WHEN ${x} IS NOT NULL THEN CONVERT(CHAR(${x} USING utf32) USING utf8mb4) END)`,
    Ord: ([x]) => sql`ORD(CONVERT(${x} USING utf32))`,
    SHA256: ([x]) => sql`SHA2(${x}, 256)`,
    // PI() is a DOUBLE declared with 6 decimals, and arrives rounded to them; a sum with a double keeps them all.
    Pi: () => sql`(PI() + 0e0)`,
  },
  integerDivide: (lhs, rhs) => sql`(${lhs} DIV ${rhs})`,
  // Durations are BIGINT microseconds, as Django stores them on MySQL: points in time move by an
  // INTERVAL of microseconds, and their differences are counted in microseconds.
  temporalArithmetic(op, l, r, lt, rt) {
    const point = (t: unknown) => t === 'date' || t === 'dateTime' || t === 'time'
    if (point(lt) && rt === 'duration') return op === '+' ? sql`(${l} + INTERVAL ${r} MICROSECOND)` : sql`(${l} - INTERVAL ${r} MICROSECOND)`
    if (lt === 'duration' && point(rt) && op === '+') return sql`(${r} + INTERVAL ${l} MICROSECOND)`
    if (op === '-' && lt === 'time' && rt === 'time') return sql`(${timeMicros(l)} - ${timeMicros(r)})`
    if (op === '-' && point(lt) && point(rt)) return sql`TIMESTAMPDIFF(MICROSECOND, ${r}, ${l})`
    return undefined
  },
  datePart(part, lhs) {
    switch (part) {
      case 'year':
        return sql`YEAR(${lhs})`
      case 'isoYear':
        return sql`(YEARWEEK(${lhs}, 3) DIV 100)`
      case 'month':
        return sql`MONTH(${lhs})`
      case 'day':
        return sql`DAYOFMONTH(${lhs})`
      case 'week':
        return sql`WEEK(${lhs}, 3)`
      case 'weekDay':
        return sql`DAYOFWEEK(${lhs})`
      case 'isoWeekDay':
        return sql`(WEEKDAY(${lhs}) + 1)`
      case 'quarter':
        return sql`QUARTER(${lhs})`
      case 'hour':
        return sql`HOUR(${lhs})`
      case 'minute':
        return sql`MINUTE(${lhs})`
      case 'second':
        return sql`SECOND(${lhs})`
    }
  },
  dateTrunc(kind, lhs, type) {
    if (kind === 'time') return sql`TIME(${lhs})`
    if (type === 'date') {
      switch (kind) {
        case 'year':
          return sql`CAST(${dateFormat(lhs, '%Y-01-01')} AS DATE)`
        case 'month':
          return sql`CAST(${dateFormat(lhs, '%Y-%m-01')} AS DATE)`
        case 'quarter':
          return quarterStart(lhs)
        case 'week':
          return weekStart(lhs)
        default:
          return sql`DATE(${lhs})`
      }
    }
    if (kind === 'quarter') return sql`CAST(${dateFormat(quarterStart(lhs), '%Y-%m-01 00:00:00')} AS DATETIME)`
    if (kind === 'week') return sql`CAST(${dateFormat(weekStart(lhs), '%Y-%m-%d 00:00:00')} AS DATETIME)`
    return sql`CAST(${dateFormat(lhs, TRUNC_FORMATS[kind])} AS DATETIME)`
  },
  dateCast: (lhs) => sql`DATE(${lhs})`,
  timeCast: (lhs) => sql`TIME(${lhs})`,
  cast(lhs, type) {
    switch (type) {
      case 'integer':
      case 'bigInteger':
      case 'duration':
        return sql`CAST(${lhs} AS SIGNED INTEGER)`
      case 'boolean':
        return sql`(CAST(${lhs} AS SIGNED INTEGER) <> 0)`
      // MySQL before 8.0.17 has no CAST AS DOUBLE; adding 0.0 is what Django does.
      case 'float':
        return sql`(${lhs} + 0.0)`
      case 'decimal':
        return sql`CAST(${lhs} AS DECIMAL(65, 30))`
      case 'date':
        return sql`CAST(${lhs} AS DATE)`
      case 'dateTime':
        return sql`CAST(${lhs} AS DATETIME(6))`
      case 'time':
        return sql`CAST(${lhs} AS TIME(6))`
      // MariaDB has no CAST AS JSON; JSON_EXTRACT(x, '$') validates and normalises on both.
      case 'json':
        return sql`JSON_EXTRACT(${lhs}, '$')`
      default:
        return sql`CAST(${lhs} AS CHAR)`
    }
  },
  toDb: integerBooleanToDb({
    dateTime: formatDateTime,
    // Exact as text: the server converts the string to DECIMAL without going through a double.
    decimal: (v) => (typeof v === 'number' ? String(v) : v),
    binary: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
  }),
  converter(type, field) {
    const t = type as string
    if (INTEGER_TYPES.has(t)) return toSafeInteger
    switch (t) {
      case 'boolean':
        return (v) => (v === null ? null : typeof v === 'boolean' ? v : Number(v) !== 0)
      case 'dateTime':
        return (v) => (v === null || v instanceof Date ? v : parseDateTime(String(v)))
      case 'date':
        return (v) => (v === null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10))
      case 'time':
        return timeString
      case 'decimal': {
        const places = field?.field.options.decimalPlaces
        return (v) => decimalString(v, places)
      }
      case 'float':
        return toNumber
      case 'bigInteger':
        return (v) => (v === null ? null : typeof v === 'bigint' ? v : BigInt(v as string))
      case 'duration':
        return (v) => (v === null ? null : Number(v) / 1000)
      case 'json':
        return (v) => (typeof v === 'string' ? JSON.parse(v) : Buffer.isBuffer(v) ? JSON.parse(v.toString('utf8')) : v)
      case 'binary':
        return (v) => (v === null ? null : typeof v === 'string' ? new TextEncoder().encode(v) : new Uint8Array(v as Buffer))
      case 'char':
      case 'text':
      case 'slug':
      case 'email':
      case 'url':
      case 'uuid':
        // A text expression over binary operands comes back as bytes.
        return (v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v)
      default:
        return null
    }
  },
  orderBy(expr, desc, nulls) {
    const dir = sql.raw(desc ? ' DESC' : ' ASC')
    // MySQL puts NULLs first ascending and last descending; only the other placements need a key.
    if ((nulls === 'last' && !desc) || (nulls === 'first' && desc)) {
      return sql`(${expr} IS NULL)${sql.raw(nulls === 'last' ? ' ASC' : ' DESC')}, ${expr}${dir}`
    }
    return sql`${expr}${dir}`
  },
  random: () => sql`RAND()`,
  // MySQL has no OFFSET without LIMIT; the manual's answer is the largest BIGINT UNSIGNED.
  offsetWithoutLimit: 18446744073709551615n,
  insertConflict(q, conflict) {
    if (conflict.ignore) return q.ignore() as typeof q
    const u = conflict.update!
    // The conflict target is whichever unique key collides: MySQL takes no column list.
    return q.onDuplicateKeyUpdate(Object.fromEntries(u.updateColumns.map((c) => [c, sql`VALUES(${sql.ref(c)})`]))) as typeof q
  },
  explain: (text) => `EXPLAIN ${text}`,
}
