// A small benchmarking harness.
//
// 1. Check: every contestant's results (and, for writes, the table state afterwards) must equal the
//    raw driver's after normalising, or the run aborts with a MismatchError. Nothing is timed before
//    every check has passed.
// 2. Warm-up and calibration: each (operation, contestant) runs for `warmupMs`; the batch size is
//    chosen so that one batch takes about `batchMs`.
// 3. Rounds: in each round every operation runs one batch per contestant, contestants in an order
//    rotated each round (interleaved, so drift and background noise hit them alike). A sample is a
//    batch's time divided by its calls; the result is the median sample, in microseconds.
// It only measures and prints; it asserts nothing about times.
import type { Contestant } from './contestants/types.js'
import type { OperationSpec } from './operations.js'

export interface HarnessOptions {
  readonly rounds: number
  /** Warm-up time per operation and contestant. */
  readonly warmupMs: number
  /** Target duration of one timed batch (an operation slower than this runs once per batch). */
  readonly batchMs: number
  readonly log?: (message: string) => void
}

export interface Cell {
  readonly medianUs: number
  readonly batch: number
  readonly samples: readonly number[]
}

export interface BenchResult {
  readonly contestants: readonly string[]
  readonly operations: readonly OperationSpec[]
  /** cells[op][contestant]; undefined where the contestant lacks the operation. */
  readonly cells: readonly (readonly (Cell | undefined)[])[]
  readonly rounds: number
}

export class MismatchError extends Error {
  override name = 'MismatchError'
}

type OpFn = (arg: unknown) => unknown

const opOf = (c: Contestant, op: OperationSpec): OpFn | undefined => {
  const fn = c.ops[op.name] as OpFn | undefined
  return fn === undefined ? undefined : fn.bind(c.ops)
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'

const settle = async (value: unknown): Promise<unknown> => (isThenable(value) ? await value : value)

// ---------------------------------------------------------------------------------------------
// Normalising and comparing results

const DATE_TEXT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z?$/

const normaliseDateText = (text: string): string => {
  const m = DATE_TEXT.exec(text)
  if (m === null) return text
  const fraction = (m[3] ?? '').replace(/0+$/, '')
  return `${m[1]} ${m[2]}${fraction ? `.${fraction}` : ''}`
}

/** `company_name`, `companyName` and `CompanyName` all become `companyname`. */
export const normaliseKey = (key: string): string => key.replace(/_/g, '').toLowerCase()

/**
 * Brings a result to a comparable form: object keys normalised and sorted (own enumerable,
 * non-function properties only, so model instances compare as their fields), undefined -> null,
 * bigint -> number, boolean -> 0/1, Date and date-like text -> 'YYYY-MM-DD HH:MM:SS[.fff]' (UTC),
 * bytes -> hex text. Numbers are compared later with a relative tolerance of 1e-9.
 */
export const normalise = (value: unknown): unknown => {
  if (value === undefined || value === null) return null
  switch (typeof value) {
    case 'bigint':
      return Number(value)
    case 'boolean':
      return value ? 1 : 0
    case 'number':
      return Object.is(value, -0) ? 0 : value
    case 'string':
      return normaliseDateText(value)
    case 'object':
      break
    default:
      return value
  }
  if (value instanceof Date) return normaliseDateText(value.toISOString())
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`
  if (Array.isArray(value)) return value.map(normalise)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key]
    if (typeof v === 'function') continue
    const k = normaliseKey(key)
    if (k in out) throw new MismatchError(`keys collide after normalising: "${key}" and another key both become "${k}"`)
    out[k] = normalise(v)
  }
  return out
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 160 ? `${text.slice(0, 157)}...` : text
}

const sameNumber = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

/** The first difference between two normalised values, described; undefined when equal. */
export const firstDifference = (expected: unknown, actual: unknown, path = 'result'): string | undefined => {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return sameNumber(expected, actual) ? undefined : `${path}: expected ${expected}, got ${actual}`
  }
  if (expected === null || actual === null || typeof expected !== 'object' || typeof actual !== 'object') {
    return expected === actual ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) {
    return `${path}: expected ${show(expected)}, got ${show(actual)}`
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      return `${path}: expected ${expected.length} rows, got ${actual.length}${
        actual.length > 0 || expected.length > 0 ? ` (first expected ${show(expected[0])}, first got ${show(actual[0])})` : ''
      }`
    }
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`)
      if (d !== undefined) return d
    }
    return undefined
  }
  const e = expected as Record<string, unknown>
  const a = actual as Record<string, unknown>
  const missing = Object.keys(e).filter((k) => !(k in a))
  const extra = Object.keys(a).filter((k) => !(k in e))
  if (missing.length > 0 || extra.length > 0) {
    return `${path}: ${missing.length > 0 ? `missing keys ${missing.join(', ')}` : ''}${
      missing.length > 0 && extra.length > 0 ? '; ' : ''
    }${extra.length > 0 ? `unexpected keys ${extra.join(', ')}` : ''} (keys compared after normalising)`
  }
  for (const k of Object.keys(e)) {
    const d = firstDifference(e[k], a[k], `${path}.${k}`)
    if (d !== undefined) return d
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Checking

/** Compares every contestant's results with the first contestant's (the raw driver); throws MismatchError. */
export const checkResults = async (contestants: readonly Contestant[], operations: readonly OperationSpec[]): Promise<void> => {
  const [reference, ...others] = contestants
  if (reference === undefined) throw new Error('no contestants')
  for (const op of operations) {
    const ref = opOf(reference, op)
    if (ref === undefined) throw new Error(`the reference contestant "${reference.name}" lacks ${op.name}`)
    const run = async (c: Contestant, fn: OpFn): Promise<{ results: unknown[]; state: unknown }> => {
      op.reset?.()
      const results: unknown[] = []
      for (let i = 0; i < op.checkCalls; i++) {
        try {
          results.push(normalise(await settle(fn(op.arg(i)))))
        } catch (error) {
          if (error instanceof MismatchError) throw error
          throw new MismatchError(`${c.name} failed on ${op.label} (${op.name}) with argument ${show(op.arg(i))}: ${(error as Error).stack ?? error}`)
        }
      }
      return { results, state: op.snapshot === undefined ? undefined : normalise(op.snapshot()) }
    }
    const expected = await run(reference, ref)
    for (const c of others) {
      const fn = opOf(c, op)
      if (fn === undefined) continue
      const actual = await run(c, fn)
      for (let i = 0; i < op.checkCalls; i++) {
        const d = firstDifference(expected.results[i], actual.results[i])
        if (d !== undefined) {
          throw new MismatchError(
            `${c.name} disagrees with ${reference.name} on ${op.label} (${op.name}), call ${i} with argument ${show(op.arg(i))}:\n  ${d}`,
          )
        }
      }
      const d = firstDifference(expected.state, actual.state, 'table state')
      if (d !== undefined) {
        throw new MismatchError(`${c.name} disagrees with ${reference.name} on ${op.label} (${op.name}), after ${op.checkCalls} calls:\n  ${d}`)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Timing

const gc = (globalThis as { gc?: () => void }).gc

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Runs `count` calls with arguments from `start`, returning elapsed nanoseconds (arguments are made before the clock starts). */
const timeBatch = async (fn: OpFn, op: OperationSpec, start: number, count: number): Promise<number> => {
  const args = new Array<unknown>(count)
  for (let k = 0; k < count; k++) args[k] = op.arg(start + k)
  const t0 = process.hrtime.bigint()
  for (let k = 0; k < count; k++) {
    const r = fn(args[k])
    if (isThenable(r)) await r
  }
  return Number(process.hrtime.bigint() - t0)
}

export const runBench = async (
  contestants: readonly Contestant[],
  operations: readonly OperationSpec[],
  options: HarnessOptions,
): Promise<BenchResult> => {
  const log = options.log ?? (() => {})
  const fns = operations.map((op) => contestants.map((c) => opOf(c, op)))
  const batches = operations.map(() => contestants.map(() => 0))
  const next = operations.map(() => contestants.map(() => 0)) // next call number per (op, contestant)
  const samples = operations.map(() => contestants.map((): number[] => []))

  // Warm-up and calibration.
  for (let o = 0; o < operations.length; o++) {
    const op = operations[o]
    for (let c = 0; c < contestants.length; c++) {
      const fn = fns[o][c]
      if (fn === undefined) continue
      op.reset?.()
      let calls = 0
      let elapsed = 0
      let chunk = 1
      let lastPerCall = Number.POSITIVE_INFINITY
      while (elapsed < options.warmupMs * 1e6 || calls < 3) {
        const ns = await timeBatch(fn, op, next[o][c], chunk)
        next[o][c] += chunk
        calls += chunk
        elapsed += ns
        lastPerCall = ns / chunk
        if (ns < 2e6) chunk *= 2
      }
      batches[o][c] = Math.max(1, Math.min(1_000_000, Math.round((options.batchMs * 1e6) / lastPerCall)))
    }
    log(`warmed up ${op.label}`)
  }

  for (let round = 0; round < options.rounds; round++) {
    for (let o = 0; o < operations.length; o++) {
      const op = operations[o]
      for (let j = 0; j < contestants.length; j++) {
        const c = (j + round) % contestants.length
        const fn = fns[o][c]
        if (fn === undefined) continue
        op.reset?.()
        gc?.()
        const count = batches[o][c]
        const ns = await timeBatch(fn, op, next[o][c], count)
        next[o][c] += count
        samples[o][c].push(ns / count / 1000)
      }
    }
    if ((round + 1) % 5 === 0 || round + 1 === options.rounds) log(`round ${round + 1}/${options.rounds} done`)
  }

  return {
    contestants: contestants.map((c) => c.name),
    operations,
    rounds: options.rounds,
    cells: operations.map((_, o) =>
      contestants.map((_, c) =>
        fns[o][c] === undefined ? undefined : { medianUs: median(samples[o][c]), batch: batches[o][c], samples: samples[o][c] },
      ),
    ),
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

const formatUs = (us: number): string => {
  if (us >= 10_000) return us.toFixed(0)
  if (us >= 100) return us.toFixed(1)
  return us.toFixed(2)
}

/** The table of medians (µs per operation) and, for every contestant but the first, its ratio to the first. */
export const formatTable = (result: BenchResult): string => {
  const header = ['operation', ...result.contestants.map((name, c) => (c === 0 ? `${name} µs` : `${name} µs (x ${result.contestants[0]})`))]
  const rows = result.operations.map((op, o) => {
    const base = result.cells[o][0]
    return [
      op.label,
      ...result.cells[o].map((cell, c) => {
        if (cell === undefined) return '-'
        if (c === 0 || base === undefined) return formatUs(cell.medianUs)
        return `${formatUs(cell.medianUs)} (${(cell.medianUs / base.medianUs).toFixed(2)}x)`
      }),
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.map(line)].join('\n')
}
