import { sql } from '../../db/sql.js';
import type { Target } from '../../db/targets.js';
import { AppError } from '../../errors/index.js';
import type { Chain } from '../files/graph.js';
import { defaultMigrationsDir, loadChain } from '../files/load.js';
import { JOURNAL_TABLE, type JournalRow } from '../history/history-store.js';
import { introspectSchema } from '../introspect/index.js';
import { runStatement } from '../objects/session.js';
import { invertOp } from '../ops/invert.js';
import { opLanded } from '../ops/landed.js';
import type { Operation } from '../ops/operation.js';
import {
  type RunningPolicy,
  type RunningStatement,
  settleRunning,
  sqlLanded,
  stillRunning,
} from './running.js';
import { finishStep } from './execute.js';
import { readTargetState } from './migrate-target.js';
import { renderSteps } from './plan.js';
import { type MigrateSession, openSession } from './session.js';

/** What `resolve` can do with a half-applied revision. */
export type ResolveAction = 'show' | 'resume' | 'mark-applied' | 'revert';

/** One journaled statement with what the live schema says about it. */
export interface ResolveEntry {
  readonly seq: number;
  readonly statement: string;
  readonly inverse: string | null;
  readonly status: JournalRow['status'];
  /** For pending/failed entries: did the change land (re-introspected)? null when it cannot tell. */
  readonly landed: boolean | null;
  readonly error: string | null;
  /** Present when the dead run's statement was still executing on the server when resolve looked. */
  readonly running?: RunningStatement;
}

/** The outcome of {@link resolveTarget}. */
export interface ResolveResult {
  readonly target: string;
  readonly ok: boolean;
  readonly action: ResolveAction;
  /** null when nothing is half-applied. */
  readonly revision: string | null;
  readonly direction?: 'up' | 'down';
  readonly entries: readonly ResolveEntry[];
  /** Statements this call ran. */
  readonly executed: readonly string[];
  readonly error?: { readonly code: string; readonly message: string; readonly hint: string };
}

/**
 * Shows or settles a half-applied revision from its journal: `resume` runs the statements that did not
 * land (a `pending` entry left by a crash is re-checked against the live schema first), `mark-applied`
 * records it as done (you fixed it by hand), `revert` runs the inverses of the statements that landed,
 * newest first, leaving the revision unapplied as before. Takes the target's lock.
 */
export async function resolveTarget(
  target: Target,
  action: ResolveAction,
  options: {
    chain?: Chain;
    migrationsDir?: string;
    lockTimeoutSeconds?: number;
    /** What to do when a dead run's statement still runs: refuse (default), wait for it, or KILL it. */
    running?: RunningPolicy;
    /** How long `wait` (and `kill`, for the rollback) may take. Default 3600 s. */
    waitSeconds?: number;
  } = {},
): Promise<ResolveResult> {
  let session: MigrateSession | undefined;
  const executed: string[] = [];
  let entries: ResolveEntry[] = [];
  let revision: string | null = null;
  let direction: 'up' | 'down' | undefined;
  try {
    const chain = options.chain ?? (await loadChain(options.migrationsDir ?? defaultMigrationsDir()));
    session = await openSession(target, { lock: true, lockTimeoutSeconds: options.lockTimeoutSeconds ?? 60 });
    const state = await readTargetState(session, true);
    const first = state.journal[0];
    if (!first) {
      if (action === 'show')
        return { target: target.name, ok: true, action, revision: null, entries: [], executed };
      throw new AppError(
        'CAREPOOL_MIGRATE_NOTHING_TO_RESOLVE',
        `${target.name}: no revision is half-applied`,
      );
    }
    revision = first.revision;
    direction = first.direction;
    const journal = state.journal.filter((j) => j.revision === first.revision && j.runId === first.runId);
    const rev = chain.revisions.get(first.revision);
    const planned = rev
      ? renderSteps(chain, state.applied, [{ id: rev.id, direction: first.direction }], session.server)[0]
      : undefined;
    const conn = session.conn;
    // A statement whose client died keeps running on the server (and may still land): find it first.
    const running = await stillRunning(conn, journal);
    if (running.size > 0 && action !== 'show') {
      const policy = options.running ?? 'refuse';
      if (policy === 'refuse') {
        const [seq, r] = [...running][0] as [number, RunningStatement];
        throw new AppError(
          'CAREPOOL_MIGRATE_STATEMENT_RUNNING',
          `${target.name}: statement ${seq + 1} of ${revision} is still running on the server as connection ${r.connectionId} (${r.seconds} s): ${r.info.slice(0, 80)}`,
          { meta: { target: target.name, revision, connectionId: r.connectionId } },
        );
      }
      await settleRunning(conn, [...running.values()], policy, options.waitSeconds ?? 3600);
      running.clear();
    }
    const live = await introspectSchema(conn, session.database);
    entries = [];
    for (const j of journal) {
      const op = planned?.statements[j.seq]?.op;
      const landed =
        j.status === 'done'
          ? true
          : op?.kind === 'sql'
            ? await sqlLanded(conn, op.landed)
            : op
              ? opLanded(op, live)
              : null;
      const r = running.get(j.seq);
      entries.push({
        seq: j.seq,
        statement: j.statement,
        inverse: j.inverse,
        status: j.status,
        landed,
        error: j.error,
        ...(r ? { running: r } : {}),
      });
    }
    if (action === 'show')
      return { target: target.name, ok: true, action, revision, direction, entries, executed };
    // A pending step (the crash hit while it ran) whose landing cannot be checked is never re-run or undone
    // blindly: a raw op.sql without a landed-check (issue 16: a re-run ALTER failed with 1060).
    const blind = entries.find((e) => e.status === 'pending' && e.landed === null);
    if (blind && (action === 'resume' || action === 'revert'))
      throw new AppError(
        'CAREPOOL_MIGRATE_SQL_NOT_RERUNNABLE',
        `${target.name}: statement ${blind.seq + 1} of ${revision} was running when the run died and carepool cannot tell whether it took effect: ${blind.statement.slice(0, 80)}`,
        { meta: { target: target.name, revision, seq: blind.seq } },
      );
    const mark = (j: ResolveEntry, status: string) =>
      conn.query(
        sql`UPDATE ${sql.ident(JOURNAL_TABLE)} SET status = ${status}, finished_at = UTC_TIMESTAMP(3) WHERE run_id = ${first.runId} AND seq = ${j.seq}`,
      );
    if (action === 'revert') {
      for (const e of [...entries].reverse()) {
        if (!(e.status === 'done' || (e.status === 'pending' && e.landed === true))) continue;
        if (e.inverse === null) {
          throw new AppError(
            'CAREPOOL_MIGRATE_IRREVERSIBLE',
            `${target.name}: statement ${e.seq + 1} of ${revision} has no inverse: ${e.statement.slice(0, 80)}`,
          );
        }
        await runStatement(conn, { sql: e.inverse, ...inverseOp(planned?.statements[e.seq]?.op) });
        executed.push(e.inverse);
        await mark(e, 'reverted');
      }
      await conn.query(sql`DELETE FROM ${sql.ident(JOURNAL_TABLE)} WHERE run_id = ${first.runId}`);
      return { target: target.name, ok: true, action, revision, direction, entries, executed };
    }
    if (!rev || !planned) {
      throw new AppError(
        'CAREPOOL_MIGRATE_UNKNOWN_REVISION',
        `${target.name}: half-applied revision "${revision}" is not in ${chain.dir}`,
      );
    }
    if (action === 'resume') {
      for (const e of entries) {
        if (e.status === 'done') continue;
        if (e.status === 'pending' && e.landed === true) {
          await mark(e, 'done');
          continue;
        }
        await runStatement(conn, { sql: e.statement, ...opOf(planned.statements[e.seq]?.op) });
        executed.push(e.statement);
        await mark(e, 'done');
      }
      // Statements the run never reached (a crash stops before journaling them).
      for (const st of planned.statements.slice(entries.length)) {
        await runStatement(conn, st);
        executed.push(st.sql);
      }
    }
    await finishStep(conn, planned, null, null);
    return { target: target.name, ok: true, action, revision, direction, entries, executed };
  } catch (error) {
    const e =
      error instanceof AppError
        ? error
        : new AppError('CAREPOOL_MIGRATE_STATEMENT_FAILED', String((error as Error)?.message ?? error), {
            cause: error,
          });
    return {
      target: target.name,
      ok: false,
      action,
      revision,
      ...(direction ? { direction } : {}),
      entries,
      executed,
      error: { code: e.code, message: e.message, hint: e.hint },
    };
  } finally {
    await session?.close();
  }
}

const opOf = (op: Operation | undefined): { op?: Operation } => (op ? { op } : {});

/** The inverse operation, so an inverse creating a trigger or routine runs under the right sql_mode. */
function inverseOp(op: Operation | undefined): { op?: Operation } {
  const inverse = op ? invertOp(op) : null;
  return inverse ? { op: inverse } : {};
}
