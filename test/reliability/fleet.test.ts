import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { staleAfterMs } from '../../src/fleet/index.js';
import { createWithRetries, isRetryLater, storedWrites } from './fleet-client.js';
import { type Answer, call } from './http.js';
import { type Haproxy, runHaproxy } from './haproxy.js';
import { appConnections, type Stack, startStack } from './stack.js';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;
const EXAMPLE = new URL('../../docs/examples/haproxy.cfg', import.meta.url).pathname;

/** The connections of the server the three instances may hold together (max_connections − headroom). */
const BUDGET = 30;
const POOL_MAX = 20;
const HEARTBEAT_MS = 500;
const READERS = 24;
const WRITERS = 4;
const DRAIN_DELAY_MS = 2500;

interface Instance {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
}

/** `carepool serve` (the built CLI) on a free port. */
async function serve(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 300; i++) {
    const m = /carepool is serving (http:\/\/\S+)/.exec(out);
    if (m?.[1]) return { url: m[1], child, output: () => out };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`carepool serve did not start:\n${out}`);
}

/** docs/examples/haproxy.cfg as written, with its listen port and server ports swapped for the test's. */
function exampleConfig(example: string, port: number, backends: readonly Instance[]): string {
  let config = example.replace('bind 127.0.0.1:8080', `bind 127.0.0.1:${port}`);
  backends.forEach((b, i) => {
    config = config.replace(`127.0.0.1:${3001 + i} check`, `127.0.0.1:${new URL(b.url).port} check`);
  });
  return config;
}

/** One failed sign-in: the form from `formFrom`, posted to `postTo` (two instances behind one address). */
async function failSignIn(formFrom: string, postTo: string, username: string): Promise<number> {
  const page = await fetch(`${formFrom}/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const cookie = (page.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(`${postTo}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ username, password: 'not-the-password', _csrf: token }).toString(),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('a fleet of three carepool serve instances behind HAProxy', () => {
  let stack: Stack;
  const instances: Instance[] = [];
  let lb: Haproxy | undefined;

  beforeAll(async () => {
    stack = await startStack({ profiles: ['azure'], patients: 100 });
    const admin = await stack.admin('azure');
    let maxConnections: number;
    try {
      const { rows } = await admin.query<{ mc: number }>(sql`SELECT @@max_connections AS mc`);
      maxConnections = Number(rows[0]?.mc);
    } finally {
      await admin.close();
    }
    const env = {
      ...stack.env,
      CAREPOOL_POOL_MAX: String(POOL_MAX),
      CAREPOOL_FLEET_HEADROOM: String(maxConnections - BUDGET),
      CAREPOOL_FLEET_HEARTBEAT_MS: String(HEARTBEAT_MS),
      // Every instance behind one address signs the same session cookies.
      CAREPOOL_SESSION_SECRET: randomBytes(32).toString('base64url'),
      // HAProxy's fall 2 × inter 1 s, plus a margin: it stops sending before the listener closes.
      CAREPOOL_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
    };
    for (let i = 0; i < 3; i++) instances.push(await serve(env));
  });
  afterAll(async () => {
    await lb?.stop();
    for (const i of instances)
      if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    await stack?.stop();
  });

  async function poolRows(): Promise<number[]> {
    const admin = await stack.admin('azure');
    try {
      const { rows } = await admin.query<{ pool_max: number }>(
        sql`SELECT pool_max FROM clinic.carepool_instances ORDER BY pool_max`,
      );
      return rows.map((r) => Number(r.pool_max));
    } finally {
      await admin.close();
    }
  }

  async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return check();
  }

  it('share the budget, never hold more server connections than it under load, and killing one loses no request beyond those it was serving', async () => {
    // Each says at start what the fleet made of its pool (the first one had the server to itself).
    expect(instances[0]?.output()).toMatch(
      /fleet: azure pool \d+ \(\d instance\(s\) share max_connections \d+\)/,
    );
    // The three converge on budget ÷ 3 within a few beats.
    expect(await until(async () => (await poolRows()).join() === '10,10,10', 20 * HEARTBEAT_MS)).toBe(true);
    const example = await readFile(EXAMPLE, 'utf8');
    lb = await runHaproxy((port) => exampleConfig(example, port, instances));
    // rise 2 × inter 1 s: wait until HAProxy sends to every instance.
    await new Promise((r) => setTimeout(r, 3000));

    const admin = await stack.admin('azure');
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await appConnections(admin, stack.server('azure')));
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    const url = lb.url;
    const reads: Answer[] = [];
    const writes: Answer[][] = [];
    let inFlight = 0;
    let running = true;
    let serial = 0;
    const tracked = async <T>(p: () => Promise<T>) => {
      inFlight++;
      try {
        return await p();
      } finally {
        inFlight--;
      }
    };
    const readers = Array.from({ length: READERS }, async (_, r) => {
      while (running) {
        const path = r % 2 === 0 ? '/api/v1/targets/azure/patients?limit=20' : '/api/v1/targets';
        reads.push(await tracked(() => call(url, 'GET', path, stack.auth)));
      }
    });
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      while (running) {
        const n = serial++;
        writes.push(
          await tracked(() =>
            createWithRetries(
              url,
              'azure',
              stack.auth,
              `fleet-key-${n}`,
              `F${w}n${n}`,
              performance.now() + 30_000,
            ),
          ),
        );
      }
    });
    await new Promise((r) => setTimeout(r, 4000));
    const victim = instances[1] as Instance;
    const inFlightAtKill = inFlight;
    const readsBeforeKill = reads.length;
    victim.child.kill('SIGKILL');
    // Past the stale bound, so the survivors grow into the victim's share while the load goes on.
    await new Promise((r) => setTimeout(r, staleAfterMs(HEARTBEAT_MS) + 3000));
    running = false;
    await Promise.all([...readers, ...writers]);
    sampling = false;
    await sampler;
    await admin.close();

    const failedReads = reads.filter((a) => a.status !== 200);
    const finals = writes.map((w) => w.at(-1) as Answer);
    const survivors = await poolRows();
    console.log(
      'fleet:',
      JSON.stringify({
        reads: reads.length,
        readsBeforeKill,
        writes: writes.length,
        writeRetries: writes.reduce((s, w) => s + w.length - 1, 0),
        inFlightAtKill,
        failedReads: failedReads.length,
        failedReadStatuses: [...new Set(failedReads.map((a) => a.status))],
        peakConnections: peak,
        budget: BUDGET,
        survivors,
      }),
    );
    // The fleet never held more of the server's connections than its budget.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(BUDGET);
    // Reads lost to the kill: at most those in flight at that moment, and only ever 503 + Retry-After.
    expect(failedReads.length).toBeLessThanOrEqual(inFlightAtKill);
    expect(failedReads.filter((a) => !isRetryLater(a))).toEqual([]);
    // Writes with an Idempotency-Key: every one landed, exactly once.
    expect(finals.filter((a) => a.status !== 201 && a.status !== 200)).toEqual([]);
    expect(await storedWrites(await stack.admin('azure'))).toEqual({
      rows: writes.length,
      distinct: writes.length,
    });
    // The victim's row went stale and the two survivors took over its share.
    expect(survivors).toEqual([15, 15]);
  });

  it('shares sign-in throttling across instances: failures spread over the survivors add up to one lockout', async () => {
    const [a, , c] = instances as [Instance, Instance, Instance];
    const name = `fleet_${randomBytes(3).toString('hex')}`;
    const statuses: number[] = [];
    // Alternate the instance that serves the form and the one that checks the password.
    for (let i = 0; i < 6; i++)
      statuses.push(await failSignIn(i % 2 ? a.url : c.url, i % 2 ? c.url : a.url, name));
    // THROTTLE.perName = 5: five refusals, then the sixth attempt is throttled whichever instance takes it.
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses[5]).toBe(429);
  });

  it('drains on SIGTERM under load: /readyz 503 for the drain delay, no request through HAProxy fails, the row goes at once', async () => {
    const c = instances[2] as Instance;
    const url = lb?.url ?? '';
    const answers: Answer[] = [];
    let running = true;
    const clients = Array.from({ length: 8 }, async () => {
      while (running) answers.push(await call(url, 'GET', '/api/v1/targets', stack.auth));
    });
    await new Promise((r) => setTimeout(r, 500));
    const exited = new Promise((r) => c.child.once('exit', r));
    const signalled = performance.now();
    c.child.kill('SIGTERM');
    // During the drain delay the instance still answers, but not as ready.
    await new Promise((r) => setTimeout(r, 300));
    const ready = await call(c.url, 'GET', '/readyz', {});
    await exited;
    const exitedAfterMs = performance.now() - signalled;
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await Promise.all(clients);
    console.log(
      'fleet drain:',
      JSON.stringify({ answers: answers.length, exitedAfterMs: Math.round(exitedAfterMs) }),
    );
    expect(ready.status).toBe(503);
    expect(exitedAfterMs).toBeGreaterThanOrEqual(DRAIN_DELAY_MS);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(c.output()).toMatch(/SIGTERM: finishing in-flight requests and draining pools/);
    expect(await until(async () => (await poolRows()).length === 1, 5000)).toBe(true);
  });
});
