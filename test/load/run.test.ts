import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSingle } from '../../src/db/connect.js';
import { type LoadResult, runLoad, writeReport } from '../../src/load/index.js';
import { startLoadServer } from '../../src/web/routes/live-load-server.js';
import { slowPath } from '../../src/web/routes/live-slow.js';
import { countWith } from '../harness/users.js';
import { type LoadFixture, loadFixture } from './fixture.js';

/** Nearest-rank percentile, written again here so the test does not trust the code it checks. */
const rank = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
};

let f: LoadFixture;
let result: LoadResult;
let independentPeak = 0;
const POOL_MAX = 4;

beforeAll(async () => {
  f = await loadFixture('azure', { CAREPOOL_POOL_MAX: String(POOL_MAX) });
  // A second observer, independent of the sampler: the admin user counts the test user's threads.
  const admin = await connectSingle('admin', f.admin, { connectTimeoutMs: 3000, keepAliveMs: 0 });
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      independentPeak = Math.max(independentPeak, await countWith(admin, f.user));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    result = await runLoad({
      scenario: 'ramp',
      config: f.config,
      durationS: 4,
      connections: 24,
      startServer: startLoadServer,
      slowPath,
      monitorSpec: () => f.admin,
    });
  } finally {
    watching = false;
    await watcher;
    await admin.close();
  }
});
afterAll(() => f?.drop());

describe('carepool load (ramp, in-process server, pool max 4, 24 clients)', () => {
  it('keeps the server-side connection count of the app user at or below the pool max', () => {
    const run = result.runs[0];
    expect(run).toBeDefined();
    expect(run?.targets[0]?.monitor).toBe('separate user');
    const seen = run?.samples.map((s) => s.targets.azure?.server?.appUserConnections ?? null) ?? [];
    const read = seen.filter((v): v is number => v !== null);
    expect(read.length).toBeGreaterThan(5);
    expect(Math.max(...read)).toBeLessThanOrEqual(POOL_MAX);
    expect(Math.max(...read)).toBeGreaterThan(0);
    expect(independentPeak).toBeLessThanOrEqual(POOL_MAX);
    expect(run?.summary.targets.azure?.peakTotal).toBeLessThanOrEqual(POOL_MAX);
    // More clients than connections: callers queued in the pool.
    expect(run?.summary.targets.azure?.peakWaiting).toBeGreaterThan(0);
    expect(result.observations.join('\n')).toContain(`never above the pool max of ${POOL_MAX}`);
  });

  it('samples about every 250 ms and sees every response autocannon counted', () => {
    const run = result.runs[0];
    if (!run) throw new Error('no run');
    expect(run.samples.length).toBeGreaterThanOrEqual(10);
    const sampled = run.samples.reduce((n, s) => n + s.http.latencies.length, 0);
    expect(sampled).toBe(run.totals.responses);
    expect(run.summary.requests).toBe(sampled);
    expect(run.phases.map((p) => p.connections)).toEqual([5, 10, 14, 19, 24]);
  });

  it('writes JSON, HTML and PNG files whose numbers match the raw samples', async () => {
    const files = await writeReport(result, f.outDir);
    const json = JSON.parse(await readFile(files.json, 'utf8')) as LoadResult;
    const run = json.runs[0];
    if (!run) throw new Error('no run in report.json');
    const latencies = run.samples.flatMap((s) => s.http.latencies);
    const waits = run.samples.flatMap((s) => s.targets.azure?.waits ?? []);
    const status: Record<string, number> = {};
    for (const s of run.samples)
      for (const [k, v] of Object.entries(s.http.status)) status[k] = (status[k] ?? 0) + v;
    expect(run.summary.requests).toBe(latencies.length);
    expect(run.summary.status).toEqual(status);
    expect(run.summary.latency?.p50).toBe(rank(latencies, 0.5));
    expect(run.summary.latency?.p99).toBe(rank(latencies, 0.99));
    expect(run.summary.latency?.max).toBe(Math.max(...latencies));
    expect(run.summary.targets.azure?.acquire?.p99).toBe(rank(waits, 0.99));
    const peakActive = Math.max(...run.samples.map((s) => s.targets.azure?.pool?.active ?? 0));
    expect(run.summary.targets.azure?.peakActive).toBe(peakActive);

    const html = await readFile(files.html, 'utf8');
    const value = (key: string) =>
      html.match(new RegExp(`data-k="${key.replace('.', '\\.')}" data-v="([^"]*)"`))?.[1];
    expect(Number(value('run0.requests'))).toBe(latencies.length);
    expect(Number(value('run0.latency.p99'))).toBe(rank(latencies, 0.99));
    expect(Number(value('run0.azure.peakActive'))).toBe(peakActive);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('<svg');
    for (const o of json.observations)
      expect(html).toContain(
        o.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;'),
      );
    expect(files.pngs.length).toBeGreaterThanOrEqual(6);
    for (const png of files.pngs) {
      const bytes = await readFile(png);
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    }
    // Nothing secret in the artefacts: the test user's password is only in its URL spec.
    const secret = f.config.targets[0]?.url.password.reveal();
    expect(secret).toBeTruthy();
    expect(await readFile(files.json, 'utf8')).not.toContain(secret);
    expect(html).not.toContain(secret);
  });
});
