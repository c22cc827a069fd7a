import { randomUUID } from 'node:crypto';
import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import { AppError } from '../../errors/index.js';
import { deleteHistory, insertHistory, JOURNAL_TABLE, whoAmI } from '../history/history-store.js';
import { runStatement } from '../objects/session.js';
import type { Algorithm } from '../render/online-ddl.js';
import type { Statement } from '../render/render-op.js';
import type { MigrationLock } from './lock.js';
import type { Direction, PlannedStep } from './plan.js';

/** What happened to one statement. */
export interface StatementResult {
  readonly sql: string;
  readonly algorithm: Algorithm | null;
  readonly durationMs: number;
}

/** What happened to one revision on one target. */
export interface StepResult {
  readonly revision: string;
  readonly direction: Direction;
  readonly ok: boolean;
  readonly statements: readonly StatementResult[];
  readonly durationMs: number;
  readonly error?: { readonly code: string; readonly message: string; readonly hint: string };
}

/** Progress events of a run (the CLI draws per-target progress lines from them). */
export type MigrateEvent =
  | {
      readonly type: 'step';
      readonly target: string;
      readonly revision: string;
      readonly direction: Direction;
      readonly index: number;
      readonly total: number;
    }
  | {
      readonly type: 'statement';
      readonly target: string;
      readonly revision: string;
      readonly seq: number;
      readonly count: number;
      readonly sql: string;
    }
  | { readonly type: 'warning'; readonly target: string; readonly message: string };

const errorJson = (error: unknown) => {
  const e =
    error instanceof AppError
      ? error
      : new AppError('CAREPOOL_MIGRATE_STATEMENT_FAILED', String((error as Error)?.message ?? error));
  return { code: e.code, message: e.message, hint: e.hint };
};

/**
 * Runs one revision's statements on `conn`, journaling each: a `pending` row before it runs, `done` or
 * `failed` after. MySQL commits DDL implicitly, so after a failure (or a crash) the journal says exactly
 * which statements landed; `resolve` works from it. On success the history row is written and the
 * journal cleared in one transaction. Returns the result instead of throwing, so a fleet can carry on.
 *
 * Between two statements, "statement k done" and "statement k+1 pending" are one INSERT … ON DUPLICATE
 * KEY UPDATE (row k exists and is updated, row k+1 is new): one round trip instead of two, and a crash
 * can only leave states the two separate writes could leave too (k pending, or k done and k+1 pending).
 * Rows after the first of a revision get explicit ids (the previous + 1): under the lock this run is the
 * journal's only writer and the journal was empty when it began, so the ids are free, and no server's
 * rules for LAST_INSERT_ID() after a multi-row upsert come into it.
 */
export async function executeStep(
  conn: SqlClient,
  step: PlannedStep,
  options: { target: string; lock?: MigrationLock; onEvent?: (e: MigrateEvent) => void },
): Promise<StepResult> {
  const started = performance.now();
  const runId = randomUUID();
  const who = whoAmI();
  const done: StatementResult[] = [];
  const { revision, direction, statements } = step;
  const journal = sql.ident(JOURNAL_TABLE);
  const row = (id: number | null, seq: number, status: 'pending' | 'done') => {
    const st = statements[seq] as Statement;
    return sql`(${id}, ${runId}, ${revision.id}, ${direction}, ${seq}, ${st.sql}, ${st.inverse}, ${status}, UTC_TIMESTAMP(3), ${status === 'done' ? sql`UTC_TIMESTAMP(3)` : null}, CONCAT(${who}, ' as ', CURRENT_USER()), CONNECTION_ID())`;
  };
  // conn_id: the server keeps running a statement whose client was killed; resolve finds it by this id.
  const columns = sql`(id, run_id, revision, direction, seq, statement, inverse, status, started_at, finished_at, applied_by, conn_id)`;
  /** The statement that ran last, whose `done` is not written yet. */
  let ran: { readonly id: number; readonly seq: number } | undefined;
  try {
    await options.lock?.assertHeld();
    for (const [seq, st] of statements.entries()) {
      options.onEvent?.({
        type: 'statement',
        target: options.target,
        revision: revision.id,
        seq,
        count: statements.length,
        sql: st.sql,
      });
      let id: number;
      if (ran === undefined) {
        id = (await conn.query(sql`INSERT INTO ${journal} ${columns} VALUES ${row(null, seq, 'pending')}`))
          .insertId;
      } else {
        id = ran.id + 1;
        const upsert = await conn.query(sql`INSERT INTO ${journal} ${columns}
          VALUES ${row(ran.id, ran.seq, 'done')}, ${row(id, seq, 'pending')}
          ON DUPLICATE KEY UPDATE status = 'done', finished_at = UTC_TIMESTAMP(3)`);
        // 2 for the updated row k, 1 for the new row k+1: anything else means another session wrote here.
        if (upsert.affectedRows !== 3) {
          throw new AppError(
            'CAREPOOL_MIGRATE_LOCK_FAILED',
            `${options.target}: the journal of ${revision.id} changed under this run (statement ${seq + 1}: ${upsert.affectedRows} rows affected, 3 expected); the migration lock is not protecting it`,
            { meta: { target: options.target, revision: revision.id, seq } },
          );
        }
      }
      const t0 = performance.now();
      try {
        await runStatement(conn, st);
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        await conn.query(
          sql`UPDATE ${journal} SET status = 'failed', error = ${message.slice(0, 4000)}, finished_at = UTC_TIMESTAMP(3) WHERE id = ${id}`,
        );
        throw new AppError(
          'CAREPOOL_MIGRATE_STATEMENT_FAILED',
          `${options.target}: ${revision.id} (${direction}) statement ${seq + 1}/${statements.length} failed after ${seq} applied: ${message}`,
          {
            cause: error,
            meta: { target: options.target, revision: revision.id, seq, applied: seq },
            hint: `Statements 1-${seq} of ${revision.id} are applied and journaled. Run \`carepool migrate resolve --target ${options.target}\` to see them, then --revert to undo them or --resume after fixing the cause.`,
          },
        );
      }
      done.push({
        sql: st.sql,
        algorithm: st.online.algorithm,
        durationMs: Math.round(performance.now() - t0),
      });
      ran = { id, seq };
    }
    if (ran !== undefined) {
      await conn.query(
        sql`UPDATE ${journal} SET status = 'done', finished_at = UTC_TIMESTAMP(3) WHERE id = ${ran.id}`,
      );
    }
    const durationMs = Math.round(performance.now() - started);
    await finishStep(conn, step, runId, durationMs);
    return { revision: revision.id, direction, ok: true, statements: done, durationMs };
  } catch (error) {
    return {
      revision: revision.id,
      direction,
      ok: false,
      statements: done,
      durationMs: Math.round(performance.now() - started),
      error: errorJson(error),
    };
  }
}

/** Records a finished revision (history row in or out) and clears its journal, atomically. */
export async function finishStep(
  conn: SqlClient,
  step: Pick<PlannedStep, 'revision' | 'direction' | 'statements'>,
  runId: string | null,
  durationMs: number | null,
): Promise<void> {
  await conn.transaction(async (tx) => {
    if (step.direction === 'up')
      await tx.query(insertHistory(step.revision, durationMs, step.statements.length));
    else await tx.query(deleteHistory(step.revision.id));
    if (runId === null)
      await tx.query(sql`DELETE FROM ${sql.ident(JOURNAL_TABLE)} WHERE revision = ${step.revision.id}`);
    else await tx.query(sql`DELETE FROM ${sql.ident(JOURNAL_TABLE)} WHERE run_id = ${runId}`);
  });
}
