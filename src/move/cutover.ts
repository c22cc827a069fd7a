import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { assertDifferentTargets } from './copy-plan.js';
import { recordCutover } from './cutover-record.js';
import { readMoveState, writeMoveState } from './move-state.js';
import { replicationStatus, sourceCaPath, startReplicationAt, stopReplication } from './replicate.js';
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
  | 'switch-app'
  | 'reverse-replication'
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
  /**
   * carepool's home: the switch is recorded in `<home>/move/cutover.json` (a running web app on this home
   * sends the source's requests to the destination from then on) and each phase in `last-cutover.json`.
   */
  readonly home?: string;
  /** After the switch, replicate the destination back into the source (which stays read-only). */
  readonly reverse?: boolean;
  /** CA of the destination's certificate for the reverse channel (else as `replicate start` finds it). */
  readonly reverseCa?: string;
}

/** What {@link cutover} did. */
export interface CutoverResult {
  readonly from: string;
  readonly to: string;
  readonly ok: boolean;
  readonly phases: readonly PhaseReport[];
  /**
   * From the source turning read-only to the destination writable and, with `home`, the switch recorded
   * (null when it did not finish). A web app following the record adds at most its poll interval (200 ms).
   */
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
 * make the destination writable → record the switch for the web app → optionally replicate back (`reverse`).
 * Any failed phase before the switch turns the source writable again (`rollback`).
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
  let switched = false;
  const save = (state: string) =>
    options.home === undefined
      ? Promise.resolve()
      : writeMoveState(options.home, 'cutover', { from: from.name, to: to.name, state, phases }).catch(
          () => undefined,
        );
  const phase = async (name: CutoverPhase, fn: () => Promise<string>): Promise<void> => {
    const started = performance.now();
    try {
      const detail = await fn();
      phases.push({ phase: name, ok: true, ms: Math.round(performance.now() - started), detail });
      await save('running');
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
  let reverseCa: string | null = null;
  let reverseFrom: string | null = null;
  // A run killed after promote and before the switch was recorded: finish it instead of failing preflight.
  const resuming = options.home !== undefined && (await interruptedAfterPromote(options.home, from, to));
  try {
    await save('running');
    await phase('preflight', async () => {
      const s = await replicationStatus(from, to);
      if (resuming) {
        if (s.running)
          throw new Error(`replication ${from.name} → ${to.name} runs again: start a new cutover`);
        reverseFrom = await withMoveSession(to, async (b) => {
          const { rows } = await b.query<{ g: string | null }>(sql`SELECT @@GLOBAL.gtid_binlog_pos AS g`);
          return rows[0]?.g ?? '';
        });
      } else if (!s.running || s.lastError)
        throw new Error(
          `replication ${from.name} → ${to.name} is not running cleanly (io ${s.io}, sql ${s.sql}${s.lastError ? `, ${s.lastError}` : ''}); run carepool replicate start first`,
        );
      // The reverse channel's CA is found before any write stops, so a missing one costs no downtime.
      if (options.reverse) {
        const caOptions = {
          ...(options.reverseCa ? { sourceCa: options.reverseCa } : {}),
          ...(options.home ? { home: options.home } : {}),
        };
        reverseCa = await sourceCaPath(to, caOptions);
      }
      return resuming
        ? `resuming a cutover interrupted after ${to.name} was promoted (${from.name} read-only, ${to.name} writable): recording the switch`
        : `replication running, lag ${s.secondsBehind ?? '?'} s`;
    });
    if (!resuming) await switchWrites();
    async function switchWrites(): Promise<void> {
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
        reverseFrom = await withMoveSession(to, async (b) => {
          // Where the destination's own binary log stands before its first write: the reverse channel's start.
          const { rows } = await b.query<{ g: string | null }>(sql`SELECT @@GLOBAL.gtid_binlog_pos AS g`);
          await b.query(sql`SET GLOBAL read_only = 0`);
          return rows[0]?.g ?? '';
        });
        writableAt = performance.now();
        return `replication stopped; ${to.name} writable`;
      });
    }
    const home = options.home;
    if (home !== undefined) {
      await phase('switch-app', async () => {
        await recordCutover(home, from.name, to.name);
        writableAt = performance.now();
        return `recorded ${from.name} → ${to.name}: a web app on this home sends ${from.name}'s requests to ${to.name}`;
      });
    }
    switched = true;
    if (options.reverse && reverseCa !== null) {
      const ca: string = reverseCa;
      await phase('reverse-replication', async () => {
        const s = await startReplicationAt(to, from, reverseFrom ?? '', ca);
        return `${from.name} (read-only) replicates from ${to.name} from ${reverseFrom || 'the start'} (io ${s.io}, sql ${s.sql})`;
      });
    }
  } catch (error) {
    if (!(error instanceof PhaseFailed)) throw error;
    if (switched) {
      // Only the reverse channel failed: the switch itself stands.
      await save('done; reverse replication failed');
      return result(true);
    }
    if (readOnlyAt !== null) {
      const started = performance.now();
      await withMoveSession(from, (a) => a.query(sql`SET GLOBAL read_only = 0`));
      phases.push({
        phase: 'rollback',
        ok: true,
        ms: Math.round(performance.now() - started),
        detail: `${from.name} writable again`,
      });
    }
    await save('failed');
    return result(false);
  }
  await save('done');
  return result(true);

  function result(ok: boolean): CutoverResult {
    // A resumed run did not see the source go read-only: its downtime is unknown (null).
    const downtime =
      ok && readOnlyAt !== null && writableAt !== null ? Math.round(writableAt - readOnlyAt) : null;
    return {
      from: from.name,
      to: to.name,
      ok,
      phases,
      writeDowntimeMs: downtime,
      position,
      rolledBack: !ok && readOnlyAt !== null,
    };
  }
}

/**
 * True when the last recorded cutover of `from` → `to` (in `<home>/move/last-cutover.json`) stopped after its
 * `promote` and before `switch-app`, and the servers are still so: `from` read-only, `to` writable.
 */
async function interruptedAfterPromote(home: string, from: Target, to: Target): Promise<boolean> {
  const last = await readMoveState<{ from: string; to: string; state: string; phases: PhaseReport[] }>(
    home,
    'cutover',
  );
  if (last === null || last.from !== from.name || last.to !== to.name || last.state !== 'running')
    return false;
  const done = new Set(last.phases.filter((p) => p.ok).map((p) => p.phase));
  if (!done.has('promote') || done.has('switch-app')) return false;
  const readOnly = (t: Target) =>
    withMoveSession(t, async (s) =>
      Number((await s.query<{ r: number }>(sql`SELECT @@GLOBAL.read_only AS r`)).rows[0]?.r),
    );
  return (await readOnly(from)) === 1 && (await readOnly(to)) === 0;
}
