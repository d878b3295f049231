import type {
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  MigrationLockOptions,
  QueryCompiler,
} from 'kysely'
import { type OracleDialectConfig, OracleDriver } from './oracle-driver.js'
import { OracleIntrospector } from './oracle-introspector.js'
import { OracleQueryCompiler, type OracleQueryCompilerOptions } from './oracle-query-compiler.js'

export class OracleAdapter implements DialectAdapter {
  readonly supportsReturning = true
  // Every DDL statement commits the open transaction in Oracle.
  readonly supportsTransactionalDdl = false
  // CREATE … IF NOT EXISTS only arrived in 23ai.
  readonly supportsCreateIfNotExists = false
  readonly supportsOutput = false

  // No lock: DDL commits, which would release a table lock mid-migration, and
  // DBMS_LOCK needs a grant most schemas lack. Run migrations from one process.
  async acquireMigrationLock(_db: Kysely<any>, _options: MigrationLockOptions): Promise<void> {}
  async releaseMigrationLock(_db: Kysely<any>, _options: MigrationLockOptions): Promise<void> {}
}

export interface OracleDialectOptions extends OracleDialectConfig {
  compiler?: OracleQueryCompilerOptions
}

/** Kysely dialect for Oracle Database over node-oracledb (thin mode: no client libraries). */
export class OracleDialect implements Dialect {
  readonly #options: OracleDialectOptions

  constructor(options: OracleDialectOptions = {}) {
    this.#options = options
  }

  createDriver(): Driver {
    return new OracleDriver(this.#options)
  }

  createQueryCompiler(): QueryCompiler {
    return new OracleQueryCompiler(this.#options.compiler)
  }

  createAdapter(): DialectAdapter {
    return new OracleAdapter()
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new OracleIntrospector(db)
  }
}
