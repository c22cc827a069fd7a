/**
 * carepool's real web server for the HTTP benchmark, started as `carepool serve` starts it: startServer with
 * the security layer (Bearer tokens, security headers, the audited access guard), its pool and metrics
 * observers, `readRevision`, and a logger at carepool's default level (`info`: events such as sign-ins and
 * refusals; the line per request is at `debug`). Log lines go to /dev/null rather than the benchmark's
 * terminal; formatting and writing them is still paid. Run as a child process; prints its port on stdout.
 * Env: BENCH_DB_URL, BENCH_POOL_MAX, BENCH_ACQUIRE_TIMEOUT_MS, BENCH_LOG_LEVEL (default info; `silent`
 * runs without a logger); BENCH_TARGET (default `bench`), BENCH_REPLICAS (the target's read replicas, as
 * CAREPOOL_TARGET_<NAME>_REPLICAS), BENCH_SESSION_SECRET (several servers accepting one session cookie).
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { readRevision } from '../../src/migrate/index.js';
import { startServer } from '../../src/web/server.js';

const level = process.env.BENCH_LOG_LEVEL ?? 'info';
const target = process.env.BENCH_TARGET ?? 'bench';
const prefix = `CAREPOOL_TARGET_${target.toUpperCase()}`;
const replicas = process.env.BENCH_REPLICAS;
const config = loadConfig({
  env: {
    CAREPOOL_TARGETS: target,
    [`${prefix}_URL`]: process.env.BENCH_DB_URL ?? '',
    ...(replicas ? { [`${prefix}_REPLICAS`]: replicas } : {}),
    CAREPOOL_POOL_MAX: process.env.BENCH_POOL_MAX ?? '20',
    CAREPOOL_ACQUIRE_TIMEOUT_MS: process.env.BENCH_ACQUIRE_TIMEOUT_MS ?? '2000',
    // Signs session cookies; set so the server does not create <home>/session-secret.
    CAREPOOL_SESSION_SECRET: process.env.BENCH_SESSION_SECRET ?? randomBytes(32).toString('base64url'),
  },
  dotenv: false,
});
const server = await startServer({
  config,
  readRevision,
  ...(level === 'silent'
    ? {}
    : { logger: createLogger({ level, destination: pino.destination({ dest: '/dev/null', sync: false }) }) }),
  port: 0,
});
process.stdout.write(`${server.port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
