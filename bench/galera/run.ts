/**
 * Galera write throughput on this machine: a 3-node loopback cluster (sandbox `onprem`) vs one plain
 * MariaDB server (sandbox `gcp` settings), same client, same pool size, interleaved rounds, medians.
 *
 *   npx tsx bench/galera/run.ts [--rounds N] [--seconds S] [--clients C]
 *
 * Workloads (each statement autocommits, i.e. one commit = one write-set on Galera):
 * - insert: INSERT of one row into a table with an AUTO_INCREMENT key (no conflicts possible);
 * - hot: UPDATE of one of 16 counter rows chosen at random (conflicts between nodes are retried by
 *   retryOnConflict, the same helper the clinic writes use; retries are counted).
 * Setups: `single` (one server), `cluster` (the multi-host URL: connections spread over 3 nodes),
 * `cluster-1node` (every connection to node 1; the others only apply its write-sets).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { conflictCounts, isConflict, retryOnConflict } from '../../src/galera/retry.js';
import { galeraUrl, removeGalera, stopGalera } from '../../src/sandbox/galera.js';
import { startGaleraSandbox } from '../../src/sandbox/galera-sandbox.js';
import { startSandbox, stopSandbox, userUrl } from '../../src/sandbox/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('rounds', 3);
const SECONDS = arg('seconds', 5);
const CLIENTS = arg('clients', 8);

type Workload = 'insert' | 'hot';
interface Sample {
  readonly ops: number;
  readonly p50: number;
  readonly p95: number;
  readonly retries: number;
  /** Transactions that still conflicted after the last retry. */
  readonly failed: number;
}

async function round(reg: TargetRegistry, name: string, workload: Workload): Promise<Sample> {
  const target = reg.get(name);
  const lat: number[] = [];
  let failed = 0;
  const before = conflictCounts().retries.get(name) ?? 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        if (workload === 'insert') {
          await target.sql.query(
            sql`INSERT INTO clinic.bench_w (payload, created) VALUES (${'x'.repeat(80)}, NOW(3))`,
          );
        } else {
          const id = 1 + Math.floor(Math.random() * 16);
          const ok = await retryOnConflict(name, () =>
            target.sql.transaction((tx) =>
              tx.query(sql`UPDATE clinic.bench_hot SET v = v + 1 WHERE id = ${id}`),
            ),
          ).then(
            () => true,
            (error: unknown) => {
              // Still a conflict after the 4th try: the caller would get an error (counted, not timed).
              if (isConflict(error)) return false;
              throw error;
            },
          );
          if (!ok) {
            failed++;
            continue;
          }
        }
        lat.push(performance.now() - t);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return {
    ops: lat.length / SECONDS,
    p50: lat[Math.floor(lat.length * 0.5)] ?? 0,
    p95: lat[Math.floor(lat.length * 0.95)] ?? 0,
    retries: (conflictCounts().retries.get(name) ?? 0) - before,
    failed,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const started = new Date();
  const home = await mkdtemp(join(tmpdir(), 'carepool-bench-galera-'));
  const single = await startSandbox({ home, profiles: ['gcp'], ports: 'free' });
  const cluster = (await startGaleraSandbox(home, { size: 3, ports: 'free' }))!;
  const gcp = single.servers.gcp!;
  const node1 = galeraUrl(cluster, 'admin').replace(/@[^/]+\//, `@127.0.0.1:${cluster.nodes[0]!.port}/`);
  const env = {
    CAREPOOL_TARGETS: 'single,cluster,cluster1',
    CAREPOOL_TARGET_SINGLE_URL: userUrl(gcp, 'admin'),
    CAREPOOL_TARGET_CLUSTER_URL: galeraUrl(cluster, 'admin'),
    CAREPOOL_TARGET_CLUSTER1_URL: node1,
    CAREPOOL_POOL_MAX: String(CLIENTS),
    CAREPOOL_CONNECT_TIMEOUT_MS: '10000',
  };
  const reg = new TargetRegistry(loadConfig({ env, dotenv: false, cwd: home }));
  const setups = [
    ['single', 'single'],
    ['cluster', 'cluster'],
    ['cluster-1node', 'cluster1'],
  ] as const;
  try {
    for (const t of ['single', 'cluster']) {
      const s = reg.get(t).sql;
      await s.query(sql`CREATE DATABASE IF NOT EXISTS clinic`);
      await s.query(sql`DROP TABLE IF EXISTS clinic.bench_w, clinic.bench_hot`);
      await s.query(
        sql`CREATE TABLE clinic.bench_w (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload VARCHAR(100) NOT NULL, created DATETIME(3) NOT NULL) ENGINE=InnoDB`,
      );
      await s.query(sql`CREATE TABLE clinic.bench_hot (id INT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB`);
      await s.query(
        sql`INSERT INTO clinic.bench_hot VALUES ${sql.rows(Array.from({ length: 16 }, (_, i) => [i + 1, 0]))}`,
      );
    }
    const results = new Map<string, Sample[]>();
    for (const workload of ['insert', 'hot'] as const) {
      for (const [, name] of setups) await round(reg, name, workload); // warm-up
      for (let r = 0; r < ROUNDS; r++) {
        for (const [label, name] of setups) {
          const s = await round(reg, name, workload);
          const key = `${workload}/${label}`;
          results.set(key, [...(results.get(key) ?? []), s]);
          console.error(
            `${key} round ${r + 1}: ${s.ops.toFixed(0)}/s p50 ${s.p50.toFixed(1)} ms p95 ${s.p95.toFixed(1)} ms retries ${s.retries} failed ${s.failed}`,
          );
        }
      }
    }
    const cpu = cpus();
    console.log(
      `Machine: ${cpu.length} × ${cpu[0]?.model.trim()}, Node ${process.version}, MariaDB ${cluster.version}, galera-4 (Debian).`,
    );
    console.log(
      `Run ${started.toISOString().slice(0, 16)}Z: ${CLIENTS} clients, pool max ${CLIENTS}, ${ROUNDS} interleaved rounds × ${SECONDS} s per setup and workload, medians.`,
    );
    console.log(
      '\n| workload | setup | commits/s | vs single | p50 ms | p95 ms | conflict retries/round | failed after 4 tries/round |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const workload of ['insert', 'hot'] as const) {
      const base = median((results.get(`${workload}/single`) ?? []).map((s) => s.ops));
      for (const [label] of setups) {
        const xs = results.get(`${workload}/${label}`) ?? [];
        const ops = median(xs.map((s) => s.ops));
        console.log(
          `| ${workload} | ${label} | ${ops.toFixed(0)} | ${(ops / base).toFixed(2)}x | ${median(xs.map((s) => s.p50)).toFixed(1)} | ${median(xs.map((s) => s.p95)).toFixed(1)} | ${median(xs.map((s) => s.retries)).toFixed(0)} | ${median(xs.map((s) => s.failed)).toFixed(0)} |`,
        );
      }
    }
  } finally {
    await reg.close(1000);
    await removeGalera(await stopGalera(cluster));
    await stopSandbox(home);
    await rm(home, { recursive: true, force: true });
  }
}

await main();
