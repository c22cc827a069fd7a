import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../../src/auth/index.js';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { MONITOR_MS, NODE_RETRY_MS } from '../../src/galera/router.js';
import { readWsrepStatus } from '../../src/galera/status.js';
import { migrateTarget } from '../../src/migrate/index.js';
import { type GaleraState, galeraNodeUrl, removeGalera, stopGalera } from '../../src/sandbox/galera.js';
import { startGaleraSandbox, withGaleraEnv } from '../../src/sandbox/galera-sandbox.js';
import { seedTarget } from '../../src/seed/index.js';
import { type ServerHandle, startServer } from '../../src/web/server.js';

const CONNECT_TIMEOUT_MS = 3000;

interface Outcome {
  readonly marker: string;
  readonly acked: boolean;
  readonly attempts: number;
  /** performance.now() when the 2xx arrived. */
  readonly at: number;
}

/** Writers POST records with a unique marker and an Idempotency-Key each, retrying with the same key. */
async function writers(url: string, auth: string, count: number, untilMs: number): Promise<Outcome[]> {
  const out: Outcome[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, w) => {
      for (let n = 0; performance.now() < untilMs; n++) {
        const marker = `g${w}-${n}-${randomUUID().slice(0, 8)}`;
        const key = randomUUID();
        let attempts = 0;
        let at = 0;
        while (at === 0 && attempts < 60) {
          attempts++;
          try {
            const r = await fetch(`${url}/api/v1/targets/onprem/patients/1/records`, {
              method: 'POST',
              headers: { authorization: auth, 'content-type': 'application/json', 'idempotency-key': key },
              body: JSON.stringify({ diagnosis: marker, admission_date: '2024-05-01' }),
              signal: AbortSignal.timeout(15_000),
            });
            await r.arrayBuffer();
            if (r.status === 201) at = performance.now();
            else await new Promise((res) => setTimeout(res, 200));
          } catch {
            await new Promise((res) => setTimeout(res, 200));
          }
        }
        out.push({ marker, acked: at > 0, attempts, at });
      }
    }),
  );
  return out;
}

describe('Galera: kill -9 one node under write load', () => {
  let home: string;
  let state: GaleraState;
  let server: ServerHandle;
  let auth: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'carepool-rel-galera-'));
    state = (await startGaleraSandbox(home, { size: 3, ports: 'free' }))!;
    const env = {
      ...withGaleraEnv({}, state),
      CAREPOOL_HOME: home,
      CAREPOOL_LOG_LEVEL: 'warn',
      CAREPOOL_POOL_MAX: '9',
      CAREPOOL_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    };
    const config = loadConfig({ env, dotenv: false, cwd: home });
    const registry = new TargetRegistry(config);
    try {
      const target = registry.get('onprem');
      const r = await migrateTarget(target);
      if (!r.ok) throw new Error(`migration failed: ${r.error?.message}`);
      await seedTarget(target, { patients: 20, recordsPerPatient: 1, seed: 3, reset: true });
      const users = new UserStore(registry);
      await users.upsertUser('reliability', 'clinician', randomBytes(18).toString('base64url'));
      auth = `Bearer ${await users.createToken('reliability', 'reliability')}`;
    } finally {
      await registry.close(1000);
    }
    server = await startServer({ config, port: 0, host: '127.0.0.1' });
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    if (state) await removeGalera(await stopGalera(state));
    if (home) await rm(home, { recursive: true, force: true });
  }, 120_000);

  it('every acknowledged write is on the survivors exactly once, writes resume, the node rejoins and catches up', async () => {
    const start = performance.now();
    const writing = writers(server.url, auth, 6, start + 30_000);
    await new Promise((r) => setTimeout(r, 6000));
    const victim = state.nodes[2]!;
    const killedAt = performance.now();
    process.kill(victim.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 10_000));
    // Restart while the writers go on: the node rejoins (state transfer from a survivor).
    state = (await startGaleraSandbox(home))!;
    const outcomes = await writing;

    const acked = outcomes.filter((o) => o.acked);
    const after = acked.filter((o) => o.at > killedAt).sort((a, b) => a.at - b.at);
    // The longest stretch without any acknowledged write, from the kill to the end of the load.
    let longestPause = 0;
    for (let i = 0, prev = killedAt; i < after.length; prev = after[i]!.at, i++)
      longestPause = Math.max(longestPause, after[i]!.at - prev);
    console.log(
      'galera writes:',
      JSON.stringify({
        attempted: outcomes.length,
        acked: acked.length,
        retried: outcomes.filter((o) => o.attempts > 1).length,
        failed: outcomes.length - acked.length,
        firstAckAfterKillMs: after[0] ? Math.round(after[0].at - killedAt) : null,
        longestPauseAfterKillMs: Math.round(longestPause),
      }),
    );
    expect(outcomes.length - acked.length).toBe(0);
    // Writes went on: no pause after the kill longer than a bound derived from the settings (the cluster's
    // 5 s evs.suspect_timeout, a connect timeout, the router's retry and monitor periods), times 3.
    expect(after.length).toBeGreaterThan(10);
    expect(after[0]!.at - killedAt).toBeLessThan(
      3 * (5000 + CONNECT_TIMEOUT_MS + NODE_RETRY_MS + MONITOR_MS),
    );

    // Every node, the rejoined one included, holds every acknowledged write exactly once.
    for (const node of state.nodes) {
      const conn = await connectSingle(
        `onprem-${node.index}`,
        parseConnectionUrl('check', galeraNodeUrl(state, node, 'admin')),
        { connectTimeoutMs: 5000, keepAliveMs: 0 },
      );
      try {
        const status = await readWsrepStatus(conn);
        expect([status.state, status.clusterSize]).toEqual(['Synced', 3]);
        await conn.query(sql`SET SESSION wsrep_sync_wait = 1`);
        const { rows } = await conn.query<{ diagnosis: string; n: number }>(
          sql`SELECT diagnosis, COUNT(*) AS n FROM clinic.medical_records WHERE diagnosis LIKE 'g%' GROUP BY diagnosis`,
        );
        const counts = new Map(rows.map((r) => [r.diagnosis, Number(r.n)]));
        for (const o of acked) expect(counts.get(o.marker), `${o.marker} on node ${node.index}`).toBe(1);
        for (const [marker, n] of counts) expect(n, marker).toBe(1);
      } finally {
        await conn.close();
      }
    }
  });
});
