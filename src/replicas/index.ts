/** Read replicas: lag monitoring and read routing with read-your-writes (docs/scale-out.md "Read replicas"). */
export { type GtidFlavor, gtidCovers, gtidMissing } from './gtid-set.js';
export { LagMonitor, type ReplicaState, type ReplicaStatus } from './monitor.js';
export { ReplicaRouter } from './router.js';
export type { ReadOptions, RouteCounts, RouterOptions } from './router-options.js';
export { type CarriedWrite, CarriedWrites, isGtidText } from './carried.js';
export { registerReplicaMetrics } from './metrics.js';
export { replicaFindings } from './doctor-check.js';
