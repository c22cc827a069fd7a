import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { hammer } from './http.js';
import { type Carepool, type Stack, startStack } from './stack.js';

interface Outcome {
  readonly marker: string;
  /** 'acked' = got a 2xx (first try or a replayed retry); 'failed' = every attempt errored. */
  readonly result: 'acked' | 'failed';
  readonly attempts: number;
}

/**
 * Writers POST medical records with unique markers and an Idempotency-Key each, retrying (same key) after
 * any error, while the test breaks things underneath them.
 */
async function writers(
  url: string,
  auth: { readonly authorization: string },
  count: number,
  untilMs: number,
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, w) => {
      for (let n = 0; performance.now() < untilMs; n++) {
        const marker = `w${w}-${n}-${randomUUID().slice(0, 8)}`;
        const key = randomUUID();
        let attempts = 0;
        let acked = false;
        while (!acked && attempts < 40) {
          attempts++;
          try {
            const r = await fetch(`${url}/api/v1/targets/gcp/patients/1/records`, {
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
              body: JSON.stringify({ diagnosis: marker, admission_date: '2024-05-01' }),
              signal: AbortSignal.timeout(10_000),
            });
            acked = r.status === 201;
            if (!acked) await new Promise((res) => setTimeout(res, 150));
          } catch {
            await new Promise((res) => setTimeout(res, 150));
          }
        }
        out.push({ marker, result: acked ? 'acked' : 'failed', attempts });
      }
    }),
  );
  return out;
}

/** Scenario 6: no acknowledged write is lost, and retries never duplicate one. */
describe('writes are never lost', () => {
  let stack: Stack;
  let carepool: Carepool;

  beforeAll(async () => {
    stack = await startStack({ profiles: ['gcp'], patients: 50 });
    carepool = await stack.startCarepool({ CAREPOOL_POOL_MAX: '10' });
  });
  afterAll(async () => stack?.stop());

  it('under load, a killed server and killed connections: every 2xx write is stored exactly once', async () => {
    const end = performance.now() + 14_000;
    const writing = writers(carepool.url, stack.auth, 8, end);
    // Read load beside the writes.
    const load = hammer({
      url: carepool.url,
      headers: stack.auth,
      paths: ['/api/v1/targets/gcp/patients?limit=20'],
      connections: 100,
      durationS: 4,
    });
    await load;
    // KILL every app connection server-side.
    const admin = await stack.admin('gcp');
    const app = stack.server('gcp').users.app.user;
    const { rows } = await admin.query<{ id: number }>(
      sql`SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ${app}`,
    );
    for (const r of rows) await admin.query(sql`KILL ${r.id}`).catch(() => undefined);
    await admin.close();
    await new Promise((r) => setTimeout(r, 2000));
    // Kill the server process itself, then bring it back.
    process.kill(stack.server('gcp').pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 2000));
    await stack.restartServer('gcp');
    const outcomes = await writing;

    const check = await stack.admin('gcp');
    const stored = await check.query<{ diagnosis: string; n: number }>(
      sql`SELECT diagnosis, COUNT(*) AS n FROM clinic.medical_records WHERE diagnosis LIKE 'w%' GROUP BY diagnosis`,
    );
    await check.close();
    const counts = new Map(stored.rows.map((r) => [r.diagnosis, Number(r.n)]));
    const acked = outcomes.filter((o) => o.result === 'acked');
    const retried = outcomes.filter((o) => o.attempts > 1);
    console.log(
      'writes:',
      JSON.stringify({
        attempted: outcomes.length,
        acked: acked.length,
        retried: retried.length,
        failed: outcomes.length - acked.length,
      }),
    );
    expect(acked.length).toBeGreaterThan(50);
    expect(retried.length).toBeGreaterThan(0); // the faults did hit some writes
    // Every acknowledged write is there, once.
    for (const o of acked) expect(counts.get(o.marker), o.marker).toBe(1);
    // No write of any kind is stored twice (no silent duplicates from retries).
    for (const [marker, n] of counts) expect(n, marker).toBe(1);
  });
});
