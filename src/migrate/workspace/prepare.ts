import { randomBytes } from 'node:crypto';
import type { SingleConnection } from '../../db/connect.js';
import { sql } from '../../db/sql.js';
import { AppError, isAppError } from '../../errors/index.js';
import { introspectSchema, normalizeCatalog, readCatalog } from '../introspect/index.js';
import { quoteName, sqlString } from '../objects/quote.js';
import { parseServer, type ServerInfo } from '../server.js';
import { describeHosts, serverMatches, type WorkspaceHost } from './host.js';
import type { Workspace, WorkspaceOptions } from './workspace.js';

/** Every workspace database name starts with this; nothing else is ever created or dropped by a workspace. */
export const WORKSPACE_PREFIX = '_carepool_ws_';

/** Leftover workspaces (of a killed run) older than this are dropped by the next run on that server. */
export const LEFTOVER_AGE_SECONDS = 3600;

/** A workspace made and not yet dropped: {@link dropWorkspace} ends it. */
export interface PreparedWorkspace {
  readonly workspace: Workspace;
  readonly conn: SingleConnection;
}

/** A connection to a host whose server matched, its session set: ready for CREATE DATABASE. */
export interface OpenedHost {
  readonly conn: SingleConnection;
  readonly host: WorkspaceHost;
  readonly server: ServerInfo;
  readonly raw: { readonly version: string; readonly comment: string };
  /** Position of `host` in the list: a refused CREATE moves on to the hosts after it. */
  readonly index: number;
}

/**
 * Makes a workspace on the first host that allows it (see withWorkspace), in two steps so a caller can
 * take the first early: {@link open} (connect, one query for the version and the leftover workspaces,
 * the leftover sweep when one is old enough, the session settings) and {@link make} (CREATE DATABASE,
 * USE). A lease opens while the caller reads and diffs, and makes only when there is something to verify:
 * nothing to verify costs the server no DDL at all.
 */
export class WorkspaceMaker {
  readonly #list: readonly WorkspaceHost[];
  readonly #options: WorkspaceOptions;
  /** The server a host must match: the options' at first, the one {@link make} is given once known. */
  #want: ServerInfo | undefined;
  readonly #now: () => number;
  readonly #seen: { label: string; server?: ServerInfo }[] = [];
  #denied: AppError | undefined;
  /** The first host's connection error, thrown when no other host could be used. */
  #unreachable: unknown;

  constructor(list: readonly WorkspaceHost[], options: WorkspaceOptions) {
    this.#list = list;
    this.#options = options;
    this.#want = options.server;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** The first host from position `start` whose server matches, opened; undefined when none is left. */
  async open(start = 0): Promise<OpenedHost | undefined> {
    const want = this.#want;
    for (let index = start; index < this.#list.length; index++) {
      const host = this.#list[index] as WorkspaceHost;
      if (host.server && want && !serverMatches(host.server, want)) {
        this.#seen.push(host);
        continue;
      }
      let conn: SingleConnection;
      try {
        conn = await host.connect();
      } catch (error) {
        // A host that cannot be reached (another target down, a stale sandbox) is skipped like one that
        // may not create databases: the next may verify. Thrown when no host is left.
        this.#unreachable ??= error;
        this.#seen.push({ label: `${host.label}, unreachable` });
        this.#options.onNote?.(
          `${host.label}: could not connect for a workspace (${(error as Error).message}), trying the next server`,
        );
        continue;
      }
      try {
        const { server, raw, leftovers } = await readPrelude(conn);
        this.#seen.push({ label: host.label, server });
        if (want && !serverMatches(server, want)) {
          await conn.close().catch(() => undefined);
          continue;
        }
        await sweepLeftovers(conn, leftovers, this.#now(), this.#options.onNote);
        await sessionSettings(conn, this.#options.foreignKeyChecks ?? true);
        return { conn, host, server, raw, index };
      } catch (error) {
        await conn.close().catch(() => undefined);
        throw error;
      }
    }
    return undefined;
  }

  /**
   * Creates the workspace database on `opened` (or, when its user may not, on the next host that allows
   * it) and makes it the session's default database. Throws CAREPOOL_MIGRATE_WORKSPACE_DENIED when every
   * host refused the CREATE, CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER when no host matched.
   *
   * `want`: the server the workspace must be on, when it was not known as the host was opened (a lease
   * taken before the live read that names it). A host opened that does not match is closed and the hosts
   * after it are tried as {@link open} tries them, so the host chosen is the one a lease taken with `want`
   * would have chosen.
   */
  async make(opened: OpenedHost | undefined, want?: ServerInfo): Promise<PreparedWorkspace> {
    if (want) {
      this.#want = want;
      if (opened && !serverMatches(opened.server, want)) {
        await opened.conn.close().catch(() => undefined);
        opened = await this.open(opened.index + 1);
      }
    }
    for (let at = opened; at; at = await this.open(at.index + 1)) {
      const { conn, host } = at;
      const database = `${WORKSPACE_PREFIX}${this.#now().toString(36)}_${randomBytes(4).toString('hex')}`;
      try {
        const cs = this.#options.charset;
        await conn.query(
          sql.raw(
            `CREATE DATABASE ${quoteName(database)}${cs ? ` CHARACTER SET ${cs.name} COLLATE ${cs.collation}` : ''}`,
          ),
        );
      } catch (error) {
        await conn.close().catch(() => undefined);
        if (!isDenied(error)) throw error;
        this.#denied ??= new AppError(
          'CAREPOOL_MIGRATE_WORKSPACE_DENIED',
          `${host.label}: the user may not create the scratch database carepool needs (${(error as Error).message})`,
          { cause: error },
        );
        this.#options.onNote?.(
          `${host.label}: no CREATE DATABASE grant for a workspace, trying the next server`,
        );
        continue;
      }
      try {
        await conn.query(sql.raw(`USE ${quoteName(database)}`));
      } catch (error) {
        await dropDatabase(conn, database);
        throw error;
      }
      const fk = this.#options.foreignKeyChecks ?? true;
      return { conn, workspace: makeWorkspace(conn, database, at.server, at.raw, host.label, fk) };
    }
    if (this.#denied) throw this.#denied;
    if (this.#unreachable) throw this.#unreachable;
    const wanted = this.#want;
    throw new AppError(
      'CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER',
      `no server to make a workspace on${wanted ? ` for ${wanted.flavor} ${wanted.version.slice(0, 2).join('.')}` : ''}; available: ${describeHosts(this.#seen) || 'none (no target reachable, sandbox not running)'}`,
    );
  }
}

/** Drops the workspace database and closes its connection; never throws (a leftover is swept later). */
export async function dropWorkspace(prepared: PreparedWorkspace): Promise<void> {
  await dropDatabase(prepared.conn, prepared.workspace.database);
}

async function dropDatabase(conn: SingleConnection, database: string): Promise<void> {
  await conn.query(sql.raw(`DROP DATABASE IF EXISTS ${quoteName(database)}`)).catch(() => undefined);
  await conn.close().catch(() => undefined);
}

/**
 * The server's version and the names of existing workspaces in one round trip (the version row first,
 * its third column NULL; then one row per `_carepool_ws_*` database).
 */
async function readPrelude(conn: SingleConnection): Promise<{
  server: ServerInfo;
  raw: { version: string; comment: string };
  leftovers: string[];
}> {
  const pattern = `${WORKSPACE_PREFIX.replaceAll('_', '\\_')}%`;
  const { rows } = await conn.query<{ v: string | null; c: string | null; ws: string | null }>(
    sql`SELECT VERSION() AS v, @@version_comment AS c, NULL AS ws
      UNION ALL SELECT NULL, NULL, SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ${pattern}`,
  );
  const head = rows.find((r) => r.ws === null);
  const raw = { version: head?.v ?? '', comment: head?.c ?? '' };
  return {
    server: parseServer(raw.version, raw.comment) ?? { flavor: 'mysql', version: [8, 0, 0] },
    raw,
    leftovers: rows.flatMap((r) => (r.ws === null ? [] : [r.ws])),
  };
}

/**
 * Keeps the workspace out of the binary log (`sql_log_bin = 0`): its CREATE/ALTER/DROP DATABASE would
 * otherwise be replicated to every replica of the target, and with sync_binlog=1 (the cloud default) each
 * one costs a binlog fsync. Setting it needs SUPER or BINLOG ADMIN (MariaDB) / SYSTEM_VARIABLES_ADMIN
 * (MySQL); without them the refusal is ignored and the workspace is logged as before. FOREIGN_KEY_CHECKS
 * is set in the same statement when the caller asked for it off (verification's copies).
 */
async function sessionSettings(conn: SingleConnection, foreignKeyChecks: boolean): Promise<void> {
  const fk = foreignKeyChecks ? '' : ', FOREIGN_KEY_CHECKS = 0';
  try {
    await conn.query(sql.raw(`SET SESSION sql_log_bin = 0${fk}`));
  } catch {
    if (!foreignKeyChecks) await conn.query(sql.raw('SET FOREIGN_KEY_CHECKS = 0'));
  }
}

/**
 * Drops `_carepool_ws_*` databases created more than an hour ago (the creation time is in the name).
 * One that holds rows is not a workspace of ours gone stale: it is kept and noted.
 */
async function sweepLeftovers(
  conn: SingleConnection,
  names: readonly string[],
  nowSeconds: number,
  onNote?: (m: string) => void,
): Promise<void> {
  for (const name of names) {
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

function makeWorkspace(
  conn: SingleConnection,
  database: string,
  server: ServerInfo,
  raw: { version: string; comment: string },
  host: string,
  foreignKeyChecks: boolean,
): Workspace {
  return {
    database,
    server,
    host,
    conn,
    foreignKeyChecks,
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
      // The version was read when the workspace was made: the catalog read does not ask again.
      if (options.tablesOnly) return normalizeCatalog(await readCatalog(conn, database, { server: raw }));
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
