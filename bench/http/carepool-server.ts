/**
 * carepool's real web server for the HTTP benchmark, as `carepool serve` runs it: startServer (Fastify,
 * schemas, identity and guard hooks, its pool, metrics observers) with its defaults, so authentication and
 * the audit trail are on whenever the web app enables them by default. Run as a child process; prints its
 * port on stdout. Env: BENCH_DB_URL, BENCH_POOL_MAX, BENCH_ACQUIRE_TIMEOUT_MS.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/web/server.js';

const config = loadConfig({
  env: {
    CAREPOOL_TARGETS: 'bench',
    CAREPOOL_TARGET_BENCH_URL: process.env.BENCH_DB_URL ?? '',
    CAREPOOL_POOL_MAX: process.env.BENCH_POOL_MAX ?? '20',
    CAREPOOL_ACQUIRE_TIMEOUT_MS: process.env.BENCH_ACQUIRE_TIMEOUT_MS ?? '2000',
    // Signs session cookies (unused by Bearer requests); set so the server does not create <home>/session-secret.
    CAREPOOL_SESSION_SECRET: randomBytes(32).toString('base64url'),
  },
  dotenv: false,
});
const server = await startServer({ config, port: 0 });
process.stdout.write(`${server.port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
