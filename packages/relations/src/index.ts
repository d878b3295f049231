// @fjord/relations: relation fields and loading related rows.
import './reverse.js'

export { foreignKey, manyToMany, oneToOne, SET } from './fields.js'
export type { ForeignKeyOptions, ManyToManyOptions, ManyToManySpec, RelationSpec } from './fields.js'
