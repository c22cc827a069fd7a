/**
 * kill -9 of `carepool cutover` while the source is read-only (during the final verify), on a private
 * `carepool sandbox` through the built CLI: the source stays read-only and replication keeps running, so
 * nothing is lost; running the same cutover again converges (every phase, the switch recorded).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { type AppError, isAppError } from '../../src/errors/index.js';
import { readState, sandboxEnv, userUrl } from '../../src/sandbox/index.js';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

/** The built CLI in a private working directory (its own HOME and .carepool home: sandbox mode). */
async function workdir() {
  const dir = await mkdtemp(join(tmpdir(), 'carepool-move-kill-'));
  const options = { env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
  return {
    home: join(dir, '.carepool'),
    run: (args: string[]) =>
      promisify(execFile)(process.execPath, [BIN, ...args], { ...options, maxBuffer: 2 ** 24 }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          code: e.code ?? -1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? '',
        }),
      ),
    start: (args: string[]) => spawn(process.execPath, [BIN, ...args], { ...options, stdio: 'ignore' }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

let w: Awaited<ReturnType<typeof workdir>>;
let azure: SingleConnection;

const readOnly = async (c: SingleConnection) =>
  Number((await c.query<{ r: number }>(sql`SELECT @@GLOBAL.read_only AS r`)).rows[0]?.r);

beforeAll(async () => {
  w = await workdir();
  for (const args of [
    ['sandbox', 'start', '--free-ports'],
    ['migrate', 'up', '--target', 'all'],
  ]) {
    const r = await w.run(args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stdout}${r.stderr}`);
  }
  const s = (await readState(w.home)).servers.azure;
  if (s === undefined) throw new Error('no azure server');
  azure = await connectSingle('azure', parseConnectionUrl('admin', userUrl(s, 'admin')), {
    connectTimeoutMs: 5000,
    keepAliveMs: 0,
  });
  // Enough rows that the final verify lasts a while: the kill lands inside it.
  await azure.query(sql.raw('CREATE TABLE clinic.bulk (id INT PRIMARY KEY, v VARCHAR(64) NOT NULL)'));
  await azure.query(sql.raw("INSERT INTO clinic.bulk SELECT seq, REPEAT('x', 60) FROM seq_1_to_400000"));
  for (const args of [
    ['copy', '--from', 'azure', '--to', 'gcp', '--truncate'],
    ['replicate', 'start', '--from', 'azure', '--to', 'gcp'],
  ]) {
    const r = await w.run(args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stdout}${r.stderr}`);
  }
}, 300_000);
afterAll(async () => {
  await azure?.close().catch(() => undefined);
  await w?.run(['sandbox', 'stop']).catch(() => undefined);
  await w?.remove();
});

describe('kill -9 during cutover', { timeout: 300_000 }, () => {
  it('leaves the source read-only with replication running; the rerun converges', async () => {
    const last = join(w.home, 'move', 'last-cutover.json');
    const cli = w.start(['cutover', '--from', 'azure', '--to', 'gcp']);
    const exited = new Promise<string | null>((resolve) =>
      cli.once('exit', (_code, signal) => resolve(signal)),
    );
    // Wait until the replica has caught up (the next phase is the final verify), then kill.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const phases = await readFile(last, 'utf8')
        .then((t) => (JSON.parse(t) as { phases: { phase: string }[] }).phases.map((p) => p.phase))
        .catch(() => [] as string[]);
      if (phases.includes('wait-for-replica')) {
        expect(phases).not.toContain('final-verify');
        break;
      }
      if (Date.now() > deadline) throw new Error('cutover never reached the final verify');
      await new Promise((r) => setTimeout(r, 20));
    }
    cli.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await readOnly(azure)).toBe(1);
    // The app's writes meanwhile: a retryable 503 with its code, not an unknown failure.
    const app = new TargetRegistry(
      loadConfig({ env: sandboxEnv(await readState(w.home)), dotenv: false, cwd: w.home }),
    );
    const refused = await app
      .get('azure')
      .sql.query(sql`INSERT INTO bulk (id, v) VALUES (900001, 'while read-only')`)
      .catch((e: unknown) => e);
    await app.close(1000);
    expect(isAppError(refused, 'CAREPOOL_DB_READ_ONLY')).toBe(true);
    expect((refused as AppError).meta.retryAfterS).toBe(1);
    const status = await w.run(['replicate', 'status', '--from', 'azure', '--to', 'gcp', '--json']);
    expect((JSON.parse(status.stdout) as { replicate: { running: boolean } }).replicate.running).toBe(true);

    const again = await w.run(['cutover', '--from', 'azure', '--to', 'gcp', '--json']);
    const result = (JSON.parse(again.stdout) as { cutover: { ok: boolean; phases: { phase: string }[] } })
      .cutover;
    expect(again.code).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.phases.map((p) => p.phase)).toEqual([
      'preflight',
      'source-read-only',
      'capture-position',
      'wait-for-replica',
      'final-verify',
      'promote',
      'switch-app',
    ]);
    const record = JSON.parse(await readFile(join(w.home, 'move', 'cutover.json'), 'utf8')) as {
      redirects: Record<string, string>;
    };
    expect(record.redirects).toEqual({ azure: 'gcp' });
  });
});
