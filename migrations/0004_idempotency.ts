import type { MigrationModule } from '../src/migrate/index.js';

/**
 * Idempotency keys: a POST that carries `Idempotency-Key` stores its response in the same transaction as
 * its write, so a retry after a lost response replays the answer instead of writing twice.
 */
export default {
  id: '0004_idempotency',
  parents: ['0003_security'],
  message: 'idempotency keys for retried writes',
  up: (op) => [
    op.createTable(
      'carepool_idempotency',
      {
        id: op.t.id(),
        idem_key: op.t.varchar(255),
        fingerprint: op.t.char(64),
        status: op.t.smallint(),
        body: op.t.text(),
        created_at: op.withDefaultSql(op.t.datetime(), 'CURRENT_TIMESTAMP'),
      },
      {
        indexes: [
          { name: 'uq_carepool_idempotency_idem_key', columns: ['idem_key'], unique: true },
          { name: 'ix_carepool_idempotency_created_at', columns: ['created_at'] },
        ],
      },
    ),
  ],
  down: (op) => [op.dropTable('carepool_idempotency')],
} satisfies MigrationModule;
