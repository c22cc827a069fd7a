import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { UserStore } from '../../src/auth/index.js';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { captureOutput, registerSecret } from '../harness/capture.js';
import { sandboxRegistry } from '../harness/targets.js';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

describe('carepool serve (built binary)', () => {
  it('binds 127.0.0.1 by default, serves with sign-in, and stops cleanly on SIGTERM', async () => {
    const registry = sandboxRegistry();
    const users = new UserStore(registry);
    const name = `s${randomBytes(4).toString('hex')}`;
    await users.upsertUser(name, 'viewer', randomBytes(18).toString('base64url'));
    const token = await users.createToken(name, 'serve-test');
    registerSecret(token);
    await registry.close(1000);
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...sandboxEnv(inject('sandbox')),
        CAREPOOL_LOG_LEVEL: 'debug',
      },
      cwd: inject('sandboxHome'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m && stdout.includes('Ctrl-C')) resolve(m[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    expect(stdout).toContain(`sign in ${url}/login`);
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const anonymous = await fetch(`${url}/api/v1/targets`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="carepool"');
    const page = await fetch(`${url}/targets/azure/patients`, { redirect: 'manual' });
    expect([page.status, page.headers.get('location')]).toEqual([
      303,
      '/login?next=%2Ftargets%2Fazure%2Fpatients',
    ]);
    const headers = { authorization: `Bearer ${token}` };
    const targets = (await (await fetch(`${url}/api/v1/targets`, { headers })).json()) as {
      targets: { name: string; ok: boolean }[];
    };
    expect(targets.targets.map((t) => [t.name, t.ok])).toEqual([
      ['azure', true],
      ['gcp', true],
    ]);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    captureOutput('carepool serve', stdout + stderr);
    expect(code).toBe(0);
    for (const s of Object.values(inject('sandbox').servers)) {
      for (const u of Object.values(s.users)) expect(stdout + stderr).not.toContain(u.password);
    }
    expect(stdout + stderr).not.toContain(token);
  });
});
