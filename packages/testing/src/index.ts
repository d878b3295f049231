export { allBackends, requireServers, serverBackends, workerId } from './backends.js'
export type { Backend } from './backends.js'
export { captureQueries, countQueries, describeEachBackend, truncate } from './helpers.js'
export type { BackendContext } from './helpers.js'
