import type { Target } from '../../db/targets.js';
import { AppError } from '../../errors/index.js';
import type { Schema } from '../../schema/index.js';
import { diffSchemas } from '../diff/diff-schemas.js';
import type { Chain } from '../files/graph.js';
import type { HistoryRow, JournalRow } from '../history/history-store.js';
import { withObjects } from '../objects/diff.js';
import { excludeNames } from '../sources/exclude.js';
import { objectsNotCompared, withoutRawObjects } from '../objects/raw.js';
import { introspectSchema } from '../introspect/index.js';
import type { Operation } from '../ops/operation.js';
import { serverLabel } from '../server.js';
import { analyzePlan, readTargetState } from './migrate-target.js';
import { type Direction, type PlannedStep, renderSteps, selectSteps } from './plan.js';
import { openSession } from './session.js';

type ErrorJson = { readonly code: string; readonly message: string; readonly hint: string };
const toError = (error: unknown): ErrorJson => {
  const e =
    error instanceof AppError
      ? error
      : new AppError('CAREPOOL_MIGRATE_STATEMENT_FAILED', String((error as Error)?.message ?? error), {
          cause: error,
        });
  return { code: e.code, message: e.message, hint: e.hint };
};

/** What `current`, `history` and `check` report for one target. */
export interface TargetStatus {
  readonly target: string;
  readonly ok: boolean;
  readonly server?: string;
  /** Applied revisions in chain order. */
  readonly applied: readonly string[];
  /** The applied revisions no applied revision descends from (what `current` prints). */
  readonly current: readonly string[];
  /** Chain revisions not applied. */
  readonly pending: readonly string[];
  readonly history: readonly HistoryRow[];
  /** Applied revisions whose files changed since. */
  readonly edited: readonly string[];
  /** Applied revisions missing from migrations/. */
  readonly unknown: readonly string[];
  /** A half-applied revision's journal. */
  readonly journal: readonly JournalRow[];
  /** With `models`: what would turn the live schema into the models (empty: no drift). */
  readonly drift?: readonly Operation[];
  /** With `models`: the live objects the comparison left out, each with why (never silently "clean"). */
  readonly notCompared?: readonly string[];
  readonly error?: ErrorJson;
}

/**
 * Reads a target's bookkeeping (without the lock: read-only) and, given `models`, introspects it and
 * diffs it against them. Never throws.
 */
export async function targetStatus(
  target: Target,
  chain: Chain,
  models?: Schema,
  desired: {
    readonly label: string;
    readonly raw?: ReadonlyMap<string, string>;
    /** `--exclude`: tables and objects of the live schema left out (`models` is given without them). */
    readonly exclude?: readonly RegExp[];
  } = { label: 'the models' },
): Promise<TargetStatus> {
  const empty = {
    applied: [],
    current: [],
    pending: [...chain.order],
    history: [],
    edited: [],
    unknown: [],
    journal: [],
  };
  let session: Awaited<ReturnType<typeof openSession>> | undefined;
  try {
    session = await openSession(target, { lock: false });
    const state = await readTargetState(session, false);
    const applied = chain.order.filter((id) => state.applied.has(id));
    const parents = new Set(state.history.flatMap((h) => h.parents));
    const live = models
      ? excludeNames(
          withObjects(await introspectSchema(session.conn, session.database)),
          desired.exclude ?? [],
        )
      : undefined;
    // Objects raw op.sql steps made are not compared (notCompared names them): not drift either.
    const drift = live && models ? diffSchemas(withoutRawObjects(live, desired.raw), models) : undefined;
    const notCompared =
      live && models
        ? objectsNotCompared({ label: target.name, schema: live }, { ...desired, schema: models })
        : [];
    return {
      target: target.name,
      ok: true,
      server: serverLabel(session.server),
      applied,
      current: state.history.map((h) => h.revision).filter((r) => !parents.has(r)),
      pending: chain.order.filter((id) => !state.applied.has(id)),
      history: state.history,
      edited: state.history
        .filter(
          (h) => chain.revisions.has(h.revision) && chain.revisions.get(h.revision)?.checksum !== h.checksum,
        )
        .map((h) => h.revision),
      unknown: state.history.filter((h) => !chain.revisions.has(h.revision)).map((h) => h.revision),
      journal: state.journal,
      ...(drift ? { drift } : {}),
      ...(notCompared.length ? { notCompared } : {}),
    };
  } catch (error) {
    return { target: target.name, ok: false, ...empty, error: toError(error) };
  } finally {
    await session?.close();
  }
}

/** One target's plan as `carepool migrate plan` shows it. */
export interface TargetPlan {
  readonly target: string;
  readonly ok: boolean;
  readonly server?: string;
  readonly steps: readonly PlannedStep[];
  readonly destructive: readonly string[];
  readonly warnings: readonly string[];
  readonly error?: ErrorJson;
}

/** The statements `migrate up/down` would run on a live target, with classification and warnings. */
export async function planTarget(
  target: Target,
  chain: Chain,
  to: string,
  direction: Direction,
): Promise<TargetPlan> {
  let session: Awaited<ReturnType<typeof openSession>> | undefined;
  try {
    session = await openSession(target, { lock: false });
    const state = await readTargetState(session, false);
    const steps = renderSteps(
      chain,
      state.applied,
      selectSteps(chain, state.applied, to, direction),
      session.server,
    );
    const { destructive, warnings } = await analyzePlan(session, steps);
    if (state.journal.length > 0)
      warnings.unshift(`revision ${state.journal[0]?.revision} is half-applied: run resolve first`);
    return {
      target: target.name,
      ok: true,
      server: serverLabel(session.server),
      steps,
      destructive,
      warnings,
    };
  } catch (error) {
    return {
      target: target.name,
      ok: false,
      steps: [],
      destructive: [],
      warnings: [],
      error: toError(error),
    };
  } finally {
    await session?.close();
  }
}
