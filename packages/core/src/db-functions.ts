// Django's database functions (django.db.models.functions) beyond the core few: text, comparison,
// math, and the Extract…/Trunc… shorthands. Each is a `Func` node named after Django's class; the
// function registry gives its SQL and a backend overrides it by name (compiler/functions.ts).
// As in Django, a string argument is a field reference; a literal string is `Value('…')`.
import { type Expression, Extract, Func, type OutputType, Trunc, Value } from './expressions.js'

type Out<A> = A extends Expression<infer T> ? T : unknown

/** What a number-keeping function (Abs, Round…) gives: its argument's type, a number for a path or a literal. */
type NumberOf<A> = A extends Expression<infer T> ? (unknown extends T ? number : T) : A extends bigint ? bigint : number
type IsDecimal<A> = A extends Expression<infer T> ? (unknown extends T ? false : T extends string ? true : false) : false
/** What a float-or-decimal function (Sqrt, Mod…) gives: a decimal string when an argument is a decimal, else a number. */
type MathOf<A> = true extends IsDecimal<A> ? string : number
/** `T` when given explicitly (`Abs<string>('price')`), else inferred from the arguments. */
type Given<T, Inferred> = [T] extends [never] ? Inferred : T

const nonNegativeInteger = (fn: string, name: string, value: unknown): void => {
  if (typeof value === 'number' && (!Number.isInteger(value) || value < 0)) {
    throw new RangeError(`${fn}: '${name}' must be greater or equal to 0.`)
  }
}
const positiveInteger = (fn: string, name: string, value: unknown): void => {
  if (typeof value === 'number' && (!Number.isInteger(value) || value < 1)) {
    throw new RangeError(`${fn}: '${name}' must be greater than 0.`)
  }
}

// ---------------------------------------------------------------------------------------------
// text

/**
 * The first `length` characters.
 * @example annotate({ initial: Left('name', 1) })
 */
export const Left = (x: unknown, length: unknown): Expression<string> => {
  positiveInteger('Left', 'length', length)
  return Func('Left', [x, length], { output: 'char' })
}

/**
 * The last `length` characters.
 * @example annotate({ suffix: Right('name', 3) })
 */
export const Right = (x: unknown, length: unknown): Expression<string> => {
  positiveInteger('Right', 'length', length)
  return Func('Right', [x, length], { output: 'char' })
}

/**
 * `length` characters (or the rest) from the 1-based position `pos`.
 * @example annotate({ part: Substr('name', 2, 3) })
 */
export const Substr = (x: unknown, pos: unknown, length?: unknown): Expression<string> => {
  positiveInteger('Substr', 'pos', pos)
  return Func('Substr', length === undefined ? [x, pos] : [x, pos, length], { output: 'char' })
}

/**
 * The 1-based position of the first occurrence of `substring`, 0 when absent; case-sensitive on every backend.
 * @example annotate({ at: StrIndex('name', Value('R.')) })
 */
export const StrIndex = (x: unknown, substring: unknown): Expression<number> => Func('StrIndex', [x, substring], { output: 'integer' })

/**
 * The text without leading and trailing spaces.
 * @example annotate({ clean: Trim('name') })
 */
export const Trim = (x: unknown): Expression<string> => Func('Trim', [x])

/**
 * The text without leading spaces.
 * @example annotate({ clean: LTrim('name') })
 */
export const LTrim = (x: unknown): Expression<string> => Func('LTrim', [x])

/**
 * The text without trailing spaces.
 * @example annotate({ clean: RTrim('name') })
 */
export const RTrim = (x: unknown): Expression<string> => Func('RTrim', [x])

/**
 * Every occurrence of `text` replaced by `replacement` (by default removed); case-sensitive.
 * @example update({ name: Replace('name', Value('Mr.'), Value('Mister')) })
 */
export const Replace = (x: unknown, text: unknown, replacement: unknown = Value('')): Expression<string> =>
  Func('Replace', [x, text, replacement])

/**
 * The characters in reverse order.
 * @example annotate({ backwards: Reverse('name') })
 */
export const Reverse = (x: unknown): Expression<string> => Func('Reverse', [x])

/**
 * The text repeated `number` times.
 * @example annotate({ twice: Repeat('name', 2) })
 */
export const Repeat = (x: unknown, number: unknown): Expression<string> => {
  nonNegativeInteger('Repeat', 'number', number)
  return Func('Repeat', [x, number], { output: 'char' })
}

/**
 * The text padded on the left with `fillText` (a space by default) to `length` characters, or cut to it.
 * @example annotate({ code: LPad('code', 5, Value('0')) })
 */
export const LPad = (x: unknown, length: unknown, fillText: unknown = Value(' ')): Expression<string> => {
  nonNegativeInteger('LPad', 'length', length)
  return Func('LPad', [x, length, fillText], { output: 'char' })
}

/**
 * The text padded on the right with `fillText` (a space by default) to `length` characters, or cut to it.
 * @example annotate({ cell: RPad('name', 10, Value('.')) })
 */
export const RPad = (x: unknown, length: unknown, fillText: unknown = Value(' ')): Expression<string> => {
  nonNegativeInteger('RPad', 'length', length)
  return Func('RPad', [x, length, fillText], { output: 'char' })
}

/**
 * The character with this Unicode code point.
 * @example annotate({ letter: Chr('codePoint') })
 */
export const Chr = (x: unknown): Expression<string> => Func('Chr', [x], { output: 'char' })

/**
 * The code point of the first character.
 * @example annotate({ code: Ord('name') })
 */
export const Ord = (x: unknown): Expression<number> => Func('Ord', [x], { output: 'integer' })

/**
 * The MD5 hash of the text (UTF-8), as 32 lowercase hexadecimal digits.
 * @example annotate({ digest: MD5('email') })
 */
export const MD5 = (x: unknown): Expression<string> => Func('MD5', [x], { output: 'char' })

/**
 * The SHA-1 hash of the text (UTF-8), as 40 lowercase hexadecimal digits.
 * @example annotate({ digest: SHA1('email') })
 */
export const SHA1 = (x: unknown): Expression<string> => Func('SHA1', [x], { output: 'char' })

/**
 * The SHA-256 hash of the text (UTF-8), as 64 lowercase hexadecimal digits.
 * @example annotate({ digest: SHA256('email') })
 */
export const SHA256 = (x: unknown): Expression<string> => Func('SHA256', [x], { output: 'char' })

// ---------------------------------------------------------------------------------------------
// comparison

/**
 * NULL when both arguments are equal, else the first.
 * @example annotate({ nickname: NullIf('alias', Value('')) })
 */
export const NullIf = <A>(a: A, b: unknown): Expression<Out<A> | null> => Func('NullIf', [a, b])

// ---------------------------------------------------------------------------------------------
// math: Abs, Ceil, Floor, Round and Sign keep their argument's type (Django's Transforms); the
// others are decimals over a decimal, else floats (Django's NumericOutputFieldMixin).

/**
 * The absolute value, of the argument's type.
 * @example annotate({ distance: Abs(F('a').sub(F('b'))) })
 */
export const Abs = <T = never, A = unknown>(x: A): Expression<Given<T, NumberOf<A>>> => Func('Abs', [x])

/**
 * The smallest integer not below the value, of the argument's type.
 * @example annotate({ pages: Ceil(F('words').div(300.0)) })
 */
export const Ceil = <T = never, A = unknown>(x: A): Expression<Given<T, NumberOf<A>>> => Func('Ceil', [x])

/**
 * The largest integer not above the value, of the argument's type.
 * @example annotate({ whole: Floor('price') })
 */
export const Floor = <T = never, A = unknown>(x: A): Expression<Given<T, NumberOf<A>>> => Func('Floor', [x])

/**
 * The value rounded to `precision` decimal places (0 by default; negative rounds to tens, hundreds…), of the argument's type.
 * @example annotate({ price: Round('price', 1) })
 */
export const Round = <T = never, A = unknown>(x: A, precision: unknown = 0): Expression<Given<T, NumberOf<A>>> => {
  if (typeof precision === 'number' && !Number.isInteger(precision)) throw new RangeError("Round: 'precision' must be an integer.")
  const sign = typeof precision === 'number' ? (precision < 0 ? 'negative' : 'nonNegative') : undefined
  return Func('Round', [x, precision], sign ? { options: { precision: sign } } : {})
}

/**
 * -1, 0 or 1 as the value is negative, zero or positive, of the argument's type.
 * @example filter({ trend: Sign(F('close').sub(F('open'))) })
 */
export const Sign = <T = never, A = unknown>(x: A): Expression<Given<T, NumberOf<A>>> => Func('Sign', [x])

/**
 * The remainder of `x / y`, with the sign of `x` (as C's fmod).
 * @example annotate({ odd: Mod('num', 2) })
 */
export const Mod = <T = never, A = unknown, B = unknown>(x: A, y: B): Expression<Given<T, MathOf<A | B>>> => Func('Mod', [x, y])

/**
 * `x` raised to the power `y`.
 * @example annotate({ area: Power('side', 2) })
 */
export const Power = <T = never, A = unknown, B = unknown>(x: A, y: B): Expression<Given<T, MathOf<A | B>>> => Func('Power', [x, y])

/**
 * The square root.
 * @example annotate({ side: Sqrt('area') })
 */
export const Sqrt = <T = never, A = unknown>(x: A): Expression<Given<T, MathOf<A>>> => Func('Sqrt', [x])

/**
 * e raised to the value.
 * @example annotate({ growth: Exp('rate') })
 */
export const Exp = <T = never, A = unknown>(x: A): Expression<Given<T, MathOf<A>>> => Func('Exp', [x])

/**
 * The natural logarithm.
 * @example annotate({ ln: Ln('amount') })
 */
export const Ln = <T = never, A = unknown>(x: A): Expression<Given<T, MathOf<A>>> => Func('Ln', [x])

/**
 * The logarithm of `x` to `base` (the base first, as SQL's LOG(b, x) and Django's Log).
 * @example annotate({ digits: Log(10, 'amount') })
 */
export const Log = <T = never, A = unknown, B = unknown>(base: A, x: B): Expression<Given<T, MathOf<A | B>>> => Func('Log', [base, x])

/**
 * π, as a float.
 * @example annotate({ circumference: Pi().mul(F('diameter')) })
 */
export const Pi = (): Expression<number> => Func('Pi', [])

/**
 * Radians converted to degrees.
 * @example annotate({ deg: Degrees('angle') })
 */
export const Degrees = <T = never, A = unknown>(x: A): Expression<Given<T, MathOf<A>>> => Func('Degrees', [x])

/**
 * Degrees converted to radians.
 * @example annotate({ rad: Radians('heading') })
 */
export const Radians = <T = never, A = unknown>(x: A): Expression<Given<T, MathOf<A>>> => Func('Radians', [x])

/**
 * The sine of an angle in radians.
 * @example annotate({ y: Sin('angle') })
 */
export const Sin = <T = never, A = unknown>(x: A): Expression<Given<T, MathOf<A>>> => Func('Sin', [x])

/**
 * The cosine of an angle in radians.
 * @example annotate({ x: Cos('angle') })
 */
export const Cos = <T = never, A = unknown>(x: A): Expression<Given<T, MathOf<A>>> => Func('Cos', [x])

/**
 * The tangent of an angle in radians.
 * @example annotate({ slope: Tan('angle') })
 */
export const Tan = <T = never, A = unknown>(x: A): Expression<Given<T, MathOf<A>>> => Func('Tan', [x])

/**
 * The angle in radians of the point (x, y): the arc tangent of `y / x` in the right quadrant (y first).
 * @example annotate({ bearing: ATan2('dy', 'dx') })
 */
export const ATan2 = <T = never, A = unknown, B = unknown>(y: A, x: B): Expression<Given<T, MathOf<A | B>>> => Func('ATan2', [y, x])

// ---------------------------------------------------------------------------------------------
// dates and times: Extract(x, part) and Trunc(x, kind) by name, as Django's shorthands

/** The year. @example annotate({ year: ExtractYear('pubDate') }) */
export const ExtractYear = (x: unknown): Expression<number> => Extract(x, 'year')
/** The ISO 8601 week-numbering year. @example annotate({ isoYear: ExtractIsoYear('pubDate') }) */
export const ExtractIsoYear = (x: unknown): Expression<number> => Extract(x, 'isoYear')
/** The month, 1–12. @example annotate({ month: ExtractMonth('pubDate') }) */
export const ExtractMonth = (x: unknown): Expression<number> => Extract(x, 'month')
/** The day of the month. @example annotate({ day: ExtractDay('pubDate') }) */
export const ExtractDay = (x: unknown): Expression<number> => Extract(x, 'day')
/** The day of the week, 1 = Sunday … 7 = Saturday. @example annotate({ weekDay: ExtractWeekDay('pubDate') }) */
export const ExtractWeekDay = (x: unknown): Expression<number> => Extract(x, 'weekDay')
/** The ISO day of the week, 1 = Monday … 7 = Sunday. @example annotate({ isoWeekDay: ExtractIsoWeekDay('pubDate') }) */
export const ExtractIsoWeekDay = (x: unknown): Expression<number> => Extract(x, 'isoWeekDay')
/** The ISO 8601 week number, 1–53. @example annotate({ week: ExtractWeek('pubDate') }) */
export const ExtractWeek = (x: unknown): Expression<number> => Extract(x, 'week')
/** The quarter, 1–4. @example annotate({ quarter: ExtractQuarter('pubDate') }) */
export const ExtractQuarter = (x: unknown): Expression<number> => Extract(x, 'quarter')
/** The hour, 0–23. @example annotate({ hour: ExtractHour('pubDate') }) */
export const ExtractHour = (x: unknown): Expression<number> => Extract(x, 'hour')
/** The minute, 0–59. @example annotate({ minute: ExtractMinute('pubDate') }) */
export const ExtractMinute = (x: unknown): Expression<number> => Extract(x, 'minute')
/** The whole second, 0–59. @example annotate({ second: ExtractSecond('pubDate') }) */
export const ExtractSecond = (x: unknown): Expression<number> => Extract(x, 'second')

/** January 1st of the value's year (a date stays a date). @example annotate({ year: TruncYear('pubDate') }) */
export const TruncYear = <T = Date>(x: unknown, output?: OutputType): Expression<T> => Trunc<T>(x, 'year', output)
/** The first day of the value's quarter. @example annotate({ quarter: TruncQuarter('pubDate') }) */
export const TruncQuarter = <T = Date>(x: unknown, output?: OutputType): Expression<T> => Trunc<T>(x, 'quarter', output)
/** The first day of the value's month. @example annotate({ month: TruncMonth('pubDate') }) */
export const TruncMonth = <T = Date>(x: unknown, output?: OutputType): Expression<T> => Trunc<T>(x, 'month', output)
/** The Monday of the value's ISO week. @example annotate({ week: TruncWeek('pubDate') }) */
export const TruncWeek = <T = Date>(x: unknown, output?: OutputType): Expression<T> => Trunc<T>(x, 'week', output)
/** Midnight of the value's day. @example annotate({ day: TruncDay('pubDate') }) */
export const TruncDay = <T = Date>(x: unknown, output?: OutputType): Expression<T> => Trunc<T>(x, 'day', output)
/** The date of a datetime, as a date (`YYYY-MM-DD`). @example annotate({ day: TruncDate('pubDate') }) */
export const TruncDate = (x: unknown): Expression<string> => Trunc<string>(x, 'date')
/** The time of a datetime, as a time (`HH:MM:SS[.ffffff]`). @example annotate({ at: TruncTime('pubDate') }) */
export const TruncTime = (x: unknown): Expression<string> => Trunc<string>(x, 'time')
/** The value with minutes and seconds zeroed. @example annotate({ hour: TruncHour('pubDate') }) */
export const TruncHour = <T = Date>(x: unknown, output?: OutputType): Expression<T> => Trunc<T>(x, 'hour', output)
/** The value with seconds zeroed. @example annotate({ minute: TruncMinute('pubDate') }) */
export const TruncMinute = <T = Date>(x: unknown, output?: OutputType): Expression<T> => Trunc<T>(x, 'minute', output)
/** The value without fractions of a second. @example annotate({ second: TruncSecond('pubDate') }) */
export const TruncSecond = <T = Date>(x: unknown, output?: OutputType): Expression<T> => Trunc<T>(x, 'second', output)
