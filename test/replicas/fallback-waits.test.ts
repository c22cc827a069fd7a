import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { client, eventually, patient, type ReplicaStack, slowRead, startReplicaStack } from './harness.js';

let stack: ReplicaStack;
beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(() => stack?.close(), 60_000);

/**
 * Every replica out (SQL thread stopped): reads fall back to the primary, at most half its pool at once.
 * A read beyond that cap was refused at once with 503, so with replicas configured a burst that the primary
 * alone would have served (its pool queues callers up to the acquire timeout) failed for users the moment
 * the replicas died (30 clients, both sandbox replicas killed: 185 of 1,368 requests got 503). Now a read
 * beyond the cap waits for a fallback slot as long as it would wait for a pool connection, and only then
 * gets the 503; the cap still holds, so writes keep the other half.
 */
describe('reads beyond the fallback cap wait for a slot, bounded by the acquire timeout', () => {
  it('a burst larger than the cap is served, never more than the cap at once on the primary', async () => {
    const { router } = stack.open({ CAREPOOL_POOL_MAX: '4' });
    await stack.onReplica('STOP SLAVE SQL_THREAD');
    try {
      await eventually(async () => (await router.statuses())[0]?.eligible === false);
      expect(router.fallbackCap()).toBe(2);
      let inFlight = 0;
      let most = 0;
      const read = () =>
        router.read(undefined, async (t) => {
          most = Math.max(most, ++inFlight);
          try {
            return await t.sql.query(sql`SELECT SLEEP(0.2) AS s`);
          } finally {
            inFlight--;
          }
        });
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, read));
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      expect(most).toBe(2);
    } finally {
      await stack.onReplica('START SLAVE SQL_THREAD');
    }
  }, 40_000);

  it('a read that cannot get a slot within the acquire timeout gets 503 FALLBACK_SATURATED; writes go through', async () => {
    const { router, clinic } = stack.open({ CAREPOOL_POOL_MAX: '4', CAREPOOL_ACQUIRE_TIMEOUT_MS: '1000' });
    await stack.onReplica('STOP SLAVE SQL_THREAD');
    try {
      await eventually(async () => (await router.statuses())[0]?.eligible === false);
      const slow = () => slowRead(router);
      const reads = Array.from({ length: 4 }, slow);
      const write = await clinic.createPatient(client('wait-writer'), 'gcp', patient('WaitWrite'));
      expect(write.id).toBeGreaterThan(0);
      const outcomes = await Promise.all(reads);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2);
      expect(outcomes.filter((o) => o === 'capped')).toHaveLength(2);
      expect(router.counts().fallbackRefused).toBe(2);
    } finally {
      await stack.onReplica('START SLAVE SQL_THREAD');
    }
  }, 40_000);
});
