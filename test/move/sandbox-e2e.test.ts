/**
 * copy → replicate → cutover on the real `carepool sandbox` (azure and gcp, binary logs with GTIDs), end to
 * end through the built CLI, in a private working directory (its own HOME and .carepool home, no targets
 * configured: sandbox mode), the way `npm start`'s servers are used.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { readState, userUrl } from '../../src/sandbox/index.js';
import { type CliResult, type Workdir, workdir } from '../cli/e2e.js';

let w: Workdir;
const admins: Record<string, SingleConnection> = {};

const json = <T>(r: CliResult, what: string): T => {
  if (r.code !== 0 && r.stdout.trim() === '') throw new Error(`${what} exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

interface Status {
  readonly running: boolean;
  readonly caughtUp: boolean | null;
  readonly lastError: string | null;
  readonly sourceGtid: string | null;
}

async function statusUntil(from: string, to: string, ok: (s: Status) => boolean): Promise<Status> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await w.run(['replicate', 'status', '--from', from, '--to', to, '--json']);
    const s = json<{ replicate: Status }>(r, 'replicate status').replicate;
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`replication ${from} → ${to}: ${JSON.stringify(s)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const count = async (c: SingleConnection, where: string) =>
  Number((await c.query<{ n: number }>(sql.raw(`SELECT COUNT(*) AS n FROM clinic.patients WHERE ${where}`))).rows[0]?.n);

beforeAll(async () => {
  w = await workdir('carepool-move-e2e');
  const started = await w.run(['sandbox', 'start', '--free-ports']);
  if (started.code !== 0) throw new Error(`sandbox start: ${started.stderr}`);
  for (const args of [
    ['migrate', 'up', '--target', 'all'],
    ['seed', '--target', 'all', '--patients', '300', '--records-per-patient', '2'],
  ]) {
    const r = await w.run(args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stdout}${r.stderr}`);
  }
  const state = await readState(w.home);
  for (const name of ['azure', 'gcp']) {
    const s = state.servers[name];
    if (s === undefined) throw new Error(`no ${name} server in the sandbox state`);
    admins[name] = await connectSingle(name, parseConnectionUrl('admin', userUrl(s, 'admin')), {
      connectTimeoutMs: 5000,
      keepAliveMs: 0,
    });
  }
}, 240_000);
afterAll(async () => {
  for (const c of Object.values(admins)) await c.close().catch(() => undefined);
  await w?.run(['sandbox', 'stop']).catch(() => undefined);
  await w?.remove();
});

describe('move on the carepool sandbox (built CLI)', { timeout: 240_000 }, () => {
  it('copy, replicate with a verified certificate, cut over with reverse replication, the switch recorded', async () => {
    const azure = admins.azure as SingleConnection;
    const gcp = admins.gcp as SingleConnection;
    // Both servers were seeded alike: copy refuses the filled destination unless told to replace it.
    const refused = await w.run(['copy', '--from', 'azure', '--to', 'gcp']);
    expect(refused.code).toBe(2);
    expect(refused.stderr + refused.stdout).toContain('CAREPOOL_MOVE_TARGET_NOT_EMPTY');
    const copy = json<{ copy: { snapshot: { mode: string; position: { gtid: string | null } } } }>(
      await w.run(['copy', '--from', 'azure', '--to', 'gcp', '--truncate', '--json']),
      'copy',
    ).copy;
    expect(copy.snapshot.position.gtid).toMatch(/^(\d+-\d+-\d+)(,\d+-\d+-\d+)*$/);

    const preflight = await w.run(['replicate', 'preflight', '--from', 'azure', '--to', 'gcp']);
    expect(preflight.stdout).toContain('every check passed');
    expect((await w.run(['replicate', 'start', '--from', 'azure', '--to', 'gcp'])).code).toBe(0);
    const channel = await gcp.query<Record<string, unknown>>(sql`SHOW SLAVE 'carepool' STATUS`);
    expect(channel.rows[0]?.Master_SSL_Verify_Server_Cert).toBe('Yes');
    expect(String(channel.rows[0]?.Master_SSL_CA_File)).toMatch(/ca\.pem$/);

    await azure.query(
      sql`INSERT INTO clinic.patients (first_name, last_name, date_of_birth, gender) VALUES ('Replicated', 'Fromazure', '1970-05-05', 'female')`,
    );
    const caught = await statusUntil('azure', 'gcp', (s) => s.running && s.caughtUp === true);
    expect(caught.lastError).toBeNull();
    expect(await count(gcp, "last_name = 'Fromazure'")).toBe(1);
    expect((await w.run(['verify', 'azure', 'gcp'])).code).toBe(0);

    const cut = json<{
      cutover: { ok: boolean; writeDowntimeMs: number; phases: { phase: string; ok: boolean; ms: number }[] };
    }>(await w.run(['cutover', '--from', 'azure', '--to', 'gcp', '--reverse', '--json']), 'cutover').cutover;
    expect(cut.phases.map((p) => `${p.phase}:${p.ok}`)).toEqual([
      'preflight:true',
      'source-read-only:true',
      'capture-position:true',
      'wait-for-replica:true',
      'final-verify:true',
      'promote:true',
      'switch-app:true',
      'reverse-replication:true',
    ]);
    expect(cut.ok).toBe(true);
    // Bounded by the phases it spans; never compared with a wall-clock figure here (bench/move measures it).
    expect(cut.writeDowntimeMs).toBeGreaterThanOrEqual(0);
    expect(cut.writeDowntimeMs).toBeLessThanOrEqual(cut.phases.reduce((n, p) => n + p.ms, 0) + 1000);
    const record = JSON.parse(await readFile(join(w.home, 'move', 'cutover.json'), 'utf8')) as {
      redirects: Record<string, string>;
    };
    expect(record.redirects).toEqual({ azure: 'gcp' });
    const readOnly = async (c: SingleConnection) =>
      Number((await c.query<{ r: number }>(sql`SELECT @@GLOBAL.read_only AS r`)).rows[0]?.r);
    expect(await readOnly(azure)).toBe(1);
    expect(await readOnly(gcp)).toBe(0);

    // gcp takes the writes now; the reverse channel brings them to azure.
    await gcp.query(
      sql`INSERT INTO clinic.patients (first_name, last_name, date_of_birth, gender) VALUES ('Reverse', 'Fromgcp', '1971-06-06', 'male')`,
    );
    await statusUntil('gcp', 'azure', (s) => s.running && s.caughtUp === true && s.lastError === null);
    expect(await count(azure, "last_name = 'Fromgcp'")).toBe(1);
    expect((await w.run(['verify', 'gcp', 'azure'])).code).toBe(0);

    expect((await w.run(['replicate', 'stop', '--from', 'gcp', '--to', 'azure'])).code).toBe(0);
    const stopped = await w.run(['replicate', 'status', '--from', 'gcp', '--to', 'azure']);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain('NOT running');
  });
});
