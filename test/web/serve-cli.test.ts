import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, inject, it } from 'vitest';
import { sandboxEnv } from '../../src/sandbox/index.js';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

describe('carepool serve (built binary)', () => {
  it('binds 127.0.0.1 by default, says so, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...sandboxEnv(inject('sandbox')),
        CAREPOOL_LOG_LEVEL: 'warn',
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
    expect(stdout).toContain('bound to loopback only');
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const targets = (await (await fetch(`${url}/api/v1/targets`)).json()) as {
      targets: { name: string; ok: boolean }[];
    };
    expect(targets.targets.map((t) => [t.name, t.ok])).toEqual([
      ['azure', true],
      ['gcp', true],
    ]);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    for (const s of Object.values(inject('sandbox').servers)) {
      for (const u of Object.values(s.users)) expect(stdout + stderr).not.toContain(u.password);
    }
  });
});
