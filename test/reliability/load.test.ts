import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SingleConnection } from '../../src/db/connect.js';
import { hammer, percentile } from './http.js';
import { appConnections, type Carepool, type Stack, startStack } from './stack.js';

const DURATION_S = Number(process.env.CAREPOOL_RELIABILITY_LOAD_S ?? 30);
const ACQUIRE_TIMEOUT_MS = 2000;

/** Scenario 1: 1,000 concurrent clients against pools of 20 per target. */
describe('load: 1000 concurrent clients', () => {
  let stack: Stack;
  let carepool: Carepool;

  beforeAll(async () => {
    stack = await startStack({ patients: 2000 });
    carepool = await stack.startCarepool({
      CAREPOOL_POOL_MAX: '20',
      CAREPOOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
    });
  });
  afterAll(async () => stack?.stop());

  it('never exceeds 20 server connections per target, answers only 2xx or 503 + Retry-After, stays bounded', async () => {
    const admins: Record<'azure' | 'gcp', SingleConnection> = {
      azure: await stack.admin('azure'),
      gcp: await stack.admin('gcp'),
    };
    const peak = { azure: 0, gcp: 0 };
    const rss: number[] = [await carepool.rssMiB()];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const name of ['azure', 'gcp'] as const) {
          peak[name] = Math.max(peak[name], await appConnections(admins[name], stack.server(name)));
        }
        rss.push(await carepool.rssMiB());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const paths = [
      '/api/v1/targets/azure/patients?limit=20',
      '/api/v1/targets/gcp/patients/17',
      '/api/v1/targets/gcp/patients?limit=20&q=Sm',
      '/api/v1/targets/azure/patients/42',
    ];
    const run = await hammer({
      url: carepool.url,
      headers: stack.auth,
      paths,
      connections: 1000,
      durationS: DURATION_S,
      timeoutS: 30,
    });
    sampling = false;
    await sampler;
    for (const a of Object.values(admins)) await a.close();

    const statuses = new Map<number, number>();
    for (const s of run.seen) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    const unavailable = run.seen.filter((s) => s.status === 503);
    const report = {
      requests: run.requests,
      statuses: Object.fromEntries(statuses),
      peak,
      errors: run.errors,
      timeouts: run.timeouts,
      p99_503_ms: percentile(
        unavailable.map((s) => s.ms),
        99,
      ),
      p99_ms: percentile(
        run.seen.map((s) => s.ms),
        99,
      ),
      rss_mib: { start: rss[0], max: Math.max(...rss) },
    };
    console.log('load scenario:', JSON.stringify(report));

    expect(run.requests).toBeGreaterThan(1000);
    expect(peak.azure).toBeGreaterThan(0);
    expect(peak.azure).toBeLessThanOrEqual(20);
    expect(peak.gcp).toBeLessThanOrEqual(20);
    for (const s of run.seen) {
      expect(s.status === 200 || (s.status === 503 && s.retryAfter)).toBe(true);
    }
    expect(run.errors).toBe(0);
    // A 503 means the acquire timeout passed; it must not wait much longer than that (event-loop slack).
    if (unavailable.length > 0) expect(report.p99_503_ms).toBeLessThan(ACQUIRE_TIMEOUT_MS + 1500);
    // Memory stays bounded under 1000 sockets (no per-request growth).
    expect(Math.max(...rss)).toBeLessThan(600);
    // Still alive and healthy afterwards, nothing unhandled.
    const health = await fetch(`${carepool.url}/readyz`);
    expect(health.status).toBe(200);
    expect(carepool.process.exitCode).toBeNull();
    expect(carepool.output()).not.toMatch(/unhandled|UnhandledPromiseRejection|FATAL/i);
  });
});
