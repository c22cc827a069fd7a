import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hammer } from './http.js';
import { appConnections, type Carepool, type Stack, startStack } from './stack.js';

/** Scenario 8: SIGTERM during load. */
describe('graceful shutdown', () => {
  let stack: Stack;
  let carepool: Carepool;

  beforeAll(async () => {
    stack = await startStack({ profiles: ['gcp'] });
    carepool = await stack.startCarepool();
  });
  afterAll(async () => stack?.stop());

  it('finishes in-flight requests, refuses new ones, drains the pools and exits 0 promptly', async () => {
    const load = hammer({
      url: carepool.url,
      headers: stack.auth,
      paths: ['/api/v1/targets/gcp/patients?limit=50'],
      connections: 30,
      durationS: 5,
      timeoutS: 10,
    });
    await new Promise((r) => setTimeout(r, 2000));
    const signalled = performance.now();
    const code = await carepool.stop('SIGTERM');
    const exitMs = performance.now() - signalled;
    const run = await load;
    console.log(
      'shutdown:',
      JSON.stringify({
        code,
        exitMs: Math.round(exitMs),
        requests: run.requests,
        non2xx: run.non2xx,
        errors: run.errors,
      }),
    );
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    // In-flight requests finished (200); requests that arrived on open connections after the signal were
    // refused with 503 + Retry-After, telling the client to go elsewhere — nothing else.
    expect(run.seen.length).toBeGreaterThan(100);
    expect(run.seen.every((s) => s.status === 200 || (s.status === 503 && s.retryAfter))).toBe(true);
    // After exit, new connections are refused.
    await expect(fetch(`${carepool.url}/healthz`)).rejects.toThrow();
    expect(carepool.output()).toContain('draining pools');
    const admin = await stack.admin('gcp');
    expect(await appConnections(admin, stack.server('gcp'))).toBe(0);
    await admin.close();
  });
});
