import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import { AppError } from '../../errors/index.js';
import type { JournalRow } from '../history/history-store.js';

/** A journaled statement the server is still executing for a client that is gone. */
export interface RunningStatement {
  readonly connectionId: number;
  /** How long it has been running (processlist TIME). */
  readonly seconds: number;
  /** The statement text the processlist shows. */
  readonly info: string;
}

/** What resolve does about a statement that still runs: refuse (default), wait for it, or KILL it. */
export type RunningPolicy = 'refuse' | 'wait' | 'kill';

/**
 * Pending journal entries whose connection is still executing a statement (information_schema.PROCESSLIST,
 * matched by the CONNECTION_ID() journaled with the entry), by seq. MySQL and MariaDB let a user see and
 * kill their own threads without the PROCESS privilege, and the migrator ran the statement itself.
 */
export async function stillRunning(
  conn: SqlClient,
  journal: readonly JournalRow[],
): Promise<Map<number, RunningStatement>> {
  const out = new Map<number, RunningStatement>();
  const pending = journal.filter((j) => j.status === 'pending' && j.connectionId !== null);
  for (const j of pending) {
    const { rows } = await conn.query<{ t: number | string; info: string | null; command: string }>(
      sql`SELECT TIME AS t, INFO AS info, COMMAND AS command FROM information_schema.PROCESSLIST WHERE ID = ${j.connectionId}`,
    );
    const row = rows[0];
    if (row && row.command !== 'Sleep' && row.info)
      out.set(j.seq, { connectionId: j.connectionId as number, seconds: Number(row.t), info: row.info });
  }
  return out;
}

/**
 * Waits until the statements are gone from the processlist; with `kill`, KILLs their connections first
 * (the server then rolls the statement back, which can take a while for a big ALTER). Throws
 * CAREPOOL_MIGRATE_STATEMENT_RUNNING when they are still there after `timeoutSeconds`.
 */
export async function settleRunning(
  conn: SqlClient,
  statements: readonly RunningStatement[],
  policy: Exclude<RunningPolicy, 'refuse'>,
  timeoutSeconds: number,
  pollMs = 250,
): Promise<void> {
  if (policy === 'kill') {
    for (const s of statements)
      await conn.query(sql.raw(`KILL CONNECTION ${Math.trunc(s.connectionId)}`)).catch((error: unknown) => {
        // 1094: unknown thread id — it ended between the look and the kill.
        if ((error as { meta?: { errno?: number } }).meta?.errno !== 1094) throw error;
      });
  }
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const ids = statements.map((s) => s.connectionId);
    const { rows } = await conn.query<{ id: number }>(
      sql`SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID IN (${sql.join(ids.map((id) => sql`${id}`))})`,
    );
    if (rows.length === 0) return;
    if (Date.now() > deadline)
      throw new AppError(
        'CAREPOOL_MIGRATE_STATEMENT_RUNNING',
        `connection(s) ${rows.map((r) => r.id).join(', ')} still run after ${timeoutSeconds} s`,
      );
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Runs a raw step's landed-check: true when it returns a row, false when none; null when the step has no
 * check (then carepool cannot tell, and refuses to re-run or undo it blindly).
 */
export async function sqlLanded(conn: SqlClient, landed: string | undefined): Promise<boolean | null> {
  if (landed === undefined) return null;
  const { rows } = await conn.query(sql.raw(landed));
  return rows.length > 0;
}
