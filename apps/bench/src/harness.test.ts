import { describe, expect, it } from 'vitest'
import type { Contestant } from './contestants/types.js'
import { MismatchError, checkResults, firstDifference, formatTable, normalise } from './harness.js'
import { mulberry32, splitSqlStatements } from './northwind.js'
import type { OperationSpec } from './operations.js'

describe('normalise and firstDifference', () => {
  it('treats key spellings, dates, booleans, bigints and tiny float error as equal', () => {
    const raw = { company_name: 'A', order_date: '2012-01-01 00:00:00.000', discontinued: 0, n: 3, price: 0.1 + 0.2 }
    const orm = { companyName: 'A', orderDate: new Date(Date.UTC(2012, 0, 1)), discontinued: false, n: 3n, price: 0.3, method() {} }
    expect(firstDifference(normalise(raw), normalise(orm))).toBeUndefined()
  })

  it('reports the path of the first difference', () => {
    expect(firstDifference(normalise([{ a: 1 }, { a: 2 }]), normalise([{ a: 1 }, { a: 3 }]))).toBe('result[1].a: expected 2, got 3')
    expect(firstDifference(normalise({ a: 1 }), normalise({ a: 1, b: 2 }))).toContain('unexpected keys b')
    expect(firstDifference(normalise([1, 2]), normalise([1]))).toContain('expected 2 rows, got 1')
  })
})

describe('checkResults', () => {
  const op: OperationSpec = { name: 'customerByPk', label: '(a) customer by pk', arg: (i) => ['X', 'Y'][i], checkCalls: 2 }
  const raw: Contestant = { name: 'raw', ops: { customerByPk: (id) => ({ id, company_name: `c${id}` }) } }

  it('accepts an async contestant with the same rows and skips a contestant lacking the operation', async () => {
    const same: Contestant = { name: 'same', ops: { customerByPk: async (id) => ({ id, companyName: `c${id}` }) } }
    const none: Contestant = { name: 'none', ops: {} }
    await expect(checkResults([raw, same, none], [op])).resolves.toBeUndefined()
  })

  it('aborts on a mismatch, naming contestant, operation and argument', async () => {
    const wrong: Contestant = { name: 'wrong', ops: { customerByPk: (id) => ({ id, company_name: id === 'Y' ? 'nope' : `c${id}` }) } }
    const check = checkResults([raw, wrong], [op])
    await expect(check).rejects.toBeInstanceOf(MismatchError)
    await expect(check).rejects.toThrow(/wrong disagrees with raw on \(a\) customer by pk .*"Y"/)
  })
})

describe('formatTable', () => {
  it('prints medians and ratios to the first contestant', () => {
    const op: OperationSpec = { name: 'countOrders', label: '(c) count orders', arg: () => undefined, checkCalls: 1 }
    const table = formatTable({
      contestants: ['raw', 'other'],
      operations: [op],
      rounds: 1,
      cells: [[{ medianUs: 2, batch: 1, samples: [2] }, { medianUs: 5, batch: 1, samples: [5] }]],
    })
    expect(table).toContain('5.00 (2.50x)')
  })
})

describe('northwind helpers', () => {
  it('mulberry32 is deterministic', () => {
    const a = mulberry32(42)
    const b = mulberry32(42)
    const xs = Array.from({ length: 5 }, () => a())
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()))
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
  })

  it('splits SQL on top-level semicolons only', () => {
    const sql = "CREATE TABLE [a;b] (x);\n-- c;d\nINSERT INTO [a;b] VALUES ('e;''f');\nSELECT \"g;h\" /* i;j */;"
    expect(splitSqlStatements(sql)).toEqual([
      'CREATE TABLE [a;b] (x)',
      "-- c;d\nINSERT INTO [a;b] VALUES ('e;''f')",
      'SELECT "g;h" /* i;j */',
    ])
  })
})
