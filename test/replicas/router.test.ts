import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/index.js';
import { buildApp } from '../../src/web/app.js';
import { client, eventually, patient, type ReplicaStack, startReplicaStack } from './harness.js';

let stack: ReplicaStack;

beforeAll(async () => {
  stack = await startReplicaStack();
}, 90_000);
afterAll(() => stack?.close(), 60_000);

describe('read routing over a sandbox replica (real MariaDB GTID replication)', () => {
  it('sends reads to a caught-up replica and writes to the primary', async () => {
    const { clinic, router } = stack.open();
    const a = client('writer-a');
    const created = await clinic.createPatient(a, 'gcp', patient('RouteOne'));
    await eventually(
      async () =>
        (await router.statuses())[0]?.state === 'ok' &&
        router.monitor.hasApplied(0, (await router.statuses())[0]?.primaryGtid ?? 'x'),
    );
    const before = router.counts();
    const got = await clinic.getPatient(client('reader-b'), 'gcp', created.id);
    expect(got.last_name).toBe('RouteOne');
    const after = router.counts();
    expect(after.replicaReads).toBe(before.replicaReads + 1);
    expect(after.primaryReads).toBe(before.primaryReads);
    const [status] = await router.statuses();
    expect(status).toMatchObject({ eligible: true, ioThread: 'Yes', sqlThread: 'Yes', lastError: null });
    expect(status?.replicaGtid).toMatch(/^\d+-\d+-\d+/);
  });

  it('read-your-writes holds with replication delayed: the writer waits or reads the primary, another client may see the replica', async () => {
    // A bound far above the delay keeps the replica eligible, so only read-your-writes protects the writer.
    const { clinic, router } = stack.open({ CAREPOOL_READ_MAX_LAG_MS: '600000' });
    await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 3', 'START SLAVE');
    try {
      await eventually(async () => (await router.statuses())[0]?.eligible === true);
      const writer = client('writer-delayed');
      let staleForOthers = 0;
      for (let i = 0; i < 5; i++) {
        const row = await clinic.createPatient(writer, 'gcp', patient(`Delayed${i}`));
        // The writer always sees its own write.
        const own = await clinic.getPatient(writer, 'gcp', row.id);
        expect(own.id).toBe(row.id);
        await clinic.updatePatient(writer, 'gcp', row.id, { contact_number: `555-${i}` });
        expect((await clinic.getPatient(writer, 'gcp', row.id)).contact_number).toBe(`555-${i}`);
        // Another client reads the replica, which is 3 s behind: the row is not there yet.
        await clinic.getPatient(client('someone-else'), 'gcp', row.id).catch((e: unknown) => {
          if (isAppError(e, 'CAREPOOL_NOT_FOUND')) staleForOthers++;
          else throw e;
        });
      }
      expect(staleForOthers).toBeGreaterThan(0);
      expect(router.counts().causalWaitTimeouts).toBeGreaterThan(0);
    } finally {
      await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 0', 'START SLAVE');
    }
  });

  it('a replica lagging past the bound is skipped: reads go to the primary', async () => {
    const { clinic, router } = stack.open({ CAREPOOL_READ_MAX_LAG_MS: '500' });
    await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 5', 'START SLAVE');
    try {
      const row = await clinic.createPatient(client('lag-writer'), 'gcp', patient('LagPast'));
      await eventually(async () => (await router.statuses())[0]?.state === 'lagging');
      const before = router.counts();
      const got = await clinic.getPatient(client('lag-reader'), 'gcp', row.id);
      expect(got.last_name).toBe('LagPast');
      expect(router.counts().primaryReads).toBe(before.primaryReads + 1);
      expect(router.counts().replicaReads).toBe(before.replicaReads);
      expect((await router.statuses())[0]?.reason).toMatch(/above the bound 500 ms/);
    } finally {
      await stack.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 0', 'START SLAVE');
    }
  });

  it('a replica whose SQL thread stopped is skipped and the doctor-facing status says so; RYW still holds', async () => {
    const { clinic, router } = stack.open();
    await stack.onReplica('STOP SLAVE SQL_THREAD');
    try {
      await eventually(async () => (await router.statuses())[0]?.state === 'stopped');
      const writer = client('stopped-writer');
      const row = await clinic.createPatient(writer, 'gcp', patient('SqlStopped'));
      expect((await clinic.getPatient(writer, 'gcp', row.id)).id).toBe(row.id);
      expect((await clinic.getPatient(client('stopped-reader'), 'gcp', row.id)).id).toBe(row.id);
      // The monitor samples every 500 ms: wait for a sample taken after the write.
      await eventually(async () => ((await router.statuses())[0]?.missingTransactions ?? 0) > 0);
      const [status] = await router.statuses();
      expect(status).toMatchObject({
        eligible: false,
        sqlThread: 'No',
        ioThread: 'Yes',
        secondsBehind: null,
      });
      expect(status?.missingTransactions).toBeGreaterThan(0);
    } finally {
      await stack.onReplica('START SLAVE SQL_THREAD');
    }
  });

  it('a killed replica: reads keep answering from the primary, with no error, before and after the monitor notices', async () => {
    // A slow monitor still believes the replica healthy when it dies: the first read fails there and is retried.
    const { registry, clinic, router } = stack.open({}, 60_000);
    const row = await clinic.createPatient(client('kill-writer'), 'gcp', patient('Killed'));
    await router.monitor.poll();
    await eventually(async () => {
      await router.monitor.poll();
      return router.monitor.hasApplied(0, (await router.statuses())[0]?.primaryGtid ?? 'x');
    });
    expect((await router.statuses())[0]?.eligible).toBe(true);
    process.kill(stack.replica.pid, 'SIGKILL');
    await eventually(() => {
      try {
        process.kill(stack.replica.pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    // Over HTTP first (the first read after the kill fails on the replica and is retried), then the service.
    const app = await buildApp({ registry, security: 'none' });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({ url: `/api/v1/targets/gcp/patients/${row.id}` });
        expect(res.statusCode, res.body).toBe(200);
        expect((res.json() as { last_name: string }).last_name).toBe('Killed');
      }
    } finally {
      await app.close();
    }
    for (let i = 0; i < 5; i++) {
      const got = await clinic.getPatient(client(`after-kill-${i}`), 'gcp', row.id);
      expect(got.last_name).toBe('Killed');
    }
    const [status] = await router.statuses();
    expect(status?.state).toBe('down');
    expect(status?.failovers).toBeGreaterThanOrEqual(1);
    const list = await clinic.listPatients(client('after-kill-list'), 'gcp', { q: 'Killed' });
    expect(list.items.some((p) => p.id === row.id)).toBe(true);
  });
});
