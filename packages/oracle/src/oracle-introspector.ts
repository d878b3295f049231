import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely'

interface ColumnRow {
  table: string
  column: string
  type: string
  nullable: string
  hasDefault: number
  isIdentity: string
  objectType: string
}

/** Reads the current user's tables and views from the data dictionary. */
export class OracleIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<any>

  constructor(db: Kysely<any>) {
    this.#db = db
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select username as "name" from all_users order by username`.execute(
      this.#db,
    )
    return rows
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    // data_default is a LONG, which cannot be compared, so only its presence is read.
    const { rows } = await sql<ColumnRow>`
      select c.table_name as "table", c.column_name as "column", c.data_type as "type",
             c.nullable as "nullable", case when c.default_length > 0 then 1 else 0 end as "hasDefault",
             c.identity_column as "isIdentity", o.object_type as "objectType"
      from user_tab_columns c
      join user_objects o on o.object_name = c.table_name and o.object_type in ('TABLE', 'VIEW')
      order by c.table_name, c.column_id`.execute(this.#db)
    const internal = new Set([DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE])
    const tables = new Map<string, TableMetadata>()
    for (const row of rows) {
      if (!options.withInternalKyselyTables && internal.has(row.table)) continue
      let table = tables.get(row.table)
      if (!table) {
        table = { name: row.table, isView: row.objectType === 'VIEW', columns: [] }
        tables.set(row.table, table)
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        isNullable: row.nullable === 'Y',
        isAutoIncrementing: row.isIdentity === 'YES',
        hasDefaultValue: Number(row.hasDefault) === 1 || row.isIdentity === 'YES',
      })
    }
    return [...tables.values()]
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) }
  }
}
