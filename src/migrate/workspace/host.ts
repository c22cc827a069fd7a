import { parseConnectionUrl } from '../../config/index.js';
import { connectSingle, type SingleConnection } from '../../db/connect.js';
import type { Target } from '../../db/targets.js';
import { isServerAlive, readState, type SandboxState, userUrl } from '../../sandbox/index.js';
import { parseServer, type ServerInfo, serverLabel } from '../server.js';

/**
 * A server a workspace can be made on: how to open a connection there, and what it is. The target's own
 * server comes first (same flavor, version, sql_mode and defaults as the schema it verifies); a sandbox
 * server is the fallback when the target's user may not create databases.
 */
export interface WorkspaceHost {
  /** `target azure`, `sandbox gcp`: named in errors and notes. */
  readonly label: string;
  /** Known without connecting (sandbox servers record theirs); read from the server otherwise. */
  readonly server?: ServerInfo;
  /**
   * Opens a dedicated connection (the workspace issues USE on it, so it must not be a pooled one). The
   * hosts here open it with `multipleStatements`, as the mysql client does, so the workspace's catalog read
   * takes two round trips (readCatalog); the workspace still sends its statements one at a time.
   */
  connect(): Promise<SingleConnection>;
}

/** The target's own server, as its migrator user. */
export function targetHost(target: Target): WorkspaceHost {
  return {
    label: `target ${target.name}`,
    connect: () => target.connectMigrator({ multipleStatements: true }),
  };
}

/** Every running sandbox server, as its admin user (who may create and drop databases). */
export async function sandboxHosts(home: string, state?: SandboxState): Promise<WorkspaceHost[]> {
  // Read replicas are read_only copies: a workspace database there would be a local write.
  const servers = Object.values((state ?? (await readState(home))).servers).filter((s) => !s.replicaOf);
  const alive = await Promise.all(servers.map((s) => isServerAlive(s)));
  return servers
    .filter((_, i) => alive[i])
    .map((s) => {
      const server = parseServer(`${s.flavor}:${s.version}`) ?? parseServer(s.version, s.flavor);
      return {
        label: `sandbox ${s.name}`,
        ...(server ? { server } : {}),
        connect: () =>
          connectSingle(
            `sandbox ${s.name}`,
            parseConnectionUrl('sandbox admin', userUrl(s, 'admin')),
            { connectTimeoutMs: 5000, keepAliveMs: 0 },
            { multipleStatements: true },
          ),
      };
    });
}

/**
 * True when `have` can stand in for `want`: same flavor and same major.minor (a patch release does not
 * change how DDL is normalised; a minor one can, e.g. MariaDB 10.6 → 10.11 always-COLLATE).
 */
export function serverMatches(have: ServerInfo, want: ServerInfo): boolean {
  return (
    have.flavor === want.flavor && have.version[0] === want.version[0] && have.version[1] === want.version[1]
  );
}

/** `mariadb 10.11.6 (sandbox gcp)` lines for error messages. */
export function describeHosts(hosts: readonly { label: string; server?: ServerInfo }[]): string {
  return hosts.map((h) => `${h.server ? serverLabel(h.server) : 'unknown version'} (${h.label})`).join(', ');
}
