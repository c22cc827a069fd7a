import { describe, expect, it } from 'vitest';
import {
  isLoopbackUrl,
  type LoadSample,
  offeredAt,
  percentiles,
  type RunResult,
  runLoad,
  scenarioPhases,
  summarize,
} from '../../src/load/index.js';
import { bendInPhases, sweepKnee } from '../../src/load/knee.js';
import { observe } from '../../src/load/observations.js';
import { lineChart } from '../../src/load/report/chart.js';
import { slowPath } from '../../src/web/routes/live-slow.js';

const params = { durationS: 10, connections: 20, poolMax: 4, slowMs: 500 };

function sample(t: number, latencies: number[], appUser: number, concurrency = 10): LoadSample {
  return {
    t,
    windowMs: 250,
    http: {
      requests: latencies.length,
      rps: latencies.length * 4,
      concurrency,
      latency: percentiles(latencies),
      status: { '200': latencies.length },
      errors: {},
      retryAfter: 0,
      slowest503: null,
      latencies,
    },
    targets: {
      azure: {
        pool: { max: 4, total: 4, active: 4, idle: 0, waiting: 1, connecting: 0 },
        acquire: null,
        timeouts: 0,
        waits: [],
        server: {
          threadsConnected: 9,
          maxUsedConnections: 12,
          abortedConnects: 3,
          appUserConnections: appUser,
        },
      },
    },
  };
}

describe('scenarios', () => {
  it('ramps in five steps, spikes in the middle fifth, exhausts at ten times the pool', () => {
    expect(scenarioPhases('ramp', params).map((p) => [p.atS, p.connections])).toEqual([
      [0, 4],
      [2, 8],
      [4, 12],
      [6, 16],
      [8, 20],
    ]);
    const spike = scenarioPhases('spike', params);
    expect(offeredAt(spike, 1)).toBe(4);
    expect(offeredAt(spike, 5)).toBe(24);
    expect(offeredAt(spike, 7)).toBe(4);
    const exhaust = scenarioPhases('exhaust', params);
    expect(exhaust[0]).toMatchObject({ connections: 40, slowShare: 0.5, slowMs: 500 });
    expect(scenarioPhases('exhaust', { ...params, poolMax: 10 })[0]?.connections).toBe(100);
  });

  it('refuses traffic to anything but loopback, and sweeps against a remote server', async () => {
    expect(isLoopbackUrl('http://127.0.0.1:3000')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:3000')).toBe(true);
    expect(isLoopbackUrl('http://10.1.2.3:3000')).toBe(false);
    expect(isLoopbackUrl('http://example.com')).toBe(false);
    const config = { targets: [] };
    const base = { config, durationS: 5, connections: 5, slowPath };
    await expect(runLoad({ ...base, scenario: 'steady', url: 'http://10.0.0.1:3000' })).rejects.toMatchObject(
      {
        code: 'CAREPOOL_LOAD_NOT_LOOPBACK',
      },
    );
    await expect(runLoad({ ...base, scenario: 'sweep', url: 'http://127.0.0.1:3000' })).rejects.toMatchObject(
      {
        code: 'CAREPOOL_LOAD_OPTION_INVALID',
      },
    );
    await expect(runLoad({ ...base, scenario: 'steady', durationS: 601 })).rejects.toMatchObject({
      code: 'CAREPOOL_LOAD_OPTION_INVALID',
    });
  });
});

describe('summaries and observations', () => {
  it('uses nearest-rank percentiles', () => {
    expect(percentiles([5, 1, 4, 2, 3])).toEqual({ count: 5, p50: 3, p95: 5, p99: 5, max: 5 });
    expect(percentiles([])).toBeNull();
  });

  it('says so when the server counted more connections of the app user than the pool allows', () => {
    const samples = [sample(250, [1, 2], 3), sample(500, [2, 3], 6), sample(750, [2], 4)];
    const run: RunResult = {
      poolMax: 4,
      url: 'http://127.0.0.1:1',
      inProcess: true,
      phases: scenarioPhases('steady', params),
      targets: [
        { name: 'azure', poolMax: 4, acquireTimeoutMs: 2000, maxConnections: 171, monitor: 'separate user' },
      ],
      slowRequests: false,
      samples,
      summary: summarize(samples),
      totals: { responses: 5, errors: 0, timeouts: 0 },
    };
    expect(run.summary.targets.azure?.peakAppUserConnections).toBe(6);
    expect(run.summary.targets.azure?.abortedConnects).toBe(0);
    const text = observe({
      scenario: 'steady',
      startedAt: '',
      durationS: 1,
      connections: 10,
      runs: [run],
    }).join('\n');
    expect(text).toContain('up to 6 connections of the app user, above the pool max of 4');
    expect(text).toContain('Every request succeeded');
  });

  it('finds the knee of a ramp and of a sweep', () => {
    const phases = scenarioPhases('ramp', { ...params, durationS: 5 });
    const samples = [
      sample(1000, Array(100).fill(2), 4),
      sample(2000, Array(200).fill(3), 4),
      sample(3000, Array(205).fill(12), 4),
      sample(4000, Array(206).fill(30), 4),
      sample(5000, Array(206).fill(60), 4),
    ].map((s) => ({ ...s, windowMs: 1000 }));
    const run = { phases, samples } as unknown as RunResult;
    expect(bendInPhases(run)).toContain('p99 bends at 12 clients');
    const knee = sweepKnee([
      { poolMax: 2, rps: 400, p50: 10, p99: 40, acquireP99: 30, errors: 0 },
      { poolMax: 5, rps: 900, p50: 5, p99: 20, acquireP99: 8, errors: 0 },
      { poolMax: 10, rps: 950, p50: 5, p99: 19, acquireP99: 1, errors: 0 },
      { poolMax: 20, rps: 940, p50: 5, p99: 21, acquireP99: 0, errors: 0 },
    ]);
    expect(knee[1]).toContain('The knee is at a pool of 5');
  });

  it('draws charts with Vega as self-contained SVG: escaped text, gaps at nulls, one legend entry per series', async () => {
    const svg = await lineChart({
      title: 'A <b> & c',
      xLabel: 'seconds',
      yLabel: 'ms',
      series: [
        {
          label: 'p99',
          color: '#000000',
          points: [
            [0, 1],
            [1, 2],
            [2, null],
            [3, 3],
            [4, 4],
          ],
        },
        {
          label: 'p50',
          color: '#D55E00',
          dashed: true,
          points: [
            [0, 1],
            [4, 2],
          ],
        },
      ],
    });
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('A &lt;b&gt; &amp; c');
    // The p99 line is broken at the null: its path has two pieces.
    const p99 = svg.match(/<path aria-label="[^"]*series: p99"[^>]* d="([^"]*)"/)?.[1] ?? '';
    expect(p99.match(/M/g)?.length).toBe(2);
    // Dashed series draw dashed, in the plot and in the legend.
    expect(svg.match(/stroke="#D55E00"[^>]*stroke-dasharray="6,4"/g)?.length).toBe(2);
    for (const label of ['seconds', 'ms', 'p99', 'p50']) expect(svg).toMatch(new RegExp(`>${label}</text>`));
  });
});

describe('per-target figures', () => {
  it('a request path names its target', async () => {
    const { targetOf } = await import('../../src/load/traffic.js');
    expect(targetOf('/api/v1/targets/gcp/patients?limit=20')).toBe('gcp');
    expect(targetOf('/api/v1/targets/az%2Dure/patients/4')).toBe('az-ure');
    expect(targetOf('/healthz')).toBeUndefined();
  });
});
