/**
 * carepool's real web server (startServer: Fastify, schemas, guard hook, its pool, metrics observers) for the
 * HTTP benchmark. Run as a child process; prints its port on stdout. Env: BENCH_DB_URL.
 */
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/web/server.js';

const config = loadConfig({
  env: {
    CAREPOOL_TARGETS: 'bench',
    CAREPOOL_TARGET_BENCH_URL: process.env.BENCH_DB_URL ?? '',
    CAREPOOL_POOL_MAX: process.env.BENCH_POOL_MAX ?? '20',
  },
  dotenv: false,
});
const server = await startServer({ config, port: 0 });
process.stdout.write(`${server.port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
