import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { hammer } from './http.js';
import { type Carepool, type Stack, startStack } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Scenario 4: connections the server closed while idle never reach users. */
describe('stale connections', () => {
  let stack: Stack;
  let carepool: Carepool;
  const paths = ['/api/v1/targets/gcp/patients?limit=20', '/api/v1/targets/gcp/patients/7'];

  beforeAll(async () => {
    // wait_timeout of 2 s: the server closes any connection idle longer than that.
    stack = await startStack({ profiles: ['gcp'], extraArgs: ['--wait-timeout=2'] });
    carepool = await stack.startCarepool({ CAREPOOL_POOL_MAX: '10' });
  });
  afterAll(async () => stack?.stop());

  it('serves with zero errors after the pool idled past the server wait_timeout', async () => {
    const warm = await hammer({
      url: carepool.url,
      headers: stack.auth,
      paths,
      connections: 20,
      durationS: 2,
    });
    expect(warm.non2xx + warm.errors).toBe(0);
    await sleep(3500); // every pooled connection is now closed by the server
    const after = await hammer({
      url: carepool.url,
      headers: stack.auth,
      paths,
      connections: 20,
      durationS: 3,
    });
    expect(after.requests).toBeGreaterThan(100);
    expect(after.non2xx).toBe(0);
    expect(after.errors).toBe(0);
  });

  it('serves with zero errors right after every app connection is KILLed server-side', async () => {
    await hammer({ url: carepool.url, headers: stack.auth, paths, connections: 20, durationS: 1 });
    const admin = await stack.admin('gcp');
    const app = stack.server('gcp').users.app.user;
    const { rows } = await admin.query<{ id: number }>(
      sql`SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ${app}`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) await admin.query(sql`KILL ${r.id}`);
    await admin.close();
    const after = await hammer({
      url: carepool.url,
      headers: stack.auth,
      paths,
      connections: 20,
      durationS: 3,
    });
    expect(after.requests).toBeGreaterThan(100);
    expect(after.non2xx).toBe(0);
    expect(after.errors).toBe(0);
  });
});
