import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import { isAppError } from '../../src/errors/index.js';
import { type ServerState, startSandbox, stopSandbox, userUrl } from '../../src/sandbox/index.js';
import { finding, fullOutput, passwordsOf, targetFromUrl } from './helpers.js';

// A private server of its own: a tiny max_connections must not starve the shared sandbox of other test files.
// MariaDB raises --max-connections below 10 to 10 (its minimum), so the tests read the value the server uses.
let home: string;
let server: ServerState;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'carepool-doctor-'));
  const state = await startSandbox({
    home,
    profiles: ['gcp'],
    ports: 'free',
    extraArgs: ['--max-connections=5'],
  });
  const gcp = state.servers.gcp;
  if (!gcp) throw new Error('no private gcp server');
  server = gcp;
});

afterAll(async () => {
  if (home) {
    await stopSandbox(home);
    await rm(home, { recursive: true, force: true });
  }
});

describe('a server with max_connections below the pool', () => {
  it('fails the max_connections check with the numbers, the 1040 consequence and a pool size that fits', async () => {
    const d = await diagnoseTarget(targetFromUrl('gcp', userUrl(server, 'app')), { appInstances: 1 });
    const f = finding(d, 'max_connections');
    const max = Number(f.data?.maxConnections);
    expect(max).toBeGreaterThanOrEqual(5);
    expect(max).toBeLessThan(20);
    expect(f).toMatchObject({ status: 'fail', code: 'CAREPOOL_DOCTOR_MAX_CONNECTIONS' });
    expect(f.summary).toContain(
      `pool max 20 × 1 app instance = 20 connections; server max_connections ${max}`,
    );
    expect(f.cause).toContain(`the server allows only ${max}`);
    expect(f.cause).toContain('error 1040 "Too many connections"');
    expect(f.fix).toContain(`CAREPOOL_TARGET_GCP_POOL_MAX=${Math.floor(max * 0.85)}`);
    expect(d.status).toBe('fail');
    for (const p of passwordsOf(server))
      expect(fullOutput({ targets: [d], across: [], status: d.status })).not.toContain(p);
  });

  it('with every slot taken, the doctor fails the target and explains error 1040 (find who holds them, lower the pools)', async () => {
    const spec = parseConnectionUrl('t', userUrl(server, 'app'));
    const held: SingleConnection[] = [];
    // What a busy machine does not change: the server refuses connections past max_connections, so the
    // target can never look healthy. What it does change: when the refusal comes (a closed connection's
    // slot is freed only once its server thread has ended) and its form — mostly the 1040 packet, sometimes
    // a reset of a handshake already under way. So: fill until the server itself says 1040, then require
    // every doctor run to fail at the connection, and the 1040 to be explained whenever it arrives.
    const connectionFailures = new Set([
      'CAREPOOL_DB_TOO_MANY_CONNECTIONS',
      'CAREPOOL_DB_CONNECTION_LOST',
      'CAREPOOL_DOCTOR_NO_GREETING',
      'CAREPOOL_DB_TLS_FAILED',
      'CAREPOOL_DB_CONNECT_TIMEOUT',
    ]);
    try {
      let refusedWith1040 = false;
      for (let attempts = 0; attempts < 60 && !refusedWith1040; attempts++) {
        try {
          held.push(await connectSingle('gcp', spec, { connectTimeoutMs: 5000, keepAliveMs: 0 }));
        } catch (error) {
          // Only the server's own answer ends the filling; a timeout or reset on a busy machine is retried.
          refusedWith1040 = isAppError(error, 'CAREPOOL_DB_TOO_MANY_CONNECTIONS');
        }
      }
      expect(refusedWith1040).toBe(true);
      expect(held.length).toBeGreaterThanOrEqual(5);
      let explained: ReturnType<typeof finding> | undefined;
      for (let run = 0; run < 5 && explained === undefined; run++) {
        const d = await diagnoseTarget(targetFromUrl('gcp', userUrl(server, 'app')));
        const listing = d.findings
          .map((x) => `${x.check} ${x.status} ${x.code ?? ''} ${x.summary}`)
          .join('\n');
        expect(d.status, listing).toBe('fail');
        const failed = d.findings.find((x) => x.status === 'fail');
        expect(connectionFailures.has(failed?.code ?? ''), listing).toBe(true);
        explained = d.findings.find((x) => x.code === 'CAREPOOL_DB_TOO_MANY_CONNECTIONS');
      }
      expect(explained).toBeDefined();
      expect(explained?.cause).toContain('max_connections reached, error 1040');
      expect(explained?.fix).toContain('SHOW PROCESSLIST');
    } finally {
      await Promise.all(held.map((c) => c.close()));
    }
  });
});
