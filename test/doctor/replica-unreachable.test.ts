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
 * A replica the app cannot log in to, or whose host does not resolve, got the same fix as a dead one:
 * "Start the replica, or check its URL ... with carepool doctor" (said by the doctor itself). It now gets
 * the cause and fix a target's own connection error gets, naming the REPLICAS entry.
 */
describe('doctor: a replica that refuses the login or does not resolve (real sandbox replica)', () => {
  it('explains each like a connection error of its own entry, never showing the password', async () => {
    const env = sandboxEnv(stack.state);
    const replicaUrl = env.CAREPOOL_TARGET_GCP_REPLICAS ?? '';
    const wrong = replicaUrl.replace(/:[^:@/]+@/, ':Wrong-Pass-7qz@');
    expect(wrong).not.toBe(replicaUrl);
    const nowhere = 'mysql://app:Other-Pass-5kd@replica.invalid:3306/clinic?ssl-mode=REQUIRED';
    const config = loadConfig({
      env: { ...env, CAREPOOL_TARGET_GCP_REPLICAS: `${wrong},${nowhere}` },
      dotenv: false,
      cwd: stack.home,
    });
    const report = await diagnoseTarget(config.targets[0] as (typeof config.targets)[number]);
    const [denied, unknown] = report.findings.filter((f) => f.check === 'replicas');
    expect(denied).toMatchObject({ status: 'warn', code: 'CAREPOOL_REPLICA_DOWN' });
    expect(denied?.cause).toContain('rejected user');
    expect(denied?.fix).toContain('Check the password in CAREPOOL_TARGET_GCP_REPLICAS (entry 1)');
    expect(unknown?.cause).toContain('"replica.invalid" does not resolve');
    expect(unknown?.fix).toContain(
      'Check the spelling of the host in CAREPOOL_TARGET_GCP_REPLICAS (entry 2)',
    );
    for (const f of [denied, unknown]) expect(f?.fix).not.toContain('Start the replica');
    const text = JSON.stringify(report);
    expect(text).not.toContain('Wrong-Pass-7qz');
    expect(text).not.toContain('Other-Pass-5kd');
  }, 60_000);

  it('a plain-text login to a replica that requires TLS is a TLS problem, not a wrong password', async () => {
    const env = sandboxEnv(stack.state);
    const user = stack.replica.users.app.user;
    // As on Azure: the replica accepts this account over TLS only (MariaDB then answers plain text with 1045).
    await stack.onReplica(`ALTER USER '${user}'@'%' REQUIRE SSL`);
    try {
      const plain = (env.CAREPOOL_TARGET_GCP_REPLICAS ?? '')
        .replace(/ssl-mode=[A-Z_]+/, 'ssl-mode=DISABLED')
        .replace(/&ssl-ca=[^&,]*/, '');
      const config = loadConfig({
        env: { ...env, CAREPOOL_TARGET_GCP_REPLICAS: plain },
        dotenv: false,
        cwd: stack.home,
      });
      const report = await diagnoseTarget(config.targets[0] as (typeof config.targets)[number]);
      const finding = report.findings.find((f) => f.check === 'replicas');
      expect(finding).toMatchObject({ status: 'warn', code: 'CAREPOOL_REPLICA_DOWN' });
      expect(finding?.cause).toContain('only accepts encrypted connections');
      expect(finding?.fix).toContain('Add ssl-mode and the CA to CAREPOOL_TARGET_GCP_REPLICAS (entry 1)');
      expect(finding?.fix).not.toContain('Check the password');
    } finally {
      await stack.onReplica(`ALTER USER '${user}'@'%' REQUIRE NONE`);
    }
  }, 60_000);
});
