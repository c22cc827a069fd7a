import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
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

  it('--version and -V print the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await cli([flag], {}, empty);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  it("targets shows each target's schema revision", async () => {
    const json = await cli(['targets', '--json'], sandboxEnv(inject('sandbox')));
    const { targets } = JSON.parse(json.stdout) as { targets: { revision: string | null }[] };
    for (const t of targets) expect(t.revision).toMatch(/^\d{4}_\w+/);
    const text = await cli(['targets'], sandboxEnv(inject('sandbox')));
    const azure = text.stdout.split('\n').find((l) => l.startsWith('azure'));
    expect(azure).toMatch(/ \d{4}_\w+ /);
  });

  it('a taken port is a coded usage error before any work, with a --port / CAREPOOL_HTTP_PORT hint', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as { port: number }).port);
    try {
      // No targets configured: `up` would start a sandbox first, so a quick exit proves the check came first.
      const up = await cli(['up', '--port', port], {}, empty);
      expect(up.code).toBe(2);
      expect(up.stderr).toContain('CAREPOOL_SERVE_PORT_IN_USE');
      expect(up.stderr).toContain(`port ${port} is already in use`);
      expect(up.stderr).toMatch(/--port .*CAREPOOL_HTTP_PORT/);
      expect(up.stdout).not.toContain('sandbox:');
      const serve = await cli(['serve'], { ...sandboxEnv(inject('sandbox')), CAREPOOL_HTTP_PORT: port });
      expect(serve.code).toBe(2);
      expect(serve.stderr).toContain('CAREPOOL_SERVE_PORT_IN_USE');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("says what is wrong with a number setting in its own words, not the validator's", async () => {
    const r = await cli(
      ['targets'],
      { ...sandboxEnv(inject('sandbox')), CAREPOOL_CONNECT_TIMEOUT_MS: 'soon' },
      empty,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /CAREPOOL_CONNECT_TIMEOUT_MS "soon" is not a whole number from \d+ to \d+ \(milliseconds\)/,
    );
    expect(r.stderr).not.toMatch(/Invalid input|NaN/);
  });

  it('serve writes JSON log lines when not on a terminal, human ones with --log-format human, and stops on SIGINT (exit 130)', async () => {
    for (const format of ['default', 'human'] as const) {
      const args = ['serve', '--port', '0', ...(format === 'human' ? ['--log-format', 'human'] : [])];
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          ...sandboxEnv(inject('sandbox')),
        },
        cwd: inject('sandboxHome'),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('press Ctrl-C to stop')) child.kill('SIGINT');
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      captureOutput(`carepool ${args.join(' ')}`, stdout + stderr);
      // Interrupted: 130, as every command ends on Ctrl-C (bin.ts), after closing cleanly.
      expect(code).toBe(130);
      expect(stderr).toContain('SIGINT: finishing in-flight requests');
      const logLines = stderr.split('\n').filter((l) => /listening|Server/i.test(l));
      expect(logLines.length).toBeGreaterThan(0);
      for (const line of logLines) {
        if (format === 'default') expect(() => JSON.parse(line)).not.toThrow();
        else expect(line).toMatch(/^\d\d:\d\d:\d\d INFO /);
      }
    }
  });
});
