import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import type { Finding } from '../../src/doctor/types.js';
import { freePort, sandboxEnv } from '../../src/sandbox/index.js';
import { type ReplicaStack, startReplicaStack } from '../replicas/harness.js';

let stack: ReplicaStack;

beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(() => stack?.close(), 60_000);

async function replicaFinding(): Promise<Finding | undefined> {
  const config = loadConfig({ env: sandboxEnv(stack.state), dotenv: false, cwd: stack.home });
  const report = await diagnoseTarget(config.targets[0] as (typeof config.targets)[number]);
  return report.findings.find((f) => f.check === 'replicas');
}

async function stoppedFinding(): Promise<Finding | undefined> {
  let finding: Finding | undefined;
  for (let i = 0; i < 40; i++) {
    finding = await replicaFinding();
    if (finding?.code === 'CAREPOOL_REPLICA_STOPPED' && /IO thread error/.test(finding.cause ?? ''))
      return finding;
    await new Promise((r) => setTimeout(r, 250));
  }
  return finding;
}

/**
 * A replica whose IO thread cannot reach or log in to its primary (found with the sandbox primary killed:
 * "IO thread error 2003 … Connection refused") was told to "repair the row the error names", the fix for a
 * duplicate key on the SQL thread. Each IO failure now gets its own fix.
 */
describe("doctor: a replica's IO thread failing (real GTID replica)", () => {
  it('cannot reach its primary: says so, and that it retries by itself', async () => {
    const closed = await freePort();
    await stack.onReplica('STOP SLAVE', `CHANGE MASTER TO MASTER_PORT = ${closed}`, 'START SLAVE');
    try {
      const finding = await stoppedFinding();
      expect(finding?.cause).toMatch(/IO thread error 2003/);
      expect(finding?.fix).toContain('cannot reach its primary');
      expect(finding?.fix).not.toContain('Repair the row');
    } finally {
      await stack.onReplica(
        'STOP SLAVE',
        `CHANGE MASTER TO MASTER_PORT = ${stack.primary.serverPort}`,
        'START SLAVE',
      );
    }
  }, 60_000);

  it("the primary refuses the replication user: names that user's password", async () => {
    await stack.onReplica(
      'STOP SLAVE',
      "CHANGE MASTER TO MASTER_PASSWORD = 'not-the-password'",
      'START SLAVE',
    );
    try {
      const finding = await stoppedFinding();
      expect(finding?.cause).toMatch(/IO thread error 1045/);
      expect(finding?.fix).toContain("refused the replica's replication user");
      expect(finding?.fix).not.toContain('Repair the row');
    } finally {
      const password = stack.primary.replication?.password ?? '';
      await stack.onReplica('STOP SLAVE', `CHANGE MASTER TO MASTER_PASSWORD = '${password}'`, 'START SLAVE');
    }
  }, 60_000);
});
