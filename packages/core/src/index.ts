// @fjord/core: models, fields, QuerySets, lookups, expressions, terminals, errors, the Db handle and
// the Dialect contract.

// fp-ts's pipe and flow, re-exported so apps can compose QuerySets under plain Node ESM too
export { flow, pipe } from 'fp-ts/lib/function.js'

// models and fields
export { f, makeField } from './fields.js'
export type { AnyField, BaseOptions, Category, Field, FieldSpec, FieldType, OnDelete, RelationInfo, SpecOf } from './fields.js'
export { defaultQueryName, fieldOwner, model, registerSchemaHook, schema } from './model.js'
export type {
  AnyModel,
  BoundField,
  Constraint,
  Fields,
  Index,
  MetaOptions,
  Model,
  ModelDef,
  ModelMeta,
  Registry,
  ReverseRelation,
  SchemaHook,
  SchemaResult,
  WithId,
} from './model.js'
export { lowerCamel, snakeCase } from './naming.js'
export type {
  AggregatePath,
  AggregateResults,
  ExpressionValue,
  FieldName,
  HopOf,
  Insert,
  Lookup,
  LookupExtensions,
  OrderKey,
  Patch,
  PathLookupValue,
  PathValue,
  RelationHop,
  RelationHops,
  Row,
  UnknownAggregatePaths,
  ValuesRow,
  ValuesTuple,
} from './types.js'

// QuerySets
export {
  alias,
  annotate,
  cloneWith,
  dates,
  datetimes,
  defer,
  difference,
  distinct,
  exclude,
  filter,
  intersection,
  makeQuerySet,
  none,
  only,
  orderBy,
  reverse,
  slice,
  union,
  values,
  valuesList,
} from './queryset.js'
export type { AnyQuerySet, Annotation, ModelOf, NamedExpression, QuerySet, QueryState, ResultOf, Selection } from './queryset.js'

// conditions and expressions
export { and, not, or, Q, QNode, toWhere } from './where.js'
export type { Condition, WhereNode } from './where.js'
export {
  Case,
  When,
} from './case.js'
export {
  Cast,
  Coalesce,
  Concat,
  Exists,
  Expression,
  Extract,
  F,
  Func,
  Greatest,
  containsAggregate,
  isExpression,
  Least,
  Length,
  Lower,
  Now,
  OuterRef,
  RawSQL,
  Subquery,
  toExpr,
  Trunc,
  Upper,
  Value,
} from './expressions.js'
export type { AnyExpression, DatePart, ExprNode, OutputType, TruncKind } from './expressions.js'
export {
  Abs,
  ATan2,
  Ceil,
  Chr,
  Cos,
  Degrees,
  Exp,
  ExtractDay,
  ExtractHour,
  ExtractIsoWeekDay,
  ExtractIsoYear,
  ExtractMinute,
  ExtractMonth,
  ExtractQuarter,
  ExtractSecond,
  ExtractWeek,
  ExtractWeekDay,
  ExtractYear,
  Floor,
  Left,
  Ln,
  Log,
  LPad,
  LTrim,
  MD5,
  Mod,
  NullIf,
  Ord,
  Pi,
  Power,
  Radians,
  Repeat,
  Replace,
  Reverse,
  Right,
  Round,
  RPad,
  RTrim,
  SHA1,
  SHA256,
  Sign,
  Sin,
  Sqrt,
  StrIndex,
  Substr,
  Tan,
  Trim,
  TruncDate,
  TruncDay,
  TruncHour,
  TruncMinute,
  TruncMonth,
  TruncQuarter,
  TruncSecond,
  TruncTime,
  TruncWeek,
  TruncYear,
} from './db-functions.js'
export { escapeLike, lookupRegistry, registerLookup, registerTransform, transformRegistry } from './lookups.js'
export type { LookupDef, TransformDef } from './lookups.js'
export { functionOutputs, functionRegistry, numericOutput, registerFunction } from './compiler/functions.js'
export type { ArgTypes, FunctionOutput, FunctionSql } from './compiler/functions.js'

// running
export {
  afterFetchHooks,
  beforeFetchHooks,
  contains,
  count,
  deleteAll,
  earliest,
  exists,
  explain,
  fetchRows,
  first,
  get,
  inBulk,
  last,
  latest,
  stream,
  toArray,
  toSql,
  update,
} from './terminals.js'
export type { DeleteResult } from './terminals.js'
export {
  bulkCreate,
  bulkUpdate,
  create,
  deleteRow,
  fullClean,
  getOrCreate,
  prepareInsert,
  raw,
  refresh,
  save,
  str,
  updateOrCreate,
} from './instance.js'
export type { BulkCreateOptions, ConflictOptions } from './instance.js'
export { dependentsOf, extraDeleteHooks } from './collector.js'
export { effect, unwrap } from './effect.js'
export { inTransaction } from './transaction-core.js'
export type { AtomicOptions } from './transaction-core.js'
export { errorFor, makeDb, PlanCache } from './db.js'
export type { Db, Effect, QueryEvent, QueryKind, QueryListener, TransactionState } from './db.js'
export { columnTypeFrom } from './data-types.js'
export { digitsAt, parseDateTime } from './datetime-text.js'
export type { DataTypes } from './data-types.js'
export { defaultFeatures, fromDbValue, integerBooleanToDb } from './dialect.js'
export type {
  ColumnChange,
  Connection,
  Dialect,
  Driver,
  ExecOptions,
  ExecResult,
  Features,
  IsolationLevel,
  LookupSql,
  Operations,
  PinnedConnection,
  SchemaOps,
  Sql,
  TransactionOps,
} from './dialect.js'
export { coerce, validateValue } from './validation.js'

// errors
export {
  DatabaseError,
  DoesNotExist,
  didYouMean,
  FieldError,
  IntegrityError,
  isOrmError,
  MultipleObjectsReturned,
  ProtectedError,
  RestrictedError,
  TransactionManagementError,
  ValidationError,
} from './errors.js'
export type { OrmError } from './errors.js'

// compiler internals other packages build on
export { Ctx, Slot, modelId, TRUE, FALSE } from './compiler/context.js'
export type { Compiled, Frag } from './compiler/context.js'
export { Scope, registerRelationResolver, findField, relationStep } from './compiler/scope.js'
export type { Join, PathStep, RelationResolver } from './compiler/scope.js'
export { compileExpr, compileWhere, extCompilers, resolvePath, columnOf } from './compiler/where.js'
export { compileSelect, registerQueryRewriter, registerSelectExtension } from './compiler/select.js'
export type { Purpose, QueryRewriter, Reader, SelectExtension, SelectParts } from './compiler/select.js'
export { bindParams, makeHydrator, planFor, toPlanSql } from './compiler/plan.js'
export type { Plan } from './compiler/plan.js'
