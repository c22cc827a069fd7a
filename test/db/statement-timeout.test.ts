import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { SingleConnection } from '../../src/db/connect.js';
import { CLIENT_TIMEOUT_GRACE_MS } from '../../src/db/pool/pool.js';
import { timeoutDialect } from '../../src/db/statement-timeout.js';
import type { TargetRegistry } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import { buildApp } from '../../src/web/app.js';
import { adminConnection, sandboxRegistry, sandboxServers } from '../harness/targets.js';

const STATEMENT_MS = 400;
// Generous: the first acquire also opens a TLS connection, slow on a busy machine.
const ACQUIRE_MS = 2000;

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value, at: performance.now() }),
    (error: unknown) => ({ ok: false as const, error, at: performance.now() }),
  );

async function threadAlive(admin: SingleConnection, id: number): Promise<boolean> {
  const { rows } = await admin.query<{ n: number }>({
    text: 'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?',
    values: [id],
  } as never);
  return Number(rows[0]?.n ?? 0) > 0;
}

describe('statement timeout (CAREPOOL_STATEMENT_TIMEOUT_MS) against the real server', () => {
  let registry: TargetRegistry;

  beforeAll(() => {
    registry = sandboxRegistry({
      CAREPOOL_STATEMENT_TIMEOUT_MS: String(STATEMENT_MS),
      CAREPOOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_MS),
    });
  });
  afterAll(async () => registry?.close());

  it('is read from the environment, per target too, and a bad value is a coded config error', () => {
    const env = {
      CAREPOOL_TARGETS: 'a,b',
      CAREPOOL_TARGET_A_URL: 'mysql://u:p@h/db',
      CAREPOOL_TARGET_B_URL: 'mysql://u:p@h/db',
    };
    const config = loadConfig({
      env: { ...env, CAREPOOL_STATEMENT_TIMEOUT_MS: '1500', CAREPOOL_TARGET_B_STATEMENT_TIMEOUT_MS: '9000' },
      dotenv: false,
    });
    expect(config.targets.map((t) => t.pool.statementTimeoutMs)).toEqual([1500, 9000]);
    expect(loadConfig({ env, dotenv: false }).targets[0]?.pool.statementTimeoutMs).toBe(5000);
    for (const bad of ['soon', '-1', '50', '1.5']) {
      let caught: unknown;
      try {
        loadConfig({ env: { ...env, CAREPOOL_STATEMENT_TIMEOUT_MS: bad }, dotenv: false });
      } catch (error) {
        caught = error;
      }
      expect(isAppError(caught, 'CAREPOOL_CONFIG_INVALID')).toBe(true);
      expect((caught as Error).message).toContain('CAREPOOL_STATEMENT_TIMEOUT_MS');
    }
  });

  it('sets the server-side timeout on every pooled connection (MariaDB: max_statement_time in seconds)', async () => {
    const target = registry.get('gcp');
    const conn = await target.pool.acquire();
    try {
      const { rows } = await conn.query<{ v: string | number; version: string }>(
        'SELECT @@SESSION.max_statement_time AS v, VERSION() AS version',
      );
      expect(timeoutDialect(String(rows[0]?.version))).toBe('mariadb');
      expect(Number(rows[0]?.v)).toBeCloseTo(STATEMENT_MS / 1000, 3);
    } finally {
      conn.release();
    }
  });

  it('the server stops a slow statement: CAREPOOL_DB_STATEMENT_TIMEOUT, and the connection stays usable', async () => {
    const target = registry.get('gcp');
    const conn = await target.pool.acquire();
    const threadId = conn.threadId;
    const started = performance.now();
    // SLEEP alone returns 1 when interrupted; over rows (MariaDB sequence table, ~5 s) it is an error.
    const outcome = await settle(conn.query('SELECT COUNT(*) AS n FROM seq_1_to_100 WHERE SLEEP(0.05) = 0'));
    expect(outcome.ok).toBe(false);
    expect(isAppError(!outcome.ok && outcome.error, 'CAREPOOL_DB_STATEMENT_TIMEOUT')).toBe(true);
    expect((outcome as { error: { meta: { errno?: number } } }).error.meta.errno).toBe(1969);
    // Bound derived from the setting: it stopped near the timeout, long before the 5 s sleep.
    expect(outcome.at - started).toBeLessThan(STATEMENT_MS + 3000);
    await expect(conn.query('SELECT 1 AS one')).resolves.toBeDefined();
    expect(conn.threadId).toBe(threadId);
    conn.release();
  });

  it('a statement the server does not stop is abandoned by the client timer and killed on the server', async () => {
    const target = registry.get('gcp');
    const admin = await adminConnection(sandboxServers().gcp);
    const conn = await target.pool.acquire();
    const threadId = conn.threadId;
    // Imitate a server whose own timeout does not fire (MySQL writes, a hung server): switch it off.
    await conn.query('SET SESSION max_statement_time = 0');
    const before = target.pool.stats().statementTimeouts ?? 0;
    const started = performance.now();
    const outcome = await settle(conn.query('SELECT SLEEP(30) AS s'));
    const took = outcome.at - started;
    conn.release();
    expect(outcome.ok).toBe(false);
    expect(isAppError(!outcome.ok && outcome.error, 'CAREPOOL_DB_STATEMENT_TIMEOUT')).toBe(true);
    expect(took).toBeGreaterThanOrEqual(STATEMENT_MS);
    expect(took).toBeLessThan(STATEMENT_MS + CLIENT_TIMEOUT_GRACE_MS + 3000);
    expect(target.pool.stats().statementTimeouts).toBe(before + 1);
    // The server-side thread is killed (KILL over another connection), not left sleeping for 30 s.
    const deadline = performance.now() + 10_000;
    while ((await threadAlive(admin, threadId)) && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await threadAlive(admin, threadId)).toBe(false);
    await admin.close();
    // The dropped connection left the pool; the pool still serves.
    await expect(target.sql.query({ text: 'SELECT 1', values: [] } as never)).resolves.toBeDefined();
  });

  it('sheds callers the queue cannot serve within the acquire timeout: 503 CAREPOOL_DB_POOL_SATURATED at once', async () => {
    const small = sandboxRegistry({
      CAREPOOL_POOL_MAX: '2',
      CAREPOOL_ACQUIRE_TIMEOUT_MS: '3000',
      CAREPOOL_STATEMENT_TIMEOUT_MS: '5000',
    });
    const pool = small.get('gcp').pool;
    const hold = () => pool.withConnection((c) => c.query('SELECT SLEEP(0.3) AS s'));
    try {
      // Teach the pool how long a connection is held (~300 ms): 2 connections serve ~6 callers per second.
      await Promise.all([hold(), hold()]);
      const started = performance.now();
      const outcomes = await Promise.all(Array.from({ length: 40 }, () => settle(hold())));
      const shed = outcomes.filter((o) => !o.ok && isAppError(o.error, 'CAREPOOL_DB_POOL_SATURATED'));
      const served = outcomes.filter((o) => o.ok);
      const timedOut = outcomes.filter((o) => !o.ok && isAppError(o.error, 'CAREPOOL_DB_POOL_TIMEOUT'));
      expect(shed.length + served.length + timedOut.length).toBe(40);
      // 2 connections held ~300 ms serve 20 callers within 3 s: the other ~18 are refused.
      expect(shed.length).toBeGreaterThanOrEqual(10);
      expect(served.length).toBeGreaterThanOrEqual(2);
      // Refused without waiting for the acquire timeout.
      for (const o of shed) expect(o.at - started).toBeLessThan(1500); // half the acquire timeout
      const error = (shed[0] as { error: { httpStatus: number; meta: { retryAfterS: number } } }).error;
      expect(error.httpStatus).toBe(503);
      expect(error.meta.retryAfterS).toBeGreaterThanOrEqual(1);
      expect(pool.stats().shed).toBe(shed.length);
    } finally {
      await small.close();
    }
  });

  it('answers a data request that outlives acquire + statement timeout with 503 CAREPOOL_WEB_DEADLINE + Retry-After', async () => {
    const app = await buildApp({ registry, security: 'none' });
    // A handler that never answers stands in for work stuck behind a dead network.
    app.get('/api/v1/targets/:target/patients/hang', () => new Promise<never>(() => undefined));
    await app.ready();
    try {
      const started = performance.now();
      const response = await app.inject({ method: 'GET', url: '/api/v1/targets/gcp/patients/hang' });
      const took = performance.now() - started;
      expect(response.statusCode).toBe(503);
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(response.json().error.code).toBe('CAREPOOL_WEB_DEADLINE');
      expect(took).toBeGreaterThanOrEqual(ACQUIRE_MS + STATEMENT_MS - 50);
      expect(took).toBeLessThan(ACQUIRE_MS + STATEMENT_MS + 3000);
      // Ordinary requests are not affected.
      const ok = await app.inject({ method: 'GET', url: '/api/v1/targets/gcp/patients?limit=1' });
      expect(ok.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
