import type { ConnectionSpec, TargetConfig } from '../config/index.js';
import type { SingleConnection } from '../db/connect.js';
import { sql } from '../db/sql.js';
import { connectHealthy } from '../galera/dedicated.js';
import type { ServerView } from './types.js';

/** A separate, unpooled connection that reads the server's own view of its connections. */
export interface ServerMonitor {
  /** `separate user` (migrator/admin with PROCESS) or `app user` (sees only the app user's threads). */
  readonly mode: 'separate user' | 'app user';
  /** Reads `Threads_connected`, `Max_used_connections`, `Aborted_connects` and the app user's PROCESSLIST count. */
  read(): Promise<ServerView>;
  /** `@@max_connections`, or null when it cannot be read. */
  maxConnections(): Promise<number | null>;
  close(): Promise<void>;
}

const STATUS = sql`SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_connected', 'Max_used_connections', 'Aborted_connects')`;

// PROCESSLIST shows other users' threads only with the PROCESS privilege; every user sees its own.
const HAS_PROCESS = sql`SELECT COUNT(*) AS n FROM information_schema.USER_PRIVILEGES
  WHERE PRIVILEGE_TYPE = 'PROCESS'
    AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`;

/**
 * Opens the monitoring connection of a target. It prefers `spec` (e.g. an admin URL), else the migrator URL,
 * when that user may see every thread (PROCESS); otherwise it connects as the app user itself, which always
 * sees its own threads, and leaves its own connection out of the count. It never goes through the pool, so
 * it does not take a pool slot, but as the app user it is one more server connection of that user. On a
 * multi-host URL it reads the first healthy host (its figures are that node's; the load simulation samples
 * every node through the router separately).
 */
export async function openServerMonitor(target: TargetConfig, spec?: ConnectionSpec): Promise<ServerMonitor> {
  const appUser = target.url.user;
  const candidate = spec ?? target.migrateUrl;
  if (candidate !== undefined && candidate.user !== appUser) {
    const conn = await connectHealthy(target.name, candidate, target.pool);
    const { rows } = await conn.query<{ n: number | string }>(HAS_PROCESS);
    if (Number(rows[0]?.n ?? 0) > 0) return monitorOn(conn, appUser, 'separate user');
    await conn.close();
  }
  return monitorOn(await connectHealthy(target.name, target.url, target.pool), appUser, 'app user');
}

function monitorOn(conn: SingleConnection, appUser: string, mode: ServerMonitor['mode']): ServerMonitor {
  const count = sql`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ${appUser} AND ID <> CONNECTION_ID()`;
  return {
    mode,
    async read() {
      const [status, processes] = await Promise.all([
        conn.query<{ Variable_name: string; Value: string }>(STATUS),
        conn.query<{ n: number | string }>(count),
      ]);
      const value = (name: string) =>
        Number(status.rows.find((r) => r.Variable_name.toLowerCase() === name.toLowerCase())?.Value ?? 0);
      return {
        threadsConnected: value('Threads_connected'),
        maxUsedConnections: value('Max_used_connections'),
        abortedConnects: value('Aborted_connects'),
        appUserConnections: Number(processes.rows[0]?.n ?? 0),
      };
    },
    async maxConnections() {
      try {
        const { rows } = await conn.query<{ m: number | string }>(sql`SELECT @@GLOBAL.max_connections AS m`);
        return rows[0] ? Number(rows[0].m) : null;
      } catch {
        return null;
      }
    },
    close: () => conn.close(),
  };
}
