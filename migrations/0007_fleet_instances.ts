import type { MigrationModule } from '../src/migrate/index.js';

/**
 * The fleet's heartbeat table (issue 18 item 6): every `carepool serve` instance registers here on each
 * target and beats every few seconds; each sizes its pool to its share of the server's `max_connections`
 * (src/fleet/), and the doctor warns when the live instances' pools exceed it.
 */
export default {
  id: '0007_fleet_instances',
  parents: ['0006_login_throttle'],
  message: 'heartbeat table of running app instances (fleet-wide connection budget)',
  up: (op) => [
    op.createTable(
      'carepool_instances',
      {
        id: op.t.id(),
        instance_id: op.t.varchar(64),
        host: op.t.varchar(255),
        pid: op.t.int(),
        pool_max: op.t.int(),
        draining: op.withDefault(op.t.boolean(), false),
        started_at: op.t.datetime(3),
        last_beat: op.t.datetime(3),
      },
      {
        indexes: [
          { name: 'uq_carepool_instances_instance_id', columns: ['instance_id'], unique: true },
          { name: 'ix_carepool_instances_last_beat', columns: ['last_beat'] },
        ],
      },
    ),
  ],
  down: (op) => [op.dropTable('carepool_instances')],
} satisfies MigrationModule;
