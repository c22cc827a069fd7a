import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/doctor/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { passwordsOf } from '../doctor/helpers.js';
import { ensureSchemaAtHead } from '../harness/migrate.js';
import { sandboxServers } from '../harness/targets.js';
import { type WebFixture, webFixture } from './fixture.js';

const WRONG = 'N0t-The-Passw0rd-w5';

let f: WebFixture;
let secrets: string[];
let silent: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  await ensureSchemaAtHead();
  const { azure, gcp } = sandboxServers();
  secrets = [...passwordsOf(azure, gcp), WRONG];
  // Accepts connections and never greets: the doctor waits out the connect timeout, so a run lasts 1.5 s.
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as { port: number }).port;
  f = await webFixture({
    CAREPOOL_TARGETS: 'azure,gcp,bad,silent',
    CAREPOOL_TARGET_SILENT_URL: `mysql://app:x@127.0.0.1:${silentPort}/clinic?ssl-mode=DISABLED`,
    CAREPOOL_TARGET_SILENT_CONNECT_TIMEOUT_MS: '1500',
    // gcp's server with a wrong password: the doctor must explain it and never print either password.
    CAREPOOL_TARGET_BAD_URL: userUrl(gcp, 'app').replace(
      `:${encodeURIComponent(gcp.users.app.password)}@`,
      `:${WRONG}@`,
    ),
  });
});
afterAll(async () => {
  await f?.close();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent?.close(resolve));
});

function expectNoSecrets(text: string): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** The table row of one check inside one target's card. */
function row(html: string, target: string, check: string): string {
  const card = html.split(`data-target="${target}"`)[1]?.split('</section>')[0] ?? '';
  const tr = card.split(`data-check="${check}"`)[1]?.split('</tr>')[0];
  if (tr === undefined) throw new Error(`no ${check} row for ${target}`);
  return tr;
}

describe('the doctor page and API', () => {
  it('shows every check per target with status, and cause and fix for problems; no password', async () => {
    const res = await f.app.inject({ url: '/doctor' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toMatch(/<a href="\/doctor" aria-current="page">Doctor<\/a>/);
    expect(html).toContain('data-verdict="fail"');
    expect(html).toMatch(/mysql:\/\/carepool_app:\*\*\*@127\.0\.0\.1:\d+\/clinic\?ssl-mode=VERIFY_IDENTITY/);
    for (const check of ['dns', 'tcp', 'tls.chain', 'auth', 'grants', 'migrations']) {
      expect(row(html, 'azure', check)).toContain('fs-ok');
    }
    const insecure = row(html, 'gcp', 'require_secure_transport');
    expect(insecure).toContain('fs-warn');
    expect(insecure).toMatch(/<span class="finding-key">Cause<\/span> \S/);
    expect(insecure).toMatch(/<span class="finding-key">Fix<\/span> \S/);
    expect(insecure).toContain('CAREPOOL_DOCTOR_INSECURE_TRANSPORT_ALLOWED');
    const denied = row(html, 'bad', 'auth');
    expect(denied).toContain('fs-fail');
    expect(denied).toContain('denied access for user &quot;carepool_app&quot;');
    expect(denied).toContain('Fix</span> Check the password in CAREPOOL_TARGET_BAD_URL');
    expect(row(html, 'silent', 'greeting')).toContain('CAREPOOL_DOCTOR_NO_GREETING');
    expect(html).toContain('Across targets');
    // Problems first: the verdict, then every failure and warning, before the first target's card.
    const firstCard = html.indexOf('data-target="azure"');
    const attention = html.slice(html.indexOf('id="d-attention"'), firstCard);
    expect(html.indexOf('data-verdict="fail"')).toBeLessThan(html.indexOf('id="d-attention"'));
    expect(attention).toContain('href="#f-bad-auth"');
    expect(attention).toContain('href="#f-gcp-require_secure_transport"');
    expect(attention).not.toContain('fs-ok');
    expect(attention.indexOf('fs-fail')).toBeLessThan(attention.indexOf('fs-warn'));
    // OK checks are folded; problems are not.
    const azure = html.split('data-target="azure"')[1]?.split('</section>')[0] ?? '';
    expect(azure).toMatch(/<details class="fold">\s*<summary>\d+ checks passed/);
    expect(azure.split('<details class="fold">')[1]).toContain('data-check="auth"');
    const gcp = html.split('data-target="gcp"')[1]?.split('</section>')[0] ?? '';
    expect(gcp.split('<details')[0]).toContain('data-check="require_secure_transport"');
    expectNoSecrets(html);
  });

  it('returns the JSON report for ?target=, with the findings data intact; no password', async () => {
    const res = await f.app.inject({ url: '/api/v1/doctor?target=gcp,bad' });
    expect(res.statusCode).toBe(200);
    const report = res.json<DoctorReport>();
    expect(report.status).toBe('fail');
    expect(report.targets.map((t) => t.target)).toEqual(['gcp', 'bad']);
    const [gcp, bad] = report.targets;
    expect(gcp?.findings.find((x) => x.check === 'server')?.data?.flavor).toMatch(/mariadb|mysql/);
    expect(gcp?.settings.version).toBeTruthy();
    expect(bad?.findings.find((x) => x.check === 'auth')).toMatchObject({
      status: 'fail',
      code: 'CAREPOOL_DB_ACCESS_DENIED',
      cause: expect.any(String),
      fix: expect.any(String),
    });
    expectNoSecrets(res.body);

    const page = await f.app.inject({ url: '/doctor?target=gcp' });
    expect(page.body).toContain('data-target="gcp"');
    expect(page.body).not.toContain('data-target="azure"');
    expect(page.body).toContain('href="/api/v1/doctor?target=gcp"');

    const unknown = await f.app.inject({ url: '/api/v1/doctor?target=nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CAREPOOL_TARGET_UNKNOWN');
  });

  it('runs one check at a time: the same request shares the run, a third selection gets 503 Retry-After', async () => {
    const first = f.app.inject({ url: '/api/v1/doctor?target=silent' });
    await new Promise((r) => setTimeout(r, 100));
    const [slow, same, queued, busy, page] = await Promise.all([
      first,
      f.app.inject({ url: '/api/v1/doctor?target=silent' }),
      f.app.inject({ url: '/api/v1/doctor?target=azure' }),
      f.app.inject({ url: '/api/v1/doctor?target=gcp' }),
      f.app.inject({ url: '/doctor?target=azure,gcp' }),
    ]);
    expect(slow.statusCode).toBe(200);
    expect(slow.json<DoctorReport>().targets[0]?.durationMs).toBeGreaterThan(1000);
    // Joined the running check: the very same report.
    expect(same.json()).toEqual(slow.json());
    // Waited its turn, then ran.
    expect(queued.statusCode).toBe(200);
    expect(queued.json<DoctorReport>().targets.map((t) => t.target)).toEqual(['azure']);
    expect(busy.statusCode).toBe(503);
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(busy.json().error).toMatchObject({
      code: 'CAREPOOL_DOCTOR_BUSY',
      meta: { running: ['silent', 'azure'] },
    });
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBeDefined();
    expect(page.body).toContain('The doctor cannot run right now');
    // Once the runs are over, the next request runs again.
    expect((await f.app.inject({ url: '/api/v1/doctor?target=gcp' })).statusCode).toBe(200);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await f.app.inject({ url: '/docs/json' })).json();
    const op = doc.paths['/api/v1/doctor']?.get;
    expect(op.tags).toEqual(['ops']);
    expect(op.summary).toMatch(/doctor/i);
    expect(op.responses['200'].content['application/json'].schema.properties.targets).toBeDefined();
    expect(doc.paths['/doctor']).toBeUndefined();
    expect(doc.paths['/targets/{target}/erd']).toBeUndefined();
  });
});
