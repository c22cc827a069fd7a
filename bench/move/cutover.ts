/**
 * Cutover write downtime on the carepool sandbox (issue 17): a private sandbox (azure + gcp, binary logs with
 * GTIDs, as `carepool sandbox start` runs them), a table copied azure → gcp and replicated, and writers that
 * insert without pause as the app user (no SUPER: read_only stops them) through a target registry that
 * follows the cutover record exactly as the web app does. Cutovers alternate azure → gcp → azure with
 * reverse replication. Two figures per cutover: what `cutover` reports (source read-only until the switch
 * is recorded) and the longest gap between two successful inserts the writers saw.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { copyTables, cutover, startReplication } from '../../src/move/index.js';
import { followCutovers } from '../../src/move/cutover-record.js';
import { type SandboxState, startSandbox, stopSandbox, userUrl } from '../../src/sandbox/index.js';

/** One measured cutover. */
export interface CutoverSample {
  readonly direction: string;
  readonly verify: boolean;
  readonly reportedMs: number;
  readonly observedGapMs: number;
  readonly failedWrites: number;
  readonly writes: number;
}

const ROWS = 20_000;

/** Runs `rounds` cutovers (alternating directions, final verify on and off) and returns the samples. */
export async function measureCutovers(rounds: number): Promise<CutoverSample[]> {
  const home = await mkdtemp(join(tmpdir(), 'carepool-cutover-bench-'));
  const samples: CutoverSample[] = [];
  let state: SandboxState | undefined;
  try {
    state = await startSandbox({ home, ports: 'free' });
    const servers = state.servers;
    const url = (name: string, who: 'admin' | 'app') => userUrl(servers[name] as never, who);
    const admin = await connectSingle('azure', parseConnectionUrl('a', url('azure', 'admin')), {
      connectTimeoutMs: 5000,
      keepAliveMs: 0,
    });
    await admin.query(
      sql.raw('CREATE TABLE clinic.cbench (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL, at DATETIME(3))'),
    );
    await admin.query(
      sql.raw(`INSERT INTO clinic.cbench (v, at) SELECT CONCAT('seed ', seq), NOW(3) FROM seq_1_to_${ROWS}`),
    );
    await admin.close();
    const env = (who: 'admin' | 'app') => ({
      CAREPOOL_TARGETS: 'azure,gcp',
      CAREPOOL_TARGET_AZURE_URL: url('azure', who),
      CAREPOOL_TARGET_GCP_URL: url('gcp', who),
    });
    const ops = new TargetRegistry(loadConfig({ env: env('admin'), dotenv: false, cwd: home }));
    const app = new TargetRegistry(loadConfig({ env: env('app'), dotenv: false, cwd: home }));
    const carepoolHome = join(home, '.carepool');
    const unfollow = await followCutovers(app, carepoolHome);
    try {
      const manifestPath = join(home, 'copy.json');
      await copyTables(ops.get('azure'), ops.get('gcp'), { manifestPath, tables: ['cbench'] });
      await startReplication(ops.get('azure'), ops.get('gcp'), manifestPath);
      let [from, to] = ['azure', 'gcp'];
      for (let round = 0; round < rounds; round++) {
        const verify = round % 2 === 0;
        const sample = await writeThrough(app, async () => {
          // Let replication settle and the writers run a moment before the switch.
          await new Promise((r) => setTimeout(r, 1000));
          return cutover(ops.get(from), ops.get(to), {
            home: carepoolHome,
            reverse: true,
            verify,
            tables: ['cbench'],
            waitSeconds: 30,
          });
        });
        if (!sample.result.ok)
          throw new Error(`cutover ${from} → ${to} failed: ${JSON.stringify(sample.result.phases)}`);
        samples.push({
          direction: `${from} → ${to}`,
          verify,
          reportedMs: sample.result.writeDowntimeMs ?? -1,
          observedGapMs: sample.gapMs,
          failedWrites: sample.failed,
          writes: sample.ok,
        });
        [from, to] = [to, from];
      }
    } finally {
      unfollow();
      await app.close(1000);
      await ops.close(1000);
    }
  } finally {
    await stopSandbox(home).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
  return samples;
}

/** Two writers insert into `azure` (as the app names it) while `action` runs; returns the longest gap. */
async function writeThrough<T>(
  app: TargetRegistry,
  action: () => Promise<T>,
): Promise<{ result: T; gapMs: number; ok: number; failed: number }> {
  let running = true;
  let last = performance.now();
  let gapMs = 0;
  let ok = 0;
  let failed = 0;
  const writer = async (n: number) => {
    while (running) {
      try {
        await app.get('azure').sql.query(sql`INSERT INTO cbench (v, at) VALUES (${`writer ${n}`}, NOW(3))`);
        const now = performance.now();
        gapMs = Math.max(gapMs, now - last);
        last = now;
        ok++;
      } catch {
        failed++;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const writers = [writer(1), writer(2)];
  try {
    const result = await action();
    // Writes resume on the new primary: wait for some before stopping, so the gap closes.
    const until = ok + 20;
    const deadline = performance.now() + 30_000;
    while (ok < until && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return { result, gapMs: Math.round(gapMs), ok, failed };
  } finally {
    running = false;
    await Promise.all(writers);
  }
}
