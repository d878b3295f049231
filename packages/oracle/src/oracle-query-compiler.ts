import {
  AliasNode,
  BinaryOperationNode,
  ColumnNode,
  type CompiledQuery,
  DefaultInsertValueNode,
  DefaultQueryCompiler,
  type FetchNode,
  FromNode,
  IdentifierNode,
  type InsertQueryNode,
  JoinNode,
  type LimitNode,
  OffsetNode,
  type OperationNode,
  OperatorNode,
  PrimitiveValueListNode,
  type QueryId,
  RawNode,
  ReferenceNode,
  type ReturningNode,
  type RootOperationNode,
  SelectAllNode,
  SelectModifierNode,
  type SelectQueryNode,
  type SetOperationNode,
  TableNode,
  UpdateQueryNode,
  UsingNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  WhereNode,
} from 'kysely'
import { shortenIdentifier } from './identifiers.js'

export type OutBindType = 'number' | 'string' | 'date' | 'buffer'

/**
 * Placeholder for a `RETURNING … INTO :n` target. The compiler puts one in the
 * parameter list for each returned column; the driver turns it into an oracledb
 * OUT bind and copies the values back into result rows under `name`.
 */
export class OutBind {
  constructor(
    readonly type: OutBindType,
    readonly name: string,
  ) {}
}

export interface OracleQueryCompilerOptions {
  /**
   * Out-bind type for a returned column. Oracle needs it before execution and the
   * compiler has no schema, so the default guesses: `id` and `*_id` are numbers,
   * anything else comes back as a string.
   */
  returningType?: (column: string) => OutBindType
  /**
   * Column used for `insert … default values`, which Oracle lacks. Default: the
   * first returned column when the insert has RETURNING, else `id`.
   */
  defaultValuesColumn?: string
  /**
   * Shorten identifiers longer than this many bytes (30 before 12.2, 128 after) with
   * `shortenIdentifier`, as Django's `quote_name` does, so long table and column
   * names are the same in DDL and in queries. Default: no shortening.
   */
  maxIdentifierLength?: number
  /**
   * Oracle cannot return rows from a multi-row insert. `'error'` (the default)
   * refuses it; `'omit'` drops the RETURNING clause, so the insert runs and
   * returns no rows (what an ORM wants for a bulk insert).
   */
  multiRowReturning?: 'error' | 'omit'
}

export const defaultReturningType = (column: string): OutBindType =>
  column === 'id' || column.endsWith('_id') || column.endsWith('Id') ? 'number' : 'string'

// Oracle has no RELEASE SAVEPOINT: savepoints simply last until commit or rollback.
const RELEASE_SAVEPOINT = /^\s*release\s+(savepoint\s+)?("(?:[^"]|"")+"|[a-z_][\w$#]*)\s*;?\s*$/i
// PL/SQL blocks need their final semicolon; plain SQL must not have one (ORA-00911).
const PLSQL_BLOCK = /^\s*(begin|declare|create\s+(or\s+replace\s+)?(editionable\s+|noneditionable\s+)?(procedure|function|package|trigger|type))\b/i

export class OracleQueryCompiler extends DefaultQueryCompiler {
  readonly #returningType: (column: string) => OutBindType
  readonly #defaultValuesColumn: string | undefined
  readonly #maxIdentifierLength: number | undefined
  readonly #multiRowReturning: 'error' | 'omit'

  constructor(options: OracleQueryCompilerOptions = {}) {
    super()
    this.#returningType = options.returningType ?? defaultReturningType
    this.#defaultValuesColumn = options.defaultValuesColumn
    this.#maxIdentifierLength = options.maxIdentifierLength
    this.#multiRowReturning = options.multiRowReturning ?? 'error'
  }

  /**
   * A release-savepoint statement compiles to an empty string (no parameters);
   * OracleDriver skips empty statements, so releasing is a harmless no-op.
   */
  override compileQuery(node: RootOperationNode, queryId: QueryId): CompiledQuery {
    const compiled = super.compileQuery(node, queryId)
    if (RELEASE_SAVEPOINT.test(compiled.sql)) return Object.freeze({ ...compiled, sql: '', parameters: [] })
    if (PLSQL_BLOCK.test(compiled.sql)) return compiled
    const sql = compiled.sql.replace(/[\s;]+$/, '')
    return sql === compiled.sql ? compiled : Object.freeze({ ...compiled, sql })
  }

  protected override sanitizeIdentifier(identifier: string): string {
    const max = this.#maxIdentifierLength
    return super.sanitizeIdentifier(max === undefined ? identifier : shortenIdentifier(identifier, max))
  }

  protected override visitSetOperation(node: SetOperationNode): void {
    // EXCEPT only arrived in 21c; MINUS means the same on every version.
    super.visitSetOperation(node.operator === 'except' ? { ...node, operator: 'minus' as SetOperationNode['operator'] } : node)
  }

  protected override getCurrentParameterPlaceholder(): string {
    return `:${this.numParameters}`
  }

  protected override appendValue(parameter: unknown): void {
    // Booleans only bind as SQL BOOLEAN on 23ai; NUMBER(1) 1/0 works everywhere.
    super.appendValue(typeof parameter === 'boolean' ? (parameter ? 1 : 0) : parameter)
  }

  protected override appendImmediateValue(value: unknown): void {
    if (typeof value === 'boolean') this.append(value ? '1' : '0')
    else if (value instanceof Date) this.append(`timestamp '${value.toISOString().replace('T', ' ').replace('Z', '')}'`)
    else super.appendImmediateValue(value)
  }

  protected override visitSelectQuery(node: SelectQueryNode): void {
    let rewritten = node
    // Before 23ai every SELECT needs a FROM.
    if (!node.from) rewritten = { ...rewritten, from: FromNode.create([RawNode.createWithSql('dual')]) }
    if ((node.limit || node.offset || node.fetch) && node.endModifiers?.some(isRowLock)) rewritten = lockedLimit(rewritten)
    const { limit, offset } = rewritten
    if (limit || offset) {
      if (rewritten.fetch) throw new Error('Oracle: use either limit/offset or fetch, not both')
      // Oracle's row-limiting clause is OFFSET … ROWS FETCH NEXT … ROWS ONLY, in that order.
      const fetch = limit ? ({ kind: 'FetchNode', rowCount: limit.limit, modifier: 'only' } as unknown as FetchNode) : undefined
      rewritten = {
        ...rewritten,
        limit: undefined,
        offset: OffsetNode.create(offset?.offset ?? ValueNode.createImmediate(0)),
        fetch,
      }
    }
    super.visitSelectQuery(rewritten)
  }

  protected override visitSelectModifier(node: SelectModifierNode): void {
    const select = this.parentNode
    if (!node.of || !select || select.kind !== 'SelectQueryNode') {
      super.visitSelectModifier(node)
      return
    }
    // Oracle's FOR UPDATE OF names columns, not tables: a selected column of each table stands for it.
    super.visitSelectModifier({ ...node, of: undefined })
    this.append(' of ')
    node.of.forEach((table, i) => {
      if (i > 0) this.append(', ')
      this.visitNode(lockColumn(select as SelectQueryNode, table))
    })
  }

  protected override visitOffset(node: OffsetNode): void {
    super.visitOffset(node)
    this.append(' rows')
  }

  protected override visitLimit(_node: LimitNode): void {
    // Select limits are rewritten above, so only UPDATE/DELETE … LIMIT gets here.
    throw new Error('Oracle does not support LIMIT on UPDATE or DELETE')
  }

  protected override visitAlias(node: AliasNode): void {
    if (this.#isTableAlias(node)) {
      // Oracle rejects AS before a table alias (ORA-00933) but requires nothing there.
      this.visitNode(node.node)
      this.append(' ')
      this.visitNode(node.alias)
    } else {
      super.visitAlias(node)
    }
  }

  #isTableAlias(node: AliasNode): boolean {
    if (TableNode.is(node.node)) return true
    const parent = this.parentNode
    return (
      parent !== undefined &&
      (FromNode.is(parent) || JoinNode.is(parent) || UsingNode.is(parent) || UpdateQueryNode.is(parent))
    )
  }

  protected override visitInsertQuery(node: InsertQueryNode): void {
    // `.values({})` arrives as no columns and one empty row.
    const noRows = !node.values || (ValuesNode.is(node.values) && node.values.values.every((r) => r.values.length === 0))
    const empty = node.defaultValues || (node.columns?.length === 0 && noRows)
    if (!empty) {
      const multiRow = node.values !== undefined && ValuesNode.is(node.values) && node.values.values.length > 1
      if (multiRow && node.returning && this.#multiRowReturning === 'omit') {
        super.visitInsertQuery({ ...node, returning: undefined })
      } else {
        super.visitInsertQuery(node)
      }
      return
    }
    // Oracle has no DEFAULT VALUES; setting one column to DEFAULT is equivalent.
    const column = this.#defaultValuesColumn ?? (node.returning && this.#firstReturnedName(node.returning)) ?? 'id'
    super.visitInsertQuery({
      ...node,
      defaultValues: false,
      columns: [ColumnNode.create(column)],
      values: ValuesNode.create([ValueListNode.create([DefaultInsertValueNode.create()])]),
    })
  }

  #firstReturnedName(node: ReturningNode): string | undefined {
    const first = node.selections[0]?.selection
    if (!first) return undefined
    if (AliasNode.is(first) && IdentifierNode.is(first.alias)) return first.alias.name
    if (ReferenceNode.is(first) && ColumnNode.is(first.column)) return first.column.column.name
    if (ColumnNode.is(first)) return first.column.name
    return undefined
  }

  protected override visitValues(node: ValuesNode): void {
    if (node.values.length <= 1) {
      super.visitValues(node)
      return
    }
    // Multi-row VALUES exists only on 23ai; INSERT … SELECT … FROM dual UNION ALL works everywhere.
    // The union sits in a derived table because an identity column's NEXTVAL is not allowed
    // next to UNION (ORA-02287), and the first row's columns are named so that equal values
    // never make `select *` ambiguous (ORA-00918).
    const parent = this.parentNode as InsertQueryNode | undefined
    if (parent?.returning && this.#multiRowReturning === 'error') {
      throw new Error('Oracle cannot use RETURNING with a multi-row insert')
    }
    this.append('select * from (')
    node.values.forEach((row, i) => {
      if (i > 0) this.append(' union all ')
      this.append('select ')
      const items: readonly unknown[] = row.values
      items.forEach((item, j) => {
        if (j > 0) this.append(', ')
        if (PrimitiveValueListNode.is(row)) this.appendValue(item)
        else if (DefaultInsertValueNode.is(item as OperationNode)) {
          throw new Error('Oracle cannot use DEFAULT in a multi-row insert; give every row the same columns')
        } else this.visitNode(item as OperationNode)
        if (i === 0) this.append(` c${j}`)
      })
      this.append(' from dual')
    })
    this.append(')')
  }

  protected override visitReturning(node: ReturningNode): void {
    const names: string[] = []
    this.append('returning ')
    node.selections.forEach((selection, i) => {
      if (i > 0) this.append(', ')
      const { expression, name } = this.#returnedColumn(selection.selection)
      this.visitNode(expression)
      names.push(name)
    })
    this.append(' into ')
    names.forEach((name, i) => {
      if (i > 0) this.append(', ')
      this.appendValue(new OutBind(this.#returningType(name), name))
    })
  }

  #returnedColumn(node: OperationNode): { expression: OperationNode; name: string } {
    if (AliasNode.is(node) && IdentifierNode.is(node.alias)) return { expression: node.node, name: node.alias.name }
    if (ReferenceNode.is(node) && ColumnNode.is(node.column)) return { expression: node, name: node.column.column.name }
    if (ColumnNode.is(node)) return { expression: node, name: node.column.name }
    if (SelectAllNode.is(node) || (ReferenceNode.is(node) && SelectAllNode.is(node.column))) {
      throw new Error('Oracle RETURNING … INTO needs explicit columns, not *')
    }
    throw new Error('Oracle RETURNING … INTO needs a column or an aliased expression')
  }
}

const isRowLock = (m: SelectModifierNode): boolean =>
  m.modifier === 'ForUpdate' || m.modifier === 'ForShare' || m.modifier === 'ForNoKeyUpdate' || m.modifier === 'ForKeyShare'

/**
 * FOR UPDATE refuses a row-limiting clause (ORA-02014). An unordered limit without offset (what
 * `get()` sends) becomes `ROWNUM <= n`, which locks the same rows; anything else is refused.
 */
function lockedLimit(node: SelectQueryNode): SelectQueryNode {
  if (!node.limit || node.offset || node.fetch || node.orderBy) {
    throw new Error('Oracle cannot lock (FOR UPDATE) an ordered or offset slice of rows (ORA-02014); lock the rows without the slice')
  }
  const rownum = BinaryOperationNode.create(RawNode.createWithSql('rownum'), OperatorNode.create('<='), node.limit.limit)
  const where = node.where ? WhereNode.cloneWithOperation(node.where, 'And', rownum) : WhereNode.create(rownum)
  return { ...node, where, limit: undefined }
}

/** The first selected column of `table` (by name or alias), as a column reference. */
function lockColumn(select: SelectQueryNode, table: OperationNode): OperationNode {
  const name = TableNode.is(table) ? table.table.identifier.name : undefined
  for (const selection of select.selections ?? []) {
    const ref = unwrapReference(selection.selection)
    if (ref?.table && ref.table.table.identifier.name === name && ColumnNode.is(ref.column)) return ref
  }
  throw new Error(`Oracle's FOR UPDATE OF names a column: select a column of "${name}" to lock its rows`)
}

function unwrapReference(node: OperationNode): ReferenceNode | undefined {
  if (AliasNode.is(node)) return unwrapReference(node.node)
  if (ReferenceNode.is(node)) return node
  // sql.ref(…) arrives as a raw node around the reference.
  if (RawNode.is(node) && node.parameters.length === 1 && node.sqlFragments.every((f) => f === '')) {
    return unwrapReference(node.parameters[0])
  }
  return undefined
}
