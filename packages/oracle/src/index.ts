export {
  fnv1a32,
  ORACLE_IDENTIFIER_LENGTH,
  ORACLE_LEGACY_IDENTIFIER_LENGTH,
  shortenIdentifier,
  upperIdentifier,
} from './identifiers.js'
export { OracleAdapter, OracleDialect, type OracleDialectOptions } from './oracle-dialect.js'
export { OracleConnection, type OracleDialectConfig, OracleDriver } from './oracle-driver.js'
export { OracleIntrospector } from './oracle-introspector.js'
export {
  defaultReturningType,
  OracleQueryCompiler,
  type OracleQueryCompilerOptions,
  OutBind,
  type OutBindType,
} from './oracle-query-compiler.js'
