// The function registry: default SQL for each function name; a backend overrides by name.
import { sql } from 'kysely'
import type { Sql } from '../dialect.js'
import type { OutputType } from '../expressions.js'
import type { FieldType } from '../fields.js'

/** The type of each argument of a function, as compiled (undefined where unknown, e.g. a bare NULL). */
export type ArgTypes = readonly (FieldType | OutputType | undefined)[]

export type FunctionSql = (args: readonly Sql[], options: Readonly<Record<string, unknown>>, types?: ArgTypes) => Sql

/** A function's output type from its arguments' types, when it is neither fixed nor the first argument's. */
export type FunctionOutput = (types: ArgTypes) => OutputType | undefined

const call = (name: string): FunctionSql => (args) => sql`${sql.raw(name)}(${sql.join(args)})`

export const functionRegistry = new Map<string, FunctionSql>([
  ['Coalesce', call('COALESCE')],
  ['Concat', (args) => sql`CONCAT(${sql.join(args)})`],
  ['Lower', call('LOWER')],
  ['Upper', call('UPPER')],
  ['Length', call('LENGTH')],
  ['Now', () => sql`CURRENT_TIMESTAMP`],
  ['Greatest', call('GREATEST')],
  ['Least', call('LEAST')],
  ['Abs', call('ABS')],
  ['Round', call('ROUND')],
  ['Count', call('COUNT')],
  ['Sum', call('SUM')],
  ['Avg', call('AVG')],
  ['Min', call('MIN')],
  ['Max', call('MAX')],
  ['StdDev', (args, o) => sql`${sql.raw(o.sample ? 'STDDEV_SAMP' : 'STDDEV_POP')}(${sql.join(args)})`],
  ['Variance', (args, o) => sql`${sql.raw(o.sample ? 'VAR_SAMP' : 'VAR_POP')}(${sql.join(args)})`],
  // text (Django's django.db.models.functions.text)
  ['Left', call('LEFT')],
  ['Right', call('RIGHT')],
  ['Substr', call('SUBSTRING')],
  ['StrIndex', call('INSTR')],
  ['Trim', call('TRIM')],
  ['LTrim', call('LTRIM')],
  ['RTrim', call('RTRIM')],
  ['Replace', call('REPLACE')],
  ['Reverse', call('REVERSE')],
  ['Repeat', call('REPEAT')],
  ['LPad', call('LPAD')],
  ['RPad', call('RPAD')],
  ['Chr', call('CHR')],
  ['Ord', call('ASCII')],
  ['MD5', call('MD5')],
  ['SHA1', call('SHA1')],
  ['SHA256', call('SHA256')],
  // comparison
  ['NullIf', call('NULLIF')],
  // math (Django's django.db.models.functions.math)
  ['Ceil', call('CEILING')],
  ['Floor', call('FLOOR')],
  ['Sign', call('SIGN')],
  ['Mod', call('MOD')],
  ['Power', call('POWER')],
  ['Sqrt', call('SQRT')],
  ['Exp', call('EXP')],
  ['Ln', call('LN')],
  ['Log', call('LOG')],
  ['Pi', () => sql`PI()`],
  ['Degrees', call('DEGREES')],
  ['Radians', call('RADIANS')],
  ['Sin', call('SIN')],
  ['Cos', call('COS')],
  ['Tan', call('TAN')],
  ['ATan2', call('ATAN2')],
])

/**
 * Django's NumericOutputFieldMixin: a decimal if any argument is one, else a float (integers
 * included: `Sqrt(2)` is not an integer).
 */
export const numericOutput: FunctionOutput = (types) => (types.some((t) => t === 'decimal') ? 'decimal' : 'float')

/**
 * Output types computed from the arguments. A function listed neither here nor with a fixed output
 * has its first argument's type (and field), as Django's Transform: `Abs`, `Round`, `Ceil`, `Trim`…
 */
export const functionOutputs = new Map<string, FunctionOutput>(
  ['Mod', 'Power', 'Sqrt', 'Exp', 'Ln', 'Log', 'Pi', 'Degrees', 'Radians', 'Sin', 'Cos', 'Tan', 'ATan2'].map((name) => [name, numericOutput]),
)

/** Add or replace a function for every backend; `output` computes its type from its arguments'. */
export const registerFunction = (name: string, compile: FunctionSql, output?: FunctionOutput): void => {
  functionRegistry.set(name, compile)
  if (output) functionOutputs.set(name, output)
}
