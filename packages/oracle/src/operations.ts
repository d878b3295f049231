// Oracle's vendor operations, in the spirit of Django's backends/oracle/operations.py: LIKE with an
// explicit ESCAPE, REGEXP_LIKE, date parts numbered as Django numbers them whatever the session's
// NLS territory, TRUNC for truncation, NUMBER(1) booleans, and LOBs compared through DBMS_LOB.SUBSTR.
import { type BoundField, DatabaseError, type DatePart, type FieldType, type Operations, type OutputType, type Sql, type TruncKind } from '@fjord/core'
import { sql } from 'kysely'
import oracledb from 'oracledb'
import {
  TIME_BASE_DATE,
  dateFromWallClock,
  decimalText,
  formatTime,
  formatTimestamp,
  fromInterval,
  integerValue,
  timeFromWallClock,
  toInterval,
  utcFromWallClock,
} from './values.js'

type Type = FieldType | OutputType

const ESCAPE = sql`'\\'`
// NCLOB and BLOB columns can't be compared with =, <, IN … (ORA-00932); like Django, compare
// them through DBMS_LOB.SUBSTR.
const LOBS: ReadonlySet<Type | undefined> = new Set<Type>(['text', 'binary', 'json'])
const lob = (lhs: Sql, type: Type | undefined): Sql => (LOBS.has(type) ? sql`DBMS_LOB.SUBSTR(${lhs})` : lhs)

const like = (l: Sql, r: Sql, t: Type | undefined) => sql`${lob(l, t)} LIKE ${r} ESCAPE ${ESCAPE}`
const ilike = (l: Sql, r: Sql) => sql`UPPER(${l}) LIKE UPPER(${r}) ESCAPE ${ESCAPE}`
const compare = (op: string) => (l: Sql, r: Sql, t: Type | undefined) => sql`${lob(l, t)} ${sql.raw(op)} ${r}`

const toChar = (lhs: Sql, format: string): Sql => sql`TO_NUMBER(TO_CHAR(${lhs}, ${sql.lit(format)}))`
// Days since the Monday of the ISO week: 0 on Monday … 6 on Sunday, independent of NLS_TERRITORY
// (TO_CHAR(x, 'D') is not).
const daysSinceMonday = (lhs: Sql): Sql => sql`(TRUNC(${lhs}) - TRUNC(${lhs}, 'IW'))`

/** A date part as Django numbers it (week days 1 = Sunday … 7 = Saturday; ISO week days 1 = Monday). */
export const datePart = (part: DatePart, lhs: Sql): Sql => {
  switch (part) {
    case 'year':
      return sql`EXTRACT(YEAR FROM ${lhs})`
    case 'month':
      return sql`EXTRACT(MONTH FROM ${lhs})`
    case 'day':
      return sql`EXTRACT(DAY FROM ${lhs})`
    case 'hour':
      return sql`EXTRACT(HOUR FROM ${lhs})`
    case 'minute':
      return sql`EXTRACT(MINUTE FROM ${lhs})`
    case 'second':
      // EXTRACT(SECOND …) carries the fraction; the part is a whole number.
      return sql`TRUNC(EXTRACT(SECOND FROM ${lhs}))`
    case 'isoYear':
      return toChar(lhs, 'IYYY')
    case 'week':
      return toChar(lhs, 'IW')
    case 'quarter':
      return toChar(lhs, 'Q')
    case 'weekDay':
      return sql`(MOD(${daysSinceMonday(lhs)} + 1, 7) + 1)`
    case 'isoWeekDay':
      return sql`(${daysSinceMonday(lhs)} + 1)`
  }
}

/** The time of a datetime as a time field stores it: a TIMESTAMP on 1900-01-01. */
export const timeCast = (lhs: Sql): Sql =>
  sql`(CASE WHEN ${lhs} IS NOT NULL THEN TO_TIMESTAMP(${sql.lit(`${TIME_BASE_DATE} `)} || TO_CHAR(CAST(${lhs} AS TIMESTAMP), 'HH24:MI:SS.FF6'), 'YYYY-MM-DD HH24:MI:SS.FF6') END)`

const TRUNC_FORMAT: Partial<Record<TruncKind, string>> = {
  year: 'YEAR',
  quarter: 'Q',
  month: 'MONTH',
  week: 'IW',
  day: 'DD',
  date: 'DD',
  hour: 'HH24',
  minute: 'MI',
}

/** A date or datetime truncated to `kind` (a DATE, or the time-field TIMESTAMP for 'time'). */
export const dateTrunc = (kind: TruncKind, lhs: Sql): Sql => {
  if (kind === 'time') return timeCast(lhs)
  // DATE keeps whole seconds: casting drops the fraction.
  if (kind === 'second') return sql`CAST(${lhs} AS DATE)`
  return sql`TRUNC(${lhs}, ${sql.lit(TRUNC_FORMAT[kind] ?? 'DD')})`
}

/** `CAST` with Oracle's type names; LOB targets use TO_NCLOB, which CAST does not cover. */
export const cast = (lhs: Sql, type: OutputType): Sql => {
  switch (type) {
    case 'integer':
      return sql`CAST(${lhs} AS NUMBER(11))`
    case 'bigInteger':
      return sql`CAST(${lhs} AS NUMBER(19))`
    case 'boolean':
      return sql`CAST(${lhs} AS NUMBER(1))`
    case 'float':
      return sql`CAST(${lhs} AS BINARY_DOUBLE)`
    case 'decimal':
      return sql`CAST(${lhs} AS NUMBER)`
    case 'date':
      // Oracle's DATE has a time of day; a date has none.
      return sql`TRUNC(CAST(${lhs} AS DATE))`
    case 'dateTime':
      return sql`CAST(${lhs} AS TIMESTAMP)`
    case 'time':
      return timeCast(lhs)
    case 'duration':
      return sql`CAST(${lhs} AS INTERVAL DAY(9) TO SECOND(6))`
    case 'char':
      return sql`CAST(${lhs} AS NVARCHAR2(2000))`
    case 'text':
    case 'json':
      return sql`TO_NCLOB(${lhs})`
  }
}

const INTEGER_TYPES: ReadonlySet<Type> = new Set<Type>([
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
const STRING_TYPES: ReadonlySet<Type> = new Set<Type>(['char', 'text', 'slug', 'email', 'url'])

/** A JavaScript value ready to bind for a column of this type. */
export const toDb = (type: Type, v: unknown): unknown => {
  if (v === null || v === undefined) return null
  switch (type) {
    case 'boolean':
      return v ? 1 : 0
    case 'dateTime':
      return v instanceof Date ? formatTimestamp(v) : v
    case 'date':
      return v instanceof Date ? formatTimestamp(v).slice(0, 10) : v
    case 'time':
      return typeof v === 'string' ? formatTime(v) : v instanceof Date ? formatTimestamp(v) : v
    case 'decimal':
      // Text keeps every digit; Oracle reads it under NLS_NUMERIC_CHARACTERS '.,'.
      return typeof v === 'number' ? String(v) : v
    case 'json':
      return JSON.stringify(v)
    case 'duration':
      return typeof v === 'number' ? toInterval(v) : v
    case 'binary':
      return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v
    default:
      if (typeof v === 'boolean') return v ? 1 : 0
      if (v instanceof Date) return formatTimestamp(v)
      return v
  }
}

/** A converter from what oracledb fetched to Fjord's value, or null when none is needed. */
export const converter = (type: Type, field?: BoundField): ((v: unknown) => unknown) | null => {
  if (type === 'boolean') return (v) => (v === null ? null : Number(v) === 1)
  if (INTEGER_TYPES.has(type)) return (v) => (v === null ? null : integerValue(v))
  if (type === 'bigInteger') return (v) => (v === null ? null : typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : String(v)))
  if (type === 'float') return (v) => (v === null ? null : Number(v))
  if (type === 'decimal') {
    const places = field?.field.options.decimalPlaces
    return (v) => (v === null ? null : decimalText(v, places))
  }
  if (type === 'dateTime') return (v) => (v instanceof Date ? utcFromWallClock(v) : v === null ? null : new Date(String(v)))
  if (type === 'date') return (v) => (v instanceof Date ? dateFromWallClock(v) : v === null ? null : String(v).slice(0, 10))
  if (type === 'time') return (v) => (v instanceof Date ? timeFromWallClock(v) : v)
  if (type === 'duration') return (v) => (v === null ? null : typeof v === 'object' ? fromInterval(v as oracledb.IntervalDS) : Number(v))
  if (type === 'json') return (v) => (v === null ? null : typeof v === 'string' ? JSON.parse(v) : v)
  if (type === 'binary') return (v) => (v === null ? null : new Uint8Array(v as Buffer))
  if (STRING_TYPES.has(type) && field !== undefined && field.field.options.null !== true && !field.primaryKey) {
    // Oracle stores '' as NULL; a field that can't be null reads it back as '', as Django does.
    return (v) => (v === null ? '' : v)
  }
  return null
}

/**
 * A value in a multi-row insert, converted to its column's type: the rows are joined by UNION ALL,
 * where a NULL bind (typed as text) beside a number or a date fails (ORA-01790). Django's
 * BulkInsertMapper does the same.
 */
export const bulkInsertValue = (type: FieldType, value: Sql): Sql => {
  if (INTEGER_TYPES.has(type) || type === 'bigInteger' || type === 'boolean' || type === 'decimal' || type === 'float') {
    return sql`TO_NUMBER(${value})`
  }
  switch (type) {
    case 'date':
      return sql`TO_DATE(${value})`
    case 'dateTime':
    case 'time':
      return sql`TO_TIMESTAMP(${value})`
    case 'duration':
      return sql`CAST(${value} AS INTERVAL DAY(9) TO SECOND(6))`
    case 'text':
    case 'json':
      return sql`TO_NCLOB(${value})`
    case 'binary':
      return sql`TO_BLOB(${value})`
    default:
      return value
  }
}

const PI = sql.raw(String(Math.PI))
const hash = (algorithm: string) => (args: readonly Sql[]) =>
  sql`LOWER(RAWTOHEX(STANDARD_HASH(UTL_I18N.STRING_TO_RAW(${args[0]}, 'AL32UTF8'), ${sql.lit(algorithm)})))`

/** Django's functions where Oracle has no function of that name, or another one. */
export const oracleFunctions: NonNullable<Operations['functions']> = {
  // No LEFT/RIGHT; SUBSTR from a negative position past the start is NULL, so Right starts at 1 at least.
  Left: ([x, n]) => sql`SUBSTR(${x}, 1, ${n})`,
  Right: ([x, n]) => sql`SUBSTR(${x}, GREATEST(LENGTH(${x}) - ${n} + 1, 1), ${n})`,
  Substr: (args) => sql`SUBSTR(${sql.join(args)})`,
  // REPEAT does not exist: pad the text with itself to n times its length.
  Repeat: ([x, n]) => sql`RPAD(${x}, LENGTH(${x}) * ${n}, ${x})`,
  // REVERSE is undocumented and reverses bytes: the characters, last first, in a subquery.
  Reverse: ([x]) =>
    sql`(SELECT LISTAGG(SUBSTR(${x}, LEVEL, 1)) WITHIN GROUP (ORDER BY LEVEL DESC) FROM DUAL CONNECT BY LEVEL <= LENGTH(${x}))`,
  Chr: ([x]) => sql`CHR(${x} USING NCHAR_CS)`,
  MD5: hash('MD5'),
  SHA1: hash('SHA1'),
  SHA256: hash('SHA256'),
  // NULLIF refuses a literal NULL as its first argument; its definition does not.
  NullIf: ([a, b]) => sql`(CASE WHEN ${a} = ${b} THEN NULL ELSE ${a} END)`,
  Ceil: ([x]) => sql`CEIL(${x})`,
  Pi: () => PI,
  Degrees: ([x]) => sql`((${x}) * 180 / ${PI})`,
  Radians: ([x]) => sql`((${x}) * ${PI} / 180)`,
}

/** Oracle's Operations for Fjord. */
export const oracleOperations: Operations = {
  lookups: {
    exact: compare('='),
    gt: compare('>'),
    gte: compare('>='),
    lt: compare('<'),
    lte: compare('<='),
    in: compare('IN'),
    range: compare('BETWEEN'),
    contains: like,
    startswith: like,
    endswith: like,
    iexact: ilike,
    icontains: ilike,
    istartswith: ilike,
    iendswith: ilike,
    regex: (l, r, t) => sql`REGEXP_LIKE(${lob(l, t)}, ${r}, 'c')`,
    iregex: (l, r, t) => sql`REGEXP_LIKE(${lob(l, t)}, ${r}, 'i')`,
  },
  functions: {
    // `||` treats NULL as '' in Oracle, so the concatenation is NULL-safe without COALESCE.
    Concat: (args) => sql`(${sql.join(args, sql` || `)})`,
    // A plain TIMESTAMP in UTC, like every stored datetime (CURRENT_TIMESTAMP carries a zone).
    Now: () => sql`SYS_EXTRACT_UTC(SYSTIMESTAMP)`,
    ...oracleFunctions,
  },
  datePart: (part, lhs) => datePart(part, lhs),
  dateTrunc: (kind, lhs) => dateTrunc(kind, lhs),
  dateCast: (lhs) => sql`TRUNC(${lhs})`,
  timeCast,
  cast,
  toDb,
  fromDb: (type, v, field) => (v === null || v === undefined ? (converter(type, field)?.(null) ?? null) : (converter(type, field)?.(v) ?? v)),
  converter,
  random: () => sql`DBMS_RANDOM.VALUE`,
  // Dates and decimals are bound as text; standing alone (a Value, a CASE branch) they need their type.
  typedValue: (type, placeholder) => {
    switch (type) {
      case 'dateTime':
      case 'time':
        return sql`TO_TIMESTAMP(${placeholder})`
      case 'date':
        return sql`TO_DATE(${placeholder})`
      case 'decimal':
        return sql`TO_NUMBER(${placeholder})`
      default:
        return placeholder
    }
  },
  // TIMESTAMP ± INTERVAL and TIMESTAMP - TIMESTAMP are native; DATE - DATE is a number of days.
  temporalArithmetic: (op, lhs, rhs, lhsType, rhsType) =>
    op === '-' && lhsType === 'date' && rhsType === 'date' ? sql`NUMTODSINTERVAL(${lhs} - ${rhs}, 'DAY')` : undefined,
  // Oracle's `/` keeps the fraction; integers divide toward zero elsewhere.
  integerDivide: (l, r) => sql`TRUNC(${l} / ${r})`,
  bulkInsertValue,
  insertConflict() {
    throw new DatabaseError('Oracle does not support ignoreConflicts or updateConflicts in bulkCreate.', 'other')
  },
}
