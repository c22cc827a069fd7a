import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CarriedWrites } from '../../src/replicas/index.js';
import { cookieOf, signInByForm } from '../web/secure-fixture.js';
import { client, patient, type ReplicaStack, startReplicaStack } from './harness.js';
import {
  closeFleet,
  delayReplica,
  type Instance,
  postPatient,
  type SignedInFleet,
  signedInFleet,
} from './signed-in.js';

let stack: ReplicaStack;
/** Two signed-in app instances over the same primary + replica (3 s behind), sharing the session secret. */
let fleet: SignedInFleet;

beforeAll(async () => {
  stack = await startReplicaStack();
  fleet = await signedInFleet(stack, 2);
  await delayReplica(stack, fleet.instances, 3);
}, 120_000);

afterAll(async () => {
  await closeFleet(stack, fleet);
}, 60_000);

const at = (i: number) => fleet.instances[i] as Instance;
const signIn = (i: number) => signInByForm(at(i).app, fleet.user.name, fleet.user.password);
const read = (i: number, id: number, headers: Record<string, string>) =>
  at(i).app.inject({ url: `/api/v1/targets/gcp/patients/${id}`, headers });

describe('a signed-in browser carries its writes between instances (signed carepool_rw cookie)', () => {
  it('a write through instance 1 is read back through instance 2 with no check on the primary', async () => {
    const browser = await signIn(0);
    for (let k = 0; k < 3; k++) {
      const { res, id } = await postPatient(
        at(0).app,
        { cookie: browser.cookie, 'x-csrf-token': browser.csrf },
        patient(`Carried${k}`),
      );
      const rw = cookieOf(res, 'carepool_rw');
      const setCookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('carepool_rw='));
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(setCookie).toMatch(/Max-Age=\d+/i);
      const before = at(1).router.counts();
      const got = await read(1, id, { cookie: `${browser.cookie}; ${rw}` });
      expect(got.statusCode, got.body).toBe(200);
      expect((got.json() as { last_name: string }).last_name).toBe(`Carried${k}`);
      // Reads never set the cookie (only writes do): a read's answer cannot overwrite a write's cookie.
      expect([got.headers['set-cookie'] ?? []].flat().some((c) => c.includes('carepool_rw='))).toBe(false);
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
    const { res, id } = await postPatient(
      at(0).app,
      { cookie: writer.cookie, 'x-csrf-token': writer.csrf },
      patient('CarriedStale'),
    );
    const rw = cookieOf(res, 'carepool_rw');
    const forged = `${rw.slice(0, -2)}${rw.endsWith('AA') ? 'BB' : 'AA'}`;
    const before = at(1).router.counts();
    const plain = await read(1, id, { cookie: other.cookie });
    const altered = await read(1, id, { cookie: `${writer.cookie}; ${forged}` });
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
    const bearer = { authorization: `Bearer ${fleet.token}` };
    const { res, id } = await postPatient(at(0).app, bearer, patient('CarriedToken'));
    expect([res.headers['set-cookie'] ?? []].flat().some((c) => c.startsWith('carepool_rw='))).toBe(false);
    const before = at(1).router.counts();
    const got = await read(1, id, bearer);
    expect(got.statusCode, got.body).toBe(200);
    const after = at(1).router.counts();
    expect(after.fleetChecks - before.fleetChecks).toBe(1);
    expect(after.fleetRecentWriters - before.fleetRecentWriters).toBe(1);
  }, 60_000);

  it('an API token client that keeps cookies opts in (Carepool-Carry-Writes: cookie) and skips the check too', async () => {
    const optIn = { authorization: `Bearer ${fleet.token}`, 'carepool-carry-writes': 'cookie' };
    const { res, id } = await postPatient(at(0).app, optIn, patient('CarriedOptIn'));
    const rw = cookieOf(res, 'carepool_rw');
    const before = at(1).router.counts();
    const got = await read(1, id, { ...optIn, cookie: rw });
    expect(got.statusCode, got.body).toBe(200);
    // Without its cookie the opted-in client is trusted to have written nothing: stale replica, no check.
    const lost = await read(1, id, optIn);
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
