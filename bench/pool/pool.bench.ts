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
import { compareRounds, median, pairedRatios } from '../lib/measure.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { startBenchServer } from '../lib/server.js';
import { pick, POOL_ACQUIRE_FACTOR, POOL_SIZES } from '../sizes.js';

/**
 * Connect and acquire deadlines of both pools: longer than carepool's defaults (3 s / 5 s) because they only
 * bound how long a connect or a wait may take, which is not what this benchmark measures, and on a loaded
 * shared machine opening 20 connections at once outlasted 3 s (the run failed instead of measuring).
 */
const CONNECT_TIMEOUT_MS = 15_000;
const ACQUIRE_TIMEOUT_MS = 30_000;

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
    connectTimeout: CONNECT_TIMEOUT_MS,
    // The reference in its best configuration, as carepool's own connections run (src/db/driver.ts): no
    // stack capture per query (mysql2/promise's default `trace: true`), text protocol only.
    trace: false,
    maxPreparedStatements: 1,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  // The defaults carepool runs with (src/config/schema.ts) but the deadlines, over the same mysql2 connections.
  const options = {
    max: 20,
    min: 0,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    acquireTimeoutMs: ACQUIRE_TIMEOUT_MS,
    idleTimeoutMs: 180_000,
    maxLifetimeMs: 1_800_000,
    keepAliveMs: 60_000,
    validationIdleMs: 500,
    leakDetectionMs: 30_000,
    open: () =>
      openConnection(spec, { connectTimeoutMs: CONNECT_TIMEOUT_MS, keepAliveMs: 60_000, tls: tlsPlan(spec) }),
    wrapError: (e: unknown) =>
      wrapDriverError(e, { target: 'bench', host: spec.host, port: spec.port, user: spec.user }),
  };
  const ours = new Pool({ ...options, name: 'bench' });
  // Measured as deployed: with the Prometheus observer attached.
  const metrics = new PoolMetrics(new Registry(), { poolStats: () => [ours.stats()] });
  const withMetrics = new Pool({ ...options, name: 'bench-metrics', observer: metrics.observerFor('bench') });
  const { count, rounds } = pick(POOL_SIZES, full);
  const rows: (string | number)[][] = [];
  try {
    for (const concurrency of [1, 64]) {
      const acquire = await compareRounds(
        {
          'mysql2 pool': async () => (await bare.getConnection()).release(),
          carepool: async () => (await ours.acquire()).release(),
          'carepool + metrics': async () => (await withMetrics.acquire()).release(),
        },
        // Sub-microsecond operations: rounds of 20,000 (~15 ms) were all GC and timer noise (the mysql2 pool
        // alone scattered 0.7-1.6 M ops/s between runs), so these rounds are 40x the query rounds (~0.2 s).
        { count: count * POOL_ACQUIRE_FACTOR, concurrency, rounds },
      );
      const query = await compareRounds(
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
        const base = result['mysql2 pool'] as number[];
        const care = result.carepool as number[];
        const withM = result['carepool + metrics'] as number[];
        rows.push([
          label,
          concurrency,
          Math.round(median(base)),
          Math.round(median(care)),
          Math.round(median(withM)),
          (median(base) / median(care)).toFixed(2),
          pairedRatios(base, care),
          (median(base) / median(withM)).toFixed(2),
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
    `${count.toLocaleString('en-US')} queries (acquire + release alone: ${(count * POOL_ACQUIRE_FACTOR).toLocaleString('en-US')}) per round, ${rounds} interleaved rounds after a`,
    'warm-up; ops/s are medians of the rounds; "time ratio" is carepool time per op ÷ mysql2 pool time per op',
    '(goal <= 1.1), of the medians and, paired, of each round (mysql2 and carepool measured back to back).',
    "The reference is mysql2's own pool in its best configuration: the `mysql2/promise` API with",
    "`trace: false` (no stack capture per query) and carepool's connection options (text protocol only,",
    '`maxPreparedStatements: 1`, the same charset, time zone, date and number handling). Both pools get a',
    `${CONNECT_TIMEOUT_MS / 1000} s connect and carepool a ${ACQUIRE_TIMEOUT_MS / 1000} s acquire deadline (carepool's defaults: 3 s and 5 s), so a loaded`,
    'machine slows the run instead of failing it; the deadlines cost nothing until they fire.',
    'Command: `npm run bench -- pool`.',
    '',
    mdTable(
      [
        'operation',
        'callers',
        'mysql2 pool ops/s',
        'carepool ops/s',
        'carepool+metrics ops/s',
        'time ratio',
        'time ratio per round',
        'time ratio (metrics)',
      ],
      rows,
    ),
  ].join('\n');
  await writeSection('pool', md);
  return md;
}
