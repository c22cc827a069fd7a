import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES } from '../../src/auth/index.js';
import type { RouteRule } from '../../src/web/plugins/route-access.js';
import { type SecureFixture, secureFixture } from './secure-fixture.js';

let f: SecureFixture;
beforeAll(async () => {
  f = await secureFixture();
});
afterAll(() => f?.close());

/** A concrete URL for a route pattern. */
const concrete = (url: string) =>
  url
    .replaceAll(':target', 'azure')
    .replace(/:[a-z]+/g, '1')
    .replace('*', 'index.html');

const isPage = (url: string) => !/^\/(api|healthz|readyz|metrics|docs)(\/|$)/.test(url);

/** Streams never end under inject: they are checked for refusals only. */
const STREAMS = new Set(['/api/v1/live']);

describe('every route declares who may call it, and the app enforces it', () => {
  it('only health checks, the sign-in page and static assets are public', () => {
    const publicRoutes = f.app
      .routeRules()
      .filter((r) => r.access === 'public')
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !r.startsWith('GET /static/'));
    expect(publicRoutes.sort()).toEqual(['GET /healthz', 'GET /readyz', 'GET /login', 'POST /login'].sort());
  });

  it('refuses anonymous requests: 401 for the API (WWW-Authenticate: Bearer), the sign-in page for pages', async () => {
    const rules = f.app.routeRules().filter((r) => r.access !== 'public');
    expect(rules.length).toBeGreaterThan(40);
    for (const rule of rules) {
      const url = concrete(rule.url);
      const res = await f.app.inject({ method: rule.method as 'GET', url });
      const label = `${rule.method} ${rule.url}`;
      if (isPage(url) && rule.method === 'GET') {
        expect(res.statusCode, label).toBe(303);
        expect(res.headers.location, label).toBe(`/login?next=${encodeURIComponent(url)}`);
      } else {
        expect(res.statusCode, label).toBe(401);
        if (!isPage(url)) {
          expect(res.headers['www-authenticate'], label).toBe('Bearer realm="carepool"');
          expect(res.json().error.code, label).toBe('CAREPOOL_AUTH_REQUIRED');
        }
      }
    }
  });

  it('refuses roles without the permission with 403, and lets the others through', async () => {
    const checked: string[] = [];
    for (const rule of f.app.routeRules()) {
      if (rule.access === 'public' || rule.access === 'signed-in') continue;
      for (const role of ROLES) {
        const url = concrete(rule.url);
        const allowed = can(role, rule.access);
        if (allowed && STREAMS.has(rule.url)) continue;
        const res = await f.app.inject({
          method: rule.method as 'GET',
          url,
          headers: f.bearer(f.user[role]),
          ...(rule.method === 'GET' || rule.method === 'DELETE' ? {} : { payload: {} }),
        });
        const label = `${role} ${rule.method} ${rule.url} → ${res.statusCode}`;
        if (allowed) expect([401, 403], label).not.toContain(res.statusCode);
        else {
          expect(res.statusCode, label).toBe(403);
          if (!isPage(url)) expect(res.json().error.code, label).toBe('CAREPOOL_AUTH_FORBIDDEN');
          checked.push(label);
        }
      }
    }
    // A viewer may not write; a clinician may not run operations or read the audit trail.
    expect(checked.some((l) => l.startsWith('viewer POST /api/v1/targets/:target/patients '))).toBe(true);
    expect(checked.some((l) => l.startsWith('clinician GET /api/v1/doctor'))).toBe(true);
    expect(checked.some((l) => l.startsWith('clinician GET /audit'))).toBe(true);
  });

  it('an invalid or revoked token is refused, even for a role that would be allowed', async () => {
    const url = '/api/v1/targets';
    const bad = await f.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer cp_nope' } });
    expect(bad.statusCode).toBe(401);
    const basic = await f.app.inject({ method: 'GET', url, headers: { authorization: 'Basic YTpi' } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json().error.message).toContain('Bearer');
    const ok = await f.app.inject({ method: 'GET', url, headers: f.bearer(f.user.viewer) });
    expect(ok.statusCode).toBe(200);
  });

  it('docs/security.md lists every route with its rule', async () => {
    const doc = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const block = /<!-- routes -->\n([\s\S]*?)<!-- \/routes -->/.exec(doc)?.[1] ?? '';
    expect(
      block,
      `docs/security.md routes table is stale; it should read:\n${routeTable(f.app.routeRules())}`,
    ).toBe(routeTable(f.app.routeRules()));
  });
});

/** The Markdown table of routes and their access rules, as docs/security.md holds it. */
function routeTable(rules: readonly RouteRule[]): string {
  const rows = [...rules]
    .sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))
    .map((r) => `| ${r.method} | \`${r.url}\` | ${r.access} |`);
  return ['| method | route | who may call it |', '| --- | --- | --- |', ...rows, ''].join('\n');
}
