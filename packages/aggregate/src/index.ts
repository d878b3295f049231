// @fjord/aggregate: aggregate functions, the aggregate() terminal, and window functions.
import './register.js'

export { aggregate } from './aggregate.js'
export { Avg, Count, Max, Min, StdDev, Sum, Variance } from './functions.js'
export type { Aggregate, AggregateName, AggregateOptions, DefaultOption, SampleOption } from './functions.js'
export {
  CumeDist,
  DenseRank,
  FirstValue,
  Lag,
  LastValue,
  Lead,
  NthValue,
  NTile,
  PercentRank,
  Rank,
  RowNumber,
  RowRange,
  ValueRange,
  Window,
} from './window.js'
export type { Frame, FrameBound, WindowOptions } from './window.js'
