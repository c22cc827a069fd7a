import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { safeNext } from '../../src/web/security/index.js';
import { cookieOf, type SecureFixture, secureFixture } from './secure-fixture.js';

let f: SecureFixture;
let session: { cookie: string; csrf: string };
beforeAll(async () => {
  f = await secureFixture();
  session = await f.login(f.user.viewer);
});
afterAll(() => f?.close());

/** `next` values that a browser would resolve to another site (issue 14 item 1). */
const OFF_SITE = [
  '/\t/evil.example/x',
  '/\n/evil.example/x',
  '/\r/evil.example/x',
  '\t//evil.example/x',
  ' //evil.example/x',
  '//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '/\t\\evil.example',
  'https://evil.example/x',
  'https:evil.example',
  'HTTPS://evil.example',
  '///evil.example',
  'javascript:alert(1)',
  'data:text/html,x',
  '//evil.example@localhost/',
];

/** Raw query-string forms (percent-encoded as an attacker sends them). */
const OFF_SITE_ENCODED = [
  '%2F%09%2Fevil.example%2Fx',
  '%2F%0A%2Fevil.example',
  '%2F%0D%2Fevil.example',
  '%2F%5Cevil.example',
  '%5C%5Cevil.example',
  '%2F%2Fevil.example',
  'https%3A%2F%2Fevil.example',
];

const logFile = () => join(inject('captureDir'), `server-secure-${f.database}.log`);

describe('after sign-in, only a path on this site (WHATWG URL resolution against our origin)', () => {
  it('safeNext resolves like a browser and keeps only same-origin paths other than /login and /logout', () => {
    for (const next of OFF_SITE) expect(safeNext(next), JSON.stringify(next)).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext('/./logout')).toBe('/');
    expect(safeNext('/a/../login')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext(42)).toBe('/');
    expect(safeNext('/targets/azure/patients?q=a')).toBe('/targets/azure/patients?q=a');
    expect(safeNext('/targets/a/../azure/patients#frag')).toBe('/targets/azure/patients');
    expect(safeNext('/x\u0000y')).toBe('/x%00y');
    expect(safeNext('/x\u2028y')).toBe('/x%E2%80%A8y');
    expect(safeNext('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example');
  });

  it('GET /login when signed in: never a Location a browser would take off-site', async () => {
    for (const raw of OFF_SITE_ENCODED) {
      const res = await f.app.inject({
        method: 'GET',
        url: `/login?next=${raw}`,
        headers: { cookie: session.cookie },
      });
      expect(res.statusCode, raw).toBe(303);
      expect(res.headers.location, raw).toBe('/');
    }
    for (const next of OFF_SITE) {
      const res = await f.app.inject({
        method: 'GET',
        url: `/login?next=${encodeURIComponent(next)}`,
        headers: { cookie: session.cookie },
      });
      expect(res.headers.location, JSON.stringify(next)).toBe('/');
    }
    const ok = await f.app.inject({
      method: 'GET',
      url: '/login?next=%2Ftargets%2Fgcp%2Fpatients%3Fq%3Dzo',
      headers: { cookie: session.cookie },
    });
    expect(ok.headers.location).toBe('/targets/gcp/patients?q=zo');
  });

  it('POST /login: the same rule for the form field', async () => {
    // Each sign-in costs a password hash: a representative subset of the GET cases.
    for (const next of [
      ...OFF_SITE.slice(0, 6),
      'https://evil.example/x',
      '/\u0000x',
      '/x\r\nSet-Cookie: a=b',
    ]) {
      const page = await f.app.inject({ method: 'GET', url: '/login' });
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const res = await f.app.inject({
        method: 'POST',
        url: '/login',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: cookieOf(page, 'carepool_login'),
        },
        payload: new URLSearchParams({
          username: f.user.viewer.name,
          password: f.user.viewer.password,
          _csrf: token,
          next,
        }).toString(),
      });
      expect(res.statusCode, JSON.stringify(next)).toBe(303);
      const location = String(res.headers.location);
      expect(new URL(location, 'http://app.example').origin, JSON.stringify(next)).toBe('http://app.example');
      // eslint-disable-next-line no-control-regex
      expect(location).not.toMatch(/[\u0000-\u0020\u007f-\uffff\\]/);
      expect(res.headers['set-cookie']?.toString()).not.toContain('a=b');
    }
  });
});

describe('control characters in anything that ends up in a header (issue 14 item 2)', () => {
  const marker = () => `Qmarker${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

  it('NUL, CR, LF and U+2028 in ?next: a redirect to a safe path, never a raw 500', async () => {
    for (const bad of ['%00', '%0A', '%0D', '%E2%80%A8', '%0D%0ASet-Cookie:%20x=y']) {
      const res = await f.app.inject({
        method: 'GET',
        url: `/login?next=%2Fa${bad}b`,
        headers: { cookie: session.cookie },
      });
      expect(res.statusCode, bad).toBe(303);
      // Browsers drop CR and LF from URLs (so does the WHATWG parser); NUL and U+2028 are percent-encoded.
      expect(String(res.headers.location)).toMatch(/^\/a(%[0-9A-F]{2})*(Set-Cookie:%20x=y)?b$/);
      const anonymous = await f.app.inject({ method: 'GET', url: `/login?next=%2Fa${bad}b` });
      expect(anonymous.statusCode, bad).toBe(200);
    }
  });

  it('a protected page asked for with control characters redirects to sign-in with the URL encoded', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/targets/azure/patients?q=%00%0D%0A%E2%80%A8' });
    expect(res.statusCode).toBe(303);
    // eslint-disable-next-line no-control-regex
    expect(String(res.headers.location)).not.toMatch(/[\u0000-\u001f\u2028]/);
  });

  it('never logs a raw query string, not even for errors', async () => {
    const tag = marker();
    const requests = [
      { url: `/login?next=%2F%00${tag}`, cookie: true },
      { url: `/api/v1/targets/azure/patients?q=${tag}&limit=zz`, cookie: false },
      { url: `/api/v1/targets/azure/patients/notanid?q=${tag}`, cookie: false },
      { url: `/nope?q=${tag}`, cookie: false },
      { url: `/targets/azure/patients?q=${tag}%00`, cookie: true },
    ];
    for (const r of requests) {
      const res = await f.app.inject({
        method: 'GET',
        url: r.url,
        headers: r.cookie ? { cookie: session.cookie } : f.bearer(f.user.viewer),
      });
      expect(res.statusCode, r.url).toBeLessThan(500);
    }
    const log = await readFile(logFile(), 'utf8');
    expect(log).not.toContain(tag);
  });

  it('the logger itself drops query strings from any request or error it is given', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (l: string) => lines.push(l) } });
    const tag = marker();
    logger.error({ req: { method: 'GET', url: `/login?next=${tag}` } }, 'request failed');
    const err = new Error(`bad header for /x?q=${tag} and https://h/p?a=${tag}`);
    logger.error({ err }, 'unhandled error');
    expect(lines.join('')).not.toContain(tag);
    expect(JSON.parse(lines[0] ?? '{}').req).toEqual({ method: 'GET', path: '/login' });
  });
});
