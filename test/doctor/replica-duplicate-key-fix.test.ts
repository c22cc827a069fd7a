import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import type { Finding } from '../../src/doctor/types.js';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { eventually, type ReplicaStack, startReplicaStack } from '../replicas/harness.js';

let stack: ReplicaStack;
beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(() => stack?.close(), 60_000);

/**
 * The doctor's fix for a duplicate key on the replica said "(or skip that one transaction deliberately)"
 * without saying how. It now gives the statements; here they are taken from the fix as printed and run on
 * the real replica, which must replicate again.
 */
describe('doctor: the fix for a replica stopped by a duplicate key works as written', () => {
  it('names the skip statements, and running them restarts replication', async () => {
    const config = loadConfig({ env: sandboxEnv(stack.state), dotenv: false, cwd: stack.home });
    const target = config.targets[0] as (typeof config.targets)[number];
    const id = 990_000 + Math.floor(Math.random() * 9_000);
    await stack.onReplica(
      `INSERT INTO clinic.patients (id, first_name, last_name, date_of_birth, gender) VALUES (${id}, 'Dup', 'OnReplica', '1970-01-01', 'Other')`,
    );
    const { registry } = stack.open();
    await registry
      .get('gcp')
      .sql.query(
        sql`INSERT INTO patients (id, first_name, last_name, date_of_birth, gender) VALUES (${id}, 'Dup', 'OnPrimary', '1970-01-01', 'Other')`,
      );
    let finding: Finding | undefined;
    await eventually(async () => {
      finding = (await diagnoseTarget(target)).findings.find((f) => f.check === 'replicas');
      return finding?.code === 'CAREPOOL_REPLICA_STOPPED';
    });
    expect(finding?.cause).toMatch(/SQL thread error 1062/);
    const skip = /STOP SLAVE; SET GLOBAL sql_slave_skip_counter = 1; START SLAVE/.exec(
      finding?.fix ?? '',
    )?.[0];
    expect(skip, finding?.fix).toBeDefined();
    await stack.onReplica(...(skip ?? '').split('; '));
    await eventually(async () => {
      const after = (await diagnoseTarget(target)).findings.find((f) => f.check === 'replicas');
      return after?.status === 'ok';
    });
  }, 60_000);
});
