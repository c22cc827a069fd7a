import type { ConnectionSpec } from '../config/index.js';
import { openConnection, type OpenOptions, type RawConnection } from './driver.js';

/** Which server-side statement timeout a server understands. */
export type TimeoutDialect = 'mariadb' | 'mysql';

/** MariaDB announces itself in the greeting's version string ("10.11.6-MariaDB", "5.5.5-10.6.1-MariaDB"). */
export function timeoutDialect(serverVersion: string): TimeoutDialect {
  return /mariadb/i.test(serverVersion) ? 'mariadb' : 'mysql';
}

/**
 * Sets the session's server-side statement timeout on a new pooled connection, so the server itself stops
 * a runaway statement and the connection survives (error 1969 / 3024 instead of a dropped socket).
 *
 * - MariaDB: `max_statement_time`, in seconds (fractional), applies to every statement except those inside
 *   stored programs (https://mariadb.com/kb/en/server-system-variables/#max_statement_time).
 * - MySQL: `max_execution_time`, in milliseconds, applies to read-only SELECTs only
 *   (https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_max_execution_time);
 *   writes there are bounded by the client-side timer alone.
 *
 * Migrations never come here: they run on their own unpooled connections (`connectMigrator`).
 */
export async function applyStatementTimeout(conn: RawConnection, timeoutMs: number): Promise<RawConnection> {
  if (timeoutMs <= 0) return conn;
  try {
    if (timeoutDialect(conn.serverVersion) === 'mariadb')
      await conn.query('SET SESSION max_statement_time = ?', [timeoutMs / 1000], timeoutMs);
    else await conn.query('SET SESSION max_execution_time = ?', [Math.round(timeoutMs)], timeoutMs);
  } catch (error) {
    // 1193 unknown system variable: a server older than the variable (MySQL < 5.7.8, MariaDB < 10.1) is
    // bounded by the client-side timer alone. Anything else fails the connect.
    if ((error as { errno?: unknown }).errno === 1193) return conn;
    conn.destroy();
    throw error;
  }
  return conn;
}

/**
 * Kills the connection `threadId` over a fresh connection (the pool may have none free): the client already
 * dropped it after its statement timer fired, and the server must stop the statement too. `KILL` rather than
 * `KILL QUERY`: nobody will use that session again. Any user may kill its own threads. Bounded by the
 * connect timeout and one statement of the same length; errors are the caller's to ignore.
 */
export async function killThread(
  spec: ConnectionSpec,
  options: OpenOptions,
  threadId: number,
): Promise<void> {
  const conn = await openConnection(spec, options);
  try {
    await conn.query('KILL ?', [threadId], options.connectTimeoutMs);
  } finally {
    conn.destroy();
  }
}
