import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { probeTarget } from '../../src/db/health.js';
import { sql } from '../../src/db/sql.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import { type LiveSnapshot, startLiveFeed } from '../../src/load/live-feed.js';
import { localPoolSource } from '../../src/load/pool-source.js';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { buildApp } from '../../src/web/app.js';
import { client, eventually, patient, type ReplicaStack, startReplicaStack } from './harness.js';

let stack: ReplicaStack;
let app: FastifyInstance;

beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(async () => {
  await app?.close();
  await stack?.close();
}, 60_000);

describe('replica visibility: targets API, /metrics, dashboard, doctor', () => {
  it('a healthy replica: lag, GTID positions and threads in the target health, /metrics and the dashboard', async () => {
    const { registry, clinic, router } = stack.open();
    await clinic.createPatient(client('vis'), 'gcp', patient('Visible'));
    await eventually(async () => (await router.statuses())[0]?.eligible === true);
    const health = await probeTarget(registry.get('gcp'));
    expect(health.replicas).toHaveLength(1);
    expect(health.replicas?.[0]).toMatchObject({
      name: 'gcp-replica-1',
      state: 'ok',
      ioThread: 'Yes',
      sqlThread: 'Yes',
      address: `127.0.0.1:${stack.replica.port}`,
    });
    expect(health.replicas?.[0]?.pool.max).toBeGreaterThan(0);

    app = await buildApp({ registry, security: 'none' });
    // On a loaded machine the last sample was older than the 2 s freshness bound by now (state "unknown";
    // failed twice at load ~14, also before this change): take a fresh sample, as the timer would.
    await router.monitor.poll();
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/carepool_replica_lag_seconds\{target="gcp",replica="gcp-replica-1"\} \d/);
    expect(metrics).toMatch(/carepool_replica_sql_running\{target="gcp",replica="gcp-replica-1"\} 1/);
    expect(metrics).toMatch(/carepool_replica_info\{[^}]*state="ok"[^}]*replica_gtid="\d+-\d+-\d+/);
    expect(metrics).toMatch(/carepool_pool_connections\{target="gcp-replica-1"\}/);
    const api = (await app.inject({ url: '/api/v1/targets' })).json() as {
      targets: { name: string; replicas?: { name: string; eligible: boolean }[] }[];
    };
    expect(api.targets.find((t) => t.name === 'gcp')?.replicas?.[0]).toMatchObject({
      name: 'gcp-replica-1',
      eligible: true,
    });
    const page = (await app.inject({ url: '/' })).body;
    expect(page).toContain('Read replicas');
    expect(page).toContain('data-replica="gcp-replica-1"');
    expect(page).toContain('Serving reads');

    // The load simulation's per-server view: connections and queries of the primary and the replica.
    const source = localPoolSource(registry, ['gcp']);
    source.read('gcp');
    for (let i = 0; i < 5; i++) await clinic.listPatients(client('vis-load'), 'gcp', { q: 'Visible' });
    const servers = source.read('gcp').servers;
    source.close();
    expect(servers?.map((v) => [v.name, v.role])).toEqual([
      ['primary', 'primary'],
      ['gcp-replica-1', 'replica'],
    ]);
    expect(servers?.[1]?.queries).toBeGreaterThanOrEqual(5);
    expect(servers?.[1]?.connections).toBeGreaterThan(0);
    expect(servers?.[1]?.state).toBe('serving reads');

    // The live page's feed carries the same per-server view.
    const snapshot = await new Promise<LiveSnapshot>((resolve) => {
      const stop = startLiveFeed(registry, 100, (snap) => {
        stop();
        resolve(snap);
      });
    });
    expect(snapshot.targets[0]?.servers?.map((v) => v.name)).toEqual(['primary', 'gcp-replica-1']);
  });

  it('the doctor names a stopped replica with its error: a duplicate key at a GTID, with the fix', async () => {
    const { registry } = stack.open();
    const config = loadConfig({ env: sandboxEnv(stack.state), dotenv: false, cwd: stack.home }).targets[0];
    if (!config) throw new Error('no gcp target');
    const healthy = await diagnoseTarget(config);
    expect(healthy.findings.filter((f) => f.check === 'replicas').map((f) => f.status)).toEqual(['ok']);
    // A row written on the replica by hand, then the same key on the primary: the SQL thread stops on 1062.
    const id = 2_000_000_000 + Math.floor(Math.random() * 1000);
    await stack.onReplica(
      `INSERT INTO clinic.patients (id, first_name, last_name, date_of_birth, gender) VALUES (${id}, 'Dup', 'OnReplica', '1970-01-01', 'Other')`,
    );
    try {
      await registry
        .get('gcp')
        .sql.query(
          sql`INSERT INTO patients (id, first_name, last_name, date_of_birth, gender) VALUES (${id}, 'Dup', 'OnPrimary', '1970-01-01', 'Other')`,
        );
      let finding: Awaited<ReturnType<typeof diagnoseTarget>>['findings'][number] | undefined;
      await eventually(async () => {
        finding = (await diagnoseTarget(config)).findings.find((f) => f.check === 'replicas');
        return finding?.status === 'warn';
      });
      expect(finding?.code).toBe('CAREPOOL_REPLICA_STOPPED');
      expect(finding?.cause).toMatch(/^replica stopped: SQL thread error 1062: .*Duplicate entry/);
      expect(finding?.fix).toMatch(/START SLAVE/);
      // Reads still answer, from the primary.
      const { clinic: fresh, router } = stack.open();
      const page = await fresh.listPatients(client('dup-reader'), 'gcp', { q: 'Dup' });
      expect(page.items.length).toBeGreaterThan(0);
      expect((await router.statuses())[0]?.state).toBe('stopped');
    } finally {
      await stack.onReplica(`DELETE FROM clinic.patients WHERE id = ${id}`, 'START SLAVE');
    }
  });
});
