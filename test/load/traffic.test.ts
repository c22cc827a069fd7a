import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioPhases } from '../../src/load/index.js';
import { Traffic } from '../../src/load/traffic.js';

// The load generator's own bookkeeping, against a trivial local HTTP server (no database is involved).
const server = createServer((_req, res) => {
  setTimeout(() => res.end('{}'), 2);
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('Traffic', () => {
  it('reports the offered concurrency of a ramp step by step, never two steps at once', async () => {
    const phases = scenarioPhases('ramp', { durationS: 1, connections: 10, poolMax: 2, slowMs: 0 });
    const traffic = new Traffic({ url, phases, pick: () => '/', maxRequests: 100_000, timeoutS: 5 });
    const seen: number[] = [];
    const probe = setInterval(() => seen.push(traffic.concurrency), 1);
    const totals = await traffic.run();
    clearInterval(probe);
    expect(totals.responses).toBeGreaterThan(0);
    // Every reading is one of the steps (2, 4, 6, 8, 10) or 0 before the first starts / after the last.
    expect(new Set(seen.filter((c) => ![0, 2, 4, 6, 8, 10].includes(c)))).toEqual(new Set());
    expect(Math.max(...seen)).toBe(10);
    expect(traffic.concurrency).toBe(0);
  });
});
