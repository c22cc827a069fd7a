import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readRevision } from '../../src/migrate/index.js';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { startServer } from '../../src/web/server.js';
import { captureOutput, registerSecret } from '../harness/capture.js';
import { sandboxConfig } from '../harness/targets.js';

const run = promisify(execFile);
const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      cwd: inject('sandboxHome'),
    });
    captureOutput(`carepool ${args.join(' ')}`, stdout + stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    captureOutput(`carepool ${args.join(' ')}`, `${e.stdout}${e.stderr}`);
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const secrets = () =>
  Object.values(inject('sandbox').servers).flatMap((s) => Object.values(s.users).map((u) => u.password));

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'carepool-load-cli-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('carepool load (built binary)', () => {
  it('refuses a server that is not on this machine (exit 2), without sending anything', async () => {
    const r = await cli(
      ['load', '--url', 'http://user:hunter22@10.0.0.1:3000', '--json'],
      sandboxEnv(inject('sandbox')),
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('CAREPOOL_LOAD_NOT_LOOPBACK');
    expect(r.stdout + r.stderr).not.toContain('hunter22');
    const bad = await cli(['load', '--scenario', 'flood']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('steady, ramp, spike, exhaust, sweep');
  });

  it('runs a short steady load and writes the report, never printing a password', async () => {
    const r = await cli(
      ['load', '--target', 'gcp', '--duration', '2', '--connections', '4', '--out', out, '--json'],
      sandboxEnv(inject('sandbox')),
    );
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as {
      runs: { summary: { requests: number; status: Record<string, number> } }[];
      observations: string[];
    };
    expect(body.runs[0]?.summary.requests).toBeGreaterThan(0);
    expect(body.runs[0]?.summary.status['200']).toBe(body.runs[0]?.summary.requests);
    // The shared app user may also be connected by other test files at the same time: only check the wording.
    expect(body.observations.join('\n')).toMatch(/connections of the app user/);
    const files = await readdir(out);
    expect(files).toEqual(
      expect.arrayContaining(['report.json', 'report.html', 'observations.md', 'latency.png']),
    );
    for (const s of secrets()) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('loads a running server that requires sign-in with an API token, and says what to do without one', async () => {
    const server = await startServer({ config: sandboxConfig(), port: 0, readRevision });
    try {
      const name = `load_${randomBytes(3).toString('hex')}`;
      await server.users.upsertUser(name, 'viewer', randomBytes(18).toString('base64url'));
      const token = await server.users.createToken(name, 'load-test');
      registerSecret(token);
      const env = sandboxEnv(inject('sandbox'));
      const base = ['load', '--url', server.url, '--target', 'gcp', '--duration', '2', '--connections', '2'];
      const refused = await cli([...base, '--json'], env);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('CAREPOOL_LOAD_SERVER_UNREACHABLE');
      expect(refused.stdout).toContain('HTTP 401');
      expect(refused.stdout).toContain('CAREPOOL_TOKEN');
      const dir = join(out, 'remote');
      const ok = await cli([...base, '--out', dir, '--json'], { ...env, CAREPOOL_TOKEN: token });
      expect(ok.code).toBe(0);
      const body = JSON.parse(ok.stdout) as {
        runs: { summary: { requests: number; status: Record<string, number> } }[];
      };
      expect(body.runs[0]?.summary.requests).toBeGreaterThan(0);
      expect(body.runs[0]?.summary.status['200']).toBe(body.runs[0]?.summary.requests);
      expect(ok.stdout + ok.stderr).not.toContain(token);
    } finally {
      await server.close();
    }
  });
});
