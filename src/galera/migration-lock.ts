import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlClient } from '../db/client.js';
import type { SingleConnection } from '../db/connect.js';
import { sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';

/** The cluster-wide lock table (a carepool bookkeeping table: never part of a schema diff or a copy). */
export const CLUSTER_LOCK_TABLE = 'carepool_migration_lock';
/** A holder that stops renewing (killed) loses the lock after this long. */
export const CLUSTER_LOCK_TTL_MS = 60_000;
/** The holder renews its expiry this often while it runs. */
export const CLUSTER_LOCK_RENEW_MS = 15_000;

/** The same shape as src/migrate/apply/lock.ts's MigrationLock. */
export interface ClusterLock {
  readonly name: string;
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/** True when the server is a Galera node with replication on (`@@wsrep_on`; MySQL has no such variable). */
export async function isGalera(conn: SqlClient): Promise<boolean> {
  return conn
    .query<{ on: number | string | null }>(sql`SELECT @@GLOBAL.wsrep_on AS \`on\``)
    .then((r) => Number(r.rows[0]?.on ?? 0) === 1)
    .catch(() => false);
}

/**
 * The migration lock on a Galera cluster. GET_LOCK is node-local there (two nodes both "held" the same name
 * in the loopback test, research/scale-out.md §3), so the lock is a ROW, written through the cluster: an
 * INSERT of the lock's primary key, or the take-over of an expired row, commits on at most one node; the
 * others fail certification (1213) or find another owner, and wait. The holder renews the expiry every
 * {@link CLUSTER_LOCK_RENEW_MS}; a killed holder's row expires after {@link CLUSTER_LOCK_TTL_MS} (unlike
 * GET_LOCK, which a dead session frees at once — the error says until when). Expiry uses each node's clock:
 * cluster nodes must keep their clocks within a few seconds (NTP), far below the TTL.
 */
export async function acquireClusterLock(
  conn: SingleConnection,
  name: string,
  timeoutSeconds: number,
): Promise<ClusterLock> {
  // DDL on Galera replicates in TOI: the table appears on every node before this statement returns.
  await conn.query(
    sql`CREATE TABLE IF NOT EXISTS ${sql.ident(CLUSTER_LOCK_TABLE)} (name VARCHAR(64) NOT NULL PRIMARY KEY, owner VARCHAR(190) NOT NULL, acquired_at DATETIME(3) NOT NULL, expires_at DATETIME(3) NOT NULL) ENGINE=InnoDB`,
  );
  // Reads wait until this node applied everything committed before them (causal reads).
  await conn.query(sql`SET SESSION wsrep_sync_wait = 1`);
  const owner = `${hostname()}:${process.pid}:${conn.threadId}:${randomBytes(4).toString('hex')}`;
  const ttl = CLUSTER_LOCK_TTL_MS / 1000;
  const deadline = Date.now() + timeoutSeconds * 1000;
  let holder: { owner: string; expires: string } | undefined;
  for (;;) {
    try {
      await conn.query(
        sql`INSERT INTO ${sql.ident(CLUSTER_LOCK_TABLE)} (name, owner, acquired_at, expires_at)
            VALUES (${name}, ${owner}, NOW(3), NOW(3) + INTERVAL ${ttl} SECOND)
            ON DUPLICATE KEY UPDATE
              owner = IF(expires_at < NOW(3), VALUES(owner), owner),
              acquired_at = IF(expires_at < NOW(3), VALUES(acquired_at), acquired_at),
              expires_at = IF(expires_at < NOW(3), VALUES(expires_at), expires_at)`,
      );
    } catch (error) {
      // 1213: another node's take-over of the same row won certification. Read who holds it now.
      if ((error as AppError).meta?.errno !== 1213) throw error;
    }
    const { rows } = await conn.query<{ owner: string; expires: string }>(
      sql`SELECT owner, DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s') AS expires FROM ${sql.ident(CLUSTER_LOCK_TABLE)} WHERE name = ${name}`,
    );
    holder = rows[0];
    if (holder?.owner === owner) break;
    if (Date.now() >= deadline) {
      throw new AppError(
        'CAREPOOL_MIGRATE_LOCKED',
        `the cluster migration lock '${name}' (table ${CLUSTER_LOCK_TABLE}) is held by ${holder?.owner ?? 'another run'} until ${holder?.expires ?? '?'} UTC unless renewed; waited ${timeoutSeconds} s`,
        {
          meta: { lock: name, holder: null, holderUser: holder?.owner ?? null },
          hint: `Wait for that run. If it was killed, its lock expires ${CLUSTER_LOCK_TTL_MS / 1000} s after its last renewal; to clear it now (only when no migration runs): DELETE FROM ${CLUSTER_LOCK_TABLE} WHERE name = '${name}'.`,
        },
      );
    }
    await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
  }

  let lost: AppError | undefined;
  const renew = async (): Promise<void> => {
    const r = await conn.query(
      sql`UPDATE ${sql.ident(CLUSTER_LOCK_TABLE)} SET expires_at = NOW(3) + INTERVAL ${ttl} SECOND WHERE name = ${name} AND owner = ${owner}`,
    );
    if (r.affectedRows !== 1) {
      lost = new AppError(
        'CAREPOOL_MIGRATE_LOCK_FAILED',
        `the cluster migration lock '${name}' is no longer held by this run (it expired and another run took it)`,
        { meta: { lock: name } },
      );
    }
  };
  const timer = setInterval(() => {
    renew().catch((error: unknown) => {
      lost ??= new AppError(
        'CAREPOOL_MIGRATE_LOCK_FAILED',
        `renewing the cluster migration lock '${name}' failed`,
        {
          cause: error,
          meta: { lock: name },
        },
      );
    });
  }, CLUSTER_LOCK_RENEW_MS);
  timer.unref();
  return {
    name,
    async assertHeld() {
      if (lost) throw lost;
      await renew();
      if (lost) throw lost;
    },
    async release() {
      clearInterval(timer);
      try {
        await conn.query(
          sql`DELETE FROM ${sql.ident(CLUSTER_LOCK_TABLE)} WHERE name = ${name} AND owner = ${owner}`,
        );
      } finally {
        await conn.close();
      }
    },
  };
}
