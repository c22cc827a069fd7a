import type { MigrationModule } from '../src/migrate/index.js';

/**
 * Idempotency keys stop keeping response bodies (issue 14 item 5): those were copies of patients, records
 * and appointments (names, dates of birth, diagnoses) kept forever. A key now keeps only what a replay needs:
 * the status, the id of the row the write created (`resource_id`) and the request fingerprint; a replay
 * re-reads the row through the access check and the audit trail, so a deleted row never comes back.
 *
 * Existing rows keep their replay: `resource_id` is taken from the stored body's `id`, then every body is
 * cleared. The `body` column itself stays (NULL-able, always NULL) because dropping a column is a
 * destructive step that `carepool migrate up` refuses without `--allow-destructive`, and `carepool up` and
 * every test run migrate without it; no value is left in it.
 */
export default {
  id: '0005_idempotency_no_bodies',
  parents: ['0004_idempotency'],
  message: 'idempotency keys keep the created row id, not the response body',
  up: (op) => [
    op.addColumn('carepool_idempotency', 'resource_id', op.nullable(op.t.int())),
    op.alterColumn('carepool_idempotency', 'body', op.nullable(op.t.text())),
    op.sql(
      "UPDATE carepool_idempotency SET resource_id = CAST(JSON_UNQUOTE(JSON_EXTRACT(body, '$.id')) AS UNSIGNED) WHERE body IS NOT NULL AND JSON_VALID(body) AND JSON_EXTRACT(body, '$.id') IS NOT NULL",
      { down: 'SELECT 1' },
    ),
    op.sql('UPDATE carepool_idempotency SET body = NULL', {
      down: "UPDATE carepool_idempotency SET body = '{}' WHERE body IS NULL",
    }),
  ],
  down: (op) => [
    op.sql("UPDATE carepool_idempotency SET body = '{}' WHERE body IS NULL", {
      down: 'UPDATE carepool_idempotency SET body = NULL',
    }),
    op.alterColumn('carepool_idempotency', 'body', op.t.text()),
    op.dropColumn('carepool_idempotency', 'resource_id'),
  ],
} satisfies MigrationModule;
