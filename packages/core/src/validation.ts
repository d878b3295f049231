// Field values: the checks Django's `to_python` and validators make, before anything reaches SQL.
import { ValidationError } from './errors.js'
import { BIGINT_RANGE, type FieldType, INTEGER_RANGES } from './fields.js'
import type { BoundField } from './model.js'

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,6}))?)?$/
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
const DECIMAL_RE = /^[+-]?(\d+)(?:\.(\d*))?$|^[+-]?\.(\d+)$/

const fail = (label: string, model: string | undefined, field: string | undefined, message: string): never => {
  throw new ValidationError(`${label}: ${message}`, {
    model,
    field,
    errors: field ? { [field]: [message] } : undefined,
  })
}

// The label is only spelled out for an error (and no closure made): coerce runs for every value sent.
const bad = (type: FieldType, model: string | undefined, field: string | undefined, message: string): never =>
  fail(model && field ? `${model}.${field}` : (field ?? type), model, field, message)

const failField = (bf: BoundField, message: string): never => fail(`${bf.model}.${bf.name}`, bf.model, bf.name, message)

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
  if (typeof v === 'bigint') return `${v}n`
  if (v instanceof Date) return v.toISOString()
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}

/** A valid calendar date? */
const isRealDate = (y: number, m: number, d: number): boolean => {
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const dt = new Date(0)
  dt.setUTCFullYear(y, m - 1, d)
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
}

/**
 * Check and normalise a value for a field type (Django's `to_python`): the type must fit, integers
 * must be safe and in range. Returns the normalised value; throws ValidationError naming the field.
 */
export const coerce = (type: FieldType, value: unknown, model?: string, field?: string): unknown => {
  switch (type) {
    case 'char':
    case 'text':
    case 'slug':
    case 'email':
    case 'url':
      if (typeof value !== 'string') bad(type, model, field, `expected a string but got ${show(value)}.`)
      return value
    case 'uuid': {
      if (typeof value !== 'string' || !UUID_RE.test(value)) bad(type, model, field, `${show(value)} is not a valid UUID.`)
      const hex = (value as string).replace(/-/g, '').toLowerCase()
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    }
    case 'integer':
    case 'smallInteger':
    case 'positiveInteger':
    case 'positiveSmallInteger':
    case 'positiveBigInteger':
    case 'auto':
    case 'bigAuto':
    case 'foreignKey':
    case 'oneToOne': {
      let v = value
      if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) v = Number(v)
      if (typeof v !== 'number' || !Number.isInteger(v)) return bad(type, model, field, `${show(value)} value must be an integer.`)
      if (!Number.isSafeInteger(v)) bad(type, model, field, `${show(value)} is not a safe integer (beyond ±${Number.MAX_SAFE_INTEGER}).`)
      const range = INTEGER_RANGES[type]
      if (range && (v < range[0] || v > range[1])) {
        bad(type, model, field, `${v} is out of range: ensure this value is between ${range[0]} and ${range[1]}.`)
      }
      return v
    }
    case 'bigInteger': {
      let v = value
      if (typeof v === 'number') {
        if (!Number.isInteger(v)) bad(type, model, field, `${show(value)} value must be an integer.`)
        if (!Number.isSafeInteger(v)) bad(type, model, field, `${show(value)} is not a safe integer; pass a bigint.`)
        v = BigInt(v)
      }
      if (typeof v !== 'bigint') return bad(type, model, field, `${show(value)} value must be a bigint.`)
      if (v < BIGINT_RANGE[0] || v > BIGINT_RANGE[1]) bad(type, model, field, `${v} is out of the 64-bit range.`)
      return v
    }
    case 'float':
      if (typeof value !== 'number' || Number.isNaN(value)) bad(type, model, field, `${show(value)} value must be a float.`)
      return value
    case 'duration':
      if (typeof value !== 'number' || !Number.isFinite(value)) bad(type, model, field, `${show(value)} must be a number of milliseconds.`)
      return value
    case 'decimal': {
      const s = typeof value === 'number' && Number.isFinite(value) ? String(value) : value
      if (typeof s !== 'string' || !DECIMAL_RE.test(s.trim())) bad(type, model, field, `${show(value)} value must be a decimal number.`)
      return (s as string).trim()
    }
    case 'boolean':
      if (typeof value !== 'boolean') bad(type, model, field, `${show(value)} value must be either true or false.`)
      return value
    case 'date': {
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) bad(type, model, field, 'invalid date.')
        return value.toISOString().slice(0, 10)
      }
      const m = typeof value === 'string' ? DATE_RE.exec(value) : null
      if (!m) return bad(type, model, field, `${show(value)} value has an invalid date format. It must be in YYYY-MM-DD format.`)
      if (!isRealDate(+m[1], +m[2], +m[3])) bad(type, model, field, `${show(value)} value has the correct format (YYYY-MM-DD) but it is an invalid date.`)
      return value
    }
    case 'dateTime': {
      const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null
      if (!d || Number.isNaN(d.getTime())) bad(type, model, field, `${show(value)} value has an invalid format: expected a Date.`)
      return d
    }
    case 'time': {
      if (typeof value !== 'string' || !TIME_RE.test(value)) bad(type, model, field, `${show(value)} value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format.`)
      const m = TIME_RE.exec(value as string) as RegExpExecArray
      const frac = m[4] ? `.${m[4].padEnd(6, '0')}` : ''
      return `${m[1]}:${m[2]}:${m[3] ?? '00'}${frac}`
    }
    case 'json':
      if (value === undefined) bad(type, model, field, 'undefined is not JSON.')
      try {
        JSON.stringify(value)
      } catch {
        bad(type, model, field, 'value is not JSON serializable.')
      }
      return value
    case 'binary':
      if (!(value instanceof Uint8Array)) bad(type, model, field, `${show(value)} must be a Uint8Array.`)
      return value
    case 'manyToMany':
      return bad(type, model, field, 'a many-to-many relation has no column value.')
  }
}

/** Count digits of a normalised decimal string. */
const decimalDigits = (s: string): { whole: number; places: number } => {
  const t = s.replace(/^[+-]/, '')
  const [w = '', p = ''] = t.split('.')
  const whole = w.replace(/^0+/, '').length
  return { whole, places: p.replace(/0+$/, '').length }
}

/**
 * Everything `coerce` checks, plus Django's validators for writing: null, max length, choices,
 * decimal digits. Returns the value to store.
 */
export const validateValue = (bf: BoundField, value: unknown): unknown => {
  const opts = bf.field.options
  if (value === null || value === undefined) {
    if (opts.null) return null
    return failField(bf, 'this field cannot be null.')
  }
  const v = coerce(bf.field.type, value, bf.model, bf.name)
  // Characters are code points; a string of no more UTF-16 units than the limit is within it.
  if (typeof v === 'string' && opts.maxLength !== undefined && v.length > opts.maxLength && [...v].length > opts.maxLength) {
    failField(bf, `ensure this value has at most ${opts.maxLength} characters (it has ${[...v].length}).`)
  }
  if (bf.field.type === 'positiveBigInteger' && typeof v === 'bigint' && v < 0n) {
    failField(bf, 'ensure this value is greater than or equal to 0.')
  }
  if (bf.field.type === 'decimal' && typeof v === 'string') {
    const maxDigits = opts.maxDigits ?? 0
    const places = opts.decimalPlaces ?? 0
    const d = decimalDigits(v)
    if (d.places > places) failField(bf, `ensure that there are no more than ${places} decimal places.`)
    if (d.whole > maxDigits - places) {
      failField(bf, `ensure that there are no more than ${maxDigits - places} digits before the decimal point.`)
    }
  }
  if (opts.choices && opts.choices.length > 0) {
    const allowed = opts.choices.map((c) => (Array.isArray(c) ? c[0] : c))
    if (!allowed.some((a) => a === v)) {
      failField(bf, `value ${show(v)} is not a valid choice (choices: ${allowed.map(show).join(', ')}).`)
    }
  }
  return v
}
