import { randomBytes } from 'node:crypto';
import type { SingleConnection } from '../../db/connect.js';
import { sql } from '../../db/sql.js';
import { AppError, isAppError } from '../../errors/index.js';
import type { Schema } from '../../schema/index.js';
import { readServer } from '../apply/session.js';
import { introspectSchema, normalizeCatalog, readCatalog } from '../introspect/index.js';
import { quoteName, sqlString } from '../objects/quote.js';
import type { ServerInfo } from '../server.js';
import { describeHosts, serverMatches, type WorkspaceHost } from './host.js';

/** Every workspace database name starts with this; nothing else is ever created or dropped by a workspace. */
export const WORKSPACE_PREFIX = '_carepool_ws_';

/** Leftover workspaces (of a killed run) older than this are dropped by the next run on that server. */
export const LEFTOVER_AGE_SECONDS = 3600;

/** A scratch database on a real server: load DDL into it, read it back the way live targets are read. */
export interface Workspace {
  /** The database name, `_carepool_ws_<created, base36 seconds>_<random>`. */
  readonly database: string;
  /** Flavor and version of the server it lives on. */
  readonly server: ServerInfo;
  /** Which host it was made on (`target azure`, `sandbox gcp`). */
  readonly host: string;
  /** The workspace's own connection, with the workspace as its default database. */
  readonly conn: SingleConnection;
  /**
   * Runs statements in order (each one statement, without a trailing delimiter). A failure throws
   * CAREPOOL_MIGRATE_WORKSPACE_FAILED quoting the statement's number, its first line and the server error.
   */
  exec(statements: readonly string[], origin?: string): Promise<void>;
  /**
   * The workspace's schema through the same introspection as live targets. Refuses
   * (CAREPOOL_MIGRATE_WORKSPACE_NOT_EMPTY) when a table holds rows: a workspace holds DDL only.
   * `tablesOnly`: tables through the same introspection, without objects and without the rows check
   * (for verification, whose workspace holds only what carepool itself created there).
   */
  introspect(options?: { readonly tablesOnly?: boolean }): Promise<Schema>;
}

/** Options of {@link withWorkspace}. */
export interface WorkspaceOptions {
  /** Only a host whose server has this flavor and major.minor is used. */
  readonly server?: ServerInfo;
  /** Character set and collation of the workspace database (default: the server's defaults). */
  readonly charset?: { readonly name: string; readonly collation: string };
  /** Told about fallbacks and leftovers that were kept (they held rows). */
  readonly onNote?: (message: string) => void;
  /** Clock (seconds since the epoch), injectable for the leftover sweep's tests. */
  readonly now?: () => number;
}

/**
 * Creates a uniquely named empty database on the first host that allows it, runs `fn` with it and always
 * drops it. Hosts are tried in order: one whose server does not match `options.server`, or whose user lacks
 * CREATE DATABASE, is skipped (noted) and the next is tried, so `[targetHost(t), ...sandboxHosts]` means
 * "on the target's server when allowed, else the sandbox". Leftover workspaces older than an hour on the
 * chosen server are dropped first (a killed run cannot drop its own).
 *
 * Throws CAREPOOL_MIGRATE_WORKSPACE_DENIED when every host refused the CREATE, and
 * CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER when no host matched the wanted server.
 */
export async function withWorkspace<T>(
  hosts: WorkspaceHost | readonly WorkspaceHost[],
  fn: (ws: Workspace) => Promise<T>,
  options: WorkspaceOptions = {},
): Promise<T> {
  const list = Array.isArray(hosts) ? (hosts as readonly WorkspaceHost[]) : [hosts as WorkspaceHost];
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  let denied: AppError | undefined;
  const seen: { label: string; server?: ServerInfo }[] = [];
  for (const host of list) {
    if (host.server && options.server && !serverMatches(host.server, options.server)) {
      seen.push(host);
      continue;
    }
    const conn = await host.connect();
    let database: string | undefined;
    try {
      const server = await readServer(conn);
      seen.push({ label: host.label, server });
      if (options.server && !serverMatches(server, options.server)) continue;
      await sweepLeftovers(conn, now(), options.onNote);
      database = `${WORKSPACE_PREFIX}${now().toString(36)}_${randomBytes(4).toString('hex')}`;
      try {
        const cs = options.charset;
        await conn.query(
          sql.raw(
            `CREATE DATABASE ${quoteName(database)}${cs ? ` CHARACTER SET ${cs.name} COLLATE ${cs.collation}` : ''}`,
          ),
        );
      } catch (error) {
        database = undefined;
        if (!isDenied(error)) throw error;
        denied ??= new AppError(
          'CAREPOOL_MIGRATE_WORKSPACE_DENIED',
          `${host.label}: the user may not create the scratch database carepool needs (${(error as Error).message})`,
          { cause: error },
        );
        options.onNote?.(`${host.label}: no CREATE DATABASE grant for a workspace, trying the next server`);
        continue;
      }
      await conn.query(sql.raw(`USE ${quoteName(database)}`));
      return await fn(makeWorkspace(conn, database, server, host.label));
    } finally {
      if (database)
        await conn.query(sql.raw(`DROP DATABASE IF EXISTS ${quoteName(database)}`)).catch(() => undefined);
      await conn.close().catch(() => undefined);
    }
  }
  if (denied) throw denied;
  throw new AppError(
    'CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER',
    `no server to make a workspace on${options.server ? ` for ${options.server.flavor} ${options.server.version.slice(0, 2).join('.')}` : ''}; available: ${describeHosts(seen) || 'none (no target reachable, sandbox not running)'}`,
  );
}

function makeWorkspace(
  conn: SingleConnection,
  database: string,
  server: ServerInfo,
  host: string,
): Workspace {
  return {
    database,
    server,
    host,
    conn,
    async exec(statements, origin = 'workspace') {
      for (const [i, text] of statements.entries()) {
        try {
          await conn.query(sql.raw(text));
        } catch (error) {
          throw new AppError(
            'CAREPOOL_MIGRATE_WORKSPACE_FAILED',
            `${origin}: statement ${i + 1} failed on ${host} (${text.trim().split('\n')[0]?.slice(0, 120)}): ${(error as Error).message}`,
            { cause: error, meta: { statement: i + 1 } },
          );
        }
      }
    },
    async introspect(options = {}) {
      if (options.tablesOnly) return normalizeCatalog(await readCatalog(conn, database));
      const full = await tablesWithRows(conn, database);
      if (full.length > 0)
        throw new AppError(
          'CAREPOOL_MIGRATE_WORKSPACE_NOT_EMPTY',
          `the workspace ${database} holds rows in ${full.join(', ')}: a schema source must create objects only, not insert data`,
          {
            hint: 'Use a schema-only dump (mysqldump --no-data), or remove the INSERT statements from the .sql files.',
          },
        );
      return introspectSchema(conn, database);
    },
  };
}

/**
 * Drops `_carepool_ws_*` databases created more than an hour ago (the creation time is in the name).
 * One that holds rows is not a workspace of ours gone stale: it is kept and noted.
 */
async function sweepLeftovers(
  conn: SingleConnection,
  nowSeconds: number,
  onNote?: (m: string) => void,
): Promise<void> {
  const { rows } = await conn.query<{ name: string }>(
    sql`SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ${`${WORKSPACE_PREFIX.replaceAll('_', '\\_')}%`}`,
  );
  for (const { name } of rows) {
    const created = parseInt(name.slice(WORKSPACE_PREFIX.length).split('_')[0] ?? '', 36);
    if (!Number.isFinite(created) || nowSeconds - created < LEFTOVER_AGE_SECONDS) continue;
    const full = await tablesWithRows(conn, name);
    if (full.length > 0) {
      onNote?.(`kept ${name}: it looks like a leftover workspace but holds rows (${full.join(', ')})`);
      continue;
    }
    await conn.query(sql.raw(`DROP DATABASE IF EXISTS ${quoteName(name)}`)).catch(() => undefined);
  }
}

export { quoteName };

/** Base tables of `database` holding at least one row (one UNION query, LIMIT 1 each). */
export async function tablesWithRows(conn: SingleConnection, database: string): Promise<string[]> {
  const { rows } = await conn.query<{ t: string }>(
    sql`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database} AND TABLE_TYPE = 'BASE TABLE'`,
  );
  if (rows.length === 0) return [];
  const probes = rows.map(
    (r) => `(SELECT ${sqlString(r.t)} AS t FROM ${quoteName(database)}.${quoteName(r.t)} LIMIT 1)`,
  );
  const found = await conn.query<{ t: string }>(sql.raw(probes.join(' UNION ALL ')));
  return found.rows.map((r) => r.t);
}

/** Access denied to create a database: 1044 (ER_DBACCESS_DENIED_ERROR), 1227 (needs a privilege), 1142. */
function isDenied(error: unknown): boolean {
  const errno = isAppError(error) ? error.meta['errno'] : (error as { errno?: number }).errno;
  return errno === 1044 || errno === 1227 || errno === 1142;
}
