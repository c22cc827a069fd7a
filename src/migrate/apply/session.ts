import type { SingleConnection } from '../../db/connect.js';
import { sql } from '../../db/sql.js';
import type { Target } from '../../db/targets.js';
import { parseServer, type ServerInfo } from '../server.js';
import { galeraMigrationPreflight } from '../../galera/preflight.js';
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
 * to `lockTimeoutSeconds`), so two runs on one target never interleave. Both connections are opened at
 * once and the server version is read while the lock is being taken: nothing else runs on the DDL
 * connection before the lock is held (readTargetState comes after), so this only overlaps the waits.
 */
export async function openSession(
  target: Target,
  options: { lock: boolean; lockTimeoutSeconds?: number },
): Promise<MigrateSession> {
  const database = targetDatabase(target);
  const [locked, opened] = await Promise.allSettled([
    options.lock ? takeLock(target, database, options.lockTimeoutSeconds ?? 60) : Promise.resolve(undefined),
    target.connectMigrator().then(async (conn) => {
      try {
        return { conn, server: await readServer(conn) };
      } catch (error) {
        await conn.close().catch(() => undefined);
        throw error;
      }
    }),
  ]);
  if (locked.status === 'rejected' || opened.status === 'rejected') {
    if (locked.status === 'fulfilled') await locked.value?.release().catch(() => undefined);
    if (opened.status === 'fulfilled') await opened.value.conn.close().catch(() => undefined);
    throw locked.status === 'rejected' ? locked.reason : (opened as PromiseRejectedResult).reason;
  }
  const lock = locked.value;
  const { conn, server } = opened.value;
  // Writes on a Galera node: DDL in TOI, every table InnoDB with a primary key (else refused, by name).
  if (lock && server.flavor === 'mariadb') {
    await galeraMigrationPreflight(conn, database).catch(async (error: unknown) => {
      await Promise.all([conn.close().catch(() => undefined), lock.release().catch(() => undefined)]);
      throw error;
    });
  }
  return {
    target: target.name,
    database,
    conn,
    server,
    ...(lock ? { lock } : {}),
    async close() {
      // Nothing is in flight on the DDL connection by now: its COM_QUIT and RELEASE_LOCK can go out together.
      await Promise.all([conn.close().catch(() => undefined), lock?.release().catch(() => undefined)]);
    },
  };
}

/** GET_LOCK on a connection of its own; the connection is closed when the lock is not taken. */
async function takeLock(target: Target, database: string, timeoutSeconds: number): Promise<MigrationLock> {
  const lockConn = await target.connectMigrator();
  try {
    return await acquireLock(lockConn, database, timeoutSeconds);
  } catch (error) {
    await lockConn.close();
    throw error;
  }
}
