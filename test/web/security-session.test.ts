import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { THROTTLE, UserStore } from '../../src/auth/index.js';
import { generateCerts } from '../../src/sandbox/certs.js';
import { startServer } from '../../src/web/server.js';
import { sandboxConfig } from '../harness/targets.js';
import { cookieOf, patientInput, type SecureFixture, secureFixture } from './secure-fixture.js';

const MINUTE = 60_000;
const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

let f: SecureFixture;
beforeAll(async () => {
  f = await secureFixture();
});
afterAll(() => f?.close());

describe('sign-in', () => {
  it('sets an HttpOnly SameSite session cookie and sends the user where they were going', async () => {
    const page = await f.app.inject({ method: 'GET', url: '/login?next=%2Ftargets%2Fgcp%2Fpatients' });
    expect(page.statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const res = await f.app.inject({
      method: 'POST',
      url: '/login',
      ...form({
        username: f.user.viewer.name,
        password: f.user.viewer.password,
        _csrf: token,
        next: '/targets/gcp/patients',
      }),
      headers: { ...form({}).headers, cookie: cookieOf(page, 'carepool_login') },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/targets/gcp/patients');
    const set = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('carepool_session='));
    expect(set).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(set).not.toMatch(/Secure|Max-Age/);
  });

  it('never redirects off-site after sign-in', async () => {
    const { safeNext } = await import('../../src/web/security/index.js');
    expect(['//evil.example', 'https://evil.example', '/\\evil', '/logout'].map((n) => safeNext(n))).toEqual([
      '/',
      '/',
      '/',
      '/',
    ]);
    // A relative path resolves against this origin, as a browser would (test/web/security-redirect.test.ts).
    expect(safeNext('x')).toBe('/x');
    expect(safeNext('/targets/azure/patients?q=a')).toBe('/targets/azure/patients?q=a');
  });

  it('answers a wrong password and an unknown user the same way, and throttles (429) instead of locking the account', async () => {
    const name = `lock_${Date.now().toString(36)}`;
    await f.users.upsertUser(name, 'viewer', 'correct-password-123');
    const attempt = async (username: string, password: string) => {
      const page = await f.app.inject({ method: 'GET', url: '/login' });
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      return f.app.inject({
        method: 'POST',
        url: '/login',
        payload: new URLSearchParams({ username, password, _csrf: token }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: cookieOf(page, 'carepool_login'),
        },
      });
    };
    const unknown = await attempt('nobody_here', 'whatever-password');
    const wrong = await attempt(name, 'wrong-password-000');
    expect([unknown.statusCode, wrong.statusCode]).toEqual([401, 401]);
    expect(unknown.body).toContain('wrong user name or password');
    expect(wrong.body).toContain('wrong user name or password');
    expect(wrong.body).not.toContain('wrong-password-000');
    for (let i = 1; i < THROTTLE.perName; i++) await attempt(name, 'wrong-password-000');
    // This address must now wait before trying this name again, even with the right password …
    const throttled = await attempt(name, 'correct-password-123');
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.body).not.toContain('locked');
    // … but the account is not locked: the same password from another address signs in.
    const page = await f.app.inject({ method: 'GET', url: '/login', remoteAddress: '192.0.2.77' });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const elsewhere = await f.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: '192.0.2.77',
      payload: new URLSearchParams({
        username: name,
        password: 'correct-password-123',
        _csrf: token,
      }).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookieOf(page, 'carepool_login'),
      },
    });
    expect(elsewhere.statusCode).toBe(303);
  });

  it('refuses a sign-in form that does not carry the token bound to its cookie', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/login',
      ...form({ username: f.user.viewer.name, password: f.user.viewer.password, _csrf: 'forged' }),
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']?.toString() ?? '').not.toContain('carepool_session=');
  });

  it('rate-limits sign-in attempts per address with 429 and Retry-After', async () => {
    const limited = await secureFixture({ loginLimit: { max: 3, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 5; i++) {
        last = await limited.app.inject({
          method: 'POST',
          url: '/login',
          ...form({ username: 'x', password: 'y' }),
        });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([403, 403, 403, 429, 429]);
      expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
      expect(last?.body).toContain('too many sign-in attempts');
    } finally {
      await limited.close();
    }
  });
});

describe('sessions', () => {
  it('form posts need the anti-forgery token of the session, from this origin', async () => {
    const { cookie, csrf } = await f.login(f.user.clinician);
    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      f.app.inject({
        method: 'POST',
        url: '/targets/azure/patients',
        payload: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
      });
    const body = patientInput('Csrf');
    const missing = await post(body);
    const wrong = await post({ ...body, _csrf: `${csrf.slice(0, -2)}xx` });
    const foreign = await post({ ...body, _csrf: csrf }, { origin: 'https://evil.example' });
    for (const res of [missing, wrong, foreign]) {
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('CAREPOOL_AUTH_CSRF');
    }
    const { rows } = await f.registry
      .get('azure')
      .sql.query<{ n: number }>(
        (await import('../../src/db/sql.js'))
          .sql`SELECT COUNT(*) AS n FROM patients WHERE last_name = 'QuillCsrf'`,
      );
    expect(Number(rows[0]?.n)).toBe(0);
    const ok = await post({ ...body, _csrf: csrf }, { origin: 'http://localhost:80' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toMatch(/^\/targets\/azure\/patients\/\d+\?notice=created$/);
  });

  it('ends after the idle time; page views restart the clock, API polling does not', async () => {
    const { cookie } = await f.login(f.user.viewer);
    const page = (c: string) =>
      f.app.inject({ method: 'GET', url: '/targets/azure/patients', headers: { cookie: c } });
    f.advance(10 * MINUTE);
    const active = await page(cookie);
    expect(active.statusCode).toBe(200);
    let renewed = cookieOf(active, 'carepool_session');
    f.advance(10 * MINUTE); // 20 minutes since sign-in, 10 since the last page
    const again = await page(renewed);
    expect(again.statusCode).toBe(200);
    renewed = cookieOf(again, 'carepool_session');
    expect((await page(cookie)).headers.location).toMatch(/reason=idle$/); // the old cookie idled out
    f.advance(10 * MINUTE);
    const api = await f.app.inject({ method: 'GET', url: '/api/v1/targets', headers: { cookie: renewed } });
    expect(api.statusCode).toBe(200);
    expect(api.headers['set-cookie']).toBeUndefined();
    f.advance(6 * MINUTE); // 16 minutes since the last page view
    const idle = await page(renewed);
    expect(idle.statusCode).toBe(303);
    expect(idle.headers.location).toBe('/login?next=%2Ftargets%2Fazure%2Fpatients&reason=idle');
    const signIn = await f.app.inject({ method: 'GET', url: '/login?reason=idle' });
    expect(signIn.body).toContain('signed out after a period without activity');
  });

  it('ends at the absolute limit however active the user is', async () => {
    const short = await secureFixture({ sessionPolicy: { idleMs: 15 * MINUTE, absoluteMs: 30 * MINUTE } });
    try {
      let { cookie } = await short.login(short.user.viewer);
      for (let i = 0; i < 3; i++) {
        short.advance(9 * MINUTE);
        const res = await short.app.inject({ method: 'GET', url: '/', headers: { cookie } });
        expect(res.statusCode).toBe(200);
        cookie = cookieOf(res, 'carepool_session');
      }
      short.advance(4 * MINUTE);
      const res = await short.app.inject({ method: 'GET', url: '/', headers: { cookie } });
      expect(res.headers.location).toBe('/login?next=%2F&reason=expired');
    } finally {
      await short.close();
    }
  });

  it('signing out ends the session everywhere: a copy of the old cookie is refused', async () => {
    const { cookie, csrf } = await f.login(f.user.clinician);
    const out = await f.app.inject({
      method: 'POST',
      url: '/logout',
      ...form({ _csrf: csrf }),
      headers: { ...form({}).headers, cookie },
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login?reason=signed-out');
    expect(String(out.headers['set-cookie'])).toMatch(/carepool_session=; Max-Age=0/);
    const replay = await f.app.inject({ method: 'GET', url: '/', headers: { cookie } });
    expect(replay.headers.location).toBe('/login?next=%2F&reason=ended');
    // Another instance (its own user cache) honours it too.
    const other = new UserStore(f.registry);
    const claims = JSON.parse(Buffer.from(cookie.split('=')[1]?.split('.')[0] ?? '', 'base64url').toString());
    expect(await other.sessionPrincipal(f.user.clinician.name, claims.e)).toBeUndefined();
  });

  it('a revoked API token stops working within the token cache time', async () => {
    const name = f.user.viewer.name;
    const token = await f.users.createToken(name, 'short-lived');
    const get = () =>
      f.app.inject({ method: 'GET', url: '/api/v1/targets', headers: { authorization: `Bearer ${token}` } });
    expect((await get()).statusCode).toBe(200);
    await new UserStore(f.registry).revokeTokens(name, 'short-lived'); // revoked by another instance
    f.advance(6000);
    expect((await get()).statusCode).toBe(401);
  });
});

describe('request log', () => {
  it('has one line per request with the route pattern and the user, never the query (names are PHI)', async () => {
    const name = `Searchname${Date.now().toString(36)}`;
    const requestId = `log-${Date.now().toString(36)}`;
    const res = await f.app.inject({
      method: 'GET',
      url: `/api/v1/targets/azure/patients?q=${name}`,
      headers: { ...f.bearer(f.user.viewer), 'x-request-id': requestId },
    });
    expect(res.statusCode).toBe(200);
    const log = await readFile(join(inject('captureDir'), `server-secure-${f.database}.log`), 'utf8');
    const lines = log
      .split('\n')
      .filter((l) => l.includes(requestId))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request',
      method: 'GET',
      route: '/api/v1/targets/:target/patients',
      status: 200,
      user: f.user.viewer.name,
    });
    expect(log).not.toContain(name);
  });
});

describe('response headers', () => {
  it('carry a strict CSP, no framing, nosniff, same-origin referrers and no-store on pages and API', async () => {
    const { cookie } = await f.login(f.user.viewer);
    const page = await f.app.inject({ method: 'GET', url: '/targets/azure/patients', headers: { cookie } });
    const api = await f.app.inject({
      method: 'GET',
      url: '/api/v1/targets',
      headers: f.bearer(f.user.viewer),
    });
    const login = await f.app.inject({ method: 'GET', url: '/login' });
    for (const res of [page, api, login]) {
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    const css = await f.app.inject({ method: 'GET', url: '/static/app.css' });
    expect(css.headers['cache-control']).toBe('public, max-age=300');
  });

  it('over HTTPS: Secure __Host- cookies and HSTS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carepool-https-'));
    try {
      const certs = await generateCerts(dir, {
        caName: 'carepool test CA',
        sans: ['DNS:localhost', 'IP:127.0.0.1'],
      });
      const server = await startServer({
        config: sandboxConfig({ CAREPOOL_HTTPS_CERT: certs.cert, CAREPOOL_HTTPS_KEY: certs.key }),
        port: 0,
      });
      try {
        expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const ca = await readFile(certs.ca);
        const res = await new Promise<{ headers: Record<string, string | string[] | undefined> }>(
          (resolve, reject) => {
            const req = httpsRequest(`${server.url}/login`, { ca }, (r) => {
              r.resume();
              r.on('end', () => resolve({ headers: r.headers }));
            });
            req.on('error', reject);
            req.end();
          },
        );
        expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
        expect(String(res.headers['set-cookie'])).toMatch(/^__Host-carepool_login=[^;]+; .*Secure/);
        expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      } finally {
        await server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
