import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { CarriedWrites } from '../../src/replicas/index.js';
import { adminConnection } from '../harness/targets.js';
import { client, eventually, patient, type ReplicaStack, startReplicaStack } from './harness.js';

let stack: ReplicaStack;

beforeAll(async () => {
  stack = await startReplicaStack();
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

describe('a carrying client whose response is sent while its write is still in flight', () => {
  it('is sent the write as unknown (primary reads) until the write ends, then its GTID', async () => {
    const { clinic, router } = stack.open({ CAREPOOL_READ_MAX_LAG_MS: '600000' });
    await router.start();
    const owner = client('inflight-owner');
    const row = await clinic.createPatient(owner, 'gcp', patient('InFlight'));
    const carried = new CarriedWrites(router.carryMs);
    // Another session holds the patient's row: the update waits for it on the primary.
    const lock = await adminConnection(stack.primary);
    try {
      await lock.query(sql.raw('START TRANSACTION'));
      await lock.query(sql.raw(`SELECT id FROM patients WHERE id = ${row.id} FOR UPDATE`));
      const update = clinic.updatePatient({ ...client('inflight'), carried }, 'gcp', row.id, {
        last_name: 'InFlightEdited',
      });
      // While it waits, what a response would store (the deadline's 503, src/web/plugins/load-shed.ts)
      // carries the target without a GTID: the client's next reads go to the primary, which has the write
      // if it commits after the response. Before the fix the state was unchanged: nothing was sent.
      await eventually(() => carried.changed, 5_000);
      expect(carried.entries().get('gcp')?.gtid).toBeUndefined();
      expect(carried.entries().has('gcp')).toBe(true);
      await lock.query(sql.raw('ROLLBACK'));
      expect((await update).last_name).toBe('InFlightEdited');
    } finally {
      await lock.close();
    }
    // Once committed, the entry holds the write's GTID (reads wait for it on the replica).
    expect(carried.entries().get('gcp')?.gtid).toMatch(/^\d+-\d+-\d+$/);
  }, 60_000);

  it('a write that fails without committing leaves nothing to send', async () => {
    const { clinic, router } = stack.open({ CAREPOOL_READ_MAX_LAG_MS: '600000' });
    await router.start();
    const carried = new CarriedWrites(router.carryMs);
    await expect(
      clinic.createPatient({ ...client('inflight-invalid'), carried }, 'gcp', { first_name: '' }),
    ).rejects.toMatchObject({ code: 'CAREPOOL_VALIDATION' });
    expect(carried.changed).toBe(false);
  }, 60_000);
});
