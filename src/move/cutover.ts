import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { assertDifferentTargets } from './copy-plan.js';
import { replicationStatus, stopReplication } from './replicate.js';
import { withMoveSession } from './session.js';
import { verifyTables } from './verify.js';

/** The phases of a cutover, in order. */
export type CutoverPhase =
  | 'preflight'
  | 'source-read-only'
  | 'capture-position'
  | 'wait-for-replica'
  | 'final-verify'
  | 'promote'
  | 'rollback';

/** One phase as it ran. */
export interface PhaseReport {
  readonly phase: CutoverPhase;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

/** Options of {@link cutover}. */
export interface CutoverOptions {
  /** How long the replica may take to reach the source's position (default 30 s). */
  readonly waitSeconds?: number;
  /** Run a final verify while the source is read-only (default true). */
  readonly verify?: boolean;
  readonly tables?: readonly string[];
}

/** What {@link cutover} did. */
export interface CutoverResult {
  readonly from: string;
  readonly to: string;
  readonly ok: boolean;
  readonly phases: readonly PhaseReport[];
  /** From the source turning read-only to the destination writable (null when it did not finish). */
  readonly writeDowntimeMs: number | null;
  /** The source position the destination reached. */
  readonly position: string | null;
  /** True when a failed phase put the source back to writable. */
  readonly rolledBack: boolean;
}

class PhaseFailed extends Error {}

/**
 * Switches writes from `from` to `to` (replicating from it, `replicate start`) as a checked state machine:
 * preflight (replication running without errors) → source `read_only=ON` → capture its GTID position →
 * wait (bounded) for the destination to reach it (MASTER_GTID_WAIT) → final verify → stop replication and
 * make the destination writable. Any failed phase after the source went read-only turns it writable again.
 * Pointing the application at the destination is left to the operator (carepool's web app writes to every
 * configured target; see docs/move.md).
 */
export async function cutover(
  from: Target,
  to: Target,
  options: CutoverOptions = {},
): Promise<CutoverResult> {
  assertDifferentTargets(from, to);
  const phases: PhaseReport[] = [];
  let position: string | null = null;
  let readOnlyAt: number | null = null;
  let writableAt: number | null = null;
  const phase = async (name: CutoverPhase, fn: () => Promise<string>): Promise<void> => {
    const started = performance.now();
    try {
      const detail = await fn();
      phases.push({ phase: name, ok: true, ms: Math.round(performance.now() - started), detail });
    } catch (error) {
      phases.push({
        phase: name,
        ok: false,
        ms: Math.round(performance.now() - started),
        detail: (error as Error).message,
      });
      throw new PhaseFailed((error as Error).message);
    }
  };
  try {
    await phase('preflight', async () => {
      const s = await replicationStatus(from, to);
      if (!s.running || s.lastError)
        throw new Error(
          `replication ${from.name} → ${to.name} is not running cleanly (io ${s.io}, sql ${s.sql}${s.lastError ? `, ${s.lastError}` : ''}); run carepool replicate start first`,
        );
      return `replication running, lag ${s.secondsBehind ?? '?'} s`;
    });
    await phase('source-read-only', async () => {
      await withMoveSession(from, (a) => a.query(sql`SET GLOBAL read_only = 1`));
      readOnlyAt = performance.now();
      return `${from.name} read_only=ON (users with SUPER / READ_ONLY ADMIN can still write)`;
    });
    await phase('capture-position', async () => {
      position = await withMoveSession(from, async (a) => {
        const { rows } = await a.query<{ g: string | null }>(sql`SELECT @@GLOBAL.gtid_binlog_pos AS g`);
        return rows[0]?.g ?? null;
      });
      if (!position) throw new Error(`${from.name} reports no GTID position (is its binary log on?)`);
      return position;
    });
    await phase('wait-for-replica', async () => {
      const wait = options.waitSeconds ?? 30;
      const reached = await withMoveSession(to, async (b) => {
        const { rows } = await b.query<{ r: number | string | null }>(
          sql`SELECT MASTER_GTID_WAIT(${position}, ${wait}) AS r`,
        );
        return Number(rows[0]?.r ?? -1);
      });
      if (reached !== 0) throw new Error(`${to.name} did not reach ${position} within ${wait} s`);
      return `${to.name} reached ${position}`;
    });
    if (options.verify !== false) {
      await phase('final-verify', async () => {
        const v = await verifyTables(from, to, options.tables ? { tables: options.tables } : {});
        if (!v.identical)
          throw new Error(
            `${v.differenceCount} row(s) differ (carepool verify ${from.name} ${to.name} names them)`,
          );
        return `identical (${v.tables.reduce((n, t) => n + t.sourceRows, 0)} rows)`;
      });
    }
    await phase('promote', async () => {
      await stopReplication(from, to);
      await withMoveSession(to, (b) => b.query(sql`SET GLOBAL read_only = 0`));
      writableAt = performance.now();
      return `replication stopped; ${to.name} writable; point the application's writes at ${to.name}`;
    });
  } catch (error) {
    if (!(error instanceof PhaseFailed)) throw error;
    if (readOnlyAt !== null) {
      const started = performance.now();
      await withMoveSession(from, (a) => a.query(sql`SET GLOBAL read_only = 0`));
      phases.push({
        phase: 'rollback',
        ok: true,
        ms: Math.round(performance.now() - started),
        detail: `${from.name} writable again; replication left as it was`,
      });
    }
    return {
      from: from.name,
      to: to.name,
      ok: false,
      phases,
      writeDowntimeMs: null,
      position,
      rolledBack: readOnlyAt !== null,
    };
  }
  const downtime = readOnlyAt !== null && writableAt !== null ? Math.round(writableAt - readOnlyAt) : null;
  return {
    from: from.name,
    to: to.name,
    ok: true,
    phases,
    writeDowntimeMs: downtime,
    position,
    rolledBack: false,
  };
}
