import { isAppError } from '../../errors/index.js';
import type { Schema } from '../../schema/index.js';
import { diffSchemas, type Renames } from '../diff/diff-schemas.js';
import { leaseVerification, planScope, type VerifiedPlan, verifiedPlan, verifyIn } from '../diff/verify.js';
import type { Operation } from '../ops/operation.js';
import { renderOps } from '../render/render-op.js';
import type { ServerInfo } from '../server.js';
import type { WorkspaceHost, WorkspaceLease } from '../workspace/index.js';
import { type SourceContext, workspaceHosts } from './sources.js';

/** What {@link verifyChange} found: the proven plan, or why nothing could prove it. */
export type ChangeVerification =
  | { readonly verified: true; readonly plan: VerifiedPlan }
  | { readonly verified: false; readonly reason: string };

/**
 * A verification started before the change is known: the workspace hosts looked up and the first one
 * being connected (version, leftover sweep, session settings) while the caller reads its live target and
 * diffs. Made by {@link startVerification}; hand it to {@link verifyChange}; `release` it in a `finally`.
 */
export interface VerificationStart {
  /** The hosts and the lease opening on the first of them (rejects as looking the hosts up did). */
  readonly ready: Promise<{ readonly hosts: readonly WorkspaceHost[]; readonly lease: WorkspaceLease }>;
  /**
   * Closes the early connection when no verification used it (no database was ever created on it), or
   * waits for the verification's DROP. Idempotent, never throws.
   */
  release(): Promise<void>;
}

/**
 * Starts the workspace {@link verifyChange} will need, at once: the server it must match is read with the
 * live target, so the lease opens the first host without knowing it, and verification checks it then,
 * falling back to the next hosts exactly as without the early start (a lease never changes which server
 * verifies). Only the connection and its session settings run early: CREATE DATABASE waits for a change
 * to verify, so a comparison that finds nothing costs the servers no DDL.
 */
export function startVerification(ctx: SourceContext): VerificationStart {
  const ready = workspaceHosts(ctx).then((hosts) => ({
    hosts,
    lease: leaseVerification(hosts, undefined, ctx.onNote ? { onNote: ctx.onNote } : {}),
  }));
  // Surfaced by verifyChange; a start released unused ignores it.
  ready.catch(() => undefined);
  return {
    ready,
    release: () => ready.then(({ lease }) => lease.release()).catch(() => undefined),
  };
}

/**
 * Proves the change `from` → `to` in a workspace (see {@link verifiedPlan}) on the targets' servers or a
 * running sandbox server: of `server`'s flavor and major.minor when given, else on the first server that
 * allows a workspace (statements rendered for it). A change that does not converge throws
 * CAREPOOL_MIGRATE_NOT_CONVERGED. When no such server can be reached (e.g. MySQL SQL rendered on a machine
 * with only MariaDB), the change is NOT silently called verified: the result says why, and the caller
 * prints it.
 *
 * `options.start`: the workspace begun by {@link startVerification} (used, or released when there is
 * nothing to verify); `options.ops`: the diff of `from` → `to` with `renames`, when the caller has it.
 */
export async function verifyChange(
  ctx: SourceContext,
  from: Schema,
  to: Schema,
  server?: ServerInfo,
  renames: Renames = {},
  options: { readonly start?: VerificationStart; readonly ops?: readonly Operation[] } = {},
): Promise<ChangeVerification> {
  const left = ctx.exclude?.length
    ? excludedReads(from, to, options.ops ?? diffSchemas(from, to, renames), ctx.exclude)
    : [];
  if (left.length > 0) {
    await options.start?.release();
    return {
      verified: false,
      reason: `views, triggers or routines of the change name ${left.join(', ')}, left out with --exclude: a scratch copy cannot hold what was not read`,
    };
  }
  const started = await options.start?.ready.catch(() => undefined);
  const hosts = started?.hosts ?? (await workspaceHosts(ctx));
  if (hosts.length === 0) {
    await started?.lease.release();
    return { verified: false, reason: 'no target and no running sandbox server to verify on' };
  }
  const workspace = ctx.onNote ? { onNote: ctx.onNote } : {};
  const at = started?.lease ?? hosts;
  try {
    if (server) {
      const plan = await verifiedPlan(at, from, to, server, {
        workspace,
        renames,
        ...(options.ops ? { ops: options.ops } : {}),
      });
      return { verified: true, plan };
    }
    const lease = started?.lease ?? leaseVerification(hosts, undefined, workspace);
    try {
      const ops = options.ops ?? diffSchemas(from, to, renames);
      const plan = await lease.use(async (ws) => {
        const { statements } = renderOps(ops, ws.server, from);
        const scope = planScope(ops);
        if (scope.tables.size === 0 && scope.objects.length === 0)
          return { ops, statements, tables: [], host: null };
        await verifyIn(ws, from, to, statements, ws.server, scope.tables);
        return { ops, statements, tables: [...scope.tables].sort(), objects: scope.objects, host: ws.host };
      });
      return { verified: true, plan };
    } finally {
      await lease.release();
    }
  } catch (error) {
    if (isAppError(error, 'CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER'))
      return { verified: false, reason: error.message };
    throw error;
  }
}

const WORD = /`((?:[^`]|``)+)`|([A-Za-z_$][\w$]*)/g;

/**
 * Names an object of the verification would need that `--exclude` left out: when the change touches views,
 * triggers or routines, the scratch copy recreates every object of `from` and replays the changed ones,
 * and a table they read that was excluded is in neither schema, so the replay would fail as if the change
 * did not converge. Words of their text matching a pattern that are no table or column of either side.
 */
export function excludedReads(
  from: Schema,
  to: Schema,
  ops: readonly Operation[],
  patterns: readonly RegExp[],
): string[] {
  const changed = ops.flatMap((op) => (op.kind === 'object' ? [op.object] : []));
  if (changed.length === 0) return [];
  const known = new Set(
    [...from.tables, ...to.tables].flatMap((t) => [t.name, ...t.columns.map((c) => c.name)]),
  );
  const found = new Set<string>();
  for (const o of [...(from.objects ?? []), ...changed])
    for (const m of `${o.table ?? ''} ${o.create}`.matchAll(WORD)) {
      const name = m[1]?.replaceAll('``', '`') ?? m[2] ?? '';
      if (!known.has(name) && patterns.some((p) => p.test(name))) found.add(name);
    }
  return [...found].sort();
}
