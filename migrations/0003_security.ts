import type { MigrationModule } from '../src/migrate/index.js';

/**
 * carepool's own security tables on every target: users and API tokens (copied to each target, so
 * sign-in survives one cloud being down) and the append-only audit trail of PHI access. Triggers refuse
 * UPDATE and DELETE on the audit table, so even the app's own database user cannot rewrite history.
 * On MySQL with binary logging (Azure, Cloud SQL with PITR), creating triggers needs
 * log_bin_trust_function_creators=ON or SUPER; see docs/security.md.
 */
export default {
  id: '0003_security',
  parents: ['0002_appointments'],
  message: 'users, API tokens and the append-only audit trail',
  up: (op) => [
    op.createTable(
      'carepool_users',
      {
        id: op.t.id(),
        username: op.t.varchar(64),
        role: op.t.enum('viewer', 'clinician', 'admin'),
        password_hash: op.t.varchar(255),
        disabled: op.withDefault(op.t.boolean(), false),
        failed_logins: op.withDefault(op.t.int(), 0),
        locked_until: op.nullable(op.t.datetime()),
        sessions_valid_after: op.withDefaultSql(op.t.datetime(3), 'CURRENT_TIMESTAMP(3)'),
        created_at: op.withDefaultSql(op.t.datetime(), 'CURRENT_TIMESTAMP'),
      },
      { indexes: [{ name: 'uq_carepool_users_username', columns: ['username'], unique: true }] },
    ),
    op.createTable(
      'carepool_tokens',
      {
        id: op.t.id(),
        token_hash: op.t.char(64),
        name: op.t.varchar(64),
        username: op.t.varchar(64),
        created_at: op.withDefaultSql(op.t.datetime(), 'CURRENT_TIMESTAMP'),
        revoked_at: op.nullable(op.t.datetime()),
      },
      {
        indexes: [
          { name: 'uq_carepool_tokens_token_hash', columns: ['token_hash'], unique: true },
          { name: 'ix_carepool_tokens_username', columns: ['username'] },
        ],
      },
    ),
    op.createTable(
      'carepool_audit',
      {
        id: op.t.id(),
        at: op.withDefaultSql(op.t.datetime(3), 'CURRENT_TIMESTAMP(3)'),
        actor: op.t.varchar(64),
        role: op.t.varchar(16),
        action: op.t.varchar(16),
        resource: op.t.varchar(32),
        resource_id: op.nullable(op.t.int()),
        patient_id: op.nullable(op.t.int()),
        outcome: op.t.varchar(16),
        client: op.t.varchar(64),
        request_id: op.t.varchar(64),
      },
      {
        indexes: [
          { name: 'ix_carepool_audit_patient_id_at', columns: ['patient_id', 'at'] },
          { name: 'ix_carepool_audit_actor_at', columns: ['actor', 'at'] },
        ],
      },
    ),
    op.sql(
      "CREATE TRIGGER carepool_audit_no_update BEFORE UPDATE ON carepool_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'carepool_audit is append-only'",
      { down: 'DROP TRIGGER IF EXISTS carepool_audit_no_update' },
    ),
    op.sql(
      "CREATE TRIGGER carepool_audit_no_delete BEFORE DELETE ON carepool_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'carepool_audit is append-only'",
      { down: 'DROP TRIGGER IF EXISTS carepool_audit_no_delete' },
    ),
  ],
  down: (op) => [
    op.sql('DROP TRIGGER IF EXISTS carepool_audit_no_delete', {
      down: "CREATE TRIGGER carepool_audit_no_delete BEFORE DELETE ON carepool_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'carepool_audit is append-only'",
    }),
    op.sql('DROP TRIGGER IF EXISTS carepool_audit_no_update', {
      down: "CREATE TRIGGER carepool_audit_no_update BEFORE UPDATE ON carepool_audit FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'carepool_audit is append-only'",
    }),
    op.dropTable('carepool_audit'),
    op.dropTable('carepool_tokens'),
    op.dropTable('carepool_users'),
  ],
} satisfies MigrationModule;
