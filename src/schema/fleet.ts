import { type RowOf, t, table, withDefault } from './builders.js';

/**
 * The fleet's heartbeat table (migration 0007): one row per running `carepool serve` instance, written on
 * every target the instance serves. Each instance sizes its pool to its share of the server's
 * `max_connections` from the live rows (src/fleet/); rows whose `last_beat` is older than the stale bound
 * are deleted by whichever instance sees them first. Times are the server's (`NOW(3)`), never a host's
 * clock, so instances on different machines agree on what is stale.
 */
export const fleetInstances = table(
  'carepool_instances',
  {
    id: t.id(),
    /** Random per process start: `<host>-<pid>-<8 hex>`. */
    instance_id: t.varchar(64),
    host: t.varchar(255),
    pid: t.int(),
    /** The pool size the instance uses on this target now (its share, never above CAREPOOL_POOL_MAX). */
    pool_max: t.int(),
    /** True from SIGTERM until the instance exits: it takes no new work (`/readyz` answers 503). */
    draining: withDefault(t.boolean(), false),
    started_at: t.datetime(3),
    last_beat: t.datetime(3),
  },
  {
    indexes: [
      { name: 'uq_carepool_instances_instance_id', columns: ['instance_id'], unique: true },
      { name: 'ix_carepool_instances_last_beat', columns: ['last_beat'] },
    ],
  },
);

/** A row of `carepool_instances`. */
export type FleetInstanceRow = RowOf<typeof fleetInstances>;
