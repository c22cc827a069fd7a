import type { MigrationModule } from '../src/migrate/index.js';

/**
 * An index that answers the replica router's fleet-wide read-your-writes check (src/replicas/writer-check.ts:
 * "did this actor create, update or delete within the window?") from the write rows alone. Over
 * `(actor, at)` the check read every audit row of the actor since their watermark, reads' rows included
 * (about 85 index entries per read for a busy reader, bench:replicas); over `(actor, action, at)` it reads
 * only the actor's write rows. Added online (InnoDB builds secondary indexes in place); the cost is one more
 * index entry per audit row.
 */
export default {
  id: '0008_audit_actor_writes',
  parents: ['0007_fleet_instances'],
  message: "index carepool_audit (actor, action, at) for the replica router's recent-writer check",
  up: (op) => [op.createIndex('carepool_audit', ['actor', 'action', 'at'])],
  down: (op) => [op.dropIndex('carepool_audit', 'ix_carepool_audit_actor_action_at')],
} satisfies MigrationModule;
