// @fjord/relations: relation fields and loading related rows.
import './reverse.js'
import './m2m.js'
import './join-tables.js'
import './types.js'

export { foreignKey, manyToMany, oneToOne, SET } from './fields.js'
export type { ForeignKeyOptions, ManyToManyOptions, ManyToManySpec, RelationSpec } from './fields.js'
export { joinTableOf } from './m2m.js'
export type { JoinTable } from './m2m.js'
export type { LookupHop, ModelNamed, ReverseHop } from './types.js'
