/**
 * `carepool up` and `carepool sandbox start|stop|status` end to end through the built binary, in a private
 * working directory (its own HOME and .carepool home, no targets configured: sandbox mode).
 *
 * Ports: a fresh `up` prefers the well-known ports 33061/33062 (another free port when one is taken) and
 * records them; on a machine shared with other sandboxes, holding those ports could make another sandbox's
 * restart fail with CAREPOOL_SANDBOX_PORT_TAKEN. So the sandbox is started first with
 * `sandbox start --free-ports` (OS-chosen ports), and `up` finds it running and uses it (starting the sandbox
 * is idempotent). Everything after the servers exist — migrate, seed, first admin, health,
 * serve, sign-in, Ctrl-C — is `up`'s own path.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/sandbox/index.js';
import { registerSecret } from '../harness/capture.js';
import { type LiveCli, startCli, type Workdir, workdir } from './e2e.js';

let w: Workdir;
let up: LiveCli | undefined;

beforeAll(async () => {
  w = await workdir('carepool-up-e2e');
});
afterAll(async () => {
  await up?.stop('SIGTERM').catch(() => undefined);
  await w?.run(['sandbox', 'stop']).catch(() => undefined);
  await w?.remove();
});

interface Status {
  readonly name: string;
  readonly running: boolean;
  readonly port: number;
}

const statusOf = async (): Promise<{ code: number; servers: Status[] }> => {
  const r = await w.run(['sandbox', 'status', '--json']);
  return { code: r.code, servers: (JSON.parse(r.stdout) as { servers: Status[] }).servers };
};

/** `name=value` of a Set-Cookie header. */
const cookie = (res: Response, name: string): string => {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie`);
  return line.split(';')[0] as string;
};

describe('carepool sandbox + up (built binary, sandbox mode)', () => {
  it('sandbox status before start: none recorded, exit 1', async () => {
    const r = await w.run(['sandbox', 'status']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('carepool sandbox start');
  });

  it('sandbox start --free-ports starts azure and gcp; a second start keeps the same servers', async () => {
    const first = await w.run(['sandbox', 'start', '--free-ports', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const servers = (JSON.parse(first.stdout) as { servers: Status[] }).servers;
    expect(servers.map((s) => s.name).sort()).toEqual(['azure', 'gcp']);
    expect(servers.every((s) => s.running)).toBe(true);
    // Its database passwords must never be printed by any command below (the run's secret scan checks).
    const state = await readState(w.home);
    registerSecret(
      ...Object.values(state.servers).flatMap((s) => Object.values(s.users).map((u) => u.password)),
    );
    // Free ports, not the fixed ones another sandbox on this machine may hold.
    expect(servers.map((s) => s.port)).not.toContain(33061);

    const again = await w.run(['sandbox', 'start', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const kept = (JSON.parse(again.stdout) as { servers: Status[] }).servers;
    expect(kept.map((s) => [s.name, s.port]).sort()).toEqual(servers.map((s) => [s.name, s.port]).sort());

    const status = await statusOf();
    expect(status.code).toBe(0);
    expect(status.servers.every((s) => s.running)).toBe(true);
  }, 240_000);

  it('up migrates, seeds, creates the first admin, reports health and serves until Ctrl-C', async () => {
    up = startCli(w, ['up', '--port', '0', '--patients', '25', '--records-per-patient', '2']);
    const [, url] = await up.waitFor(/carepool is serving (http:\/\/\S+)/, 240_000);
    const [, password] = await up.waitFor(/first sign-in: user "admin", password (\S+)/, 10_000);
    registerSecret(password as string);
    // Assertion messages print the text: never with the password in it.
    const text = up.output().replaceAll(password as string, '<password>');
    expect(text).toContain('sandbox: azure + gcp servers running');
    for (const target of ['azure', 'gcp']) {
      expect(text).toMatch(new RegExp(`${target}: schema at \\S+ \\(\\d+ migration\\(s\\) applied\\)`));
      expect(text).toMatch(new RegExp(`${target}: seeded 25 patients,? (and )?50 medical records`));
    }
    // The password file holds what was printed, readable by the owner only.
    const file = join(w.home, 'admin-password');
    expect((await readFile(file, 'utf8')).trim()).toBe(password);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ targets: { azure: { ok: true }, gcp: { ok: true } } });
    // Sign-in is on: the API refuses an anonymous request ...
    expect((await fetch(`${url}/api/v1/targets/azure/patients?limit=5`)).status).toBe(401);
    // ... and the first admin signs in with the printed password.
    const page = await fetch(`${url}/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const login = await fetch(`${url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: cookie(page, 'carepool_login'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ username: 'admin', password: password as string, _csrf: csrf }).toString(),
    });
    expect(login.status).toBe(303);
    const session = cookie(login, 'carepool_session');
    const list = await fetch(`${url}/api/v1/targets/azure/patients?limit=5`, {
      headers: { cookie: session },
    });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(5);

    // Ctrl-C: in-flight requests finish and the pools drain, then the documented exit code of an interrupt.
    expect(await up.stop('SIGINT')).toBe(130);
    expect(up.output().includes('SIGINT: finishing in-flight requests and draining pools')).toBe(true);
    up = undefined;
  }, 300_000);

  it('a second up --no-serve changes nothing: no migration applied, no reseed, no new admin', async () => {
    const again = await w.run(['up', '--no-serve']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/migration\(s\) applied/);
    expect(again.stdout).not.toContain('seeded');
    expect(again.stdout).not.toContain('first sign-in');
    expect(again.stdout).toMatch(/azure: schema at \S+/);

    // `targets` shows each target's schema revision (the README's claim), the head `up` migrated to.
    const head = /azure: schema at (\S+)/.exec(again.stdout)?.[1];
    const targets = await w.run(['targets', '--json']);
    expect(targets.code, targets.stderr).toBe(0);
    const listed = (JSON.parse(targets.stdout) as { targets: { name: string; revision?: string | null }[] })
      .targets;
    expect(listed.map((t) => [t.name, t.revision])).toEqual([
      ['azure', head],
      ['gcp', head],
    ]);
  }, 180_000);

  it('sandbox stop stops both (data kept); status then exits 1', async () => {
    const stop = await w.run(['sandbox', 'stop', '--json']);
    expect(stop.code).toBe(0);
    expect((JSON.parse(stop.stdout) as { stopped: string[] }).stopped.sort()).toEqual(['azure', 'gcp']);
    const status = await statusOf();
    expect(status.code).toBe(1);
    expect(status.servers.some((s) => s.running)).toBe(false);
  }, 120_000);
});
