import { sql } from '../../db/sql.js';
import type { Target } from '../../db/targets.js';
import { AppError } from '../../errors/index.js';
import type { Chain } from '../files/graph.js';
import { defaultMigrationsDir, loadChain } from '../files/load.js';
import { type HistoryRow, type JournalRow, readBookkeeping } from '../history/history-store.js';
import { serverLabel } from '../server.js';
import { executeStep, type MigrateEvent, type StepResult } from './execute.js';
import {
  type Direction,
  destructiveReason,
  nullChecks,
  type PlannedStep,
  renderSteps,
  selectSteps,
} from './plan.js';
import { type MigrateSession, openSession } from './session.js';

/** Options of {@link migrateTarget}. */
export interface MigrateOptions {
  /** `head` (default), `heads`, a revision, `+N` (up) / `-N`, `base` (down). */
  readonly to?: string;
  readonly direction?: Direction;
  /** Run plans that drop or narrow data. */
  readonly allowDestructive?: boolean;
  /** How long to wait for another run's lock. Default 60 s. */
  readonly lockTimeoutSeconds?: number;
  /** A loaded chain (else `migrationsDir` is loaded). */
  readonly chain?: Chain;
  readonly migrationsDir?: string;
  readonly onEvent?: (e: MigrateEvent) => void;
  /** Checked between revisions: a fleet run with --stop-on-error stops the others. */
  readonly shouldStop?: () => boolean;
}

/** The outcome of a run on one target. */
export interface TargetResult {
  readonly target: string;
  readonly ok: boolean;
  readonly server?: string;
  /** Applied revisions before and after, in chain order. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly steps: readonly StepResult[];
  readonly warnings: readonly string[];
  readonly error?: { readonly code: string; readonly message: string; readonly hint: string };
}

/** What a target's bookkeeping says, checked against the chain. */
export interface TargetState {
  readonly applied: ReadonlySet<string>;
  readonly history: readonly HistoryRow[];
  readonly journal: readonly JournalRow[];
}

/** Reads the bookkeeping tables (with `create`, creates them when missing). */
export async function readTargetState(session: MigrateSession, create: boolean): Promise<TargetState> {
  const { history, journal } = await readBookkeeping(session.conn, create);
  return { applied: new Set(history.map((h) => h.revision)), history, journal };
}

/** Throws when the history names revisions the chain lacks, or applied files were edited. */
export function verifyHistory(chain: Chain, state: TargetState, target: string): void {
  const unknown = state.history.filter((h) => !chain.revisions.has(h.revision)).map((h) => h.revision);
  if (unknown.length > 0) {
    throw new AppError(
      'CAREPOOL_MIGRATE_UNKNOWN_REVISION',
      `${target} has applied revisions that are not in ${chain.dir}: ${unknown.join(', ')}`,
      {
        meta: { target, revisions: unknown },
      },
    );
  }
  const edited = state.history
    .filter((h) => chain.revisions.get(h.revision)?.checksum !== h.checksum)
    .map((h) => h.revision);
  if (edited.length > 0) {
    throw new AppError(
      'CAREPOOL_MIGRATE_CHECKSUM_MISMATCH',
      `${target}: applied migration(s) ${edited.join(', ')} were edited after they ran (checksum differs)`,
      {
        meta: { target, revisions: edited },
      },
    );
  }
}

/** Throws CAREPOOL_MIGRATE_INCOMPLETE when a revision is half-applied. */
export function assertNoJournal(state: TargetState, target: string): void {
  const first = state.journal[0];
  if (!first) return;
  const done = state.journal.filter((j) => j.status === 'done').length;
  throw new AppError(
    'CAREPOOL_MIGRATE_INCOMPLETE',
    `${target}: revision ${first.revision} (${first.direction}) is half-applied: ${done} of its statements ran, the last one is ${state.journal.at(-1)?.status}`,
    { meta: { target, revision: first.revision, direction: first.direction, done } },
  );
}

const inOrder = (chain: Chain, set: ReadonlySet<string>) => chain.order.filter((id) => set.has(id));

const toError = (error: unknown) => {
  const e =
    error instanceof AppError
      ? error
      : new AppError('CAREPOOL_MIGRATE_STATEMENT_FAILED', String((error as Error)?.message ?? error), {
          cause: error,
        });
  return { code: e.code, message: e.message, hint: e.hint };
};

/**
 * Brings one target to `to` (default `head`) as the migrator user: takes the lock, checks history and
 * checksums, refuses half-applied or destructive plans, then runs revision after revision with a
 * per-statement journal. Never throws for target problems: they come back in the result.
 */
export async function migrateTarget(target: Target, options: MigrateOptions = {}): Promise<TargetResult> {
  const warnings: string[] = [];
  let before: readonly string[] = [];
  let session: MigrateSession | undefined;
  const steps: StepResult[] = [];
  const emitWarning = (message: string) => {
    warnings.push(message);
    options.onEvent?.({ type: 'warning', target: target.name, message });
  };
  try {
    const chain = options.chain ?? (await loadChain(options.migrationsDir ?? defaultMigrationsDir()));
    session = await openSession(target, { lock: true, lockTimeoutSeconds: options.lockTimeoutSeconds ?? 60 });
    const state = await readTargetState(session, true);
    before = inOrder(chain, state.applied);
    assertNoJournal(state, target.name);
    verifyHistory(chain, state, target.name);
    const direction =
      options.direction ?? (options.to?.startsWith('-') || options.to === 'base' ? 'down' : 'up');
    const planned = renderSteps(
      chain,
      state.applied,
      selectSteps(chain, state.applied, options.to ?? 'head', direction),
      session.server,
    );
    await preflight(session, planned, options.allowDestructive ?? false, emitWarning);
    const applied = new Set(state.applied);
    for (const [index, step] of planned.entries()) {
      if (options.shouldStop?.()) {
        emitWarning('stopped: another target failed (--stop-on-error)');
        break;
      }
      options.onEvent?.({
        type: 'step',
        target: target.name,
        revision: step.revision.id,
        direction: step.direction,
        index,
        total: planned.length,
      });
      const result = await executeStep(session.conn, step, {
        target: target.name,
        ...(session.lock ? { lock: session.lock } : {}),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
      steps.push(result);
      if (!result.ok) {
        return {
          target: target.name,
          ok: false,
          server: serverLabel(session.server),
          before,
          after: inOrder(chain, applied),
          steps,
          warnings,
          ...(result.error ? { error: result.error } : {}),
        };
      }
      if (step.direction === 'up') applied.add(step.revision.id);
      else applied.delete(step.revision.id);
    }
    return {
      target: target.name,
      ok: true,
      server: serverLabel(session.server),
      before,
      after: inOrder(chain, applied),
      steps,
      warnings,
    };
  } catch (error) {
    return { target: target.name, ok: false, before, after: before, steps, warnings, error: toError(error) };
  } finally {
    await session?.close();
  }
}

/** Data-loss reasons (static, plus live NULL checks) and table-copy warnings with estimated rows. */
export async function analyzePlan(
  session: MigrateSession,
  planned: readonly PlannedStep[],
): Promise<{ destructive: string[]; warnings: string[] }> {
  const destructive = planned.flatMap((s) =>
    s.statements
      .map((st) => destructiveReason(st.op))
      .filter((r): r is string => r !== null)
      .map((r) => `${s.revision.id}: ${r}`),
  );
  for (const check of nullChecks(planned)) {
    const n = await session.conn
      .query<{ n: number | string }>(
        sql`SELECT COUNT(*) AS n FROM ${sql.ident(check.table)} WHERE ${sql.ident(check.column)} IS NULL`,
      )
      .then(
        (r) => Number(r.rows[0]?.n ?? 0),
        () => 0,
      );
    if (n > 0) destructive.push(`sets ${check.table}.${check.column} NOT NULL but ${n} row(s) hold NULL`);
  }
  const warnings: string[] = [];
  const copies = planned.flatMap((s) =>
    s.statements.filter((st) => st.online.algorithm === 'COPY').map((st) => ({ st, table: tableOf(st.op) })),
  );
  if (copies.length > 0) {
    const { rows } = await session.conn.query<{ t: string; n: number | string | null }>(
      sql`SELECT TABLE_NAME AS t, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${session.database}`,
    );
    for (const { st, table } of copies) {
      const n = rows.find((r) => r.t === table)?.n;
      warnings.push(
        `${table ?? '?'}: COPY (${st.online.reason}); writes wait while ~${Number(n ?? 0)} rows are copied`,
      );
    }
  }
  return { destructive, warnings };
}

async function preflight(
  session: MigrateSession,
  planned: readonly PlannedStep[],
  allowDestructive: boolean,
  warn: (m: string) => void,
): Promise<void> {
  const { destructive, warnings } = await analyzePlan(session, planned);
  if (destructive.length > 0 && !allowDestructive) {
    throw new AppError(
      'CAREPOOL_MIGRATE_DESTRUCTIVE',
      `${session.target}: refused, the plan ${destructive.join('; ')}`,
      {
        meta: { target: session.target, reasons: destructive },
      },
    );
  }
  for (const r of destructive) warn(`destructive (allowed): ${r}`);
  for (const w of warnings) warn(w);
}

/** The table an operation alters. */
export function tableOf(op: PlannedStep['statements'][number]['op']): string | undefined {
  switch (op.kind) {
    case 'createTable':
    case 'dropTable':
      return op.table.name;
    case 'renameTable':
      return op.from;
    case 'sql':
      return undefined;
    case 'object':
      return op.object.table;
    default:
      return op.table;
  }
}
