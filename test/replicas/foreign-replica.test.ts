import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { replicaFindings } from '../../src/replicas/doctor-check.js';
import { gtidForeignSources } from '../../src/replicas/gtid-set.js';
import { sandboxEnv, userUrl } from '../../src/sandbox/index.js';
import { sandboxServers } from '../harness/targets.js';
import { type ReplicaStack, startReplicaStack } from './harness.js';

let stack: ReplicaStack;
beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(() => stack?.close(), 60_000);

/**
 * Found by hand: gcp's sandbox replica listed under azure (CAREPOOL_TARGET_AZURE_REPLICAS) was judged
 * "serving reads, lag 8 ms": it never covers an azure GTID, but the lag estimate was the age of the oldest
 * primary sample (milliseconds after start) and Seconds_Behind_Master measures it against its own primary.
 * azure's patient reads would have been answered with gcp's rows. It must be skipped, with the reason.
 */
describe("a REPLICAS entry that replicates another primary (here the other test sandbox's)", () => {
  it('is never eligible; reads stay on the primary; the doctor says whose replica it is not', async () => {
    const { azure } = sandboxServers();
    const config = loadConfig({
      env: {
        CAREPOOL_TARGETS: 'azure',
        CAREPOOL_TARGET_AZURE_URL: userUrl(azure, 'app'),
        CAREPOOL_TARGET_AZURE_REPLICAS: sandboxEnv(stack.state).CAREPOOL_TARGET_GCP_REPLICAS ?? '',
      },
      dotenv: false,
      cwd: stack.home,
    });
    const registry = new TargetRegistry(config, { replicas: { pollIntervalMs: 100 } });
    try {
      const router = registry.get('azure').replicas;
      if (!router) throw new Error('azure has no replicas');
      const { rows } = await router.primary.sql.query<{ g: string }>(
        sql`SELECT @@GLOBAL.gtid_binlog_pos AS g`,
      );
      // The precondition that makes the two servers' histories disjoint: azure has written something.
      expect(rows[0]?.g ?? '').not.toBe('');
      await router.start();
      const [status] = await router.statuses();
      expect(status).toMatchObject({ eligible: false, state: 'stopped', lagMs: null });
      expect(status?.reason).toContain('not a replica of this primary');
      await router.read(undefined, (t) => t.sql.query(sql`SELECT 1 AS one`));
      expect(router.counts()).toMatchObject({ replicaReads: 0, primaryReads: 1 });
      const [finding] = await replicaFindings(config.targets[0] as (typeof config.targets)[number]);
      expect(finding).toMatchObject({ status: 'warn', code: 'CAREPOOL_REPLICA_STOPPED' });
      expect(finding?.fix).toContain('replicates from another primary');
    } finally {
      await registry.close(500);
    }
  }, 60_000);

  it('names the primary sources the replica holds nothing of (MariaDB domains, MySQL UUIDs)', () => {
    expect(gtidForeignSources('mariadb', '2-2-50', '1-1-7,2-2-40')).toEqual(['1']);
    expect(gtidForeignSources('mariadb', '1-1-3,101-101-2', '1-1-7')).toEqual([]);
    expect(gtidForeignSources('mariadb', '', '')).toEqual([]);
    const a = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
    const b = '4f22ab58-82db-22f2-af44-d91bba53a673';
    expect(gtidForeignSources('mysql', `${b}:1-9`, `${a}:1-5,${b}:1-9`)).toEqual([a]);
    expect(gtidForeignSources('mysql', `${a.toUpperCase()}:1-2`, `${a}:1-5`)).toEqual([]);
  });
});
