import { AppError } from '../../errors/index.js';
import type { Schema, Table } from '../../schema/index.js';
import { EMPTY_SCHEMA } from '../ops/apply-ops.js';
import type { Operation } from '../ops/operation.js';
import { renderOps, type Statement } from '../render/render-op.js';
import type { ServerInfo } from '../server.js';
import { type WorkspaceHost, type WorkspaceOptions, withWorkspace } from '../workspace/index.js';
import { describe } from './describe.js';
import { diffSchemas, type Renames } from './diff-schemas.js';

/** The tables an operation touches, by name. */
function touched(op: Operation): string[] {
  switch (op.kind) {
    case 'createTable':
    case 'dropTable':
      return [op.table.name];
    case 'renameTable':
      return [op.from, op.to];
    case 'object':
    case 'sql':
      return [];
    default:
      return [op.table];
  }
}

/**
 * The tables a verification copies: exactly the ones the operations touch. Tables they reference are not
 * needed: the copy is made with FOREIGN_KEY_CHECKS=0 (as a dump loads), so an FK to a table outside the
 * copy is created and read back as it is, and 200-table FK chains cost one table, not the whole chain.
 */
export function affectedTables(ops: readonly Operation[]): Set<string> {
  return new Set(ops.flatMap(touched));
}

const only = (schema: Schema, names: ReadonlySet<string>): Schema => ({
  tables: schema.tables.filter((t: Table) => names.has(t.name)),
});

/** What {@link verifiedPlan} proved. */
export interface VerifiedPlan {
  readonly ops: readonly Operation[];
  readonly statements: readonly Statement[];
  /** The tables copied into the workspace. */
  readonly tables: readonly string[];
  /** The workspace host used (`target azure`, `sandbox gcp`); null when there was nothing to verify. */
  readonly host: string | null;
}

/**
 * Diffs `from` → `to`, renders the statements for `server`, and proves them before anyone sees or runs
 * them, the way Skeema's verifier does: in a scratch database (a workspace on the same flavour and
 * version) the affected tables of `from` are created from the model, the statements are replayed as
 * rendered, the result is read back by the live-side introspection and diffed against `to` (restricted
 * to those tables). Anything left over refuses the plan with CAREPOOL_MIGRATE_NOT_CONVERGED naming what
 * still differs. Unsupported tables never get here (the diff refuses them first).
 */
export async function verifiedPlan(
  hosts: WorkspaceHost | readonly WorkspaceHost[],
  from: Schema,
  to: Schema,
  server: ServerInfo,
  options: { readonly renames?: Renames; readonly workspace?: WorkspaceOptions } = {},
): Promise<VerifiedPlan> {
  const ops = diffSchemas(from, to, options.renames);
  const { statements } = renderOps(ops, server, from);
  const tableOps = ops.filter((op) => op.kind !== 'object' && op.kind !== 'sql');
  if (tableOps.length === 0) return { ops, statements, tables: [], host: null };
  const names = affectedTables(tableOps);
  const host = await withWorkspace(
    hosts,
    async (ws) => {
      await verifyIn(ws, only(from, names), only(to, names), statements, server);
      return ws.host;
    },
    { server, ...options.workspace },
  );
  return { ops, statements, tables: [...names].sort(), host };
}

/** The workspace operations {@link verifyIn} needs (ADOPT's Workspace has them). */
export interface ScratchDatabase {
  exec(statements: readonly string[], origin?: string): Promise<void>;
  introspect(options?: { readonly tablesOnly?: boolean }): Promise<Schema>;
}

/**
 * The statements that create `from`'s tables in an empty scratch database, one CREATE TABLE each with every
 * FK inline (run under FOREIGN_KEY_CHECKS=0, so an FK may name a table outside the copy or one created
 * later): one DDL per table instead of a CREATE plus an ALTER per FK, which matters because each DDL costs
 * the server a durable commit (fsyncs) and dominates verification on a busy disk.
 */
export function scratchSetup(from: Schema, server: ServerInfo): string[] {
  return renderOps(
    from.tables.map((table) => ({ kind: 'createTable', table }) as const),
    server,
    EMPTY_SCHEMA,
  ).statements.map((s) => s.sql);
}

/**
 * Creates `from` in an empty scratch database, replays `statements`, and requires the re-diff against `to`
 * to be empty; throws CAREPOOL_MIGRATE_NOT_CONVERGED otherwise (or when a statement fails).
 */
export async function verifyIn(
  ws: ScratchDatabase,
  from: Schema,
  to: Schema,
  statements: readonly Statement[],
  server: ServerInfo,
): Promise<void> {
  const setup = scratchSetup(from, server);
  await ws.exec(['SET FOREIGN_KEY_CHECKS=0', ...setup], 'verification setup (the affected tables as they are)');
  const replay = statements.filter((s) => s.op.kind !== 'object').map((s) => s.sql);
  try {
    await ws.exec(replay, 'verification replay (the generated statements)');
  } catch (error) {
    throw new AppError(
      'CAREPOOL_MIGRATE_NOT_CONVERGED',
      `the generated statements failed on a scratch copy: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  // Tables only (a workspace may read views or triggers too; they are verified by their own code).
  const got: Schema = { tables: (await ws.introspect({ tablesOnly: true })).tables };
  const left = diffSchemas(got, { tables: to.tables });
  if (left.length > 0) {
    throw new AppError(
      'CAREPOOL_MIGRATE_NOT_CONVERGED',
      `after replaying the generated statements on a scratch copy, ${left.length} difference(s) remain: ${left
        .slice(0, 5)
        .map(describe)
        .join('; ')}${left.length > 5 ? '; …' : ''}`,
      { meta: { remaining: left.map(describe) } },
    );
  }
}
