import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import type { Finding } from '../../src/doctor/types.js';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { type ReplicaStack, startReplicaStack } from '../replicas/harness.js';

let stack: ReplicaStack;

beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(async () => {
  await stack?.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 0', 'START SLAVE');
  await stack?.close();
}, 60_000);

async function replicaFinding(): Promise<Finding | undefined> {
  const config = loadConfig({ env: sandboxEnv(stack.state), dotenv: false, cwd: stack.home });
  const report = await diagnoseTarget(config.targets[0] as (typeof config.targets)[number]);
  return report.findings.find((f) => f.check === 'replicas');
}

/**
 * A replica delayed on purpose (MASTER_DELAY) longer than the lag bound is skipped whenever the primary
 * writes; the doctor said it "applies the primary's changes slower than they come" and sent the user after
 * long transactions and CPU. It must name the delay and how to remove it.
 */
describe('doctor: a replica with MASTER_DELAY above the lag bound (real GTID replica)', () => {
  it('names the configured delay as the cause, and the fix', async () => {
    await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 30', 'START SLAVE');
    const { registry } = stack.open();
    await registry.get('gcp').sql
      .query(sql`INSERT INTO carepool_instances (instance_id, host, pid, pool_max, started_at, last_beat)
                     VALUES ('delay-probe', 'test', 1, 1, NOW(3), NOW(3))`);
    // The replica now holds that write back for 30 s: the doctor's poll sees it behind.
    let finding: Finding | undefined;
    for (let i = 0; i < 20 && finding?.status !== 'warn'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      finding = await replicaFinding();
    }
    expect(finding).toMatchObject({
      status: 'warn',
      code: 'CAREPOOL_REPLICA_LAGGING',
      data: { delaySeconds: 30 },
    });
    expect(finding?.cause).toContain('MASTER_DELAY = 30');
    expect(finding?.cause).not.toContain('slower than they come');
    expect(finding?.fix).toContain('CHANGE MASTER TO MASTER_DELAY = 0');
    expect(finding?.fix).toContain('CAREPOOL_TARGET_GCP_READ_MAX_LAG_MS above 30000');
  }, 60_000);

  it('reports a delay of 0 once MASTER_DELAY is removed', async () => {
    await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 0', 'START SLAVE');
    const finding = await replicaFinding();
    expect(finding?.data).toMatchObject({ delaySeconds: 0 });
  }, 60_000);
});
