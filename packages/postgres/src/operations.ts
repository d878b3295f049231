// PostgreSQL's vendor operations: native booleans, uuid, jsonb and bytea; date parts through EXTRACT
// in UTC; int8 and numeric read as text so that nothing is rounded on the way in.
import { DatabaseError, type FieldType, type Operations, type OutputType, type Sql } from '@fjord/core'
import { sql } from 'kysely'
import { sha1Sql } from './sha1.js'
import { formatDuration } from './types.js'

const utc = (lhs: Sql, type: FieldType | OutputType): Sql => (type === 'dateTime' ? sql`(${lhs} AT TIME ZONE 'UTC')` : lhs)

const extract = (field: string, lhs: Sql, type: FieldType | OutputType): Sql => sql`EXTRACT(${sql.raw(field)} FROM ${utc(lhs, type)})::integer`

const isInteger = (t: string) =>
  t === 'integer' ||
  t === 'smallInteger' ||
  t === 'positiveInteger' ||
  t === 'positiveSmallInteger' ||
  t === 'positiveBigInteger' ||
  t === 'auto' ||
  t === 'bigAuto' ||
  t === 'foreignKey' ||
  t === 'oneToOne'

/** An int8 (read as text) as a number, refusing values a number can't hold exactly. */
const safeNumber = (v: unknown): unknown => {
  if (typeof v !== 'string') return typeof v === 'bigint' ? safeNumber(v.toString()) : v
  const n = Number(v)
  if (!Number.isSafeInteger(n) && Number.isInteger(n)) {
    throw new DatabaseError(`The integer ${v} is past Number.MAX_SAFE_INTEGER; use a bigInteger field to read it exactly.`)
  }
  return n
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
const isoDate = (d: Date): string => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`

/** Like patterns compare text: uuid (and any other type) is cast, as Django does. */
const asText = (lhs: Sql): Sql => sql`(${lhs})::text`
const like = (l: Sql, r: Sql) => sql`${asText(l)} LIKE ${r} ESCAPE '\\'`
const ilike = (l: Sql, r: Sql) => sql`UPPER(${asText(l)}) LIKE UPPER(${r}) ESCAPE '\\'`

const CAST: Record<OutputType, string> = {
  char: 'varchar',
  text: 'text',
  integer: 'integer',
  bigInteger: 'bigint',
  float: 'double precision',
  decimal: 'numeric',
  boolean: 'boolean',
  date: 'date',
  dateTime: 'timestamp with time zone',
  time: 'time',
  duration: 'interval',
  json: 'jsonb',
}

// A standalone value is cast the way Django's driver writes its literals: numbers as numbers (an
// integer as bigint, so no value overflows), booleans, dates and times typed. Text stays untyped so that
// it adapts to whatever it meets (a varchar, a uuid).
const VALUE_CAST: Partial<Record<FieldType | OutputType, string>> = {
  integer: 'bigint',
  smallInteger: 'bigint',
  bigInteger: 'bigint',
  auto: 'bigint',
  bigAuto: 'bigint',
  float: 'numeric',
  decimal: 'numeric',
  boolean: 'boolean',
  date: 'date',
  dateTime: 'timestamp with time zone',
  time: 'time',
  duration: 'interval',
  json: 'jsonb',
}

// Function arguments PostgreSQL takes as text or integer only: a number's text, an integer from a
// bound number (bigint), and Django's FixDecimalInputMixin (MOD, LOG and ROUND have no double variant).
const TEXT_TYPES = new Set<string>(['char', 'text', 'slug', 'email', 'url'])
const textArg = (a: Sql, t: FieldType | OutputType | undefined): Sql => (t === undefined || TEXT_TYPES.has(t) ? a : sql`(${a})::text`)
const intArg = (a: Sql): Sql => sql`(${a})::integer`
const exactArg = (a: Sql, t: FieldType | OutputType | undefined): Sql => (t === 'float' ? sql`(${a})::numeric` : a)

const decimalString = (v: unknown, places: number | undefined): string => {
  if (typeof v === 'string') return v
  const n = Number(v)
  return places === undefined ? String(n) : n.toFixed(places)
}

export const postgresOperations: Operations = {
  lookups: {
    iexact: ilike,
    contains: like,
    icontains: ilike,
    startswith: like,
    istartswith: ilike,
    endswith: like,
    iendswith: ilike,
    regex: (l, r) => sql`${asText(l)} ~ ${r}`,
    iregex: (l, r) => sql`${asText(l)} ~* ${r}`,
  },
  functions: {
    // CONCAT takes "any": a bare parameter would have no type. Django casts each part to text too.
    Concat: (args) => sql`(${sql.join(
      args.map((a) => sql`COALESCE((${a})::text, '')`),
      sql` || `,
    )})`,
    Left: ([x, n], _, t = []) => sql`LEFT(${textArg(x, t[0])}, ${intArg(n)})`,
    Right: ([x, n], _, t = []) => sql`RIGHT(${textArg(x, t[0])}, ${intArg(n)})`,
    Substr: ([x, p, n], _, t = []) =>
      n === undefined ? sql`SUBSTRING(${textArg(x, t[0])}, ${intArg(p)})` : sql`SUBSTRING(${textArg(x, t[0])}, ${intArg(p)}, ${intArg(n)})`,
    StrIndex: ([x, s], _, t = []) => sql`STRPOS(${textArg(x, t[0])}, ${textArg(s, t[1])})`,
    LPad: ([x, n, f], _, t = []) => sql`LPAD(${textArg(x, t[0])}, ${intArg(n)}, ${textArg(f, t[2])})`,
    RPad: ([x, n, f], _, t = []) => sql`RPAD(${textArg(x, t[0])}, ${intArg(n)}, ${textArg(f, t[2])})`,
    Repeat: ([x, n], _, t = []) => sql`REPEAT(${textArg(x, t[0])}, ${intArg(n)})`,
    Reverse: ([x], _, t = []) => sql`REVERSE(${textArg(x, t[0])})`,
    Chr: ([x]) => sql`CHR(${intArg(x)})`,
    Ord: ([x], _, t = []) => sql`ASCII(${textArg(x, t[0])})`,
    MD5: ([x], _, t = []) => sql`MD5(${textArg(x, t[0])})`,
    // Built in since PostgreSQL 11; SHA-1 has no built-in function without pgcrypto (sha1.ts).
    SHA1: ([x], _, t = []) => sha1Sql(textArg(x, t[0])),
    SHA256: ([x], _, t = []) => sql`ENCODE(SHA256(CONVERT_TO(${textArg(x, t[0])}, 'UTF8')), 'hex')`,
    Round: ([x, p], _, t = []) => (p === undefined ? sql`ROUND(${exactArg(x, t[0])})` : sql`ROUND(${exactArg(x, t[0])}, ${intArg(p)})`),
    Mod: ([x, y], _, t = []) => sql`MOD(${exactArg(x, t[0])}, ${exactArg(y, t[1])})`,
    Log: ([b, x], _, t = []) => sql`LOG(${exactArg(b, t[0])}, ${exactArg(x, t[1])})`,
  },
  datePart(part, lhs, type) {
    switch (part) {
      case 'year':
        return extract('YEAR', lhs, type)
      case 'isoYear':
        return extract('ISOYEAR', lhs, type)
      case 'month':
        return extract('MONTH', lhs, type)
      case 'day':
        return extract('DAY', lhs, type)
      case 'week':
        return extract('WEEK', lhs, type)
      case 'weekDay':
        return sql`(${extract('DOW', lhs, type)} + 1)`
      case 'isoWeekDay':
        return extract('ISODOW', lhs, type)
      case 'quarter':
        return extract('QUARTER', lhs, type)
      case 'hour':
        return extract('HOUR', lhs, type)
      case 'minute':
        return extract('MINUTE', lhs, type)
      case 'second':
        // EXTRACT(SECOND) has the fraction; a cast would round 4.9 up to 5.
        return sql`FLOOR(EXTRACT(SECOND FROM ${utc(lhs, type)}))::integer`
    }
  },
  dateTrunc(kind, lhs, type) {
    if (kind === 'date') return postgresOperations.dateCast(lhs)
    if (kind === 'time') return postgresOperations.timeCast(lhs)
    const k = sql.lit(kind)
    if (type === 'dateTime') return sql`(DATE_TRUNC(${k}, ${lhs} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`
    if (type === 'time') return sql`(DATE_TRUNC(${k}, ${lhs}::interval))::time`
    return sql`(DATE_TRUNC(${k}, ${lhs}))::date`
  },
  dateCast: (lhs) => sql`(${lhs} AT TIME ZONE 'UTC')::date`,
  timeCast: (lhs) => sql`(${lhs} AT TIME ZONE 'UTC')::time`,
  cast: (lhs, type) => sql`CAST(${lhs} AS ${sql.raw(CAST[type] ?? 'text')})`,
  temporalArithmetic(op, lhs, rhs, lhsType, rhsType) {
    // date - date is a number of days in PostgreSQL; Fjord wants a duration (Django does the same).
    if (op === '-' && lhsType === 'date' && rhsType === 'date') return sql`(INTERVAL '1 day' * (${lhs} - ${rhs}))`
    // date ± interval is a timestamp; the expression is typed as a date.
    if (lhsType === 'date' && rhsType === 'duration') return sql`CAST(${lhs} ${sql.raw(op)} ${rhs} AS date)`
    if (op === '+' && lhsType === 'duration' && rhsType === 'date') return sql`CAST(${lhs} + ${rhs} AS date)`
    // Everything else (timestamptz ± interval, time ± interval, timestamptz - timestamptz) is native.
    return undefined
  },
  typedValue(type, placeholder) {
    const cast = type === undefined ? undefined : VALUE_CAST[type]
    return cast ? sql`CAST(${placeholder} AS ${sql.raw(cast)})` : placeholder
  },
  toDb(type, v) {
    if (v === null || v === undefined) return null
    switch (type) {
      case 'boolean':
        return Boolean(v)
      case 'dateTime':
        return v instanceof Date ? v.toISOString() : v
      case 'date':
        return v instanceof Date ? isoDate(v) : v
      case 'decimal':
      case 'bigInteger':
        return typeof v === 'string' ? v : String(v)
      case 'json':
        return JSON.stringify(v)
      case 'duration':
        return typeof v === 'number' ? formatDuration(v) : v
      case 'binary':
        return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v
      default:
        if (typeof v === 'bigint') return v.toString()
        if (v instanceof Date) return v.toISOString()
        return v
    }
  },
  converter(type, field) {
    const t = type as FieldType | OutputType
    if (t === 'bigInteger') return (v) => (v === null ? null : typeof v === 'bigint' ? v : BigInt(v as string | number))
    if (isInteger(t)) return (v) => (v === null ? null : safeNumber(v))
    if (t === 'float') return (v) => (typeof v === 'string' ? Number(v) : v)
    if (t === 'decimal') {
      const places = field?.field.options.decimalPlaces
      return (v) => (v === null ? null : decimalString(v, places))
    }
    if (t === 'date') return (v) => (v === null ? null : v instanceof Date ? isoDate(v) : String(v).slice(0, 10))
    if (t === 'dateTime') return (v) => (v === null || v instanceof Date ? v : new Date(String(v)))
    if (t === 'duration') return (v) => (typeof v === 'string' ? Number(v) : v)
    if (t === 'binary') return (v) => (v === null ? null : Buffer.isBuffer(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v)
    if (t === 'boolean') return (v) => (typeof v === 'boolean' || v === null ? v : v === 1 || v === '1' || v === 't' || v === 'true')
    return null
  },
  random: () => sql`RANDOM()`,
  insertConflict(q, conflict) {
    if (conflict.ignore) return q.onConflict((oc) => oc.doNothing()) as typeof q
    const u = conflict.update!
    return q.onConflict((oc) =>
      oc.columns(u.uniqueColumns as string[]).doUpdateSet(Object.fromEntries(u.updateColumns.map((c) => [c, sql.ref(`excluded.${c}`)]))),
    ) as typeof q
  },
  explain: (text) => `EXPLAIN ${text}`,
}
