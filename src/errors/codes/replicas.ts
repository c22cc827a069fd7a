import { defineCodes } from './types.js';

/**
 * Read replicas (src/replicas). The router never raises these to a caller (a replica's failure sends the
 * read to the primary); they label the doctor's replica findings.
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
});
