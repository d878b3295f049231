// @fjord/migrate: DDL from models (createTables, dropTables, sqlCreateTables); migrations build on it.
export {
  constraintName,
  createStatements,
  createTables,
  dropStatements,
  dropTables,
  extraTableHooks,
  literal,
  sqlCreateTables,
} from './ddl.js'
export type { ExtraTable, ModelsInput } from './ddl.js'
