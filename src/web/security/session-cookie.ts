import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * Attributes of the session cookie: unreadable by scripts (HttpOnly), sent on top-level navigation from
 * other sites but not on their sub-requests or form posts (SameSite=Lax; forms also need the anti-forgery
 * token), Secure over HTTPS, and no Max-Age, so it dies with the browser session on shared workstations.
 */
export function sessionCookieOptions(https: boolean): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: https };
}

/** The sign-in form's anti-forgery cookie: strict, short-lived, only ever read by POST /login. */
export function loginCookieOptions(https: boolean): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure: https, maxAge: 30 * 60 };
}
