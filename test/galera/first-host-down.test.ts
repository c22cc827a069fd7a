import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import { openServerMonitor } from '../../src/load/server-monitor.js';
import { migrateTarget } from '../../src/migrate/index.js';
import { parseServer } from '../../src/migrate/server.js';
import { copyTables } from '../../src/move/copy.js';
import { openSnapshot } from '../../src/move/snapshot.js';
import { syncTables } from '../../src/move/sync.js';
import { verifyTables } from '../../src/move/verify.js';
import { galeraUrl } from '../../src/sandbox/galera.js';
import { seedTarget } from '../../src/seed/index.js';
import { useTestCluster } from './cluster.js';

// Node 1 (the first host of every URL here) is killed before each check: the dedicated connections of the
// doctor, the load tool's server monitor and the move commands must go to a node that answers.
const cluster = useTestCluster();
let registry: TargetRegistry;
let dir: string;
let first: string;
let second: string;

beforeAll(async () => {
  const { home, state } = cluster();
  const admin = galeraUrl(state, 'admin');
  const admin2 = admin.replace(/\/clinic(\?|$)/, '/clinic2$1');
  registry = new TargetRegistry(
    loadConfig({
      cwd: home,
      dotenv: false,
      env: {
        CAREPOOL_TARGETS: 'onprem,onprem2',
        CAREPOOL_TARGET_ONPREM_URL: admin,
        CAREPOOL_TARGET_ONPREM2_URL: admin2,
        CAREPOOL_CONNECT_TIMEOUT_MS: '3000',
      },
    }),
  );
  const conn = await cluster().node(0);
  try {
    await conn.query(sql`CREATE DATABASE IF NOT EXISTS clinic2`);
  } finally {
    await conn.close();
  }
  const r = await migrateTarget(registry.get('onprem'));
  if (!r.ok) throw new Error(`migration failed: ${r.error?.message}`);
  await seedTarget(registry.get('onprem'), { patients: 30, recordsPerPatient: 2, seed: 5, reset: true });
  dir = await mkdtemp(join(tmpdir(), 'carepool-galera-move-'));
  const nodes = state.nodes.map((n) => `127.0.0.1:${n.port}`);
  first = nodes[0]!;
  second = nodes[1]!;
  process.kill(state.nodes[0]!.pid, 'SIGKILL');
}, 120_000);
afterAll(async () => {
  await registry?.close(1000);
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('dedicated connections with the first host of the URL killed', () => {
  it('the doctor runs its connection checks on a healthy node and names the dead one', async () => {
    const report = await diagnoseTarget(registry.get('onprem').config);
    const status = (check: string) => report.findings.filter((f) => f.check === check).map((f) => f.status);
    for (const check of ['tcp', 'greeting', 'tls', 'auth', 'database'])
      expect(status(check), check).toEqual(['ok']);
    const galera = report.findings.filter((f) => f.check === 'galera');
    expect(galera.find((f) => f.status === 'info' && f.data?.node !== undefined)?.data?.node).toBe(second);
    const dead = galera.find((f) => f.code === 'CAREPOOL_DOCTOR_GALERA_NODE' && f.summary.includes(first));
    expect(dead?.status).toBe('fail');
  }, 60_000);

  it("the load tool's server monitor reads a surviving node", async () => {
    const monitor = await openServerMonitor(registry.get('onprem').config);
    try {
      expect((await monitor.read()).threadsConnected).toBeGreaterThan(0);
    } finally {
      await monitor.close();
    }
  });

  it("copy's snapshot readers and their lock are all on one node (a snapshot spans one server)", async () => {
    const from = registry.get('onprem');
    const server = parseServer('10.11.0-MariaDB')!;
    const snapshot = await openSnapshot(from, server, ['patients'], 4);
    try {
      const ports = await Promise.all(
        snapshot.readers.map(async (r) => (await r.query<{ p: number }>(sql`SELECT @@port AS p`)).rows[0]!.p),
      );
      expect(ports.map((p) => `127.0.0.1:${p}`)).toEqual([second, second, second, second]);
    } finally {
      await snapshot.close();
    }
  });

  it('copy, sync and verify between two databases of the cluster work through the survivors', async () => {
    const from = registry.get('onprem');
    const to = registry.get('onprem2');
    const copied = await copyTables(from, to, { manifestPath: join(dir, 'copy.json'), parallel: 2 });
    expect(copied.rows).toBeGreaterThan(0);
    expect(await verifyTables(from, to)).toMatchObject({ identical: true, differenceCount: 0 });
    await from.sql.query(sql`UPDATE patients SET contact_number = '555-0100' WHERE id = 1`);
    expect((await verifyTables(from, to)).differenceCount).toBe(1);
    expect((await syncTables(from, to)).replaced).toBe(1);
    expect(await verifyTables(from, to)).toMatchObject({ identical: true, differenceCount: 0 });
  }, 60_000);
});
