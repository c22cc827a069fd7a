import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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

  it('reports each target side by side: its own requests, req/s and response times, in JSON, table and HTML', async () => {
    const dir = join(out, 'both');
    const r = await cli(
      ['load', '--duration', '2', '--connections', '4', '--out', dir, '--json'],
      sandboxEnv(inject('sandbox')),
    );
    expect(r.code).toBe(0);
    type Http = { requests: number; rps: number; latency: { p50: number; p99: number } | null };
    const body = JSON.parse(r.stdout) as {
      runs: { summary: { requests: number; targets: Record<string, { http: Http }> } }[];
    };
    const summary = body.runs[0]?.summary;
    const azure = summary?.targets.azure?.http;
    const gcp = summary?.targets.gcp?.http;
    // The mix picks a target at random per request: both get traffic, and the two add up to the total.
    expect(azure?.requests).toBeGreaterThan(0);
    expect(gcp?.requests).toBeGreaterThan(0);
    expect((azure?.requests ?? 0) + (gcp?.requests ?? 0)).toBe(summary?.requests);
    expect(azure?.latency?.p99).toBeGreaterThan(0);
    expect(gcp?.latency?.p99).toBeGreaterThan(0);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    for (const t of ['azure', 'gcp']) {
      expect(html).toMatch(new RegExp(`data-k="run0\\.${t}\\.http\\.rps" data-v="[\\d.]+"`));
      expect(html).toMatch(new RegExp(`data-k="run0\\.${t}\\.http\\.latency\\.p99" data-v="[\\d.]+"`));
    }
    expect(html).toContain('<div class="charts">');
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

  it('Ctrl-C stops the run early, writes the report of what ran and exits 130', async () => {
    const dir = join(out, 'interrupted');
    const plannedS = 60;
    const args = [
      'load',
      '--target',
      'gcp',
      '--duration',
      String(plannedS),
      '--connections',
      '2',
      '--out',
      dir,
    ];
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
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Once the traffic runs, give it a moment, then press Ctrl-C.
      if (stderr.includes('traffic is running') && !sent) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    let sent = false;
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    captureOutput(`carepool ${args.join(' ')}`, stdout + stderr);
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted: stopping the traffic');
    expect(stdout).toContain('report:');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
      interrupted?: boolean;
      observations: string[];
      runs: { summary: { requests: number; durationS: number } }[];
    };
    expect(report.interrupted).toBe(true);
    const ranS = /interrupted \(Ctrl-C\) after (\d+) s of the 60 s planned/.exec(
      report.observations[0] ?? '',
    );
    expect(ranS).not.toBeNull();
    expect(report.runs[0]?.summary.requests).toBeGreaterThan(0);
    // The interrupt ended the traffic before its planned end: the bound is the configured duration, and the
    // interrupt comes about 1.5 s into it, so a busy machine has the other ~58 s as margin.
    expect(Number(ranS?.[1])).toBeLessThan(plannedS);
    // The figures cover exactly the time the note reports (the note sums the runs' measured durations).
    expect(Math.round(report.runs[0]?.summary.durationS ?? -1)).toBe(Number(ranS?.[1]));
  });
});
