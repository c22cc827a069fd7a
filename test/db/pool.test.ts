import { createServer, type Server, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionSpec, type PoolSettings, parseConnectionUrl } from '../../src/config/index.js';
import { openConnection } from '../../src/db/driver.js';
import { wrapDriverError } from '../../src/db/errors.js';
import { PoolMetrics } from '../../src/db/pool/metrics.js';
import type { PoolObserver } from '../../src/db/pool/observer.js';
import { Pool } from '../../src/db/pool/pool.js';
import { sql } from '../../src/db/sql.js';
import { tlsPlan } from '../../src/db/tls.js';
import { isAppError } from '../../src/errors/index.js';
import { adminConnection, sandboxServers } from '../harness/targets.js';
import { countWith, createTestUser } from '../harness/users.js';

const defaults: PoolSettings = {
  max: 20,
  min: 0,
  connectTimeoutMs: 3000,
  acquireTimeoutMs: 2000,
  idleTimeoutMs: 180_000,
  maxLifetimeMs: 1_800_000,
  keepAliveMs: 60_000,
  validationIdleMs: 500,
  leakDetectionMs: 30_000,
};

function makePool(
  spec: ConnectionSpec,
  settings: Partial<PoolSettings> = {},
  extra: { observer?: PoolObserver; housekeepingMs?: number } = {},
): Pool {
  const s = { ...defaults, ...settings };
  const ctx = { target: 'test', host: spec.host, port: spec.port, user: spec.user, password: spec.password };
  return new Pool({
    ...s,
    name: 'test',
    open: () =>
      openConnection(spec, {
        connectTimeoutMs: s.connectTimeoutMs,
        keepAliveMs: s.keepAliveMs,
        tls: tlsPlan(spec),
      }),
    wrapError: (e) => wrapDriverError(e, ctx),
    ...extra,
  });
}

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('pool against a real server', () => {
  let testUser: Awaited<ReturnType<typeof createTestUser>>;

  beforeAll(async () => {
    testUser = await createTestUser(sandboxServers().gcp);
  });
  afterAll(async () => {
    await testUser.drop();
  });

  it('never opens more than max connections (server-side PROCESSLIST) under 200 concurrent queries', async () => {
    const { gcp } = sandboxServers();
    const pool = makePool(testUser.spec, { max: 20 });
    const admin = await adminConnection(gcp);
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await countWith(admin, testUser.user));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    let poolPeak = 0;
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        pool.withConnection(async (conn) => {
          poolPeak = Math.max(poolPeak, pool.stats().total);
          const { rows } = await conn.query<{ v: number }>('SELECT SLEEP(0.02) AS v');
          return rows[0]?.v;
        }),
      ),
    );
    sampling = false;
    await sampler;
    await admin.close();
    expect(results).toHaveLength(200);
    expect(results.every((v) => Number(v) === 0)).toBe(true);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(20);
    expect(poolPeak).toBeLessThanOrEqual(20);
    expect(pool.stats().acquired).toBe(200);
    await pool.close();
  });

  it('fails an acquire with CAREPOOL_DB_POOL_TIMEOUT once the acquire timeout passes on a saturated pool', async () => {
    const pool = makePool(testUser.spec, { max: 2, acquireTimeoutMs: 300 });
    const held = [await pool.acquire(), await pool.acquire()];
    const started = performance.now();
    const outcome = await settle(pool.acquire());
    const waited = performance.now() - started;
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && isAppError(outcome.error, 'CAREPOOL_DB_POOL_TIMEOUT')).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1500); // bound, not a benchmark: it must not wait for a connection
    expect(pool.stats().timeouts).toBe(1);
    expect(pool.stats().waiting).toBe(0);
    for (const c of held) c.release();
    // The pool still works after a timeout.
    await expect(pool.withConnection((c) => c.query('SELECT 1'))).resolves.toBeDefined();
    await pool.close();
  });

  it('serves urgent waiters (audit batches) before the queue, and still times out both lanes in order', async () => {
    const pool = makePool(testUser.spec, { max: 1, acquireTimeoutMs: 400 });
    const held = await pool.acquire();
    const order: string[] = [];
    const normal = [1, 2].map((n) =>
      pool.acquire(`normal-${n}`).then((c) => {
        order.push(`normal-${n}`);
        c.release();
      }),
    );
    const urgent = pool.acquire('audit', true).then((c) => {
      order.push('urgent');
      c.release();
    });
    expect(pool.stats().waiting).toBe(3);
    held.release();
    await Promise.all([...normal, urgent]);
    expect(order).toEqual(['urgent', 'normal-1', 'normal-2']);
    // Expiry across both lanes: everyone still waiting when the timeout passes fails, none is forgotten.
    const again = await pool.acquire();
    const late = await Promise.all([
      settle(pool.acquire('n')),
      settle(pool.acquire('u', true)),
      settle(pool.acquire('n2')),
    ]);
    expect(late.map((o) => !o.ok && isAppError(o.error, 'CAREPOOL_DB_POOL_TIMEOUT'))).toEqual([
      true,
      true,
      true,
    ]);
    expect(pool.stats().waiting).toBe(0);
    again.release();
    await pool.close();
  });

  it('never hands a caller a connection that was KILLed server-side while idle (validation on borrow)', async () => {
    const { gcp } = sandboxServers();
    const pool = makePool(testUser.spec, { max: 5, validationIdleMs: 500 });
    try {
      const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
      const killed = leases.map((l) => l.threadId);
      for (const l of leases) l.release();
      await new Promise((r) => setTimeout(r, 600)); // idle past the validation window
      const admin = await adminConnection(gcp);
      for (const id of killed) await admin.query(sql`KILL ${id}`);
      await admin.close();
      // At once, before the client may have noticed the closed sockets: every query must still succeed.
      const used = await Promise.all(
        Array.from({ length: 10 }, () =>
          pool.withConnection(async (c) => {
            const { rows } = await c.query<{ id: number }>('SELECT CONNECTION_ID() AS id');
            return Number(rows[0]?.id);
          }),
        ),
      );
      expect(used).toHaveLength(10);
      for (const id of used) expect(killed).not.toContain(id);
    } finally {
      await pool.close();
    }
  });

  it('drops an idle connection as soon as the server closes it, even inside the validation window', async () => {
    const { gcp } = sandboxServers();
    const destroyed: string[] = [];
    const pool = makePool(
      testUser.spec,
      { max: 2, validationIdleMs: 60_000 },
      { observer: { destroyed: (r) => destroyed.push(r) } },
    );
    try {
      const killed = await pool.withConnection(async (c) => c.threadId);
      const admin = await adminConnection(gcp);
      await admin.query(sql`KILL ${killed}`);
      await admin.close();
      await new Promise((r) => setTimeout(r, 200)); // let the FIN arrive
      expect(destroyed).toEqual(['broken']);
      const id = await pool.withConnection(async (c) => {
        const { rows } = await c.query<{ id: number }>('SELECT CONNECTION_ID() AS id');
        return Number(rows[0]?.id);
      });
      expect(id).not.toBe(killed);
    } finally {
      await pool.close();
    }
  });

  it('closes idle connections above min after the idle timeout and retires them at max lifetime', async () => {
    const { gcp } = sandboxServers();
    const destroyed: string[] = [];
    const pool = makePool(
      testUser.spec,
      { max: 4, min: 1, idleTimeoutMs: 150 },
      { observer: { destroyed: (r) => destroyed.push(r) }, housekeepingMs: 50 },
    );
    await Promise.all(
      Array.from({ length: 4 }, () => pool.withConnection((c) => c.query('SELECT SLEEP(0.05)'))),
    );
    expect(pool.stats().total).toBe(4);
    await new Promise((r) => setTimeout(r, 500));
    expect(pool.stats().total).toBe(1);
    expect(destroyed.filter((r) => r === 'idle')).toHaveLength(3);
    const admin = await adminConnection(gcp);
    expect(await countWith(admin, testUser.user)).toBe(1);
    await admin.close();
    await pool.close();

    const short = makePool(
      testUser.spec,
      { max: 1, maxLifetimeMs: 100 },
      { observer: { destroyed: (r) => destroyed.push(r) } },
    );
    const first = await short.withConnection(async (c) => c.threadId);
    await new Promise((r) => setTimeout(r, 150));
    const second = await short.withConnection(async (c) => c.threadId);
    expect(second).not.toBe(first);
    expect(destroyed).toContain('lifetime');
    await short.close();
  });

  it('reports a connection held past the leak threshold once', async () => {
    const leaks: number[] = [];
    const pool = makePool(
      testUser.spec,
      { leakDetectionMs: 100 },
      { observer: { leak: (i) => leaks.push(i.heldMs) }, housekeepingMs: 25 },
    );
    const conn = await pool.acquire('slow-route');
    await new Promise((r) => setTimeout(r, 300));
    conn.release();
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toBeGreaterThanOrEqual(100);
    await pool.close();
  });

  it('drains on close: in-flight work finishes, new callers are refused', async () => {
    const pool = makePool(testUser.spec, { max: 2 });
    const conn = await pool.acquire();
    const inFlight = conn.query<{ v: number }>('SELECT SLEEP(0.2) AS v').finally(() => conn.release());
    const closing = pool.close(5000);
    const refused = await settle(pool.acquire());
    expect(!refused.ok && isAppError(refused.error, 'CAREPOOL_DB_POOL_CLOSED')).toBe(true);
    await expect(inFlight).resolves.toMatchObject({ rows: [{ v: 0 }] });
    await closing;
    expect(pool.stats().total).toBe(0);
  });

  it('exports pool metrics in Prometheus format', async () => {
    const registry = new Registry();
    const pool = makePool(testUser.spec, { max: 3 });
    const metrics = new PoolMetrics(registry, { poolStats: () => [pool.stats()] });
    const unsubscribed = metrics.observerFor('test');
    const observed = makePool(testUser.spec, { max: 3 }, { observer: unsubscribed });
    await Promise.all(Array.from({ length: 5 }, () => observed.withConnection((c) => c.query('SELECT 1'))));
    await pool.withConnection((c) => c.query('SELECT 1'));
    const text = await registry.metrics();
    expect(text).toMatch(/carepool_pool_acquire_seconds_count\{target="test"\} 5/);
    expect(text).toMatch(/carepool_pool_acquire_seconds_bucket\{le="\+Inf",target="test"\} 5/);
    expect(text).toMatch(/# TYPE carepool_pool_acquire_seconds histogram/);
    expect(text).toMatch(/carepool_pool_max_connections\{target="test"\} 3/);
    expect(text).toMatch(/carepool_pool_connections_created_total\{target="test"\} [1-3]/);
    await pool.close();
    await observed.close();
  });
});

describe('pool against unreachable servers', () => {
  let blackHole: Server;
  let blackHolePort = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts TCP and never says a word: what a firewall that drops packets after SYN-ACK looks like.
    blackHole = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    const address = blackHole.address();
    blackHolePort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => blackHole.close(r));
  });

  it('fails a connect to a port that never answers at the connect timeout (3 s +- 10 %)', async () => {
    const spec = parseConnectionUrl(
      'T',
      `mysql://u:secret-pw@127.0.0.1:${blackHolePort}/clinic?ssl-mode=DISABLED`,
    );
    const pool = makePool(spec, { connectTimeoutMs: 3000, acquireTimeoutMs: 10_000 });
    const started = performance.now();
    const outcome = await settle(pool.acquire());
    const elapsed = performance.now() - started;
    expect(!outcome.ok && isAppError(outcome.error, 'CAREPOOL_DB_CONNECT_TIMEOUT')).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(2700);
    expect(elapsed).toBeLessThanOrEqual(3300);
    expect(String((outcome as { error: Error }).error.message)).not.toContain('secret-pw');
    expect(pool.stats().connecting).toBe(0);
    expect(pool.stats().total).toBe(0);
    await pool.close();
  });

  it('backs off per failed probe, not per connect that was already in flight when the circuit opened', async () => {
    const spec = parseConnectionUrl('T', `mysql://u:pw@127.0.0.1:${blackHolePort}/clinic?ssl-mode=DISABLED`);
    const pool = makePool(spec, { connectTimeoutMs: 300, acquireTimeoutMs: 5000 });
    // Ten callers start ten connects at once; all time out together and the circuit opens.
    await Promise.all(Array.from({ length: 10 }, () => settle(pool.acquire())));
    while (pool.stats().connecting > 0) await new Promise((r) => setTimeout(r, 10));
    expect(pool.stats()).toMatchObject({ circuit: 'open', createErrors: 10 });
    // After the first cool-down (500 ms) one probe is let through, however many connects failed before.
    await new Promise((r) => setTimeout(r, 600));
    const probe = await settle(pool.acquire());
    expect(!probe.ok && isAppError(probe.error, 'CAREPOOL_DB_CONNECT_TIMEOUT')).toBe(true);
    expect(pool.stats().createErrors).toBe(11);
    await pool.close();
  });

  it('opens the circuit after repeated refused connects and then fails fast with CAREPOOL_DB_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const address = closed.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise((r) => closed.close(r)); // now nothing listens there
    const spec = parseConnectionUrl('T', `mysql://u:pw@127.0.0.1:${port}/clinic?ssl-mode=DISABLED`);
    const pool = makePool(spec, { acquireTimeoutMs: 5000 });
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await settle(pool.acquire());
      if (!r.ok && isAppError(r.error)) codes.push(r.error.code);
    }
    expect(codes).toEqual([
      'CAREPOOL_DB_CONNECT_REFUSED',
      'CAREPOOL_DB_CONNECT_REFUSED',
      'CAREPOOL_DB_CONNECT_REFUSED',
    ]);
    expect(pool.stats().circuit).toBe('open');
    const fast = await settle(pool.acquire());
    expect(!fast.ok && isAppError(fast.error, 'CAREPOOL_DB_UNAVAILABLE')).toBe(true);
    expect(pool.stats().createErrors).toBe(3); // the fast failure did not even try to connect
    await pool.close();
  });
});
