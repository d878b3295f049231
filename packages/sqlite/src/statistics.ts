// Standard deviation and variance, which SQLite lacks, as aggregate functions registered on the
// connection (Django registers the same four from Python's statistics module).
import type Database from 'better-sqlite3'

interface Moments {
  n: number
  mean: number
  m2: number
}

/** Welford's running mean and sum of squared deviations: stable without a second pass. */
const step = (m: Moments, value: unknown): Moments => {
  if (value === null || value === undefined) return m
  const x = Number(value)
  m.n += 1
  const delta = x - m.mean
  m.mean += delta / m.n
  m.m2 += delta * (x - m.mean)
  return m
}

const variance = (sample: boolean) => (m: Moments): number | null => {
  const d = sample ? m.n - 1 : m.n
  return d > 0 ? m.m2 / d : null
}

/** Register `fjord_stddev_pop`, `fjord_stddev_samp`, `fjord_var_pop` and `fjord_var_samp`. */
export const registerStatistics = (database: Database.Database): void => {
  const define = (name: string, result: (m: Moments) => number | null) =>
    database.aggregate(name, { start: () => ({ n: 0, mean: 0, m2: 0 }), step, result, deterministic: true })
  const root = (f: (m: Moments) => number | null) => (m: Moments) => {
    const v = f(m)
    return v === null ? null : Math.sqrt(v)
  }
  define('fjord_var_pop', variance(false))
  define('fjord_var_samp', variance(true))
  define('fjord_stddev_pop', root(variance(false)))
  define('fjord_stddev_samp', root(variance(true)))
}
