import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { galeraStatePath } from '../../src/sandbox/galera-sandbox.js';
import { startSandbox, stopSandbox } from '../../src/sandbox/index.js';
import { preferredReplicaPort } from '../../src/sandbox/replica.js';

/**
 * Found by hand: `sandbox start --galera 3`, `sandbox stop`, `sandbox start --replicas 1` gave azure-replica-1
 * the stopped cluster's port 33071 (a replica's fixed port is its primary's + 10), and the cluster, which
 * restarts with every start on its recorded ports, then failed with CAREPOOL_SANDBOX_PORT_TAKEN telling the
 * user to stop "another process" (carepool's own replica). Here the stopped cluster's record (what
 * `sandbox stop` leaves in galera.json) names the port gcp-replica-1 would take. (If another program holds
 * that port the replica would not take it anyway, and the test shows nothing; it does not skip.)
 */
describe('sandbox replicas and a stopped Galera cluster in the same home', () => {
  const homes: string[] = [];
  afterAll(async () => {
    for (const home of homes) {
      await stopSandbox(home);
      await rm(home, { recursive: true, force: true });
    }
  });

  it("a replica never takes a port the cluster's record holds", async () => {
    const home = await mkdtemp(join(tmpdir(), 'carepool-replica-galera-'));
    homes.push(home);
    // gcp on a port the system picks (the well-known 33062 may be another test's), recorded, then stopped:
    // it restarts on that port, so its replica's preferred port is known before the cluster record is made.
    const first = await startSandbox({ home, ports: 'free', profiles: ['gcp'] });
    const gcp = first.servers.gcp;
    if (gcp === undefined) throw new Error('gcp did not start');
    const wanted = preferredReplicaPort(gcp, 1);
    await stopSandbox(home);
    const node = (index: number, port: number) => ({
      index,
      port,
      gmcastPort: 0,
      istPort: 0,
      sstPort: 0,
      pid: 0,
      dir: join(home, 'sandbox', 'onprem', `node${index}`),
    });
    const cluster = {
      name: 'onprem',
      dir: join(home, 'sandbox', 'onprem'),
      caPath: join(home, 'sandbox', 'onprem', 'ca.pem'),
      database: 'clinic',
      version: '10.11',
      users: {},
      nodes: [node(1, wanted - 1), node(2, wanted), node(3, wanted + 1)],
    };
    await writeFile(galeraStatePath(home), JSON.stringify(cluster), { mode: 0o600 });
    const state = await startSandbox({ home, ports: 'fixed', profiles: ['gcp'], replicas: 1 });
    const replica = state.servers['gcp-replica-1'];
    expect(replica).toBeDefined();
    expect(state.servers.gcp?.port).toBe(gcp.port);
    expect(preferredReplicaPort(state.servers.gcp!, 1)).toBe(wanted);
    expect(replica?.port).not.toBe(wanted);
  }, 90_000);
});
