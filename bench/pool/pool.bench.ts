/**
 * Pool overhead: carepool's pool (acquire timeout, validation, metrics observer, circuit breaker) against
 * mysql2's own pool, both over mysql2 connections to the same server, at 1 and 64 callers with max 20.
 * Goal (issue 8): carepool <= 1.1x the bare pool's time per operation.
 */
import mysql from 'mysql2/promise';
import { Registry } from 'prom-client';
import { openConnection } from '../../src/db/driver.js';
import { wrapDriverError } from '../../src/db/errors.js';
import { PoolMetrics } from '../../src/db/pool/metrics.js';
import { Pool } from '../../src/db/pool/pool.js';
import { tlsPlan } from '../../src/db/tls.js';
import { compare } from '../lib/measure.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { startBenchServer } from '../lib/server.js';

export async function runPoolBench(full: boolean): Promise<string> {
  const server = await startBenchServer();
  const spec = server.spec;
  const bare = mysql.createPool({
    host: spec.host,
    port: spec.port,
    user: spec.user,
    password: spec.password.reveal(),
    database: spec.database,
    connectionLimit: 20,
    connectTimeout: 3000,
  });
  // The defaults carepool runs with (src/config/schema.ts), over the same mysql2 connections.
  const options = {
    max: 20,
    min: 0,
    connectTimeoutMs: 3000,
    acquireTimeoutMs: 5000,
    idleTimeoutMs: 180_000,
    maxLifetimeMs: 1_800_000,
    keepAliveMs: 60_000,
    validationIdleMs: 500,
    leakDetectionMs: 30_000,
    open: () => openConnection(spec, { connectTimeoutMs: 3000, keepAliveMs: 60_000, tls: tlsPlan(spec) }),
    wrapError: (e: unknown) =>
      wrapDriverError(e, { target: 'bench', host: spec.host, port: spec.port, user: spec.user }),
  };
  const ours = new Pool({ ...options, name: 'bench' });
  // Measured as deployed: with the Prometheus observer attached.
  const metrics = new PoolMetrics(new Registry(), { poolStats: () => [ours.stats()] });
  const withMetrics = new Pool({ ...options, name: 'bench-metrics', observer: metrics.observerFor('bench') });
  const count = full ? 20_000 : 5000;
  const rounds = full ? 7 : 5;
  const rows: (string | number)[][] = [];
  try {
    for (const concurrency of [1, 64]) {
      const acquire = await compare(
        {
          'mysql2 pool': async () => (await bare.getConnection()).release(),
          carepool: async () => (await ours.acquire()).release(),
          'carepool + metrics': async () => (await withMetrics.acquire()).release(),
        },
        // Sub-microsecond operations: rounds of 20,000 (~15 ms) were all GC and timer noise (the mysql2 pool
        // alone scattered 0.7-1.6 M ops/s between runs), so these rounds are 40x the query rounds (~0.2 s).
        { count: count * 40, concurrency, rounds },
      );
      const query = await compare(
        {
          'mysql2 pool': () => bare.query('SELECT 1'),
          carepool: () => ours.withConnection((c) => c.query('SELECT 1')),
          'carepool + metrics': () => withMetrics.withConnection((c) => c.query('SELECT 1')),
        },
        { count, concurrency, rounds },
      );
      for (const [label, result] of [
        ['acquire + release', acquire],
        ['acquire + SELECT 1 + release', query],
      ] as const) {
        const base = result['mysql2 pool'] as number;
        rows.push([
          label,
          concurrency,
          Math.round(base),
          Math.round(result.carepool as number),
          Math.round(result['carepool + metrics'] as number),
          (base / (result.carepool as number)).toFixed(2),
          (base / (result['carepool + metrics'] as number)).toFixed(2),
        ]);
      }
    }
  } finally {
    await bare.end();
    await ours.close();
    await withMetrics.close();
    await server.stop();
  }
  const md = [
    '## Pool: carepool vs the bare mysql2 pool',
    '',
    machineLine(`MariaDB ${server.state.version} on loopback, pool max 20, plain TCP`),
    '',
    'ops/s are medians of interleaved rounds; "time ratio" is carepool time per op ÷ mysql2 pool time per op',
    '(goal <= 1.1). Command: `npm run bench -- pool`.',
    '',
    mdTable(
      [
        'operation',
        'callers',
        'mysql2 pool ops/s',
        'carepool ops/s',
        'carepool+metrics ops/s',
        'time ratio',
        'time ratio (metrics)',
      ],
      rows,
    ),
  ].join('\n');
  await writeSection('pool', md);
  return md;
}
