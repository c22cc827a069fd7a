import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import type { TargetRegistry } from '../../src/db/targets.js';
import type { LiveSnapshot } from '../../src/load/index.js';
import { buildApp } from '../../src/web/app.js';
import { sandboxRegistry } from '../harness/targets.js';

let app: FastifyInstance;
let registry: TargetRegistry;
let base: string;

beforeAll(async () => {
  registry = sandboxRegistry({ CAREPOOL_POOL_MAX: '3' });
  app = await buildApp({ registry, security: 'none' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await app?.close();
  await registry?.close(1000);
});

/** Reads `count` SSE messages from the live feed, running `during` meanwhile. */
async function readEvents(count: number, during: () => Promise<unknown>): Promise<LiveSnapshot[]> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/live?interval=100`, { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: LiveSnapshot[] = [];
  const work = during();
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as ReadableStream<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    const parts = buffer.split('\n\n');
    buffer = parts.pop() ?? '';
    for (const p of parts) {
      const data = p.split('\n').find((l) => l.startsWith('data: '));
      if (data) events.push(JSON.parse(data.slice(6)) as LiveSnapshot);
    }
    if (events.length >= count) break;
  }
  controller.abort();
  await work;
  return events;
}

describe('live pool view', () => {
  it('streams pool gauges and acquire-wait percentiles of every target as SSE', async () => {
    const azure = registry.get('azure');
    const events = await readEvents(6, async () => {
      for (let i = 0; i < 30; i++) await azure.sql.query(sql`SELECT 1`);
    });
    expect(events.length).toBeGreaterThanOrEqual(6);
    const first = events[0];
    expect(first?.intervalMs).toBe(100);
    expect(first?.targets.map((t) => t.name)).toEqual(['azure', 'gcp']);
    expect(first?.targets[0]?.pool).toMatchObject({ max: 3, circuit: 'closed' });
    const withWaits = events
      .flatMap((e) => e.targets)
      .filter((t) => t.name === 'azure' && t.acquire !== null);
    expect(withWaits.length).toBeGreaterThan(0);
    const a = withWaits[0]?.acquire;
    expect(a?.count).toBeGreaterThan(0);
    expect(a?.p50).toBeLessThanOrEqual(a?.p99 ?? -1);
  });

  it('rejects an interval out of range and serves the page with its script', async () => {
    expect((await app.inject({ url: '/api/v1/live?interval=5' })).statusCode).toBe(400);
    const page = await app.inject({ url: '/live' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-live-target="azure"');
    expect(page.body).toContain('data-live-target="gcp"');
    expect(page.body).toContain('src="/static/live.js"');
    expect(page.body).toMatch(/<meter min="0" max="3"/);
    const script = await app.inject({ url: '/static/live.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain("new EventSource('/api/v1/live')");
    // uPlot's own files, served from this server (node_modules), cacheable by ETag.
    expect(page.body).toContain('src="/static/uplot.iife.min.js"');
    expect(page.body).toContain('href="/static/uplot.min.css"');
    const uplot = await app.inject({ url: '/static/uplot.iife.min.js' });
    expect(uplot.statusCode).toBe(200);
    expect(uplot.headers['content-type']).toContain('javascript');
    expect(uplot.body).toContain('uPlot');
    const again = await app.inject({
      url: '/static/uplot.iife.min.js',
      headers: { 'if-none-match': String(uplot.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const css = await app.inject({ url: '/static/uplot.min.css' });
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body).toContain('.u-legend');
  });

  it('ends open streams when the server closes', async () => {
    const other = await buildApp({ registry, security: 'none' });
    await other.listen({ host: '127.0.0.1', port: 0 });
    const address = other.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/live?interval=100`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await other.close();
    // The stream ends instead of holding close() open.
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});
