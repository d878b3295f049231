// Printing the tour: a heading, the SQL, the result. Plain text, so the output diffs cleanly.
import { inspect } from 'node:util'
import type { Outcome } from './walkthrough.js'

// One line a value: rows read as a table when printed one under another.
const show = (value: unknown): string =>
  inspect(value, { depth: 4, breakLength: Number.POSITIVE_INFINITY, colors: false, compact: true })

/** A result as lines: one per element for an array, else the value itself. */
export const formatResult = (value: unknown): string[] =>
  Array.isArray(value) ? (value.length === 0 ? ['  (no rows)'] : value.map((v) => `  ${show(v)}`)) : [show(value)]

/** Statements as `sql -- parameters`, one a line. */
const formatSql = (sql: string, parameters: readonly unknown[]): string =>
  parameters.length ? `${sql}\n    -- ${show(parameters)}` : sql

/** The text the demo prints for one step. */
export const formatOutcome = (o: Outcome, index: number): string => {
  const lines = [`\n${index}. ${o.title}`, '-'.repeat(Math.min(100, o.title.length + String(index).length + 2))]
  if (o.sql) lines.push(`SQL:  ${formatSql(o.sql.sql, o.sql.parameters)}`)
  else if (o.sent.length)
    for (const e of o.sent) lines.push(`${e.kind === 'transaction' ? 'TX:  ' : 'SQL: '} ${formatSql(e.sql, e.parameters)}`)
  lines.push('=>', ...formatResult(o.result))
  return lines.join('\n')
}
