import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { UserStore } from '../../src/auth/index.js';
import { Secret } from '../../src/config/index.js';
import type { ReplicaRouter } from '../../src/replicas/index.js';
import { buildApp } from '../../src/web/app.js';
import { registerSecret } from '../harness/capture.js';
import { cookieOf } from '../web/secure-fixture.js';
import { CarriedWrites } from '../../src/replicas/index.js';
import { client, eventually, patient, type ReplicaStack, startReplicaStack } from './harness.js';

let stack: ReplicaStack;
/** Two signed-in app instances over the same primary + delayed replica, sharing the session secret. */
const apps: { app: FastifyInstance; router: ReplicaRouter }[] = [];
const user = {
  name: `rw_${randomBytes(3).toString('hex')}`,
  password: randomBytes(18).toString('base64url'),
};
let token = '';

beforeAll(async () => {
  stack = await startReplicaStack();
  const key = randomBytes(32).toString('base64url');
  registerSecret(key, user.password);
  const secret = new Secret(key);
  for (let i = 0; i < 2; i++) {
    const { registry, router } = stack.open({ CAREPOOL_READ_MAX_LAG_MS: '600000' });
    const users = new UserStore(registry);
    if (i === 0) {
      await users.upsertUser(user.name, 'clinician', user.password);
      token = await users.createToken(user.name, 'rw-test');
      registerSecret(token);
    }
    const app = await buildApp({
      registry,
      security: {
        users,
        audit: new AuditLog(registry),
        sessionSecret: secret,
        loginLimit: { max: 1000, windowMs: 60_000 },
      },
    });
    await app.ready();
    apps.push({ app, router });
  }
  await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 3', 'START SLAVE');
  for (const { router } of apps)
    await eventually(async () => (await router.statuses())[0]?.eligible === true);
}, 120_000);

afterAll(async () => {
  for (const { app } of apps) await app.close();
  await stack
    ?.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 0', 'START SLAVE')
    .catch(() => undefined);
  await stack?.close();
}, 60_000);

/** Signs in through instance `i`: the session cookie and its anti-forgery token. */
async function signIn(i: number): Promise<{ cookie: string; csrf: string }> {
  const { app } = apps[i] as { app: FastifyInstance };
  const page = await app.inject({ method: 'GET', url: '/login' });
  const nonce = cookieOf(page, 'carepool_login');
  const form = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: nonce, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username: user.name, password: user.password, _csrf: form }).toString(),
  });
  expect(res.statusCode).toBe(303);
  const cookie = cookieOf(res, 'carepool_session');
  const home = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? '' };
}

const at = (i: number) => apps[i] as { app: FastifyInstance; router: ReplicaRouter };

describe('a signed-in browser carries its writes between instances (signed carepool_rw cookie)', () => {
  it('a write through instance 1 is read back through instance 2 with no check on the primary', async () => {
    const browser = await signIn(0);
    for (let k = 0; k < 3; k++) {
      const created = await at(0).app.inject({
        method: 'POST',
        url: '/api/v1/targets/gcp/patients',
        headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrf },
        payload: patient(`Carried${k}`),
      });
      expect(created.statusCode, created.body).toBe(201);
      const rw = cookieOf(created, 'carepool_rw');
      const setCookie = [created.headers['set-cookie']].flat().find((c) => c?.startsWith('carepool_rw='));
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(setCookie).toMatch(/Max-Age=\d+/i);
      const id = (created.json() as { id: number }).id;
      const before = at(1).router.counts();
      const got = await at(1).app.inject({
        url: `/api/v1/targets/gcp/patients/${id}`,
        headers: { cookie: `${browser.cookie}; ${rw}` },
      });
      expect(got.statusCode, got.body).toBe(200);
      expect((got.json() as { last_name: string }).last_name).toBe(`Carried${k}`);
      const after = at(1).router.counts();
      // Served by waiting on the replica for the carried GTID, or by the primary when the wait ran out.
      expect(after.causalWaits - before.causalWaits).toBe(1);
      expect(after.fleetQueries).toBe(before.fleetQueries);
      expect(after.fleetChecks).toBe(before.fleetChecks);
    }
  }, 60_000);

  it('a browser that carries no write (or an altered cookie) reads the replica without asking the primary: stale by the delay', async () => {
    const writer = await signIn(0);
    const other = await signIn(1);
    const created = await at(0).app.inject({
      method: 'POST',
      url: '/api/v1/targets/gcp/patients',
      headers: { cookie: writer.cookie, 'x-csrf-token': writer.csrf },
      payload: patient('CarriedStale'),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    const rw = cookieOf(created, 'carepool_rw');
    const forged = `${rw.slice(0, -2)}${rw.endsWith('AA') ? 'BB' : 'AA'}`;
    const before = at(1).router.counts();
    const plain = await at(1).app.inject({
      url: `/api/v1/targets/gcp/patients/${id}`,
      headers: { cookie: other.cookie },
    });
    const altered = await at(1).app.inject({
      url: `/api/v1/targets/gcp/patients/${id}`,
      headers: { cookie: `${writer.cookie}; ${forged}` },
    });
    // The replica applies 3 s late: both read it before the row arrived.
    expect(plain.statusCode).toBe(404);
    expect(altered.statusCode).toBe(404);
    const after = at(1).router.counts();
    // Both went to the replica (the primary has the row) without waiting or asking the primary.
    expect(after.primaryReads).toBe(before.primaryReads);
    expect(after.causalWaits).toBe(before.causalWaits);
    expect(after.fleetChecks).toBe(before.fleetChecks);
  }, 60_000);

  it('an API token client (no cookies) keeps the fleet-wide check: its write through 1 is read through 2', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    const created = await at(0).app.inject({
      method: 'POST',
      url: '/api/v1/targets/gcp/patients',
      headers: bearer,
      payload: patient('CarriedToken'),
    });
    expect(created.statusCode, created.body).toBe(201);
    expect([created.headers['set-cookie'] ?? []].flat().some((c) => c.startsWith('carepool_rw='))).toBe(
      false,
    );
    const id = (created.json() as { id: number }).id;
    const before = at(1).router.counts();
    const got = await at(1).app.inject({ url: `/api/v1/targets/gcp/patients/${id}`, headers: bearer });
    expect(got.statusCode, got.body).toBe(200);
    const after = at(1).router.counts();
    expect(after.fleetChecks - before.fleetChecks).toBe(1);
    expect(after.fleetRecentWriters - before.fleetRecentWriters).toBe(1);
  }, 60_000);

  it('an API token client that keeps cookies opts in (Carepool-Carry-Writes: cookie) and skips the check too', async () => {
    const optIn = { authorization: `Bearer ${token}`, 'carepool-carry-writes': 'cookie' };
    const created = await at(0).app.inject({
      method: 'POST',
      url: '/api/v1/targets/gcp/patients',
      headers: optIn,
      payload: patient('CarriedOptIn'),
    });
    expect(created.statusCode, created.body).toBe(201);
    const rw = cookieOf(created, 'carepool_rw');
    const id = (created.json() as { id: number }).id;
    const before = at(1).router.counts();
    const got = await at(1).app.inject({
      url: `/api/v1/targets/gcp/patients/${id}`,
      headers: { ...optIn, cookie: rw },
    });
    expect(got.statusCode, got.body).toBe(200);
    // Without its cookie the opted-in client is trusted to have written nothing: stale replica, no check.
    const lost = await at(1).app.inject({ url: `/api/v1/targets/gcp/patients/${id}`, headers: optIn });
    expect(lost.statusCode).toBe(404);
    const after = at(1).router.counts();
    expect(after.fleetChecks).toBe(before.fleetChecks);
    expect(after.causalWaits - before.causalWaits).toBe(1);
  }, 60_000);

  it("a carrying client's write answers without the fleet-wide settle, and records the write's GTID", async () => {
    // A settle of 20 s: a write that waited for it could not answer within the 10 s allowed below.
    const { clinic, router } = stack.open({ CAREPOOL_READ_MAX_LAG_MS: '600000' }, 100, { settleMs: 20_000 });
    await router.start();
    const carried = new CarriedWrites(router.carryMs);
    const ctx = { ...client('carry-settle'), carried };
    const began = Date.now();
    const row = await clinic.createPatient(ctx, 'gcp', patient('CarriedSettle'));
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(row.id).toBeGreaterThan(0);
    expect(carried.changed).toBe(true);
    expect(carried.forTarget('gcp')?.gtid).toMatch(/^\d+-\d+-\d+$/);
  }, 30_000);
});
