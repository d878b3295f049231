// What an aggregate expression is worth over no rows, computed without a statement (Django's
// empty_result_set_value): Count 0, the other aggregates null or their default.
import type { AnyExpression } from '@fjord/core'

/** The value of `e` over an empty set of rows. */
export const emptyValue = (e: AnyExpression): unknown => {
  const n = e.node
  switch (n.kind) {
    case 'Value':
      return n.value
    case 'Func': {
      if (n.aggregate) {
        if (n.fn === 'Count') return 0
        return n.default ? emptyValue(n.default) : null
      }
      if (n.fn === 'Coalesce') {
        for (const a of n.args) {
          const v = emptyValue(a)
          if (v !== null && v !== undefined) return v
        }
      }
      return null
    }
    case 'Combined': {
      const a = emptyValue(n.lhs)
      const b = emptyValue(n.rhs)
      if (typeof a !== 'number' || typeof b !== 'number') return null
      return arithmetic(n.op, a, b)
    }
    case 'Cast':
      return emptyValue(n.expr)
    default:
      return null
  }
}

const arithmetic = (op: string, a: number, b: number): number | null => {
  const ints = Number.isInteger(a) && Number.isInteger(b)
  switch (op) {
    case '+':
      return a + b
    case '-':
      return a - b
    case '*':
      return a * b
    case '/':
      // Division by zero is NULL in SQL; integers divide as SQL divides them.
      if (b === 0) return null
      return ints ? Math.trunc(a / b) : a / b
    case '%':
      return b === 0 ? null : a % b
    default:
      return null
  }
}
