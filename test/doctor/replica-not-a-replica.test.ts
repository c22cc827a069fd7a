import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { type ReplicaStack, startReplicaStack } from '../replicas/harness.js';

let stack: ReplicaStack;

beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(() => stack?.close(), 60_000);

/**
 * A REPLICAS entry that names the primary under another host name (localhost for 127.0.0.1) passes the
 * configuration's host:port check and reaches a server with no replication. The doctor told the user to
 * "repair the row the error names", though no row and no error exist.
 */
describe('doctor: a REPLICAS entry that is not a replica (the primary as localhost)', () => {
  it('says the server replicates from nothing and to check the URL', async () => {
    const env = sandboxEnv(stack.state);
    const primaryUrl = env.CAREPOOL_TARGET_GCP_URL ?? '';
    expect(primaryUrl).toContain('@127.0.0.1:');
    const config = loadConfig({
      env: { ...env, CAREPOOL_TARGET_GCP_REPLICAS: primaryUrl.replace('@127.0.0.1:', '@localhost:') },
      dotenv: false,
      cwd: stack.home,
    });
    const report = await diagnoseTarget(config.targets[0] as (typeof config.targets)[number]);
    const finding = report.findings.find((f) => f.check === 'replicas');
    expect(finding).toMatchObject({ status: 'warn', code: 'CAREPOOL_REPLICA_STOPPED' });
    expect(finding?.cause).toContain('replication is not configured on this server');
    expect(finding?.fix).toContain('CAREPOOL_TARGET_GCP_REPLICAS names a replica, not the primary');
    expect(finding?.fix).not.toContain('Repair the row');
  }, 60_000);
});
