import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadResult, runLoad, SWEEP_POOL_SIZES } from '../../src/load/index.js';
import { startLoadServer } from '../../src/web/routes/live-load-server.js';
import { slowPath } from '../../src/web/routes/live-slow.js';
import { type LoadFixture, loadFixture } from './fixture.js';

let f: LoadFixture;
let result: LoadResult;

beforeAll(async () => {
  f = await loadFixture('gcp');
  result = await runLoad({
    scenario: 'sweep',
    config: f.config,
    durationS: 10,
    connections: 12,
    startServer: startLoadServer,
    slowPath,
    monitorSpec: () => f.admin,
  });
});
afterAll(() => f?.drop());

describe('carepool load sweep', () => {
  it('runs the same load once per pool size, each on fresh pools that stay within their size', () => {
    expect(result.runs.map((r) => r.poolMax)).toEqual([...SWEEP_POOL_SIZES]);
    for (const run of result.runs) {
      expect(run.phases).toEqual([expect.objectContaining({ connections: 12, durationS: 2 })]);
      const t = run.summary.targets.gcp;
      expect(t?.peakTotal).toBeLessThanOrEqual(run.poolMax);
      expect(t?.peakAppUserConnections).toBeLessThanOrEqual(run.poolMax);
      expect(run.summary.requests).toBeGreaterThan(0);
    }
    // With 12 clients, a pool of 2 makes callers queue; a pool of 40 never fills.
    expect(result.runs[0]?.summary.targets.gcp?.peakWaiting).toBeGreaterThan(0);
    expect(result.runs[4]?.summary.targets.gcp?.peakTotal).toBeLessThanOrEqual(12);
  });

  it('reports one sweep point per size, taken from that run', () => {
    expect(result.sweep?.map((p) => p.poolMax)).toEqual([...SWEEP_POOL_SIZES]);
    result.sweep?.forEach((p, i) => {
      expect(p.rps).toBe(result.runs[i]?.summary.rps);
      expect(p.p99).toBe(result.runs[i]?.summary.latency?.p99);
    });
    expect(result.observations[0]).toMatch(/^Pool size 2 → 5 → 10 → 20 → 40: throughput/);
  });
});
