import { AppError } from '../../errors/index.js';
import type { SqlClient } from '../../db/client.js';
import type { Schema, Table } from '../../schema/index.js';
import type { SchemaObject } from '../../schema/objects.js';
import { creationOrder } from '../objects/normalize.js';
import { createSql } from '../objects/render.js';
import { runStatement } from '../objects/session.js';
import { EMPTY_SCHEMA } from '../ops/apply-ops.js';
import type { Operation } from '../ops/operation.js';
import { renderOps, type Statement } from '../render/render-op.js';
import type { ServerInfo } from '../server.js';
import {
  leaseWorkspace,
  type WorkspaceHost,
  type WorkspaceLease,
  type WorkspaceOptions,
} from '../workspace/index.js';
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
  /** The views, triggers and routines whose changes were replayed and read back (`kind name`). */
  readonly objects?: readonly string[];
  /** The workspace host used (`target azure`, `sandbox gcp`); null when there was nothing to verify. */
  readonly host: string | null;
}

/** What a verified plan covered, for a "verified on HOST: …" line: its tables, then its objects. */
export function verifiedWhat(plan: Pick<VerifiedPlan, 'tables' | 'objects'>): string {
  // An object replaced is a drop and a create: named once.
  return [...new Set([...plan.tables, ...(plan.objects ?? [])])].join(', ');
}

/** The table and object operations a verification replays, and the tables it copies. */
export function planScope(ops: readonly Operation[]): { tables: Set<string>; objects: string[] } {
  return {
    tables: affectedTables(ops.filter((op) => op.kind !== 'object' && op.kind !== 'sql')),
    objects: ops.flatMap((op) => (op.kind === 'object' ? [`${op.object.kind} ${op.object.name}`] : [])),
  };
}

/**
 * Starts making the workspace a verification on `server` will need (see leaseWorkspace), so the caller can
 * read the live catalog and diff meanwhile; hand the lease to {@link verifiedPlan} and release it in a
 * `finally`. The session runs with FOREIGN_KEY_CHECKS=0 from the start (the copy is loaded as a dump is).
 * Without `server` (not known yet: it is read with the live catalog), the first host is opened and
 * {@link verifiedPlan} checks it against the server it is given, falling back as withWorkspace would.
 */
export function leaseVerification(
  hosts: WorkspaceHost | readonly WorkspaceHost[],
  server?: ServerInfo,
  options: WorkspaceOptions = {},
): WorkspaceLease {
  return leaseWorkspace(hosts, { ...options, ...(server ? { server } : {}), foreignKeyChecks: false });
}

const isLease = (x: WorkspaceHost | readonly WorkspaceHost[] | WorkspaceLease): x is WorkspaceLease =>
  !Array.isArray(x) && typeof (x as Partial<WorkspaceLease>).use === 'function';

/**
 * Diffs `from` → `to`, renders the statements for `server`, and proves them before anyone sees or runs
 * them, the way Skeema's verifier does: in a scratch database (a workspace on the same flavour and
 * version) the affected tables of `from` are created from the model, the statements are replayed as
 * rendered, the result is read back by the live-side introspection and diffed against `to` (restricted
 * to those tables). Anything left over refuses the plan with CAREPOOL_MIGRATE_NOT_CONVERGED naming what
 * still differs. Unsupported tables never get here (the diff refuses them first). View, trigger and
 * routine changes are replayed the same way (see {@link verifyIn}).
 *
 * `hosts` may be a lease from {@link leaseVerification} taken before `from` was read: the workspace is
 * then made while the caller reads and diffs, and released here when there is nothing to verify (the
 * caller still releases it in its `finally`, a no-op by then). The workspace is dropped before this returns.
 */
export async function verifiedPlan(
  hosts: WorkspaceHost | readonly WorkspaceHost[] | WorkspaceLease,
  from: Schema,
  to: Schema,
  server: ServerInfo,
  options: {
    readonly renames?: Renames;
    readonly workspace?: WorkspaceOptions;
    /** `diffSchemas(from, to, renames)` when the caller computed it already (not diffed again). */
    readonly ops?: readonly Operation[];
  } = {},
): Promise<VerifiedPlan> {
  const lease = isLease(hosts) ? hosts : undefined;
  try {
    const ops = options.ops ?? diffSchemas(from, to, options.renames);
    const { statements } = renderOps(ops, server, from);
    const scope = planScope(ops);
    if (scope.tables.size === 0 && scope.objects.length === 0)
      return { ops, statements, tables: [], host: null };
    // A lease taken before `server` was known checks its host against it here (see WorkspaceLease.use).
    const host = await (lease ?? leaseVerification(hosts as WorkspaceHost[], server, options.workspace)).use(
      async (ws) => {
        await verifyIn(ws, from, to, statements, server, scope.tables);
        return ws.host;
      },
      { server },
    );
    return { ops, statements, tables: [...scope.tables].sort(), objects: scope.objects, host };
  } finally {
    await lease?.release();
  }
}

/** The workspace operations {@link verifyIn} needs (ADOPT's Workspace has them). */
export interface ScratchDatabase {
  readonly conn: SqlClient;
  /** False when the session already runs with FOREIGN_KEY_CHECKS=0 (then it is not set again). */
  readonly foreignKeyChecks?: boolean;
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

/** Tables of `tables` whose name appears as a word in an object's text (over-inclusion only costs time). */
function tablesMentioned(objects: readonly SchemaObject[], tables: readonly Table[]): string[] {
  const text = objects.map((o) => `${o.table ?? ''} ${o.create}`).join('\n');
  return tables
    .map((t) => t.name)
    .filter((n) =>
      new RegExp(`(^|[^\\w$])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w$])`).test(text),
    );
}

const notConverged = (message: string, cause?: unknown, remaining?: readonly string[]) =>
  new AppError('CAREPOOL_MIGRATE_NOT_CONVERGED', message, {
    ...(cause ? { cause } : {}),
    ...(remaining ? { meta: { remaining } } : {}),
  });

/**
 * Creates `from` (its tables in `names`, default all) in an empty scratch database, replays `statements`,
 * and requires the re-diff against `to` to be empty; throws CAREPOOL_MIGRATE_NOT_CONVERGED otherwise (or
 * when a statement fails). When the statements change views, triggers or routines, the copy also holds
 * the tables those objects name and every object of `from` (each under its sql_mode), and the objects read
 * back must equal `to`'s.
 */
export async function verifyIn(
  ws: ScratchDatabase,
  from: Schema,
  to: Schema,
  statements: readonly Statement[],
  server: ServerInfo,
  names: ReadonlySet<string> = new Set(from.tables.map((t) => t.name)),
): Promise<void> {
  const withObjects = statements.some((s) => s.op.kind === 'object');
  const fromObjects = withObjects ? (from.objects ?? []).filter((o) => !o.unsupported) : [];
  const wanted = new Set(names);
  if (withObjects)
    for (const n of tablesMentioned([...fromObjects, ...(to.objects ?? [])], [...from.tables, ...to.tables]))
      wanted.add(n);
  const setup = scratchSetup(only(from, wanted), server);
  await ws.exec(
    [...(ws.foreignKeyChecks === false ? [] : ['SET FOREIGN_KEY_CHECKS=0']), ...setup],
    'verification setup (the affected tables as they are)',
  );
  for (const o of creationOrder(fromObjects)) {
    try {
      await runStatement(ws.conn, { sql: createSql(o), op: { kind: 'object', action: 'create', object: o } });
    } catch (error) {
      throw notConverged(
        `${o.kind} ${o.name} could not be recreated on a scratch copy to verify the change: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
  }
  try {
    for (const st of statements) {
      if (st.op.kind === 'object') await runStatement(ws.conn, st);
      else await ws.exec([st.sql], 'verification replay (the generated statements)');
    }
  } catch (error) {
    throw notConverged(
      `the generated statements failed on a scratch copy: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  const got = await ws.introspect({ tablesOnly: !withObjects });
  const left = diffSchemas(
    { tables: got.tables, ...(withObjects ? { objects: got.objects ?? [] } : {}) },
    {
      tables: only(to, wanted).tables,
      ...(withObjects ? { objects: (to.objects ?? []).filter((o) => !o.unsupported) } : {}),
    },
  );
  if (left.length > 0)
    throw notConverged(
      `after replaying the generated statements on a scratch copy, ${left.length} difference(s) remain: ${left
        .slice(0, 5)
        .map(describe)
        .join('; ')}${left.length > 5 ? '; …' : ''}`,
      undefined,
      left.map(describe),
    );
}
