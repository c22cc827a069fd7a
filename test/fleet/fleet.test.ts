import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl, type TargetConfig } from '../../src/config/index.js';
import { FLEET_DEFAULTS } from '../../src/config/fleet.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { type Fleet, joinFleet } from '../../src/fleet/index.js';
import { migrateFleet } from '../../src/migrate/index.js';
import { verifyTables } from '../../src/move/verify.js';
import { generatePassword, userUrl } from '../../src/sandbox/index.js';
import { startServer } from '../../src/web/server.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../harness/migrate.js';
import { adminConnection, sandboxConfig, sandboxServers } from '../harness/targets.js';

/** The budget this test gives the fleet on the azure sandbox server: max_connections − headroom = 30. */
const BUDGET = 30;
const POOL_MAX = 20;

let scratch: ScratchDatabases;
let bare: ScratchDatabases;
let azure: TargetConfig;
let headroom: number;
const registries: TargetRegistry[] = [];

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_fleet');
  bare = await createScratchDatabases('clinic_nofleet');
  const results = await migrateFleet(scratch.registry.list(), { to: 'head', migrationsDir: MIGRATIONS_DIR });
  expect(results.every((r) => r.ok)).toBe(true);
  const target = scratch.registry.get('azure');
  azure = { ...target.config, pool: { ...target.config.pool, max: POOL_MAX } };
  const { rows } = await target.sql.query<{ mc: number }>(sql`SELECT @@max_connections AS mc`);
  headroom = Number(rows[0]?.mc) - BUDGET;
});

afterAll(async () => {
  await Promise.all(registries.map((r) => r.close(1000)));
  await scratch?.drop();
  await bare?.drop();
});

function instance(config: TargetConfig = azure): TargetRegistry {
  const registry = new TargetRegistry({ targets: [config] });
  registries.push(registry);
  return registry;
}

/** A member that beats only when the test says so (a 60 s period never fires during the test). */
function join(registry: TargetRegistry): Promise<Fleet> {
  return joinFleet(registry, { ...FLEET_DEFAULTS, heartbeatMs: 60_000, headroom });
}

async function rows(): Promise<{ instance_id: string; pool_max: number; draining: boolean }[]> {
  const result = await scratch.registry
    .get('azure')
    .sql.query<{ instance_id: string; pool_max: number; draining: boolean }>(
      sql`SELECT instance_id, pool_max, draining FROM carepool_instances ORDER BY id`,
    );
  return result.rows;
}

const poolMaxOf = (r: TargetRegistry) => r.get('azure').pool.stats().max;

describe('fleet: heartbeat table and connection budget (real server)', () => {
  const regs: TargetRegistry[] = [];
  const fleets: Fleet[] = [];

  it('sizes each instance to its share as instances join, converging to budget ÷ 3 without the sum exceeding the budget (+1 for a newcomer)', async () => {
    for (let i = 0; i < 3; i++) {
      const reg = instance();
      regs.push(reg);
      fleets.push(await join(reg));
      const sum = () => regs.reduce((s, r) => s + poolMaxOf(r), 0);
      expect(sum()).toBeLessThanOrEqual(BUDGET + 1);
      // The others beat (in the order a real fleet might): the sum stays within the budget.
      for (const f of fleets) {
        await f.beat();
        expect(sum()).toBeLessThanOrEqual(BUDGET + 1);
      }
      await fleets.at(-1)?.beat();
      expect(sum()).toBeLessThanOrEqual(BUDGET);
    }
    for (const f of fleets) await f.beat();
    expect(regs.map(poolMaxOf)).toEqual([10, 10, 10]);
    const table = await rows();
    expect(table.map((r) => Number(r.pool_max))).toEqual([10, 10, 10]);
    expect(fleets[0]?.status()[0]).toMatchObject({ state: 'sized', instances: 3, poolMax: 10 });
  });

  it('never holds more server connections than the budget under load from all three', async () => {
    const admin = await adminConnection(sandboxServers().azure);
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows: r } = await admin.query<{ n: number }>(
          sql`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ${scratch.name}`,
        );
        peak = Math.max(peak, Number(r[0]?.n ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      // 3 × 40 callers, each holding a connection ~50 ms: every pool saturates.
      await Promise.all(
        regs.flatMap((reg) =>
          Array.from({ length: 40 }, () =>
            reg
              .get('azure')
              .sql.query(sql`SELECT SLEEP(0.05)`)
              .catch(() => undefined),
          ),
        ),
      );
    } finally {
      sampling = false;
      await sampler;
      await admin.close();
    }
    // The test's own inspection pool (rows(), the setup) also has connections on this database.
    const inspector = scratch.registry.get('azure').pool.stats().total;
    expect(peak).toBeGreaterThanOrEqual(BUDGET / 2);
    expect(peak - inspector).toBeLessThanOrEqual(BUDGET);
  });

  it('grows the others when one leaves, and when one dies its stale row expires and the others grow too', async () => {
    const [a, b, c] = fleets as [Fleet, Fleet, Fleet];
    await c.leave();
    await a.beat();
    await b.beat();
    expect([poolMaxOf(regs[0] as TargetRegistry), poolMaxOf(regs[1] as TargetRegistry)]).toEqual([15, 15]);
    // b "dies" (kill -9: no leave): its last beat ages past the stale bound.
    await scratch.registry
      .get('azure')
      .sql.query(
        sql`UPDATE carepool_instances SET last_beat = NOW(3) - INTERVAL 1 HOUR WHERE instance_id = ${b.instanceId}`,
      );
    await a.beat();
    expect(poolMaxOf(regs[0] as TargetRegistry)).toBe(POOL_MAX);
    expect((await rows()).map((r) => r.instance_id)).toEqual([a.instanceId]);
    await a.leave();
    await b.leave();
  });

  it('keeps the configured pool and says why when the heartbeat table is missing (migration 0007 not applied)', async () => {
    const target = bare.registry.get('azure');
    const reg = instance({ ...target.config, pool: { ...target.config.pool, max: POOL_MAX } });
    const fleet = await join(reg);
    expect(fleet.status()[0]).toMatchObject({ state: 'no-table', poolMax: POOL_MAX });
    await fleet.leave();
  });
});

describe('fleet: the heartbeat table is per server', () => {
  it('is not copied or compared by the move commands (each server has its own instances)', async () => {
    const reg = instance();
    const fleet = await join(reg);
    try {
      const result = await verifyTables(scratch.registry.get('azure'), scratch.registry.get('gcp'));
      expect(result.tables.map((t) => t.table)).not.toContain('carepool_instances');
      expect(result.tables.length).toBeGreaterThan(0);
    } finally {
      await fleet.leave();
    }
  });
});

describe('fleet: a server that refuses the heartbeat', () => {
  it('keeps the configured pool (not one connection) and says why, for a user without INSERT on the table', async () => {
    const server = sandboxServers().azure;
    const user = `ro_${randomBytes(4).toString('hex')}`;
    const password = generatePassword();
    const admin = await adminConnection(server);
    try {
      await admin.query(sql`CREATE USER ${sql.raw(`'${user}'@'%'`)} IDENTIFIED BY ${password}`);
      await admin.query(
        sql`GRANT SELECT ON ${sql.raw(`\`${scratch.name}\`.*`)} TO ${sql.raw(`'${user}'@'%'`)}`,
      );
      const url = userUrl(server, 'app')
        .replace(
          `${server.users.app.user}:${encodeURIComponent(server.users.app.password)}@`,
          `${user}:${encodeURIComponent(password)}@`,
        )
        .replace(/\/clinic\?/, `/${scratch.name}?`);
      const reg = instance({ ...azure, url: parseConnectionUrl('CAREPOOL_TARGET_AZURE_URL', url) });
      const fleet = await join(reg);
      expect(fleet.status()[0]).toMatchObject({ state: 'refused', poolMax: POOL_MAX });
      expect(fleet.status()[0]?.error).toMatch(/error 1142 .*INSERT/);
      await fleet.leave();
    } finally {
      await admin.query(sql`DROP USER IF EXISTS ${sql.raw(`'${user}'@'%'`)}`);
      await admin.close();
    }
  });
});

describe('fleet: draining', () => {
  it('answers /readyz 503 "draining" from SIGTERM until the listener closes, and removes its row', async () => {
    const config = { ...sandboxConfig({ CAREPOOL_LOG_LEVEL: 'silent' }), targets: [azure] };
    const server = await startServer({
      config,
      port: 0,
      fleet: { ...FLEET_DEFAULTS, heartbeatMs: 60_000, headroom, drainDelayMs: 1500 },
    });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const id = server.fleet?.instanceId ?? '';
    expect((await rows()).map((r) => r.instance_id)).toContain(id);
    const closing = server.close();
    // Within the drain delay the instance still answers, but no longer as ready.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const draining = await fetch(`${server.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(draining.headers.get('retry-after')).toBe('1');
    expect(await draining.json()).toMatchObject({ status: 'draining' });
    expect((await rows()).find((r) => r.instance_id === id)?.draining).toBeTruthy();
    await closing;
    await expect(fetch(`${server.url}/readyz`)).rejects.toThrow();
    expect((await rows()).map((r) => r.instance_id)).not.toContain(id);
  });
});
