import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGateways, readState } from '../../src/sandbox/index.js';
import { hammer } from './http.js';
import { type Carepool, type Stack, startStack } from './stack.js';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;
const PATH = '/api/v1/targets/azure/patients?limit=20';

/** Runs the built CLI against the stack's home; resolves with exit code and output. */
function cli(home: string, args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CAREPOOL_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/** True while `pid` runs (a zombie left for a parent that does not reap it counts as gone). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
};

/** Issue 14 item 9: kill -9 of a sandbox server while carepool serves under load. */
describe('sandbox crash recovery', () => {
  let stack: Stack;
  let carepool: Carepool;

  beforeAll(async () => {
    // azure: the profile with a TLS gateway in front, the one that used to leave an orphan behind.
    stack = await startStack({ profiles: ['azure'], patients: 200 });
    carepool = await stack.startCarepool({ CAREPOOL_POOL_MAX: '10' });
  });
  afterAll(async () => stack?.stop());

  it('sandbox start restarts on the same port, reaps the orphaned gateway, and serve answers 200 again within 10 s', async () => {
    const before = stack.server('azure');
    expect(before.gatewayPid).toBeGreaterThan(0);
    const load = hammer({
      url: carepool.url,
      headers: stack.auth,
      paths: [PATH],
      connections: 20,
      durationS: 8,
      timeoutS: 20,
    });
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(before.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1500));
    // The gateway outlived its server: that is the orphan `sandbox start` must deal with.
    expect(alive(before.gatewayPid)).toBe(true);

    const start = await cli(stack.home, ['sandbox', 'start', '--json']);
    expect(start.code, start.out).toBe(0);
    // `sandbox start` returns once the server accepts connections: the clock starts here, so the server's
    // own restart time is not counted.
    const back = performance.now();
    let recoveredMs = -1;
    while (performance.now() - back < 20_000) {
      const r = await fetch(`${carepool.url}${PATH}`, { headers: stack.auth }).catch(() => undefined);
      if (r?.status === 200) {
        recoveredMs = performance.now() - back;
        break;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    const run = await load;
    const after = (await readState(stack.home)).servers.azure;
    const gateways = (await findGateways()).filter((g) => g.port === before.port);
    console.log(
      'sandbox crash:',
      JSON.stringify({
        recoveredMs: Math.round(recoveredMs),
        port: [before.port, after?.port],
        gateways: gateways.map((g) => g.pid),
        statuses: [...new Set(run.seen.map((s) => s.status))],
      }),
    );
    expect(after?.port).toBe(before.port);
    expect(after?.pid).not.toBe(before.pid);
    expect(alive(before.gatewayPid)).toBe(false);
    expect(gateways.map((g) => g.pid)).toEqual([after?.gatewayPid]);
    expect(recoveredMs).toBeGreaterThanOrEqual(0);
    expect(recoveredMs).toBeLessThanOrEqual(10_000);
    // During the outage the load saw 200s and 503 + Retry-After, never a hang or another status.
    expect(run.seen.every((s) => s.status === 200 || (s.status === 503 && s.retryAfter))).toBe(true);
    expect(run.seen.some((s) => s.status === 503)).toBe(true);
    expect(run.errors).toBe(0);
  });

  it('sandbox stop also reaps the gateway of a server that was killed', async () => {
    const state = stack.server('azure');
    const current = (await readState(stack.home)).servers.azure ?? state;
    process.kill(current.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(alive(current.gatewayPid)).toBe(true);
    const stop = await cli(stack.home, ['sandbox', 'stop']);
    expect(stop.code, stop.out).toBe(0);
    expect((await findGateways()).filter((g) => g.port === current.port)).toEqual([]);
    expect(alive(current.gatewayPid)).toBe(false);
  });

  it('refuses to move a recorded server to another port: CAREPOOL_SANDBOX_PORT_TAKEN when a foreign process holds it', async () => {
    const current = (await readState(stack.home)).servers.azure;
    if (current === undefined) throw new Error('no azure server recorded');
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(current.port, '127.0.0.1', resolve));
    try {
      const start = await cli(stack.home, ['sandbox', 'start', '--json']);
      expect(start.code).toBe(1);
      expect(start.out).toContain('CAREPOOL_SANDBOX_PORT_TAKEN');
      expect(start.out).toContain(String(current.port));
      expect((await readState(stack.home)).servers.azure?.port).toBe(current.port);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
