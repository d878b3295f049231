// The function registry: default SQL for each function name; a backend overrides by name.
import { sql } from 'kysely'
import type { Sql } from '../dialect.js'

export type FunctionSql = (args: readonly Sql[], options: Readonly<Record<string, unknown>>) => Sql

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
])

/** Add or replace a function for every backend. */
export const registerFunction = (name: string, compile: FunctionSql): void => {
  functionRegistry.set(name, compile)
}
