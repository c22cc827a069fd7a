import { hostname, userInfo } from 'node:os';
import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import { literal } from '../render/render-column.js';

/** The history table: the *set* of applied revisions, not a high-water mark. */
export const HISTORY_TABLE = 'carepool_migrations';
/** The per-statement journal of a revision in progress. */
export const JOURNAL_TABLE = 'carepool_migration_journal';

/** DDL of the bookkeeping tables (idempotent); `--sql` prints the same text. */
export const BOOKKEEPING_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS \`${HISTORY_TABLE}\` (
  \`revision\` VARCHAR(64) NOT NULL,
  \`parents\` VARCHAR(512) NOT NULL,
  \`message\` VARCHAR(255) NOT NULL,
  \`checksum\` CHAR(64) NOT NULL,
  \`applied_at\` DATETIME(3) NOT NULL,
  \`duration_ms\` INT NULL,
  \`applied_by\` VARCHAR(255) NOT NULL,
  \`statements\` INT NOT NULL,
  PRIMARY KEY (\`revision\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE IF NOT EXISTS \`${JOURNAL_TABLE}\` (
  \`id\` BIGINT NOT NULL AUTO_INCREMENT,
  \`run_id\` CHAR(36) NOT NULL,
  \`revision\` VARCHAR(64) NOT NULL,
  \`direction\` VARCHAR(4) NOT NULL,
  \`seq\` INT NOT NULL,
  \`statement\` MEDIUMTEXT NOT NULL,
  \`inverse\` MEDIUMTEXT NULL,
  \`status\` VARCHAR(10) NOT NULL,
  \`error\` TEXT NULL,
  \`started_at\` DATETIME(3) NOT NULL,
  \`finished_at\` DATETIME(3) NULL,
  \`applied_by\` VARCHAR(255) NOT NULL,
  \`conn_id\` BIGINT NULL,
  PRIMARY KEY (\`id\`),
  KEY \`ix_journal_run\` (\`run_id\`, \`seq\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];

/** One applied revision as recorded. */
export interface HistoryRow {
  readonly revision: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly checksum: string;
  readonly appliedAt: string;
  readonly durationMs: number | null;
  readonly appliedBy: string;
  readonly statements: number;
}

/** One journaled statement. */
export interface JournalRow {
  readonly id: number;
  readonly runId: string;
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly seq: number;
  readonly statement: string;
  readonly inverse: string | null;
  readonly status: 'pending' | 'done' | 'failed' | 'reverted';
  readonly error: string | null;
  readonly appliedBy: string;
  /**
   * The server connection id (CONNECTION_ID()) the statement ran on: after a crash, `resolve` looks for it
   * in the processlist, because the server keeps running a statement whose client died. null in journals
   * written before carepool recorded it.
   */
  readonly connectionId: number | null;
}

let me: string | undefined;

/**
 * Who runs this process: `os-user@host` (the database user is added by the server with CURRENT_USER()).
 * Read once: every journal row names it, and userInfo() reads the passwd database each time.
 */
export function whoAmI(): string {
  if (me !== undefined) return me;
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  me = `${user}@${hostname()}`.slice(0, 120);
  return me;
}

const isMissingTable = (error: unknown) => (error as { code?: string }).code === 'CAREPOOL_SCHEMA_MISSING';

/** Reads the history table; an absent table is an empty history. */
export async function readHistory(client: SqlClient): Promise<HistoryRow[]> {
  return queryHistory(client).catch(emptyWhenMissing);
}

/** Reads the journal (entries exist only while a revision is half-applied). */
export async function readJournal(client: SqlClient): Promise<JournalRow[]> {
  return queryJournal(client).catch(emptyWhenMissing);
}

/**
 * Reads history and journal; with `create`, makes the bookkeeping tables when one is missing. The tables
 * exist on every run but the first, so they are read first and created only on a missing-table error:
 * two CREATE TABLE IF NOT EXISTS round trips fewer per run, and the same tables either way.
 */
export async function readBookkeeping(
  client: SqlClient,
  create: boolean,
): Promise<{ history: HistoryRow[]; journal: JournalRow[] }> {
  if (create) {
    try {
      return { history: await queryHistory(client), journal: await queryJournal(client) };
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      for (const ddl of BOOKKEEPING_DDL) await client.query(sql.raw(ddl));
    }
    await upgradeJournal(client);
  }
  return { history: await readHistory(client), journal: await readJournal(client) };
}

const emptyWhenMissing = (error: unknown): never[] => {
  if (isMissingTable(error)) return [];
  throw error;
};

async function queryHistory(client: SqlClient): Promise<HistoryRow[]> {
  const { rows } = await client.query<Record<string, string | number | null>>(
    sql`SELECT revision, parents, message, checksum, CAST(applied_at AS CHAR) AS applied_at, duration_ms, applied_by, statements FROM ${sql.ident(HISTORY_TABLE)} ORDER BY applied_at, revision`,
  );
  return rows.map((r) => ({
    revision: String(r.revision),
    parents: String(r.parents ?? '')
      .split(',')
      .filter(Boolean),
    message: String(r.message ?? ''),
    checksum: String(r.checksum),
    appliedAt: String(r.applied_at),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    appliedBy: String(r.applied_by),
    statements: Number(r.statements),
  }));
}

async function queryJournal(client: SqlClient): Promise<JournalRow[]> {
  const { rows } = await client.query<Record<string, string | number | null>>(
    sql`SELECT * FROM ${sql.ident(JOURNAL_TABLE)} ORDER BY id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    runId: String(r.run_id),
    revision: String(r.revision),
    direction: r.direction === 'down' ? 'down' : 'up',
    seq: Number(r.seq),
    statement: String(r.statement),
    inverse: r.inverse === null ? null : String(r.inverse),
    status: String(r.status) as JournalRow['status'],
    error: r.error === null ? null : String(r.error),
    appliedBy: String(r.applied_by),
    connectionId: r.conn_id === undefined || r.conn_id === null ? null : Number(r.conn_id),
  }));
}

/**
 * Adds `conn_id` to a journal made before carepool recorded connection ids (a column read of zero rows
 * tells; error 1054 = unknown column). Runs under the migration lock, before anything is journaled.
 */
async function upgradeJournal(client: SqlClient): Promise<void> {
  try {
    await client.query(sql`SELECT conn_id FROM ${sql.ident(JOURNAL_TABLE)} LIMIT 0`);
  } catch (error) {
    if ((error as { meta?: { errno?: number } }).meta?.errno !== 1054) throw error;
    await client.query(sql`ALTER TABLE ${sql.ident(JOURNAL_TABLE)} ADD COLUMN conn_id BIGINT NULL`);
  }
}

/** The recorded revision facts a history row needs. */
export interface RevisionFacts {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly checksum: string;
}

/** INSERT of a history row (parameterised, for live runs). */
export function insertHistory(rev: RevisionFacts, durationMs: number | null, statements: number) {
  return sql`INSERT INTO ${sql.ident(HISTORY_TABLE)} (revision, parents, message, checksum, applied_at, duration_ms, applied_by, statements)
    VALUES (${rev.id}, ${rev.parents.join(',')}, ${rev.message.slice(0, 255)}, ${rev.checksum}, UTC_TIMESTAMP(3), ${durationMs},
      CONCAT(${whoAmI()}, ' as ', CURRENT_USER()), ${statements})`;
}

/** DELETE of a history row. */
export function deleteHistory(revision: string) {
  return sql`DELETE FROM ${sql.ident(HISTORY_TABLE)} WHERE revision = ${revision}`;
}

/** The history bookkeeping as literal SQL text, for `--sql` output (ids and checksums are validated text). */
export function historySqlText(rev: RevisionFacts, direction: 'up' | 'down', statements: number): string {
  if (direction === 'down') return `DELETE FROM \`${HISTORY_TABLE}\` WHERE revision = ${literal(rev.id)}`;
  return `INSERT INTO \`${HISTORY_TABLE}\` (revision, parents, message, checksum, applied_at, duration_ms, applied_by, statements) VALUES (${literal(rev.id)}, ${literal(rev.parents.join(','))}, ${literal(rev.message.slice(0, 255))}, ${literal(rev.checksum)}, UTC_TIMESTAMP(3), NULL, CURRENT_USER(), ${statements})`;
}
