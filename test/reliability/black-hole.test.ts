import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hammer, percentile } from './http.js';
import { type Carepool, type Stack, startStack } from './stack.js';

/** A local listener that accepts TCP and then never says a word (a firewall dropping packets after SYN-ACK). */
async function listen(
  onSocket: (s: Socket) => void,
): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, sockets };
}

/** The first packet (server greeting) a real MySQL-compatible server sends. */
function greetingOf(port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUIntLE(0, 3)) {
        s.destroy();
        resolve(buf.subarray(0, 4 + buf.readUIntLE(0, 3)));
      }
    });
    s.on('error', reject);
  });
}

const CONNECT_TIMEOUT_MS = 3000;
const CONNECTIONS = 40;
const DURATION_S = 8;

/** Scenario 3: a target that accepts TCP but never speaks, or never completes TLS. */
describe('black-holed targets', () => {
  let stack: Stack;
  let carepool: Carepool;
  const holes: { server: Server; sockets: Set<Socket> }[] = [];

  beforeAll(async () => {
    stack = await startStack({ profiles: ['gcp'] });
    const silent = await listen(() => undefined);
    // Speaks the real greeting (TLS offered), then goes silent once the client asks for TLS.
    const greeting = await greetingOf(stack.server('gcp').port);
    const stalled = await listen((s) => s.write(greeting));
    holes.push(silent, stalled);
    carepool = await stack.startCarepool({
      CAREPOOL_TARGETS: 'gcp,silent,stalled',
      CAREPOOL_TARGET_SILENT_URL: `mysql://app:pw@127.0.0.1:${silent.port}/clinic?ssl-mode=DISABLED`,
      CAREPOOL_TARGET_STALLED_URL: `mysql://app:pw@127.0.0.1:${stalled.port}/clinic?ssl-mode=REQUIRED`,
      CAREPOOL_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    });
  });
  afterAll(async () => {
    for (const h of holes) {
      for (const s of h.sockets) s.destroy();
      h.server.close();
    }
    await stack?.stop();
  });

  it('fails requests to them at the connect timeout at most, without hurting the healthy target or leaking slots', async () => {
    const paths = [
      '/api/v1/targets/gcp/patients?limit=10',
      '/api/v1/targets/silent/patients?limit=10',
      '/api/v1/targets/gcp/patients/5',
      '/api/v1/targets/stalled/patients?limit=10',
    ];
    const run = await hammer({
      url: carepool.url,
      headers: stack.auth,
      paths,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      timeoutS: 20,
    });
    const byTarget = (t: string) => run.seen.filter((s) => s.path.includes(`/targets/${t}/`));
    const healthy = byTarget('gcp');
    // Not hurt: more healthy answers than the clients could get if every black-holed request in their
    // rotation held them for a connect timeout (a count derived from the setting, not a throughput figure).
    expect(healthy.length).toBeGreaterThan((CONNECTIONS * DURATION_S * 1000) / CONNECT_TIMEOUT_MS);
    expect(healthy.every((s) => s.status === 200)).toBe(true);
    for (const t of ['silent', 'stalled']) {
      const seen = byTarget(t);
      expect(seen.length).toBeGreaterThan(10);
      expect(seen.every((s) => s.status === 503 && s.retryAfter)).toBe(true);
      // Bounded by the connect timeout (with as much again for a busy machine's scheduling): nobody waits
      // for the client's 20 s timeout.
      expect(Math.max(...seen.map((s) => s.ms))).toBeLessThan(2 * CONNECT_TIMEOUT_MS);
      // The circuit opens: most of them fail fast instead of each waiting out the connect timeout.
      expect(
        percentile(
          seen.map((s) => s.ms),
          50,
        ),
      ).toBeLessThan(CONNECT_TIMEOUT_MS);
    }
    expect(run.errors).toBe(0);
    await new Promise((r) => setTimeout(r, 3500)); // let a probe that was in flight at the end time out
    const metrics = await (await fetch(`${carepool.url}/metrics`, { headers: stack.auth })).text();
    for (const t of ['silent', 'stalled']) {
      // No connection slot stays stuck in "connecting" once the attempts have timed out.
      expect(metrics).toMatch(new RegExp(`carepool_pool_connections\\{target="${t}"\\} 0`));
    }
  });
});
