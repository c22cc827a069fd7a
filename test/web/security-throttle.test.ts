import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../src/auth/index.js';
import { sql } from '../../src/db/sql.js';
import { migrateFleet } from '../../src/migrate/index.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../harness/migrate.js';
import { cookieOf, type SecureFixture, secureFixture } from './secure-fixture.js';

/** Small numbers so the test stays short: 3 failures per name, 8 per address. */
const POLICY = { perName: 3, perAddress: 8, maxWaitS: 900, windowS: 3600 };

let scratch: ScratchDatabases;
let a: SecureFixture;
let b: SecureFixture;
beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_thr');
  const results = await migrateFleet(scratch.registry.list(), { to: 'head', migrationsDir: MIGRATIONS_DIR });
  expect(results.every((r) => r.ok)).toBe(true);
  // Two app instances over the same databases, as behind one load balancer.
  a = await secureFixture({ scratch, throttlePolicy: POLICY });
  b = await secureFixture({ scratch, throttlePolicy: POLICY });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await scratch?.drop();
});

async function attempt(app: SecureFixture, username: string, password: string, from = '198.51.100.1') {
  const page = await app.app.inject({ method: 'GET', url: '/login', remoteAddress: from });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return app.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: from,
    payload: new URLSearchParams({ username, password, _csrf: token }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: cookieOf(page, 'carepool_login'),
    },
  });
}

/** A response body with what legitimately differs (the name typed, the form token) taken out. */
const shape = (body: string, name: string) =>
  body
    .replaceAll(name, 'NAME')
    .replace(/name="_csrf" value="[^"]+"/g, '')
    .replace(/in \d+ s/g, 'in N s');

const rows = async (username: string) =>
  (
    await scratch.registry
      .get('azure')
      .sql.query<{ client: string; failures: number; wait_ms: number | string | null }>(
        sql`SELECT client, failures, TIMESTAMPDIFF(MICROSECOND, last_failure_at, blocked_until) DIV 1000 AS wait_ms FROM carepool_login_throttle WHERE username = ${username} ORDER BY client`,
      )
  ).rows.map((r) => ({ ...r, wait_ms: r.wait_ms === null ? null : Number(r.wait_ms) }));

const unblock = (username: string) =>
  Promise.all(
    scratch.registry
      .list()
      .map((t) =>
        t.sql.query(
          sql`UPDATE carepool_login_throttle SET blocked_until = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE username = ${username}`,
        ),
      ),
  );

describe('sign-in throttling (issue 14 item 3)', () => {
  it('a real account and an unknown name answer exactly alike: 401, 401, 401, then 429 with Retry-After', async () => {
    const real = `thr_${randomBytes(3).toString('hex')}`;
    const unknown = `nob_${randomBytes(3).toString('hex')}`;
    await a.users.upsertUser(real, 'viewer', 'correct-password-123');
    const seen: Record<string, { status: number; body: string; retry: unknown }[]> = {
      real: [],
      unknown: [],
    };
    // One name after the other: the first wait is 2 s, and each attempt costs a password hash.
    for (const [label, name] of [
      ['real', real],
      ['unknown', unknown],
    ] as const) {
      for (let i = 0; i < POLICY.perName + 1; i++) {
        const res = await attempt(a, name, 'wrong-password-000', '198.51.100.10');
        seen[label]?.push({
          status: res.statusCode,
          body: shape(res.body, name),
          retry: res.headers['retry-after'],
        });
      }
    }
    expect(seen.real?.map((r) => r.status)).toEqual([401, 401, 401, 429]);
    expect(seen.unknown?.map((r) => r.status)).toEqual([401, 401, 401, 429]);
    expect(seen.real?.map((r) => r.body)).toEqual(seen.unknown?.map((r) => r.body));
    // The wait left depends on when each was asked: both within the first (2 s) block.
    for (const r of [seen.real?.[3], seen.unknown?.[3]]) {
      expect(Number(r?.retry)).toBeGreaterThanOrEqual(1);
      expect(Number(r?.retry)).toBeLessThanOrEqual(2);
    }
    expect(seen.real?.[3]?.body).toContain('Too many failed sign-ins');
  });

  it('a disabled account answers like a wrong password (no "locked" or "disabled" anywhere)', async () => {
    const name = `dis_${randomBytes(3).toString('hex')}`;
    await a.users.upsertUser(name, 'viewer', 'correct-password-123');
    await scratch.registry
      .get('azure')
      .sql.query(sql`UPDATE carepool_users SET disabled = 1 WHERE username = ${name}`);
    await scratch.registry
      .get('gcp')
      .sql.query(sql`UPDATE carepool_users SET disabled = 1 WHERE username = ${name}`);
    const disabled = await attempt(a, name, 'correct-password-123', '198.51.100.11');
    const wrong = await attempt(a, `x${name}`, 'wrong-password-000', '198.51.100.11');
    expect(disabled.statusCode).toBe(401);
    expect(shape(disabled.body, name)).toBe(shape(wrong.body, `x${name}`));
    expect(disabled.body).not.toMatch(/locked|disabled/i);
  });

  it('the wait doubles with each further failure (2, 4, 8 s) and holds across two app instances', async () => {
    const name = `dbl_${randomBytes(3).toString('hex')}`;
    const from = '198.51.100.12';
    for (let i = 0; i < POLICY.perName; i++) await attempt(i % 2 ? b : a, name, 'nope-nope-nope', from);
    expect((await rows(name))[0]).toMatchObject({ failures: 3, wait_ms: 2000 });
    // The other instance sees the same wait.
    expect((await attempt(b, name, 'nope-nope-nope', from)).statusCode).toBe(429);
    await unblock(name);
    expect((await attempt(b, name, 'nope-nope-nope', from)).statusCode).toBe(401);
    expect((await rows(name))[0]).toMatchObject({ failures: 4, wait_ms: 4000 });
    expect((await attempt(a, name, 'nope-nope-nope', from)).statusCode).toBe(429);
    await unblock(name);
    await attempt(a, name, 'nope-nope-nope', from);
    expect((await rows(name))[0]).toMatchObject({ failures: 5, wait_ms: 8000 });
  });

  it("one address's failures never block another address, and a success clears its own count", async () => {
    const name = `iso_${randomBytes(3).toString('hex')}`;
    await a.users.upsertUser(name, 'viewer', 'correct-password-123');
    for (let i = 0; i < POLICY.perName; i++) await attempt(a, name, 'nope-nope-nope', '203.0.113.5');
    expect((await attempt(a, name, 'correct-password-123', '203.0.113.5')).statusCode).toBe(429);
    const other = await attempt(b, name, 'correct-password-123', '203.0.113.6');
    expect(other.statusCode).toBe(303);
    await attempt(a, name, 'nope-nope-nope', '203.0.113.7');
    expect((await rows(name)).map((r) => r.client)).toEqual(['203.0.113.5', '203.0.113.7']);
    expect((await attempt(a, name, 'correct-password-123', '203.0.113.7')).statusCode).toBe(303);
    expect((await rows(name)).map((r) => r.client)).toEqual(['203.0.113.5']);
  });

  it('one address trying many names hits the per-address cap, for every name', async () => {
    const from = '203.0.113.99';
    const statuses: number[] = [];
    for (let i = 0; i < POLICY.perAddress + 1; i++) {
      const res = await attempt(a, `spray_${i}_${randomBytes(2).toString('hex')}`, 'nope-nope-nope', from);
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, POLICY.perAddress)).toEqual(Array(POLICY.perAddress).fill(401));
    expect(statuses.at(-1)).toBe(429);
    // Another address is not affected.
    expect((await attempt(a, 'spray_other', 'nope-nope-nope', '203.0.113.98')).statusCode).toBe(401);
  });

  it('unlock clears a name from every address on every target', async () => {
    const name = `unl_${randomBytes(3).toString('hex')}`;
    await a.users.upsertUser(name, 'viewer', 'correct-password-123');
    for (let i = 0; i < POLICY.perName; i++) await attempt(a, name, 'nope-nope-nope', '203.0.113.20');
    expect((await attempt(a, name, 'correct-password-123', '203.0.113.20')).statusCode).toBe(429);
    expect(await new SignInThrottle(scratch.registry).unlock(name)).toEqual(['azure', 'gcp']);
    expect(await rows(name)).toEqual([]);
    expect((await attempt(b, name, 'correct-password-123', '203.0.113.20')).statusCode).toBe(303);
  });
});
