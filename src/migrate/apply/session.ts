import type { SingleConnection } from '../../db/connect.js';
import { sql } from '../../db/sql.js';
import type { Target } from '../../db/targets.js';
import { parseServer, type ServerInfo } from '../server.js';
import { acquireLock, type MigrationLock } from './lock.js';

/** A migration session on one target: a DDL connection, and the lock on a connection of its own. */
export interface MigrateSession {
  readonly target: string;
  readonly database: string;
  readonly conn: SingleConnection;
  readonly server: ServerInfo;
  /** Present when the session was opened with `lock: true`. */
  readonly lock?: MigrationLock;
  close(): Promise<void>;
}

/** The database a target's migrator works on. */
export function targetDatabase(target: Target): string {
  return (target.config.migrateUrl ?? target.config.url).database;
}

/** Reads the server's flavor and version over `conn`. */
export async function readServer(conn: SingleConnection): Promise<ServerInfo> {
  const { rows } = await conn.query<{ v: string; c: string }>(
    sql`SELECT VERSION() AS v, @@version_comment AS c`,
  );
  return parseServer(rows[0]?.v ?? '', rows[0]?.c ?? '') ?? { flavor: 'mysql', version: [8, 0, 0] };
}

/**
 * Opens a session as the migrator user. With `lock`, a second connection takes GET_LOCK first (waiting up
 * to `lockTimeoutSeconds`), so two runs on one target never interleave.
 */
export async function openSession(
  target: Target,
  options: { lock: boolean; lockTimeoutSeconds?: number },
): Promise<MigrateSession> {
  const database = targetDatabase(target);
  let lock: MigrationLock | undefined;
  if (options.lock) {
    const lockConn = await target.connectMigrator();
    try {
      lock = await acquireLock(lockConn, database, options.lockTimeoutSeconds ?? 60);
    } catch (error) {
      await lockConn.close();
      throw error;
    }
  }
  let conn: SingleConnection;
  try {
    conn = await target.connectMigrator();
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const server = await readServer(conn);
  return {
    target: target.name,
    database,
    conn,
    server,
    ...(lock ? { lock } : {}),
    async close() {
      await conn.close().catch(() => undefined);
      await lock?.release().catch(() => undefined);
    },
  };
}
