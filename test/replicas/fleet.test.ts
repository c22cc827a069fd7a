import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { isAppError } from '../../src/errors/index.js';
import { buildApp } from '../../src/web/app.js';
import { client, eventually, patient, type ReplicaStack, slowRead, startReplicaStack } from './harness.js';

let stack: ReplicaStack;

beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(() => stack?.close(), 60_000);

/** Runs `body` with the replica's SQL applying 3 s behind the primary (the replica stays eligible). */
async function delayed(body: () => Promise<void>): Promise<void> {
  await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 3', 'START SLAVE');
  try {
    await body();
  } finally {
    await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 0', 'START SLAVE');
  }
}

const notFound = (e: unknown): 'missing' => {
  if (isAppError(e, 'CAREPOOL_NOT_FOUND')) return 'missing';
  throw e;
};

describe('read-your-writes across two app instances without sticky sessions (real GTID replica)', () => {
  it('a write through instance 1 is seen by the same client reading through instance 2; others may read stale', async () => {
    const env = { CAREPOOL_READ_MAX_LAG_MS: '600000' };
    const one = stack.open(env);
    const two = stack.open(env);
    // The old per-instance behaviour, to show the delay really hides the write from a memory-only instance.
    const local = stack.open(env, 100, { fleetWide: false });
    await delayed(async () => {
      await eventually(async () => (await two.router.statuses())[0]?.eligible === true);
      await eventually(async () => (await local.router.statuses())[0]?.eligible === true);
      const writer = client('fleet-writer');
      let missedByLocal = 0;
      let staleForOthers = 0;
      for (let i = 0; i < 3; i++) {
        const row = await one.clinic.createPatient(writer, 'gcp', patient(`Fleet${i}`));
        // Instance 2 never saw this client write, yet its read sees the row (waited on the replica or primary).
        expect((await two.clinic.getPatient(writer, 'gcp', row.id)).id).toBe(row.id);
        await one.clinic.updatePatient(writer, 'gcp', row.id, { contact_number: `556-${i}` });
        expect((await two.clinic.getPatient(writer, 'gcp', row.id)).contact_number).toBe(`556-${i}`);
        const list = await two.clinic.listPatients(writer, 'gcp', { q: `Fleet${i}` });
        expect(list.items.map((p) => p.id)).toContain(row.id);
        if ((await local.clinic.getPatient(writer, 'gcp', row.id).catch(notFound)) === 'missing')
          missedByLocal++;
        // A client that wrote nothing reads the replica without waiting: the row is not there yet.
        const other = await two.clinic.getPatient(client('fleet-other'), 'gcp', row.id).catch(notFound);
        if (other === 'missing') staleForOthers++;
      }
      expect(missedByLocal).toBeGreaterThan(0);
      expect(staleForOthers).toBeGreaterThan(0);
      const counts = two.router.counts();
      expect(counts.fleetRecentWriters).toBeGreaterThanOrEqual(9);
      expect(counts.fleetChecks).toBeGreaterThan(counts.fleetRecentWriters);
      expect(counts.fleetQueries).toBeLessThanOrEqual(counts.fleetChecks);
      // Concurrent reads by different actors share one check on the primary.
      const before = two.router.counts().fleetQueries;
      const ids = await Promise.all(
        Array.from({ length: 8 }, (_, k) =>
          two.clinic
            .listPatients(client(`fleet-batch-${k}`), 'gcp', { q: 'Fleet0' })
            .then((l) => l.items.length),
        ),
      );
      expect(ids).toHaveLength(8);
      expect(two.router.counts().fleetQueries - before).toBeLessThan(8);
    });
  }, 50_000);

  it('over HTTP: POST through app 1, GET through app 2 answers the new row', async () => {
    const env = { CAREPOOL_READ_MAX_LAG_MS: '600000' };
    const one = stack.open(env);
    const two = stack.open(env);
    const app1 = await buildApp({ registry: one.registry, security: 'none' });
    const app2 = await buildApp({ registry: two.registry, security: 'none' });
    try {
      await delayed(async () => {
        await eventually(async () => (await two.router.statuses())[0]?.eligible === true);
        const created = await app1.inject({
          method: 'POST',
          url: '/api/v1/targets/gcp/patients',
          payload: patient('FleetHttp'),
        });
        expect(created.statusCode, created.body).toBe(201);
        const id = (created.json() as { id: number }).id;
        const got = await app2.inject({ url: `/api/v1/targets/gcp/patients/${id}` });
        expect(got.statusCode, got.body).toBe(200);
        expect((got.json() as { last_name: string }).last_name).toBe('FleetHttp');
      });
    } finally {
      await app1.close();
      await app2.close();
    }
  }, 40_000);
});

describe('shared fleet-wide checks keep read-your-writes (real GTID replica, delayed)', () => {
  it("reads reusing checks sent up to settleMs before them never miss the same client's write through another instance", async () => {
    const env = { CAREPOOL_READ_MAX_LAG_MS: '600000' };
    // A long settle makes reuse frequent: every read in the loops below may share a check sent 100 ms before.
    const options = { settleMs: 100 };
    const one = stack.open(env, 100, options);
    const two = stack.open(env, 100, options);
    // Unaudited clinics over the same routers: position-only checks, shared by every named client.
    const { Clinic } = await import('../../src/clinic/index.js');
    const plainOne = new Clinic({ registry: one.registry });
    const plainTwo = new Clinic({ registry: two.registry });
    await delayed(async () => {
      await eventually(async () => (await two.router.statuses())[0]?.eligible === true);
      const writer = client('shared-writer');
      let stop = false;
      // Background reads on instance 2, by the writer itself and by others, keep checks in flight and fresh.
      const background = [writer, client('shared-busy')].flatMap((who) =>
        [two.clinic, plainTwo].map(async (c) => {
          while (!stop) await c.listPatients(who, 'gcp', { q: 'Shared' });
        }),
      );
      let violations = 0;
      try {
        for (let i = 0; i < 6; i++) {
          for (const [w, r] of [
            [one.clinic, two.clinic],
            [plainOne, plainTwo],
          ] as const) {
            const row = await w.createPatient(writer, 'gcp', patient(`Shared${i}`));
            const got = await r.getPatient(writer, 'gcp', row.id).catch(notFound);
            if (got === 'missing') violations++;
            await w.updatePatient(writer, 'gcp', row.id, { contact_number: `557-${i}` });
            const again = await r.getPatient(writer, 'gcp', row.id).catch(notFound);
            if (again === 'missing' || again.contact_number !== `557-${i}`) violations++;
          }
        }
      } finally {
        stop = true;
        await Promise.all(background);
      }
      expect(violations).toBe(0);
      const counts = two.router.counts();
      expect(counts.fleetReused).toBeGreaterThan(0);
      expect(counts.fleetQueries).toBeLessThan(counts.fleetChecks);
    });
  }, 90_000);
});

describe('replica pool settings (CAREPOOL_[TARGET_<NAME>_]REPLICA_<SETTING>)', () => {
  it("build each replica's pool with the overrides, and the fleet sizes it within its own POOL_MAX", async () => {
    const { FLEET_DEFAULTS } = await import('../../src/config/fleet.js');
    const { joinFleet } = await import('../../src/fleet/index.js');
    const { registry, router, clinic } = stack.open({
      CAREPOOL_POOL_MAX: '20',
      CAREPOOL_TARGET_GCP_REPLICA_POOL_MAX: '6',
      CAREPOOL_REPLICA_ACQUIRE_TIMEOUT_MS: '1500',
    });
    const replica = router.replicas[0];
    if (!replica) throw new Error('no replica');
    expect(replica.config.pool).toMatchObject({ max: 6, acquireTimeoutMs: 1500 });
    expect(replica.pool.stats().max).toBe(6);
    expect(registry.get('gcp').pool.stats().max).toBe(20);
    // Reads still work through the smaller pool.
    const row = await clinic.createPatient(client('pool-override'), 'gcp', patient('PoolOverride'));
    expect((await clinic.getPatient(client('pool-override'), 'gcp', row.id)).id).toBe(row.id);

    // Alone in a fleet: the replica's share is its own POOL_MAX (6), not the target's 20; a replica budget
    // below that caps it (headroom leaving 4 of the replica's max_connections to the fleet).
    const { rows } = await replica.sql.query<{ m: number }>(sql`SELECT @@GLOBAL.max_connections AS m`);
    const maxConnections = Number(rows[0]?.m);
    const roomy = await joinFleet(registry, { ...FLEET_DEFAULTS, heartbeatMs: 60_000, headroom: 10 });
    expect(replica.pool.stats().max).toBe(6);
    await roomy.leave();
    const tight = await joinFleet(registry, {
      ...FLEET_DEFAULTS,
      heartbeatMs: 60_000,
      headroom: maxConnections - 4,
    });
    try {
      expect(replica.pool.stats().max).toBe(4);
      expect(tight.status()[0]?.replicas).toEqual([expect.objectContaining({ poolMax: 4, maxConnections })]);
    } finally {
      await tight.leave();
    }
  }, 40_000);
});

describe('a cap on reads falling back to the primary when every replica is skipped', () => {
  it('holds at half the primary pool: the rest wait, then get 503 FALLBACK_SATURATED, writes still go through', async () => {
    // Reads beyond the cap wait up to the acquire timeout for a slot (test/replicas/fallback-waits.test.ts):
    // 1 s, shorter than the admitted reads' SLEEP(2), so the waiting ones are refused.
    const { clinic, router, registry } = stack.open({
      CAREPOOL_POOL_MAX: '4',
      CAREPOOL_ACQUIRE_TIMEOUT_MS: '1000',
    });
    await stack.onReplica('STOP SLAVE SQL_THREAD');
    try {
      await eventually(async () => (await router.statuses())[0]?.eligible === false);
      expect(router.fallbackCap()).toBe(2);
      const slow = () => slowRead(router);
      const reads = Array.from({ length: 6 }, slow);
      // While the two admitted reads hold their connections, a write and a fresh HTTP read are served/refused.
      const write = clinic.createPatient(client('cap-writer'), 'gcp', patient('CapWrite'));
      const app = await buildApp({ registry, security: 'none' });
      try {
        const res = await app.inject({ url: '/api/v1/targets/gcp/patients?q=CapWrite' });
        expect(res.statusCode, res.body).toBe(503);
        expect(res.headers['retry-after']).toBeDefined();
        expect((res.json() as { error: { code: string } }).error.code).toBe(
          'CAREPOOL_REPLICA_FALLBACK_SATURATED',
        );
        const metrics = (await app.inject({ url: '/metrics' })).body;
        expect(metrics).toMatch(/carepool_router_fallback_refused_total\{target="gcp"\} [1-9]/);
      } finally {
        await app.close();
      }
      expect((await write).id).toBeGreaterThan(0);
      const outcomes = await Promise.all(reads);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2);
      expect(outcomes.filter((o) => o === 'capped')).toHaveLength(4);
      expect(router.counts().fallbackRefused).toBeGreaterThanOrEqual(5);
      // Once they finish, fallback reads are admitted again.
      const after = await clinic.listPatients(client('cap-reader'), 'gcp', { q: 'CapWrite' });
      expect(after.items.length).toBeGreaterThan(0);
    } finally {
      await stack.onReplica('START SLAVE SQL_THREAD');
    }
  }, 40_000);
});
