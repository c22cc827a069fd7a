import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadResult, runLoad } from '../../src/load/index.js';
import { startLoadServer } from '../../src/web/routes/live-load-server.js';
import { slowPath } from '../../src/web/routes/live-slow.js';
import { type LoadFixture, loadFixture } from './fixture.js';

const ACQUIRE_TIMEOUT_MS = 300;
let f: LoadFixture;
let result: LoadResult;

beforeAll(async () => {
  f = await loadFixture('gcp', {
    CAREPOOL_POOL_MAX: '2',
    CAREPOOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
  });
  result = await runLoad({
    scenario: 'exhaust',
    config: f.config,
    durationS: 3,
    connections: 4,
    slowMs: 400,
    startServer: startLoadServer,
    slowPath,
    monitorSpec: () => f.admin,
  });
});
afterAll(() => f?.drop());

describe('carepool load exhaust (pool max 2, acquire timeout 300 ms, slow requests of 400 ms)', () => {
  it('offers at least ten times the pool and sends slow requests', () => {
    const run = result.runs[0];
    expect(run?.phases[0]?.connections).toBe(20);
    expect(run?.slowRequests).toBe(true);
    expect(run?.summary.status['200']).toBeGreaterThan(0);
  });

  it('answers 503 (pool timeout or saturated) with Retry-After, within the acquire timeout', () => {
    const s = result.runs[0]?.summary;
    if (!s) throw new Error('no run');
    const unavailable = s.status['503'] ?? 0;
    expect(unavailable).toBeGreaterThan(0);
    // The pool refuses a caller at once when it cannot be served within the acquire timeout
    // (CAREPOOL_DB_POOL_SATURATED), else the caller times out waiting (CAREPOOL_DB_POOL_TIMEOUT).
    const timeouts = s.errors.CAREPOOL_DB_POOL_TIMEOUT ?? 0;
    const shed = s.errors.CAREPOOL_DB_POOL_SATURATED ?? 0;
    expect(timeouts + shed).toBeGreaterThan(0);
    // Sign-in and audit are on: a read whose audit event could not get a connection in time is refused too.
    expect(timeouts + shed + (s.errors.CAREPOOL_AUDIT_WRITE_FAILED ?? 0)).toBe(unavailable);
    expect(s.retryAfter).toBe(unavailable);
    // Each pool timeout is one 503, except an audit batch's: it fails every read of its batch at once.
    expect(s.targets.gcp?.timeouts).toBeGreaterThanOrEqual(s.errors.CAREPOOL_DB_POOL_TIMEOUT ?? 0);
    // Generous bound: the acquire timeout plus HTTP overhead on a busy 2-core machine, far from a hang.
    expect(s.slowest503).toBeLessThan(ACQUIRE_TIMEOUT_MS + 2000);
    expect(s.targets.gcp?.peakAppUserConnections).toBeLessThanOrEqual(2);
    expect(s.targets.gcp?.peakWaiting).toBeGreaterThan(2);
  });

  it('explains the errors it saw', () => {
    const text = result.observations.join('\n');
    expect(text).toMatch(
      /× CAREPOOL_DB_POOL_TIMEOUT: the request waited the whole acquire timeout \(300 ms\)/,
    );
    expect(text).toMatch(/carried Retry-After/);
  });
});
