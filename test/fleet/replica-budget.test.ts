import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_DEFAULTS } from '../../src/config/fleet.js';
import { type Fleet, joinFleet } from '../../src/fleet/index.js';
import { type ReplicaStack, startReplicaStack } from '../replicas/harness.js';

/** The replica's max_connections in this test and the fleet's headroom: a replica budget of 30. */
const REPLICA_MAX_CONNECTIONS = 40;
const HEADROOM = 10;

let stack: ReplicaStack;
const fleets: Fleet[] = [];

beforeAll(async () => {
  stack = await startReplicaStack();
  await stack.onReplica(`SET GLOBAL max_connections = ${REPLICA_MAX_CONNECTIONS}`);
}, 90_000);
afterAll(async () => {
  await Promise.all(fleets.map((f) => f.leave()));
  await stack?.close();
}, 60_000);

/** One app instance (POOL_MAX 20) joined to the fleet; it beats only when the test says so. */
async function instance(): Promise<{ fleet: Fleet; replicaPool: () => number }> {
  const { registry, router } = stack.open({ CAREPOOL_POOL_MAX: '20' });
  const fleet = await joinFleet(registry, { ...FLEET_DEFAULTS, heartbeatMs: 60_000, headroom: HEADROOM });
  fleets.push(fleet);
  const replica = router.replicas[0];
  if (!replica) throw new Error('no replica');
  return { fleet, replicaPool: () => replica.pool.stats().max };
}

describe("read replica pools share the replica's max_connections across the fleet", () => {
  it("sizes each instance's replica pool to its share, never holding more than the budget (+1 per newcomer for a beat)", async () => {
    const budget = REPLICA_MAX_CONNECTIONS - HEADROOM;
    const a = await instance();
    expect(a.replicaPool()).toBe(20); // alone: POOL_MAX
    const [status] = a.fleet.status();
    expect(status?.replicas).toEqual([
      expect.objectContaining({ poolMax: 20, maxConnections: REPLICA_MAX_CONNECTIONS }),
    ]);

    const b = await instance();
    expect(b.replicaPool()).toBe(1); // a newcomer waits for the others to see it
    expect(a.replicaPool() + b.replicaPool()).toBeLessThanOrEqual(budget + 1);
    await a.fleet.beat();
    expect(a.replicaPool()).toBe(15); // shrinks at once
    await b.fleet.beat();
    expect(b.replicaPool()).toBe(15);

    const c = await instance();
    const all = [a, b, c];
    const total = () => all.reduce((sum, i) => sum + i.replicaPool(), 0);
    expect(total()).toBeLessThanOrEqual(budget + 1);
    for (const i of all) {
      await i.fleet.beat();
      expect(total()).toBeLessThanOrEqual(budget + 1);
    }
    await c.fleet.beat();
    expect(all.map((i) => i.replicaPool())).toEqual([10, 10, 10]);
    expect(total()).toBeLessThanOrEqual(budget);

    // One leaves: the others grow back to half the budget at their next beat.
    await c.fleet.leave();
    await a.fleet.beat();
    await b.fleet.beat();
    expect([a.replicaPool(), b.replicaPool()]).toEqual([15, 15]);
  }, 50_000);
});
