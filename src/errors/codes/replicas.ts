import { defineCodes } from './types.js';

/**
 * Read replicas (src/replicas). A replica's failure never reaches a caller (the read goes to the primary);
 * STOPPED, LAGGING and DOWN label the doctor's findings. FALLBACK_SATURATED is the one a caller can get.
 */
export const replicaCodes = defineCodes({
  CAREPOOL_REPLICA_STOPPED: {
    exit: 1,
    http: 503,
    title:
      'A read replica stopped replicating (its IO or SQL thread is not running); reads go to the primary.',
    hint: 'Read the replication error (carepool targets, SHOW SLAVE STATUS), repair the replica or rebuild it from the primary, then START SLAVE.',
  },
  CAREPOOL_REPLICA_LAGGING: {
    exit: 1,
    http: 503,
    title:
      'A read replica lags more than CAREPOOL_READ_MAX_LAG_MS; reads go to the primary until it catches up.',
    hint: 'Look for long transactions or tables without a primary key on the primary and an overloaded replica; or raise the bound if staler reads are acceptable.',
  },
  CAREPOOL_REPLICA_DOWN: {
    exit: 1,
    http: 503,
    title: 'A read replica does not answer; reads go to the primary.',
    hint: 'Start the replica (or check its host, port and TLS with carepool doctor), or remove it from CAREPOOL_TARGET_<NAME>_REPLICAS.',
  },
  CAREPOOL_REPLICA_FALLBACK_SATURATED: {
    exit: 1,
    http: 503,
    title:
      'No read replica could serve this read and the reads already falling back to the primary hold their share of its pool (writes keep the rest).',
    hint: 'Retry after the Retry-After delay. If it persists, every replica is lagging, stopped or down: run carepool doctor --target <name> and repair or add replicas; the cap is half the primary pool (CAREPOOL_POOL_MAX).',
  },
});
