import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { registerGaleraMetrics } from '../../src/galera/metrics.js';
import { conflictCounts, isConflict, retryOnConflict } from '../../src/galera/retry.js';
import { withGaleraEnv } from '../../src/sandbox/galera-sandbox.js';
import { startTestCluster, type TestCluster } from './cluster.js';

let cluster: TestCluster;
let n1: SingleConnection;
let n2: SingleConnection;
beforeAll(async () => {
  cluster = await startTestCluster();
  n1 = await cluster.node(0);
  n2 = await cluster.node(1);
  await n1.query(sql`CREATE TABLE clinic.counter (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB`);
  await n1.query(sql`INSERT INTO clinic.counter VALUES (1, 0)`);
}, 240_000);
afterAll(async () => {
  await n1?.close();
  await n2?.close();
  await cluster?.close();
}, 120_000);

/** One transaction on node 1 that another node's autocommit UPDATE of the same row races on its first try. */
async function contendedIncrement(tries: { n: number }): Promise<void> {
  await n1.transaction(async (tx) => {
    tries.n++;
    await tx.query(sql`UPDATE clinic.counter SET v = v + 1 WHERE id = 1`);
    if (tries.n === 1) await n2.query(sql`UPDATE clinic.counter SET v = v + 100 WHERE id = 1`);
  });
}

describe('Galera certification conflicts', () => {
  it('surface as 1213 at COMMIT when another node changed the same row first', async () => {
    const tries = { n: 0 };
    const error = await contendedIncrement(tries).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConflict(error)).toBe(true);
  });

  it('retryOnConflict runs the whole transaction again, once, and counts the retry for /metrics', async () => {
    const before = conflictCounts().retries.get('onprem') ?? 0;
    const { rows: start } = await n1.query<{ v: number }>(sql`SELECT v FROM clinic.counter WHERE id = 1`);
    const tries = { n: 0 };
    await retryOnConflict('onprem', () => contendedIncrement(tries));
    expect(tries.n).toBe(2);
    expect(conflictCounts().retries.get('onprem')).toBe(before + 1);
    await n1.query(sql`SET SESSION wsrep_sync_wait = 1`);
    const { rows } = await n1.query<{ v: number }>(sql`SELECT v FROM clinic.counter WHERE id = 1`);
    // The other node's +100 and exactly one +1 of ours: the rolled-back first try left nothing.
    expect(Number(rows[0]!.v)).toBe(Number(start[0]!.v) + 101);

    const registry = new TargetRegistry(
      loadConfig({ cwd: cluster.home, dotenv: false, env: withGaleraEnv({}, cluster.state) }),
    );
    try {
      await registry.get('onprem').sql.query(sql`SELECT 1`);
      const metrics = new Registry();
      registerGaleraMetrics(metrics, registry);
      const text = await metrics.metrics();
      expect(text).toMatch(/carepool_tx_conflict_retries_total\{target="onprem"\} [1-9]/);
      expect(text).toMatch(/carepool_node_up\{target="onprem",node="127\.0\.0\.1:\d+"\} 1/);
    } finally {
      await registry.close(1000);
    }
  });

  it('gives up after the bounded number of tries and rethrows the conflict', async () => {
    let calls = 0;
    const conflict = Object.assign(new Error('Deadlock found'), { errno: 1213 });
    await expect(
      retryOnConflict(
        'bounded',
        async () => {
          calls++;
          throw conflict;
        },
        { attempts: 3, baseMs: 1 },
      ),
    ).rejects.toBe(conflict);
    expect(calls).toBe(3);
    expect(conflictCounts().exhausted.get('bounded')).toBe(1);
  });
});
