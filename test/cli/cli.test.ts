import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { captureOutput } from '../harness/capture.js';

const run = promisify(execFile);
const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

/** Runs the built CLI; resolves with stdout, stderr and the exit code (never throws on exit != 0). */
async function cli(args: string[], env: Record<string, string> = {}, cwd?: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      cwd: cwd ?? inject('sandboxHome'),
    });
    // `--show-secrets` exists to print passwords: the one output the whole-run secret scan does not read.
    if (!args.includes('--show-secrets')) captureOutput(`carepool ${args.join(' ')}`, stdout + stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    captureOutput(`carepool ${args.join(' ')}`, `${e.stdout}${e.stderr}`);
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const secrets = () =>
  Object.values(inject('sandbox').servers).flatMap((s) => Object.values(s.users).map((u) => u.password));

describe('carepool CLI (built binary)', () => {
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'carepool-cli-'));
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it('--help lists the commands; every command has --help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['sandbox', 'targets', 'seed']) expect(help.stdout).toContain(command);
    const seedHelp = await cli(['seed', '--help']);
    expect(seedHelp.stdout).toContain('--records-per-patient');
  });

  it('exits 2 with the variable named on bad configuration, never printing the password', async () => {
    const r = await cli(['targets'], { DATABASE_URL: 'mysql://u:hunter2-secret@h/d?ssl-mode=NOPE' }, empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CAREPOOL_CONFIG_INVALID');
    expect(r.stderr).toContain('DATABASE_URL');
    expect(r.stderr).toContain('hint:');
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
  });

  it('exits 2 on a usage error', async () => {
    const r = await cli(['seed', '--patients', 'many'], {}, empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/whole number/);
  });

  it('without targets and without a sandbox says how to fix it (--json gives the code)', async () => {
    const r = await cli(['targets', '--json'], {}, empty);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('CAREPOOL_CONFIG_NO_TARGETS');
  });

  it('targets reports both sandbox targets healthy with server version and TLS, passwords masked', async () => {
    const r = await cli(['targets', '--json'], sandboxEnv(inject('sandbox')));
    expect(r.code).toBe(0);
    const { targets } = JSON.parse(r.stdout) as {
      targets: { name: string; ok: boolean; server: { flavor: string }; tls: { enabled: boolean } }[];
    };
    expect(targets.map((t) => [t.name, t.ok, t.server.flavor, t.tls.enabled])).toEqual([
      ['azure', true, 'mariadb', true],
      ['gcp', true, 'mariadb', true],
    ]);
    for (const secret of secrets()) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('a down target makes targets exit 1 with the cause and a hint', async () => {
    const r = await cli(
      ['targets'],
      { DATABASE_URL: 'mysql://u:pw@127.0.0.1:1/clinic?ssl-mode=DISABLED' },
      empty,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CAREPOOL_DB_CONNECT_REFUSED');
    expect(r.stdout).toContain('hint:');
  });

  it('sandbox env masks passwords unless --show-secrets', async () => {
    const home = inject('sandboxHome');
    const masked = await cli(['sandbox', 'env'], { CAREPOOL_HOME: home });
    expect(masked.stdout).toContain('CAREPOOL_TARGET_AZURE_URL=mysql://carepool_app:***@127.0.0.1');
    for (const secret of secrets()) expect(masked.stdout).not.toContain(secret);
    const shown = await cli(['sandbox', 'env', '--show-secrets'], { CAREPOOL_HOME: home });
    expect(shown.stdout).toContain(inject('sandbox').servers.azure?.users.app.password);
  });

  it('sandbox status reports the running servers', async () => {
    const r = await cli(['sandbox', 'status', '--json'], { CAREPOOL_HOME: inject('sandboxHome') });
    expect(r.code).toBe(0);
    const { servers } = JSON.parse(r.stdout) as { servers: { name: string; running: boolean }[] };
    expect(servers.map((s) => [s.name, s.running]).sort()).toEqual([
      ['azure', true],
      ['gcp', true],
    ]);
  });

  it('seed refuses to write without --target', async () => {
    const r = await cli(['seed'], sandboxEnv(inject('sandbox')));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--target');
  });
});
