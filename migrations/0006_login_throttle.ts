import type { MigrationModule } from '../src/migrate/index.js';

/**
 * Sign-in throttling kept in the database (issue 14 item 3), so every app instance behind one address sees
 * the same state: one row per (user name as typed, client address) with its consecutive failures and the
 * instant until which that address must wait before trying that name again (exponential back-off), plus one
 * row per address (`username = '*'`) for the per-address cap across all names. The rows exist for unknown
 * names exactly as for real ones, so throttling reveals nothing about which accounts exist. Replaces the
 * per-account lock (`carepool_users.locked_until`), which anyone could trigger against anyone.
 */
export default {
  id: '0006_login_throttle',
  parents: ['0005_idempotency_no_bodies'],
  message: 'sign-in throttling per user name and client address',
  up: (op) => [
    op.createTable(
      'carepool_login_throttle',
      {
        id: op.t.id(),
        username: op.t.varchar(64),
        client: op.t.varchar(64),
        failures: op.withDefault(op.t.int(), 0),
        last_failure_at: op.t.datetime(3),
        blocked_until: op.nullable(op.t.datetime(3)),
      },
      {
        indexes: [
          {
            name: 'uq_carepool_login_throttle_username_client',
            columns: ['username', 'client'],
            unique: true,
          },
          { name: 'ix_carepool_login_throttle_client', columns: ['client'] },
        ],
      },
    ),
  ],
  down: (op) => [op.dropTable('carepool_login_throttle')],
} satisfies MigrationModule;
