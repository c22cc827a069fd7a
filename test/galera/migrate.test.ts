import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { AppError } from '../../src/errors/index.js';
import { CLUSTER_LOCK_TABLE } from '../../src/galera/migration-lock.js';
import { acquireLock, lockName, migrateFleet } from '../../src/migrate/index.js';
import { withGaleraEnv } from '../../src/sandbox/galera-sandbox.js';
import { MIGRATIONS_DIR } from '../harness/migrate.js';
import { startTestCluster, type TestCluster } from './cluster.js';

let cluster: TestCluster;
let registry: TargetRegistry;
beforeAll(async () => {
  cluster = await startTestCluster();
  registry = new TargetRegistry(
    loadConfig({ cwd: cluster.home, dotenv: false, env: withGaleraEnv({}, cluster.state) }),
  );
}, 240_000);
afterAll(async () => {
  await registry?.close(1000);
  await cluster?.close();
}, 120_000);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
}

describe('migrations on a Galera cluster', () => {
  it('migrate up reaches head through the multi-host URL, and every node has the schema', async () => {
    const [result] = await migrateFleet(registry.list(), { to: 'head', migrationsDir: MIGRATIONS_DIR });
    expect(result?.error?.message).toBeUndefined();
    expect(result?.ok).toBe(true);
    for (const i of [0, 1, 2]) {
      const conn = await cluster.node(i);
      try {
        const { rows } = await conn.query<{ n: number }>(
          sql`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'clinic' AND TABLE_NAME IN ('patients', 'medical_records', 'carepool_migrations')`,
        );
        expect(Number(rows[0]!.n)).toBe(3);
      } finally {
        await conn.close();
      }
    }
  });

  it('GET_LOCK is node-local, the cluster lock is not: a second node waits, then gets it after release', async () => {
    const [a, b] = await Promise.all([cluster.node(0, 'migrator'), cluster.node(1, 'migrator')]);
    const [ga, gb] = await Promise.all([cluster.node(0, 'migrator'), cluster.node(1, 'migrator')]);
    try {
      // The reason for the row lock: both nodes grant the same GET_LOCK name.
      const got = await Promise.all(
        [ga, gb].map((c) => c.query<{ g: number }>(sql`SELECT GET_LOCK('carepool_probe', 0) AS g`)),
      );
      expect(got.map((r) => Number(r.rows[0]!.g))).toEqual([1, 1]);

      const held = await acquireLock(a, 'clinic', 5);
      expect(await codeOf(acquireLock(b, 'clinic', 1))).toBe('CAREPOOL_MIGRATE_LOCKED');
      await held.assertHeld();
      await held.release();
      const second = await acquireLock(b, 'clinic', 5);
      await second.assertHeld();
      await second.release();
      const c = await cluster.node(2);
      try {
        const { rows } = await c.query<{ n: number }>(
          sql`SELECT COUNT(*) AS n FROM clinic.${sql.ident(CLUSTER_LOCK_TABLE)} WHERE name = ${lockName('clinic')}`,
        );
        expect(Number(rows[0]!.n)).toBe(0);
      } finally {
        await c.close();
      }
    } finally {
      await Promise.all([a, b, ga, gb].map((c) => c.close().catch(() => undefined)));
    }
  });

  it('two runs racing for the lock from different nodes: exactly one wins', async () => {
    const conns = await Promise.all([0, 1, 2].map((i) => cluster.node(i, 'migrator')));
    const results = await Promise.allSettled(conns.map((c) => acquireLock(c, 'clinic', 1)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won.length).toBe(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('CAREPOOL_MIGRATE_LOCKED');
    }
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release();
    await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
  });

  it('preflight refuses a non-InnoDB table and a table without a primary key, naming each and why', async () => {
    const admin = await cluster.node(0);
    try {
      await admin.query(sql`CREATE TABLE clinic.legacy_notes (id INT PRIMARY KEY, body TEXT) ENGINE=MyISAM`);
      await admin.query(sql`CREATE TABLE clinic.scratch_log (msg VARCHAR(50)) ENGINE=InnoDB`);
      const [result] = await migrateFleet(registry.list(), { to: 'base', migrationsDir: MIGRATIONS_DIR });
      expect(result?.ok).toBe(false);
      expect(result?.error?.code).toBe('CAREPOOL_MIGRATE_GALERA_UNSAFE');
      expect(result?.error?.message).toMatch(/legacy_notes \(engine MyISAM/);
      expect(result?.error?.message).toMatch(/scratch_log \(no primary key/);
    } finally {
      await admin.query(sql`DROP TABLE IF EXISTS clinic.legacy_notes, clinic.scratch_log`);
      await admin.close();
    }
  });
});
