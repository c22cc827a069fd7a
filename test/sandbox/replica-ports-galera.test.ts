import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { galeraStatePath } from '../../src/sandbox/galera-sandbox.js';
import { isPortFree, startSandbox, stopSandbox } from '../../src/sandbox/index.js';
import { preferredReplicaPort } from '../../src/sandbox/replica.js';
import { PROFILES } from '../../src/sandbox/profiles.js';

/**
 * Found by hand: `sandbox start --galera 3`, `sandbox stop`, `sandbox start --replicas 1` gave azure-replica-1
 * the stopped cluster's port 33071 (a replica's fixed port is its primary's + 10), and the cluster, which
 * restarts with every start on its recorded ports, then failed with CAREPOOL_SANDBOX_PORT_TAKEN telling the
 * user to stop "another process" (carepool's own replica). Here the stopped cluster's record (what
 * `sandbox stop` leaves in galera.json) names the port gcp-replica-1 would take.
 */
describe('sandbox replicas and a stopped Galera cluster in the same home', () => {
  const homes: string[] = [];
  afterAll(async () => {
    for (const home of homes) {
      await stopSandbox(home);
      await rm(home, { recursive: true, force: true });
    }
  });

  it("a replica never takes a port the cluster's record holds", async (ctx) => {
    const wanted = PROFILES.gcp.port + 10;
    if (!(await isPortFree(wanted))) ctx.skip(`port ${wanted} is in use on this machine: nothing to show`);
    const home = await mkdtemp(join(tmpdir(), 'carepool-replica-galera-'));
    homes.push(home);
    await mkdir(join(home, 'sandbox'), { recursive: true });
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
    expect(preferredReplicaPort(state.servers.gcp!, 1)).toBe(wanted);
    expect(replica?.port).not.toBe(wanted);
  }, 90_000);
});
