import type { SingleConnection } from '../../db/connect.js';
import { AppError } from '../../errors/index.js';
import type { Schema } from '../../schema/index.js';
import type { ServerInfo } from '../server.js';
import type { WorkspaceHost } from './host.js';
import { dropWorkspace, type OpenedHost, WorkspaceMaker } from './prepare.js';

export { quoteName } from '../objects/quote.js';
export { LEFTOVER_AGE_SECONDS, tablesWithRows, WORKSPACE_PREFIX } from './prepare.js';

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
  /** False when the session runs with FOREIGN_KEY_CHECKS=0 ({@link WorkspaceOptions.foreignKeyChecks}). */
  readonly foreignKeyChecks: boolean;
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

/** Options of {@link withWorkspace} and {@link leaseWorkspace}. */
export interface WorkspaceOptions {
  /** Only a host whose server has this flavor and major.minor is used. */
  readonly server?: ServerInfo;
  /** Character set and collation of the workspace database (default: the server's defaults). */
  readonly charset?: { readonly name: string; readonly collation: string };
  /**
   * False: the session runs with FOREIGN_KEY_CHECKS=0 from the start (set with the other session settings,
   * no extra round trip), as verification's copies need. Default true.
   */
  readonly foreignKeyChecks?: boolean;
  /** Told about fallbacks and leftovers that were kept (they held rows). */
  readonly onNote?: (message: string) => void;
  /** Clock (seconds since the epoch), injectable for the leftover sweep's tests. */
  readonly now?: () => number;
}

/**
 * A workspace being made while the caller does other work: {@link leaseWorkspace} starts connecting and
 * creating the database at once; {@link WorkspaceLease.use} waits for it, runs `fn` and drops it;
 * {@link WorkspaceLease.release} drops it unused. Whoever takes a lease must release it (in a `finally`).
 */
export interface WorkspaceLease {
  /**
   * Creates the workspace database, runs `fn` in it, then drops it (also when `fn` throws). Throws what
   * making the workspace threw (CAREPOOL_MIGRATE_WORKSPACE_DENIED, _NO_SERVER, a connection error).
   * Once per lease.
   *
   * `options.server`: the flavor and major.minor the workspace must have, for a lease taken before that
   * was known (e.g. while the live target that names it was being read). When the host the lease opened
   * does not match, it is closed and the next hosts are tried, as {@link withWorkspace} with that server
   * would try them: the early start never changes which server verifies.
   */
  use<T>(fn: (ws: Workspace) => Promise<T>, options?: { readonly server?: ServerInfo }): Promise<T>;
  /**
   * Closes the lease's connection if {@link use} did not run (no database was created); after `use`, waits
   * for its drop. Idempotent; never throws: an error opening a workspace nobody used is nobody's concern.
   */
  release(): Promise<void>;
}

/**
 * Starts making a workspace (see {@link withWorkspace} for how the host is chosen) and returns at once:
 * connecting, the version read, the leftover sweep and the session settings overlap whatever the caller
 * does next (e.g. reading the live catalog and diffing it, which decides whether there is anything to
 * verify). CREATE DATABASE waits for {@link WorkspaceLease.use}, so a lease released unused costs the
 * server no DDL. Nothing is hidden from the caller's clock: `use` ends with the DROP DATABASE done, and
 * `release` with the connection closed.
 */
export function leaseWorkspace(
  hosts: WorkspaceHost | readonly WorkspaceHost[],
  options: WorkspaceOptions = {},
): WorkspaceLease {
  const list = Array.isArray(hosts) ? (hosts as readonly WorkspaceHost[]) : [hosts as WorkspaceHost];
  const maker = new WorkspaceMaker(list, options);
  const opened: Promise<OpenedHost | undefined> = maker.open();
  // Surfaced by use(); a lease released unused ignores it.
  opened.catch(() => undefined);
  let done: Promise<void> | undefined;
  return {
    async use<T>(
      fn: (ws: Workspace) => Promise<T>,
      useOptions: { readonly server?: ServerInfo } = {},
    ): Promise<T> {
      if (done)
        throw new AppError('CAREPOOL_INTERNAL', 'a workspace lease was used after it was used or released');
      let finished!: () => void;
      done = new Promise<void>((resolve) => {
        finished = resolve;
      });
      try {
        const prepared = await maker.make(await opened, useOptions.server);
        try {
          return await fn(prepared.workspace);
        } finally {
          await dropWorkspace(prepared);
        }
      } finally {
        finished();
      }
    },
    release(): Promise<void> {
      done ??= opened.then(
        async (at) => {
          await at?.conn.close().catch(() => undefined);
        },
        () => undefined,
      );
      return done;
    },
  };
}

/**
 * Creates a uniquely named empty database on the first host that allows it, runs `fn` with it and always
 * drops it. Hosts are tried in order: one whose server does not match `options.server`, or whose user lacks
 * CREATE DATABASE, is skipped (noted) and the next is tried, so `[targetHost(t), ...sandboxHosts]` means
 * "on the target's server when allowed, else the sandbox". Leftover workspaces older than an hour on the
 * chosen server are dropped first (a killed run cannot drop its own). The workspace session stays out of
 * the binary log when the user may say so (`sql_log_bin = 0`): scratch databases are not replicated.
 *
 * Throws CAREPOOL_MIGRATE_WORKSPACE_DENIED when every host refused the CREATE, and
 * CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER when no host matched the wanted server.
 */
export async function withWorkspace<T>(
  hosts: WorkspaceHost | readonly WorkspaceHost[],
  fn: (ws: Workspace) => Promise<T>,
  options: WorkspaceOptions = {},
): Promise<T> {
  return leaseWorkspace(hosts, options).use(fn);
}
