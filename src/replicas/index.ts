/** Read replicas: lag monitoring and read routing with read-your-writes (docs/scale-out.md "Read replicas"). */
export { type GtidFlavor, gtidCovers, gtidMissing } from './gtid-set.js';
export { LagMonitor, type ReplicaState, type ReplicaStatus } from './monitor.js';
export { type RouteCounts, ReplicaRouter, type RouterOptions } from './router.js';
export { registerReplicaMetrics } from './metrics.js';
export { replicaFindings } from './doctor-check.js';
