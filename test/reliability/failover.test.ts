import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COOLDOWN_MS } from '../../src/db/pool/circuit.js';
import { createWithRetries, isRetryLater, storedWrites } from './fleet-client.js';
import { type Answer, call } from './http.js';
import { type Carepool, type Stack, startStack } from './stack.js';

const CONNECT_TIMEOUT_MS = 3000;
/**
 * After the server is back, the app must answer within: one circuit cool-down at its cap (the reconnect
 * backoff), one connect timeout, and 2 s of slack for a loaded machine = 10 s, the figure.
 */
const RECOVERY_BOUND_MS = MAX_COOLDOWN_MS + CONNECT_TIMEOUT_MS + 2000;
const READERS = 6;
const WRITERS = 2;
const OUTAGE_MS = 3000;

/** Scenario: the primary restarts under HTTP load (what a managed failover looks like to the app). */
describe('failover: the primary restarts under load', () => {
  let stack: Stack;
  let app: Carepool;

  beforeAll(async () => {
    stack = await startStack({ profiles: ['azure'], patients: 100 });
    app = await stack.startCarepool({
      CAREPOOL_POOL_MAX: '10',
      CAREPOOL_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    });
  });
  afterAll(async () => stack?.stop());

  it(`answers 200 again within ${RECOVERY_BOUND_MS / 1000} s of the server's return, only 503 + Retry-After meanwhile, and loses no write`, async () => {
    const path = '/api/v1/targets/azure/patients?limit=5';
    const reads: Answer[] = [];
    const writes: Answer[][] = [];
    let running = true;
    let serial = 0;
    const start = performance.now();
    const readers = Array.from({ length: READERS }, async () => {
      while (running) reads.push(await call(app.url, 'GET', path, stack.auth));
    });
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      while (running) {
        const n = serial++;
        writes.push(
          await createWithRetries(
            app.url,
            'azure',
            stack.auth,
            `failover-${n}`,
            `W${w}n${n}`,
            performance.now() + 30_000,
          ),
        );
      }
    });
    await new Promise((r) => setTimeout(r, 2000));
    const killedAt = performance.now();
    process.kill(stack.server('azure').pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await stack.restartServer('azure');
    const returnedAt = performance.now();
    await new Promise((r) => setTimeout(r, RECOVERY_BOUND_MS + 1000));
    running = false;
    await Promise.all([...readers, ...writers]);

    const firstOk = reads.find((a) => a.status === 200 && a.endedAt >= returnedAt);
    const recoveredMs = firstOk ? firstOk.endedAt - returnedAt : -1;
    const during = reads.filter((a) => a.endedAt >= killedAt && a.sentAt <= returnedAt);
    const bad = reads.filter((a) => a.status !== 200 && !isRetryLater(a));
    const finals = writes.map((w) => w.at(-1) as Answer);
    console.log(
      'failover:',
      JSON.stringify({
        reads: reads.length,
        duringOutage: during.length,
        outage503: during.filter(isRetryLater).length,
        recoveredMs: Math.round(recoveredMs),
        writes: writes.length,
        writeRetries: writes.reduce((s, w) => s + w.length - 1, 0),
        runS: Math.round((performance.now() - start) / 1000),
      }),
    );
    const failedWrites = finals.filter((a) => a.status !== 201 && a.status !== 200);
    if (bad.length + failedWrites.length > 0) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile('/tmp/carepool-failover-app.log', app.output());
    }
    // The app never stopped answering, and answered only 200 or 503 + Retry-After.
    expect(bad).toEqual([]);
    expect(during.filter(isRetryLater).length).toBeGreaterThan(0);
    // Back within the bound of the server's return.
    expect(recoveredMs).toBeGreaterThanOrEqual(0);
    expect(recoveredMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    // Every write ended created (or replayed), exactly once in the database.
    expect(failedWrites).toEqual([]);
    expect(await storedWrites(await stack.admin('azure'))).toEqual({
      rows: writes.length,
      distinct: writes.length,
    });
  });
});
