// @fjord/migrate: DDL from models (createTables, dropTables, sqlCreateTables), and migrations: the
// state of the models, the autodetector, migration files, the schema editor and the executor.
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
export { autodetect, flagQuestioner, hasChanges, parseDefault, QuestionError, suggestName } from './autodetector.js'
export type { Questioner } from './autodetector.js'
export { collectingEditor, databaseForwards, executingEditor } from './editor.js'
export type { Editor, Statement } from './editor.js'
export { appliedMigrations, makePlan, migrate, MigrationError, MigrationRecord, showMigrations, sqlMigrate } from './executor.js'
export type { MigrateOptions, MigrateResult, PlanStep, ProgressEvent } from './executor.js'
export { ancestors, buildGraph, graphState, migration, MigrationGraphError, named, resolveName, stateAfter } from './graph.js'
export type { Migration, MigrationGraph, MigrationSpec } from './graph.js'
export { loadMigrations, migrationFiles, MIGRATION_FILE, nextNumber } from './loader.js'
export { describe as describeOperation, emptyValue, indexKey, inverse, IrreversibleError, ops, stateForwards } from './operations.js'
export type { DataStep, Operation } from './operations.js'
export { deconstruct, emptyState, modelState, render, renderModel, sameState, stateFromModels, tableOf } from './state.js'
export type { ModelOptions, ModelState, ProjectState } from './state.js'
export { callableDefault, SerializationError, writeMigration } from './writer.js'
export { defineConfig } from './config.js'
export type { FjordConfig } from './config.js'
export { erDiagram } from './erd.js'
