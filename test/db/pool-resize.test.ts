import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../src/db/driver.js';
import { wrapDriverError } from '../../src/db/errors.js';
import type { DestroyReason } from '../../src/db/pool/observer.js';
import { Pool, type PooledConnection } from '../../src/db/pool/pool.js';
import { tlsPlan } from '../../src/db/tls.js';
import { adminConnection, sandboxServers } from '../harness/targets.js';
import { countWith, createTestUser } from '../harness/users.js';

/** Pool.resize, what the fleet budget (src/fleet) drives: shrink and grow on a live pool. */
describe('pool resize (real server)', () => {
  let testUser: Awaited<ReturnType<typeof createTestUser>>;
  let pool: Pool;
  const destroyed: DestroyReason[] = [];

  beforeAll(async () => {
    testUser = await createTestUser(sandboxServers().gcp);
    const spec = testUser.spec;
    const ctx = { target: 'resize', host: spec.host, port: spec.port, user: spec.user, password: spec.password };
    pool = new Pool({
      name: 'resize',
      max: 8,
      min: 0,
      connectTimeoutMs: 3000,
      acquireTimeoutMs: 3000,
      idleTimeoutMs: 0,
      maxLifetimeMs: 0,
      keepAliveMs: 0,
      validationIdleMs: 60_000,
      leakDetectionMs: 0,
      open: () => openConnection(spec, { connectTimeoutMs: 3000, keepAliveMs: 0, tls: tlsPlan(spec) }),
      wrapError: (e) => wrapDriverError(e, ctx),
      observer: { destroyed: (reason) => destroyed.push(reason) },
    });
  });
  afterAll(async () => {
    await pool?.close(1000);
    await testUser?.drop();
  });

  const serverSide = async () => {
    const admin = await adminConnection(sandboxServers().gcp);
    try {
      // A closed connection leaves the processlist when its thread ends: give it a moment.
      for (let i = 0; i < 50; i++) {
        const n = await countWith(admin, testUser.user);
        if (n <= pool.stats().total) return n;
        await new Promise((r) => setTimeout(r, 50));
      }
      return countWith(admin, testUser.user);
    } finally {
      await admin.close();
    }
  };

  it('shrinks: idle connections close at once, lent ones when they come back; never above the new max', async () => {
    const lent: PooledConnection[] = await Promise.all(Array.from({ length: 8 }, () => pool.acquire()));
    for (const c of lent.slice(0, 3)) c.release();
    expect(pool.stats()).toMatchObject({ total: 8, idle: 3, active: 5 });
    pool.resize(3);
    // The 3 idle ones went; 5 are still lent.
    expect(pool.stats()).toMatchObject({ max: 3, idle: 0, active: 5, total: 5 });
    for (const c of lent.slice(3)) c.release();
    expect(pool.stats()).toMatchObject({ total: 3, idle: 3 });
    expect(destroyed.filter((r) => r === 'resized')).toHaveLength(5);
    expect(await serverSide()).toBe(3);
    // Under load it stays within the new size.
    const held = await Promise.all(Array.from({ length: 3 }, () => pool.acquire()));
    const waiting = pool.acquire();
    expect(pool.stats()).toMatchObject({ total: 3, waiting: 1 });
    held[0]?.release();
    (await waiting).release();
    for (const c of held.slice(1)) c.release();
  });

  it('grows at once for waiting callers, and never beyond the configured max', async () => {
    pool.resize(1);
    const first = await pool.acquire();
    const second = pool.acquire();
    expect(pool.stats()).toMatchObject({ max: 1, waiting: 1 });
    pool.resize(100);
    expect(pool.stats().max).toBe(8);
    (await second).release();
    first.release();
    pool.resize(0);
    expect(pool.stats().max).toBe(1);
  });
});
