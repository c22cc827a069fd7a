import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieOf, type SecureFixture, secureFixture } from './secure-fixture.js';

let fx: SecureFixture;
beforeAll(async () => {
  fx = await secureFixture({ https: true });
}, 120_000);
afterAll(async () => fx?.close(), 60_000);

/** The Set-Cookie line of `name` in a response. */
const line = (res: LightMyRequestResponse, name: string) =>
  [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith(`${name}=`)) ?? '';

describe('over HTTPS, the __Host- cookies are also cleared with Secure (browsers ignore them otherwise)', () => {
  it('sign-in, sign-out and an invalid session clear their cookie with Secure and Path=/', async () => {
    const page = await fx.app.inject({ url: '/login' });
    expect(line(page, '__Host-carepool_login')).toMatch(/; Secure/);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const { name, password } = fx.user.clinician;
    const signedIn = await fx.app.inject({
      method: 'POST',
      url: '/login',
      headers: {
        cookie: cookieOf(page, '__Host-carepool_login'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ username: name, password, _csrf: token }).toString(),
    });
    expect(signedIn.statusCode).toBe(303);
    // A __Host- cookie set (or cleared) without Secure is rejected by the browser (RFC 6265bis 5.7).
    expect(line(signedIn, '__Host-carepool_login')).toMatch(/^__Host-carepool_login=;.*; Secure/);
    const session = cookieOf(signedIn, '__Host-carepool_session');
    const home = await fx.app.inject({ url: '/', headers: { cookie: session } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? '';
    const out = await fx.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(out.statusCode).toBe(303);
    const cleared = line(out, '__Host-carepool_session');
    expect(cleared).toMatch(/^__Host-carepool_session=;/);
    expect(cleared).toMatch(/; Secure/);
    expect(cleared).toMatch(/; Path=\//);
    // The ended session, sent again: cleared the same way.
    const stale = await fx.app.inject({ url: '/', headers: { cookie: session } });
    expect(line(stale, '__Host-carepool_session')).toMatch(/^__Host-carepool_session=;.*; Secure/);
  }, 60_000);
});
