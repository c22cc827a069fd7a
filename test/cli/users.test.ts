import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureFirstAdmin, SignInThrottle, THROTTLE, UserStore } from '../../src/auth/index.js';
import { migrateFleet } from '../../src/migrate/index.js';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { captureOutput, registerSecret } from '../harness/capture.js';
import { sandboxRegistry } from '../harness/targets.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../harness/migrate.js';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

/** Runs the built CLI with `input` on standard input; never throws on exit codes. */
function cli(args: readonly string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...sandboxEnv(inject('sandbox')),
      },
      cwd: inject('sandboxHome'),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      // `tokens create` exists to print the new token once: the scan reads everything else it printed.
      const shown = args[0] === 'tokens' && args[1] === 'create' ? stdout.trim() : '';
      const text = stdout + stderr;
      captureOutput(`carepool ${args.join(' ')}`, shown ? text.split(shown).join('[the new token]') : text);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe('carepool users, tokens and audit (built binary)', () => {
  const name = `cli_${randomBytes(3).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  beforeAll(() => registerSecret(password));

  it('creates a user from a piped password, lists it, issues a token once, and reads the audit trail', async () => {
    const created = await cli(
      ['users', 'create', name, '--role', 'clinician', '--password-stdin'],
      `${password}\n`,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`user "${name}" (clinician) saved on azure, gcp`);
    const listed = await cli(['users', 'list', '--json']);
    const users = (JSON.parse(listed.stdout) as { users: { username: string; role: string }[] }).users;
    expect(users).toContainEqual(expect.objectContaining({ username: name, role: 'clinician' }));
    const token = await cli(['tokens', 'create', 'ci', '--user', name]);
    expect(token.code).toBe(0);
    const value = token.stdout.trim();
    registerSecret(value);
    expect(value).toMatch(/^cp_[A-Za-z0-9_-]{43}$/);
    expect(token.stderr).toContain('copy it now');
    const audit = await cli(['audit', '--target', 'azure', '--limit', '3', '--json']);
    expect(audit.code).toBe(0);
    expect((JSON.parse(audit.stdout) as { audit: { target: string }[] }).audit.map((a) => a.target)).toEqual([
      'azure',
    ]);
    for (const out of [created, listed, token, audit])
      expect(out.stdout + out.stderr).not.toContain(password);
  });

  it('users unlock clears the sign-in back-off of a name from every address on every target', async () => {
    const throttled = `thr_${randomBytes(3).toString('hex')}`;
    const registry = sandboxRegistry();
    try {
      const throttle = new SignInThrottle(registry);
      for (let i = 0; i < THROTTLE.perName; i++) {
        await throttle.failed(throttled, '192.0.2.1');
        await throttle.failed(throttled, '192.0.2.2');
      }
      expect(await throttle.waitS(throttled, '192.0.2.1')).toBeGreaterThan(0);
      const unlocked = await cli(['users', 'unlock', throttled, '--json']);
      expect(unlocked.code).toBe(0);
      expect(JSON.parse(unlocked.stdout)).toEqual({
        user: throttled,
        unlocked: true,
        targets: ['azure', 'gcp'],
      });
      expect(await throttle.waitS(throttled, '192.0.2.1')).toBe(0);
      expect(await throttle.waitS(throttled, '192.0.2.2')).toBe(0);
    } finally {
      await registry.close();
    }
  });

  it('refuses a short password and an unknown role with the field and what to do', async () => {
    const short = await cli(['users', 'create', name, '--role', 'clinician', '--password-stdin'], 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('CAREPOOL_VALIDATION');
    expect(short.stderr).toContain('at least 12 characters');
    const role = await cli(['users', 'create', name, '--role', 'root', '--password-stdin'], `${password}\n`);
    expect(role.stderr).toContain('viewer, clinician or admin');
    const noTty = await cli(['users', 'create', name, '--role', 'viewer']);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('--password-stdin');
  });
});

describe('the first admin of a new installation', () => {
  let scratch: ScratchDatabases;
  let home: string;
  beforeAll(async () => {
    scratch = await createScratchDatabases('clinic_adm');
    await migrateFleet(scratch.registry.list(), { to: 'head', migrationsDir: MIGRATIONS_DIR });
    home = await mkdtemp(join(tmpdir(), 'carepool-admin-'));
  });
  afterAll(async () => {
    await scratch?.drop();
    await rm(home, { recursive: true, force: true });
  });

  it('is created once with a generated password kept with mode 0600, which signs in', async () => {
    const users = new UserStore(scratch.registry);
    const first = await ensureFirstAdmin(users, home);
    if (!first.created) throw new Error('expected the first admin to be created');
    registerSecret(first.password);
    expect(first.username).toBe('admin');
    expect((await readFile(first.file, 'utf8')).trim()).toBe(first.password);
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    expect((await users.authenticate('admin', first.password)).role).toBe('admin');
    const again = await ensureFirstAdmin(users, home);
    expect(again).toEqual({ created: false, username: 'admin', file: first.file });
    expect((await users.listUsers()).map((u) => u.username)).toEqual(['admin']);
  });
});
