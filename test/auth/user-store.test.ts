import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../../src/auth/index.js';
import type { PooledConnection } from '../../src/db/pool/pool.js';
import { migrateFleet } from '../../src/migrate/index.js';
import { registerSecret } from '../harness/capture.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../harness/migrate.js';

let scratch: ScratchDatabases;
let users: UserStore;

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_us');
  const results = await migrateFleet(scratch.registry.list(), { to: 'head', migrationsDir: MIGRATIONS_DIR });
  expect(results.every((r) => r.ok)).toBe(true);
  users = new UserStore(scratch.registry);
});

afterAll(async () => {
  await scratch?.drop();
});

async function newUserToken(): Promise<{ name: string; token: string }> {
  const name = `u_${randomBytes(3).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  await users.upsertUser(name, 'viewer', password);
  const token = await users.createToken(name, 'test');
  registerSecret(password, token);
  return { name, token };
}

describe('UserStore token checks under a saturated pool', () => {
  it('a token lookup takes the next free connection ahead of queued data requests', async () => {
    const { name, token } = await newUserToken();
    const azure = scratch.registry.get('azure').pool;
    const timeoutsBefore = azure.stats().timeouts;
    const held: PooledConnection[] = [];
    for (let i = azure.stats().max; i > 0; i--) held.push(await azure.acquire('test-hold'));
    // Data requests queued first: in one FIFO lane the token check would wait behind them for every
    // connection they hold, time out on azure (2 s) and only then be answered by gcp.
    const queued = Array.from({ length: 5 }, () => azure.acquire('test-queued'));
    try {
      let answered = false;
      const check = new UserStore(scratch.registry).verifyToken(token).then((p) => {
        answered = true;
        return p;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(answered).toBe(false); // the pool is full: everyone waits
      expect(azure.stats().waiting).toBe(6);
      held.pop()?.release(); // one connection comes back
      const principal = await check;
      expect(principal?.username).toBe(name);
      expect(azure.stats().timeouts).toBe(timeoutsBefore); // azure answered it, ahead of the queue
    } finally {
      for (const c of held.splice(0)) c.release();
      for (const r of await Promise.allSettled(queued)) if (r.status === 'fulfilled') r.value.release();
    }
  });

  it('concurrent checks of one token that is not cached send one query', async () => {
    const { name, token } = await newUserToken();
    const store = new UserStore(scratch.registry);
    const azure = scratch.registry.get('azure').pool;
    const before = azure.stats().acquired;
    const answers = await Promise.all(Array.from({ length: 40 }, () => store.verifyToken(token)));
    expect(new Set(answers.map((a) => a?.username)).size).toBe(1);
    expect(answers[0]).toMatchObject({ username: name, role: 'viewer', via: 'token' });
    expect(azure.stats().acquired - before).toBe(1);
  });
});
