import { rawObjectsOf } from '../objects/raw.js';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SingleConnection } from '../../db/connect.js';
import { sql } from '../../db/sql.js';
import type { Target } from '../../db/targets.js';
import { AppError, isAppError } from '../../errors/index.js';
import { models as builtInModels, type Schema } from '../../schema/index.js';
import { readServer, targetDatabase } from '../apply/session.js';
import { type Chain, schemaOf } from '../files/graph.js';
import { loadChain } from '../files/load.js';
import { introspectSchema } from '../introspect/index.js';
import { diffSchemas } from '../diff/diff-schemas.js';
import { withObjects } from '../objects/diff.js';
import { creationOrder } from '../objects/normalize.js';
import { createSql } from '../objects/render.js';
import { runStatement } from '../objects/session.js';
import { EMPTY_SCHEMA } from '../ops/apply-ops.js';
import { renderOps } from '../render/render-op.js';
import { dumpDatabase, dumpModel } from '../objects/dump.js';
import { DEFAULT_OFFLINE_SERVER, type ServerInfo } from '../server.js';
import { sandboxHosts, targetHost, type WorkspaceHost } from '../workspace/host.js';
import { splitScript } from '../workspace/script.js';
import type * as DrizzleModule from './drizzle.js';
import { excludeNames } from './exclude.js';
import { refuseOtherDatabases, scopeToWorkspace } from './scope.js';
import { type Workspace, withWorkspace } from '../workspace/workspace.js';

/** Where the named schemas come from; the CLI fills it from its options and config. */
export interface SourceContext {
  /** Configured targets (or the sandbox's); absent when none are configured and no sandbox runs. */
  readonly targets: () => Promise<readonly Target[]>;
  /** The migrations folder `chain` means (`--dir`). */
  readonly migrationsDir: string;
  /** A user's models module (`--models PATH` / `CAREPOOL_MODELS`); default: the built-in models. */
  readonly modelsPath?: string;
  /** `--server flavor:version`: the server a .sql source is normalised on (default: the first target's). */
  readonly server?: ServerInfo;
  /** carepool's home (for the sandbox servers used as workspace fallback). */
  readonly home: string;
  readonly cwd: string;
  readonly onNote?: (message: string) => void;
  /** `--exclude`: tables and objects left out of every source loaded with this context. */
  readonly exclude?: readonly RegExp[];
  /**
   * The target a change is for (`schema diff A B --sql`: A; `revision --autogenerate --against T`: T): its
   * own server is tried first for the workspace, then the other targets in `CAREPOOL_TARGETS` order.
   */
  readonly prefer?: string;
}

/** What a source names: its kind, a label for messages, and its schema. */
export interface LoadedSource {
  readonly kind: 'target' | 'models' | 'chain' | 'sql';
  readonly label: string;
  readonly schema: Schema;
  /** Flavor and version it was read on (targets, .sql workspaces). */
  readonly server?: ServerInfo;
  readonly target?: Target;
  readonly chain?: Chain;
  /** Chains: objects raw op.sql steps leave in place (`kind:name` → revision), never compared. */
  readonly rawObjects?: ReadonlyMap<string, string>;
}

const ACCEPTED =
  'a target name, `models` (with --models PATH), `chain` (with --dir), a .sql file or a directory of .sql files';

/**
 * Resolves a schema source: `models` (built-in or `modelsPath`), `chain` (the migrations folder at its
 * heads, in memory), a configured target name (introspected live), or a path to a `.sql` file or a directory
 * of them (applied in a workspace on a server of the right flavor and read back by the same introspection,
 * so both sides of a diff are spelled by the server). Anything else: CAREPOOL_SCHEMA_UNKNOWN_SOURCE.
 */
export async function loadSource(spec: string, ctx: SourceContext): Promise<LoadedSource> {
  const loaded = await loadWhole(spec, ctx);
  return ctx.exclude?.length ? { ...loaded, schema: excludeNames(loaded.schema, ctx.exclude) } : loaded;
}

async function loadWhole(spec: string, ctx: SourceContext): Promise<LoadedSource> {
  if (spec === 'models')
    return {
      kind: 'models',
      label: ctx.modelsPath ?? 'models',
      schema: await normaliseObjects(await loadModels(ctx), ctx),
    };
  if (spec === 'chain') {
    const chain = await loadChain(ctx.migrationsDir);
    return {
      kind: 'chain',
      label: `chain (${ctx.migrationsDir})`,
      schema: schemaOf(chain, new Set(chain.order)),
      chain,
      rawObjects: rawObjectsOf(chain.order.flatMap((id) => chain.revisions.get(id) ?? [])),
    };
  }
  const target = (await targetsOrNone(ctx)).find((t) => t.name === spec);
  if (target) {
    // Batching: the catalog in two round trips on each of two migrator connections, which the server
    // answers on two threads (docs/benchmarks.md, migrate section), not one SHOW CREATE TABLE per table.
    // A user limited to fewer connections (MAX_USER_CONNECTIONS, a full server) reads on one.
    const [conn, second] = await firstAndSecond(
      target.connectMigrator({ multipleStatements: true }),
      target.connectMigrator({ multipleStatements: true }),
    );
    try {
      const [server, schema] = await Promise.all([
        readServer(conn),
        introspectSchema(conn, targetDatabase(target), second && batching(second) ? { second } : {}),
      ]);
      return { kind: 'target', label: `target ${spec}`, schema: withObjects(schema), server, target };
    } finally {
      await Promise.all([conn.close(), second?.close()]);
    }
  }
  const files = await sqlFiles(spec, ctx);
  if (files) {
    return withSqlWorkspace(files, ctx, async (ws) => ({
      kind: 'sql',
      label: spec,
      schema: withObjects(await ws.introspect()),
      server: ws.server,
    }));
  }
  const names = (await targetsOrNone(ctx)).map((t) => t.name);
  throw new AppError(
    'CAREPOOL_SCHEMA_UNKNOWN_SOURCE',
    `"${spec}" is not a schema source: expected ${ACCEPTED}${names.length ? ` (targets: ${names.join(', ')})` : ' (no targets configured)'}`,
    { meta: { source: spec } },
  );
}

/**
 * A faithful, loadable dump of a source: live targets and .sql workspaces through their own SHOW CREATE
 * text (see {@link dumpDatabase}); models and chain rendered for `ctx.server` (default MySQL 8.0).
 */
export async function dumpSource(
  spec: string,
  ctx: SourceContext,
  options: { definer?: boolean } = {},
): Promise<string> {
  if (spec === 'models' || spec === 'chain') {
    const s = await loadSource(spec, ctx);
    return dumpModel(s.schema, ctx.server ?? DEFAULT_OFFLINE_SERVER, { source: s.label, ...options });
  }
  const target = (await targetsOrNone(ctx)).find((t) => t.name === spec);
  if (target) {
    const conn = await target.connectMigrator();
    try {
      return await dumpDatabase(conn, targetDatabase(target), await readServer(conn), {
        source: `target ${spec}`,
        ...(ctx.onNote ? { onNote: ctx.onNote } : {}),
        ...(ctx.exclude ? { exclude: ctx.exclude } : {}),
        ...options,
      });
    } finally {
      await conn.close();
    }
  }
  const files = await sqlFiles(spec, ctx);
  if (!files) return (await loadSource(spec, ctx)).label; // throws the unknown-source error
  return withSqlWorkspace(files, ctx, async (ws) => {
    await ws.introspect(); // refuses a workspace holding rows
    return dumpDatabase(ws.conn, ws.database, ws.server, {
      source: spec,
      ...(ctx.onNote ? { onNote: ctx.onNote } : {}),
      ...(ctx.exclude ? { exclude: ctx.exclude } : {}),
      ...options,
    });
  });
}

/**
 * Both connections; or one, when the other was refused for the user's or the server's connection limit
 * (1226 max_user_connections, 1203 too many user connections, 1040 too many connections: the read then
 * takes one connection, as before it was split); else neither: the other is closed and the failure thrown.
 */
async function firstAndSecond(
  a: Promise<SingleConnection>,
  b: Promise<SingleConnection>,
): Promise<[SingleConnection, SingleConnection | undefined]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'fulfilled' && y.status === 'fulfilled') return [x.value, y.value];
  const open = [x, y].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = (x.status === 'rejected' ? x.reason : (y as PromiseRejectedResult).reason) as unknown;
  if (open[0] && atConnectionLimit(failure)) return [open[0], undefined];
  for (const c of open) await c.close().catch(() => undefined);
  throw failure;
}

const atConnectionLimit = (error: unknown): boolean => {
  const errno = isAppError(error) ? error.meta['errno'] : (error as { errno?: unknown } | undefined)?.errno;
  return errno === 1226 || errno === 1203 || errno === 1040;
};

const batching = (
  c: SingleConnection,
): c is SingleConnection & Required<Pick<SingleConnection, 'queryBatch'>> =>
  typeof c.queryBatch === 'function';

async function targetsOrNone(ctx: SourceContext): Promise<readonly Target[]> {
  try {
    return await ctx.targets();
  } catch (error) {
    if (isAppError(error, 'CAREPOOL_CONFIG_NO_TARGETS')) return [];
    throw error;
  }
}

/** The .sql files a path names (a file, or a directory's *.sql in name order), or null when it is neither. */
async function sqlFiles(spec: string, ctx: SourceContext): Promise<string[] | null> {
  const path = resolve(ctx.cwd, spec);
  const info = await stat(path).catch(() => null);
  if (!info) return null;
  if (info.isFile()) return spec.toLowerCase().endsWith('.sql') ? [path] : null;
  if (!info.isDirectory()) return null;
  const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.sql')).sort();
  if (names.length === 0)
    throw new AppError('CAREPOOL_SCHEMA_UNKNOWN_SOURCE', `the directory ${spec} holds no .sql files`, {
      meta: { source: spec },
    });
  return names.map((n) => join(path, n));
}

/**
 * Loads .sql files into a workspace on the wanted server: the targets' own servers first (each target's
 * user may lack CREATE DATABASE: then the next), then the sandbox's. Without --server, the first target's
 * flavor and major.minor is wanted, so the source is spelled the way that target spells it.
 */
async function withSqlWorkspace<T>(
  files: readonly string[],
  ctx: SourceContext,
  fn: (ws: Workspace) => Promise<T>,
): Promise<T> {
  return withSourceWorkspace(ctx, async (ws) => {
    // The server's other databases: a statement qualified with one of them would change it (refused).
    const { rows } = await ws.conn.query<{ n: string }>(
      sql`SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (${ws.database}, 'information_schema')`,
    );
    const others = rows.map((r) => r.n);
    for (const file of files) {
      const statements = scopeToWorkspace(
        splitScript(await readFile(file, 'utf8')),
        ws.database,
        file,
        ctx.onNote,
      );
      refuseOtherDatabases(statements, others, file);
      await ws.exec(statements, file);
    }
    return fn(ws);
  });
}

/**
 * The servers a workspace may be made on, in the order they are tried: the preferred target's own server
 * (`ctx.prefer`), the other configured targets' (as their migrators, in configured order), then every
 * running sandbox server (as its admin).
 */
export async function workspaceHosts(ctx: SourceContext): Promise<WorkspaceHost[]> {
  const [targets, sandbox] = await Promise.all([targetsOrNone(ctx), sandboxHosts(ctx.home)]);
  const ordered = [
    ...targets.filter((t) => t.name === ctx.prefer),
    ...targets.filter((t) => t.name !== ctx.prefer),
  ];
  return [...ordered.map(targetHost), ...sandbox];
}

/** A workspace on the server sources are normalised on (see {@link withSqlWorkspace}). */
async function withSourceWorkspace<T>(ctx: SourceContext, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const targets = await targetsOrNone(ctx);
  const hosts = await workspaceHosts(ctx);
  let want = ctx.server;
  if (!want && targets[0]) {
    const conn = await targets[0].connectMigrator().catch(() => undefined);
    if (conn) want = await readServer(conn).finally(() => conn.close());
  }
  return withWorkspace(hosts, fn, {
    ...(want ? { server: want } : {}),
    ...(ctx.onNote ? { onNote: ctx.onNote } : {}),
  });
}

const imported = new Map<string, Promise<unknown>>();
let drizzleModule: Promise<typeof DrizzleModule> | undefined;

/**
 * Imports a user's module. A TypeScript file (.ts, .mts, .cts) goes through tsx's loader (a dependency
 * already), so `--models src/db/schema.ts` works without compiling or NODE_OPTIONS; Node 20 cannot strip
 * types itself.
 */
async function importModule(path: string): Promise<unknown> {
  const url = pathToFileURL(path).href;
  if (!/\.[cm]?ts$/.test(path)) {
    // The ESM loader caches a module by URL anyway; remembering the promise spares a long-lived process
    // (the web app, a benchmark) the loader's resolve hooks on every load (~0.2 ms each under tsx).
    let loaded = imported.get(url);
    if (!loaded) {
      loaded = import(url);
      imported.set(url, loaded);
      // A module that failed to load (missing, a syntax error) is tried again next time.
      loaded.catch(() => imported.delete(url));
    }
    return loaded;
  }
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(url, import.meta.url);
}

/** The built-in models, or the schema a user's module exports (`default` or `models`). */
async function loadModels(ctx: SourceContext): Promise<Schema> {
  if (!ctx.modelsPath) return builtInModels;
  const path = resolve(ctx.cwd, ctx.modelsPath);
  let mod: Record<string, unknown>;
  try {
    mod = (await importModule(path)) as Record<string, unknown>;
  } catch (error) {
    throw new AppError(
      'CAREPOOL_SCHEMA_MODELS_INVALID',
      `cannot load the models module ${ctx.modelsPath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const found = [mod.default, mod.models, mod.schema].find(
    (x): x is Schema => typeof x === 'object' && x !== null && Array.isArray((x as Schema).tables),
  );
  // Drizzle mysql-core tables (./drizzle.ts), loaded only for a user's module: drizzle-orm is not needed else.
  const drizzle = await (drizzleModule ??= import('./drizzle.js'));
  if (drizzle.hasDrizzleExports(mod)) {
    if (found)
      throw new AppError(
        'CAREPOOL_DRIZZLE_MIXED',
        `${ctx.modelsPath} exports a carepool schema and Drizzle tables; export one kind per module`,
      );
    const label = ctx.modelsPath;
    const schema = drizzle.drizzleSchema(mod, label);
    return drizzle.spellOnServer(schema, (fn) => withSourceWorkspace(ctx, fn), label, ctx.onNote);
  }
  if (!found)
    throw new AppError(
      'CAREPOOL_SCHEMA_MODELS_INVALID',
      `${ctx.modelsPath} exports no schema (looked at default, models and schema exports for { tables: [...] }, and for Drizzle mysqlTable exports)`,
    );
  return found;
}

/**
 * A models module's views, triggers and routines as the server spells them: its tables and objects are
 * created in a workspace and the objects read back (the tables stay as the model says). Without objects,
 * nothing runs and no server is needed.
 */
async function normaliseObjects(schema: Schema, ctx: SourceContext): Promise<Schema> {
  if (!schema.objects?.length) return schema;
  const objects = schema.objects;
  return withSourceWorkspace(ctx, async (ws) => {
    const tables = renderOps(diffSchemas(EMPTY_SCHEMA, { tables: schema.tables }), ws.server, EMPTY_SCHEMA);
    await ws.exec(
      tables.statements.map((st) => st.sql),
      'models',
    );
    for (const o of creationOrder(objects)) {
      try {
        await runStatement(ws.conn, {
          sql: createSql(o),
          op: { kind: 'object', action: 'create', object: o },
        });
      } catch (error) {
        throw new AppError(
          'CAREPOOL_MIGRATE_WORKSPACE_FAILED',
          `models: ${o.kind} ${o.name} could not be created on ${ws.host}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    const read = await ws.introspect();
    return { ...schema, objects: read.objects ?? [] };
  });
}
