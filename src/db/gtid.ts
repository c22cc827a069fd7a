import { AsyncLocalStorage } from 'node:async_hooks';
import type { RawConnection } from './driver.js';

/** Where the GTIDs of writes made inside {@link captureGtids} land. */
export interface GtidCapture {
  /** The GTID of the latest committed write (MariaDB `last_gtid`, or MySQL's OWN_GTID set). */
  last?: string;
}

const store = new AsyncLocalStorage<GtidCapture>();

/**
 * Runs `fn` and collects the GTID the server reports for each write it commits, through session tracking
 * (`session_track_system_variables='last_gtid'` on MariaDB, `session_track_gtids=OWN_GTID` on MySQL, set
 * on every connection of a target that has read replicas). Read-your-writes routing (src/replicas) waits
 * for that GTID on a replica before reading there.
 */
export async function captureGtids<T>(fn: () => Promise<T>): Promise<{ result: T; gtid?: string }> {
  const capture: GtidCapture = {};
  const result = await store.run(capture, fn);
  return capture.last === undefined ? { result } : { result, gtid: capture.last };
}

/** The capture of the calling async context, if any (read when a statement is sent). */
export function currentGtidCapture(): GtidCapture | undefined {
  return store.getStore();
}

/** The GTID an OK packet's session-state changes carry (mysql2 `ResultSetHeader.stateChanges`). */
export function gtidOfStateChanges(changes: unknown): string | undefined {
  if (typeof changes !== 'object' || changes === null) return undefined;
  const c = changes as { systemVariables?: Record<string, unknown>; gtids?: unknown };
  const mariadb = c.systemVariables?.last_gtid;
  if (typeof mariadb === 'string' && mariadb !== '') return mariadb;
  if (Array.isArray(c.gtids) && c.gtids.length > 0) return c.gtids.map(String).join(',');
  return undefined;
}

/**
 * Turns on GTID session tracking for a new pooled connection of a target with read replicas, so every
 * write's OK packet carries its GTID with no extra query. MariaDB: add `last_gtid` to
 * `session_track_system_variables`; MySQL: `session_track_gtids=OWN_GTID` (needs `gtid_mode=ON`). A server
 * without either keeps working: reads after a write then go to the primary (src/replicas).
 */
export async function trackGtids(conn: RawConnection): Promise<RawConnection> {
  try {
    if (/mariadb/i.test(conn.serverVersion))
      await conn.query("SET SESSION session_track_system_variables = 'last_gtid'", [], 5000);
    else await conn.query('SET SESSION session_track_gtids = OWN_GTID', [], 5000);
  } catch (error) {
    // 1193 unknown variable / 1231 wrong value: no tracking on this server; anything else fails the connect.
    const errno = (error as { errno?: unknown }).errno;
    if (errno === 1193 || errno === 1231) return conn;
    conn.destroy();
    throw error;
  }
  return conn;
}
