// @fjord/aggregate: aggregate functions, the aggregate() terminal, and window functions.
import './register.js'

export { aggregate } from './aggregate.js'
export { Avg, Count, Max, Min, StdDev, Sum, Variance } from './functions.js'
export type { Aggregate, AggregateName, AggregateOptions, DefaultOption, SampleOption } from './functions.js'
