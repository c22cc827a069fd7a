import { createHash } from 'node:crypto';
import type { SingleConnection } from '../../db/connect.js';
import { sql } from '../../db/sql.js';
import { AppError } from '../../errors/index.js';
import { acquireClusterLock, isGalera } from '../../galera/migration-lock.js';

/** A held migration lock on its own connection. */
export interface MigrationLock {
  readonly name: string;
  /** Throws CAREPOOL_MIGRATE_LOCK_FAILED when the session no longer holds the lock (e.g. after failover). */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/**
 * The lock name for one database. GET_LOCK names are server-wide and limited to 64 characters (MySQL 5.7+),
 * so long database names are hashed.
 */
export function lockName(database: string): string {
  const plain = `carepool_migrate.${database}`;
  return plain.length <= 64
    ? plain
    : `carepool_migrate.${createHash('sha256').update(database).digest('hex').slice(0, 40)}`;
}

/** Who holds a lock, as far as the server tells us. */
export interface LockHolder {
  readonly connectionId: number;
  readonly user?: string;
  readonly host?: string;
  readonly seconds?: number;
  readonly state?: string;
}

/**
 * Takes the target's migration lock with GET_LOCK on `conn`, a connection used for nothing else, so the
 * lock lives exactly as long as this process's session: a killed process frees it at once. The result is
 * checked: 1 = held; 0 = timed out (the holder is looked up and shown); NULL = error. Prisma and Kysely
 * ignore this result (research/migrations.md §3.4).
 */
export async function acquireLock(
  conn: SingleConnection,
  database: string,
  timeoutSeconds: number,
): Promise<MigrationLock> {
  const name = lockName(database);
  // GET_LOCK is node-local on Galera: there the lock is a row written through the cluster.
  if (await isGalera(conn)) return acquireClusterLock(conn, name, timeoutSeconds);
  const { rows } = await conn.query<{ got: number | string | null }>(
    sql`SELECT GET_LOCK(${name}, ${timeoutSeconds}) AS got`,
  );
  const got = rows[0]?.got;
  if (got === null || got === undefined) {
    throw new AppError(
      'CAREPOOL_MIGRATE_LOCK_FAILED',
      `GET_LOCK('${name}') returned NULL (an error on the server)`,
      { meta: { lock: name } },
    );
  }
  if (Number(got) !== 1) {
    const holder = await lockHolder(conn, name);
    const who = holder
      ? `connection ${holder.connectionId}${holder.user ? ` (${holder.user}@${holder.host ?? '?'}, ${holder.seconds ?? '?'} s, ${holder.state || 'idle'})` : ''}`
      : 'a session that has just released it';
    throw new AppError(
      'CAREPOOL_MIGRATE_LOCKED',
      `the migration lock '${name}' is held by ${who}; waited ${timeoutSeconds} s`,
      {
        meta: { lock: name, holder: holder?.connectionId ?? null, holderUser: holder?.user ?? null },
      },
    );
  }
  return {
    name,
    async assertHeld() {
      const r = await conn.query<{ holder: number | string | null }>(
        sql`SELECT IS_USED_LOCK(${name}) AS holder`,
      );
      if (Number(r.rows[0]?.holder) !== conn.threadId) {
        throw new AppError(
          'CAREPOOL_MIGRATE_LOCK_FAILED',
          `the migration lock '${name}' is no longer held by this run`,
          { meta: { lock: name } },
        );
      }
    },
    async release() {
      try {
        await conn.query(sql`SELECT RELEASE_LOCK(${name})`);
      } finally {
        await conn.close();
      }
    },
  };
}

/** The session holding `name`, with what PROCESSLIST shows of it (only own-user sessions without PROCESS). */
export async function lockHolder(conn: SingleConnection, name: string): Promise<LockHolder | undefined> {
  const { rows } = await conn.query<{ holder: number | string | null }>(
    sql`SELECT IS_USED_LOCK(${name}) AS holder`,
  );
  const id = rows[0]?.holder;
  if (id === null || id === undefined) return undefined;
  const p = await conn.query<{ user: string; host: string; time: number; state: string | null }>(
    sql`SELECT USER AS user, HOST AS host, TIME AS time, STATE AS state FROM information_schema.PROCESSLIST WHERE ID = ${Number(id)}`,
  );
  const row = p.rows[0];
  return row
    ? {
        connectionId: Number(id),
        user: row.user,
        host: row.host,
        seconds: Number(row.time),
        state: row.state ?? '',
      }
    : { connectionId: Number(id) };
}
