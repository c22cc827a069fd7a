import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import { sql } from '../../src/db/sql.js';
import { readWsrepStatus } from '../../src/galera/status.js';
import { readGraState } from '../../src/sandbox/galera-node.js';
import {
  galeraSandboxStatus,
  readGaleraState,
  startGaleraSandbox,
  stopGaleraSandbox,
  withGaleraEnv,
} from '../../src/sandbox/galera-sandbox.js';
import { useTestCluster } from './cluster.js';

const cluster = useTestCluster();

describe('sandbox --galera 3', () => {
  it('forms one Primary cluster of 3 Synced nodes that replicate writes, over TLS', async () => {
    const status = await galeraSandboxStatus(cluster().home);
    expect(
      status.map((n) => [n.name, n.running, n.wsrep?.state, n.wsrep?.clusterStatus, n.wsrep?.clusterSize]),
    ).toEqual([
      ['onprem-1', true, 'Synced', 'Primary', 3],
      ['onprem-2', true, 'Synced', 'Primary', 3],
      ['onprem-3', true, 'Synced', 'Primary', 3],
    ]);
    expect(new Set(status.map((n) => n.wsrep?.clusterUuid)).size).toBe(1);
    const n1 = await cluster().node(0, 'migrator');
    const n3 = await cluster().node(2, 'app');
    try {
      expect(n1.tls && n3.tls).toBe(true);
      await n1.query(sql`CREATE TABLE IF NOT EXISTS galera_probe (id INT PRIMARY KEY, v VARCHAR(20))`);
      await n1.query(sql`REPLACE INTO galera_probe VALUES (1, 'from node 1')`);
      await n3.query(sql`SET SESSION wsrep_sync_wait = 1`);
      const { rows } = await n3.query<{ v: string }>(sql`SELECT v FROM galera_probe WHERE id = 1`);
      expect(rows).toEqual([{ v: 'from node 1' }]);
    } finally {
      await n1.close();
      await n3.close();
    }
  });

  it('env adds target onprem with a URL listing every node, which parses into three hosts', async () => {
    const state = await readGaleraState(cluster().home);
    const env = withGaleraEnv({ CAREPOOL_TARGETS: 'azure,gcp' }, state);
    expect(env.CAREPOOL_TARGETS).toBe('azure,gcp,onprem');
    const spec = parseConnectionUrl('CAREPOOL_TARGET_ONPREM_URL', env.CAREPOOL_TARGET_ONPREM_URL!);
    expect(spec.hosts?.map((h) => h.port)).toEqual(state!.nodes.map((n) => n.port));
    expect(spec.sslMode).toBe('VERIFY_IDENTITY');
    expect(parseConnectionUrl('M', env.CAREPOOL_TARGET_ONPREM_MIGRATE_URL!).user).toBe('carepool_migrator');
  });

  it('the doctor reports each node, the cluster size and flow control, and names a table Galera cannot replicate', async () => {
    const state = await readGaleraState(cluster().home);
    const config = loadConfig({ cwd: cluster().home, dotenv: false, env: withGaleraEnv({}, state) })
      .targets[0]!;
    const galera = (await diagnoseTarget(config)).findings.filter((f) => f.check === 'galera');
    // One info line says which node the connection checks ran on; the rest are the cluster's checks.
    expect(galera.filter((f) => f.status === 'info').map((f) => f.summary)).toEqual([
      expect.stringMatching(/^connection checks \(DNS to migrations\) ran on 127\.0\.0\.1:\d+/),
    ]);
    const healthy = galera.filter((f) => f.status !== 'info');
    expect(healthy.map((f) => f.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(healthy[3]!.summary).toMatch(/cluster size 3 \(survives the loss of 1 node/);
    const admin = await cluster().node(0);
    try {
      await admin.query(sql`CREATE TABLE clinic.legacy_cache (k INT PRIMARY KEY) ENGINE=MyISAM`);
      const found = (await diagnoseTarget(config)).findings.filter(
        (f) => f.check === 'galera' && f.status === 'fail',
      );
      expect(found.map((f) => f.code)).toEqual(['CAREPOOL_MIGRATE_GALERA_UNSAFE']);
      expect(found[0]!.summary).toMatch(/legacy_cache \(engine MyISAM/);
    } finally {
      await admin.query(sql`DROP TABLE clinic.legacy_cache`);
      await admin.close();
    }
  });

  it('stop marks the last node stopped safe to bootstrap; start brings the same cluster back with its data', async () => {
    const before = await readGaleraState(cluster().home);
    const names = await stopGaleraSandbox(cluster().home);
    expect(names).toEqual(['onprem-1', 'onprem-2', 'onprem-3']);
    expect((await galeraSandboxStatus(cluster().home)).map((n) => n.running)).toEqual([false, false, false]);
    const gra = await Promise.all(before!.nodes.map((n) => readGraState(join(n.dir, 'data'))));
    expect(gra.map((g) => g.safeToBootstrap)).toEqual([true, false, false]);

    cluster().state = (await startGaleraSandbox(cluster().home))!;
    expect(cluster().state.nodes.map((n) => n.port)).toEqual(before!.nodes.map((n) => n.port));
    const n2 = await cluster().node(1, 'app');
    try {
      expect((await readWsrepStatus(n2)).clusterSize).toBe(3);
      const { rows } = await n2.query<{ v: string }>(sql`SELECT v FROM clinic.galera_probe WHERE id = 1`);
      expect(rows).toEqual([{ v: 'from node 1' }]);
    } finally {
      await n2.close();
    }
    // The recorded state holds passwords: owner-only.
    expect((await stat(join(cluster().home, 'sandbox', 'galera.json'))).mode & 0o777).toBe(0o600);
  });
});
