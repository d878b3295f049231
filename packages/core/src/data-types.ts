// Column types as a table, the way Django's backends list them (`data_types`): each dialect gives one
// record, and `columnTypeOf` reads it, so no backend writes its own switch over the field types.
import type { FieldType } from './fields.js'
import type { BoundField } from './model.js'

/**
 * A column type per concrete field type: a template where `{maxLength}`, `{maxDigits}` and
 * `{decimalPlaces}` stand for the field's options (`'varchar({maxLength})'`).
 */
export type DataTypes = Readonly<Record<Exclude<FieldType, 'manyToMany'>, string>>

/**
 * The `columnType` of a SchemaOps, read from a dialect's table.
 * @example const columnType = columnTypeFrom({ char: 'varchar({maxLength})', text: 'text', ... })
 */
export const columnTypeFrom =
  (types: DataTypes) =>
  (bf: BoundField): string => {
    const type = bf.field.type
    if (type === 'manyToMany') throw new Error('A many-to-many field has no column.')
    const options = bf.field.options as Readonly<Record<string, unknown>>
    return types[type].replace(/\{(\w+)\}/g, (_, name: string) => String(options[name]))
  }
