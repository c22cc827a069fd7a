import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import type { Finding } from '../../src/doctor/types.js';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { type ReplicaStack, startReplicaStack } from '../replicas/harness.js';

let stack: ReplicaStack;
/** The replica's own max_connections (the gcp imitation's); the fleet keeps 10 of it as headroom. */
let replicaMax: number;

beforeAll(async () => {
  stack = await startReplicaStack();
  const { router } = stack.open();
  const { rows } = await (router.replicas[0] as (typeof router.replicas)[number]).sql.query<{ m: number }>(
    sql`SELECT @@GLOBAL.max_connections AS m`,
  );
  replicaMax = Number(rows[0]?.m);
}, 90_000);
afterAll(() => stack?.close(), 60_000);

async function register(count: number): Promise<void> {
  const { registry } = stack.open();
  const db = registry.get('gcp').sql;
  await db.query(sql`DELETE FROM carepool_instances`);
  for (let i = 0; i < count; i++)
    await db.query(
      sql`INSERT INTO carepool_instances (instance_id, host, pid, pool_max, started_at, last_beat)
          VALUES (${`rb-${i}`}, 'test', ${2000 + i}, 1, NOW(3), NOW(3))`,
    );
}

/** The doctor's fleet findings for the replica (the primary's own fleet finding comes first). */
async function replicaFleet(env: Record<string, string>, appInstances = 1): Promise<Finding[]> {
  const config = loadConfig({ env: { ...sandboxEnv(stack.state), ...env }, dotenv: false, cwd: stack.home });
  const report = await diagnoseTarget(config.targets[0] as (typeof config.targets)[number], { appInstances });
  return report.findings.filter((f) => f.check === 'fleet' && f.summary.startsWith('replica '));
}

describe("doctor: the fleet's connection budget on each read replica (real GTID replica)", () => {
  it("is ok when the instances' replica pools fit the replica's own max_connections", async () => {
    await register(0);
    const [finding] = await replicaFleet({ CAREPOOL_POOL_MAX: '20' }, 3);
    expect(finding).toMatchObject({
      status: 'ok',
      data: { replica: 'gcp-replica-1', assumedInstances: 3, demand: 60, maxConnections: replicaMax },
    });
    expect(finding?.summary).toContain(`60 connections + 10 headroom of its max_connections ${replicaMax}`);
  }, 60_000);

  it('warns per replica with cause and fix when unregistered instances × replica pool exceed it, naming the replica pool override', async () => {
    await register(0);
    const instances = Math.ceil(replicaMax / 20) + 1;
    const [finding] = await replicaFleet({ CAREPOOL_POOL_MAX: '20' }, instances);
    expect(finding).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_MAX_CONNECTIONS' });
    expect(finding?.cause).toMatch(
      new RegExp(
        `${instances} app instance\\(s\\) may open ${instances * 20} connections to read replica gcp-replica-1 .*1040`,
      ),
    );
    const fair = Math.floor((replicaMax - 10) / instances);
    expect(finding?.fix).toContain(`CAREPOOL_TARGET_GCP_REPLICA_POOL_MAX=${fair}`);
    // With that override the same fleet fits (the primary's pool is left as it is).
    const [fixed] = await replicaFleet(
      { CAREPOOL_POOL_MAX: '20', CAREPOOL_TARGET_GCP_REPLICA_POOL_MAX: String(fair) },
      instances,
    );
    expect(fixed).toMatchObject({ status: 'ok', data: { replicaPoolMax: fair, demand: fair * instances } });
  }, 60_000);

  it("counts registered instances at their fleet share, and warns when there are more than the replica's room", async () => {
    await register(4);
    const [fits] = await replicaFleet({ CAREPOOL_POOL_MAX: '20' }, 4);
    expect(fits).toMatchObject({ status: 'ok', data: { liveInstances: 4, assumedInstances: 0, demand: 80 } });
    await register(replicaMax - 9);
    const [over] = await replicaFleet({ CAREPOOL_POOL_MAX: '20' });
    expect(over).toMatchObject({
      status: 'warn',
      data: { liveInstances: replicaMax - 9, registeredShare: 1 },
    });
    expect(over?.fix).toMatch(/Even one connection per instance is too many/);
    await register(0);
  }, 60_000);

  it('warns about a replica smaller than its primary while the primary fits', async () => {
    await register(0);
    await stack.onReplica('SET GLOBAL max_connections = 60');
    try {
      const config = loadConfig({
        env: { ...sandboxEnv(stack.state), CAREPOOL_POOL_MAX: '20' },
        dotenv: false,
        cwd: stack.home,
      });
      const report = await diagnoseTarget(config.targets[0] as (typeof config.targets)[number], {
        appInstances: 3,
      });
      const fleet = report.findings.filter((f) => f.check === 'fleet');
      expect(fleet.map((f) => f.status)).toEqual(['ok', 'warn']);
      expect(fleet[1]?.summary).toContain('60 connections + 10 headroom of its max_connections 60');
      expect(fleet[1]?.fix).toContain('CAREPOOL_TARGET_GCP_REPLICA_POOL_MAX=16');
    } finally {
      await stack.onReplica(`SET GLOBAL max_connections = ${replicaMax}`);
    }
  }, 60_000);
});
