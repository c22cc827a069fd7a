import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import { migrateFleet } from '../../src/migrate/index.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../harness/migrate.js';

let scratch: ScratchDatabases;
let bare: ScratchDatabases;
beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_docfleet');
  bare = await createScratchDatabases('clinic_docbare');
  const results = await migrateFleet(scratch.registry.list(), { to: 'head', migrationsDir: MIGRATIONS_DIR });
  expect(results.every((r) => r.ok)).toBe(true);
});
afterAll(async () => {
  await scratch?.drop();
  await bare?.drop();
});

async function register(count: number, poolMax: number): Promise<void> {
  const db = scratch.registry.get('azure').sql;
  await db.query(sql`DELETE FROM carepool_instances`);
  for (let i = 0; i < count; i++) {
    await db.query(
      sql`INSERT INTO carepool_instances (instance_id, host, pid, pool_max, started_at, last_beat)
          VALUES (${`doc-${i}`}, 'test', ${1000 + i}, ${poolMax}, NOW(3), NOW(3))`,
    );
  }
}

const fleetOf = async (s: ScratchDatabases) =>
  (await diagnoseTarget(s.registry.get('azure').config)).findings.find((f) => f.check === 'fleet');

describe('doctor: fleet-wide connection budget', () => {
  it('warns, with cause and fix, when the registered instances × pool exceed max_connections (B1ms: 171)', async () => {
    await register(9, 20);
    const finding = await fleetOf(scratch);
    expect(finding).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_MAX_CONNECTIONS' });
    expect(finding?.summary).toContain('180 connections + 10 headroom of max_connections 171');
    expect(finding?.cause).toMatch(/9 app instance\(s\) may open 180 connections.*1040/);
    expect(finding?.fix).toContain('CAREPOOL_POOL_MAX=17');
  });

  it('is ok when the instances fit, and counts --instances beyond the registered ones at POOL_MAX', async () => {
    await register(3, 20);
    expect(await fleetOf(scratch)).toMatchObject({ status: 'ok', data: { liveInstances: 3, demand: 60 } });
    const report = await diagnoseTarget(scratch.registry.get('azure').config, { appInstances: 9 });
    expect(report.findings.find((f) => f.check === 'fleet')).toMatchObject({
      status: 'warn',
      data: { liveInstances: 3, assumedInstances: 6 },
    });
  });

  it('says the heartbeat table is missing when migration 0007 is not applied', async () => {
    expect(await fleetOf(bare)).toMatchObject({ status: 'info' });
    expect((await fleetOf(bare))?.summary).toMatch(/migration 0007/);
  });
});
