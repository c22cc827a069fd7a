import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hmacOf, SignInThrottle, sameToken, signSession } from '../../auth/index.js';
import type { Secret } from '../../config/index.js';
import { AppError, isAppError } from '../../errors/index.js';
import type { PageDeps } from '../routes/page-helpers.js';
import { sendPage } from '../routes/page-helpers.js';
import { cookieNames, DEFAULT_LOGIN_LIMIT, type SecurityOptions } from './options.js';
import { loginCookieOptions, sessionCookieOptions } from './session-cookie.js';

type LoginForm = { username?: string; password?: string; _csrf?: string; next?: string };

/** Messages for `/login?reason=`: fixed texts, never free text from the URL. */
const REASONS: Readonly<Record<string, { kind: 'info' | 'warn'; text: string }>> = {
  'signed-out': { kind: 'info', text: 'You have signed out.' },
  idle: {
    kind: 'warn',
    text: 'You were signed out after a period without activity. Sign in again to continue.',
  },
  expired: { kind: 'warn', text: 'Your session reached its maximum length. Sign in again to continue.' },
  ended: { kind: 'warn', text: 'Your session was ended (signed out elsewhere, or the account changed).' },
  signature: { kind: 'warn', text: 'Your session is no longer valid. Sign in again.' },
  malformed: { kind: 'warn', text: 'Your session is no longer valid. Sign in again.' },
};

/**
 * `GET /login`, `POST /login` (rate-limited per client address in this process, and throttled per user name
 * and client address in the database, with exponential back-off, across every instance: ./throttle.ts) and `POST /logout` (ends every session of the user on every instance, then clears the cookie).
 * The sign-in form carries its own anti-forgery token, bound to a random cookie, since there is no session
 * yet to bind it to.
 */
export function registerLoginRoutes(app: FastifyInstance, options: SecurityOptions, deps: PageDeps): void {
  const https = options.https === true;
  const names = cookieNames(https);
  const now = options.now ?? Date.now;
  const limit = options.loginLimit ?? DEFAULT_LOGIN_LIMIT;
  const defaultThrottle = new SignInThrottle(deps.registry);

  const render = (
    reply: FastifyReply,
    status: number,
    form: { username: string; next: string },
    message?: { kind: 'info' | 'warn' | 'down'; text: string; hint?: string },
  ) => {
    // Keep the nonce a browser already holds: a second tab (or any redirect to this page) must not
    // invalidate the form the user is filling in.
    const held = reply.request.cookies[names.login];
    const nonce = held && /^[A-Za-z0-9_-]{22}$/.test(held) ? held : randomBytes(16).toString('base64url');
    reply.setCookie(names.login, nonce, loginCookieOptions(https));
    return sendPage(
      reply,
      deps,
      'login',
      { title: 'Sign in', nav: 'login' },
      {
        ...form,
        loginToken: loginToken(options.sessionSecret, nonce),
        message: message?.text ?? null,
        messageKind: message?.kind === 'info' ? 'ok' : (message?.kind ?? 'ok'),
        messageHint: message?.hint ?? null,
      },
      status,
    );
  };

  app.get<{ Querystring: { next?: string; reason?: string } }>(
    '/login',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const next = safeNext(request.query.next, ownOrigin(request));
      if (request.actor) return reply.redirect(next, 303);
      const reason = REASONS[request.query.reason ?? ''];
      return render(reply, 200, { username: '', next }, reason);
    },
  );

  app.post<{ Body: LoginForm }>(
    '/login',
    {
      config: { access: 'public', rateLimit: { max: limit.max, timeWindow: limit.windowMs } },
      schema: { hide: true },
    },
    async (request, reply) => {
      const form = request.body ?? {};
      const username = typeof form.username === 'string' ? form.username.trim().slice(0, 64) : '';
      const next = safeNext(form.next, ownOrigin(request));
      const nonce = request.cookies[names.login];
      if (
        !nonce ||
        typeof form._csrf !== 'string' ||
        !sameToken(loginToken(options.sessionSecret, nonce), form._csrf)
      ) {
        const e = new AppError('CAREPOOL_AUTH_CSRF', 'the sign-in form expired or was posted from elsewhere');
        return render(
          reply,
          e.httpStatus,
          { username, next },
          {
            kind: 'down',
            text: e.message,
            hint: 'Enable cookies for this site, reload the page and sign in again.',
          },
        );
      }
      const client = request.ip;
      const throttle = options.throttle ?? defaultThrottle;
      // Throttled before anything about the name is looked up: the wait depends only on what this address
      // did with this name, so it looks the same for a real account and an unknown name.
      const waitS = await throttle.waitS(username, client).catch(() => 0);
      if (waitS > 0) {
        request.log.warn({ user: username, waitS }, 'sign-in throttled');
        reply.header('retry-after', String(waitS));
        return render(
          reply,
          429,
          { username, next },
          {
            kind: 'down',
            text: `Too many failed sign-ins with this user name from your address. Try again in ${waitS} s.`,
            hint: 'Each further failure doubles the wait. An admin can clear it with `carepool users unlock NAME`.',
          },
        );
      }
      try {
        const principal = await options.users.authenticate(username, String(form.password ?? ''));
        await throttle.succeeded(username, client).catch(() => undefined);
        const at = now();
        const claims = { username: principal.username, epoch: principal.epoch ?? '', iat: at, seen: at };
        reply.clearCookie(names.login, loginCookieOptions(https));
        reply.setCookie(
          names.session,
          signSession(options.sessionSecret, claims),
          sessionCookieOptions(https),
        );
        request.log.info({ user: principal.username, role: principal.role }, 'signed in');
        return reply.redirect(next, 303);
      } catch (error) {
        if (!isAppError(error) || !error.code.startsWith('CAREPOOL_AUTH_')) throw error;
        if (error.code === 'CAREPOOL_AUTH_INVALID_CREDENTIALS') {
          await throttle.failed(username, client).catch((e: unknown) => {
            request.log.warn(
              { code: isAppError(e) ? e.code : 'unknown' },
              'failed sign-in not recorded on every target',
            );
          });
        }
        request.log.warn({ user: username, code: error.code }, 'sign-in refused');
        return render(
          reply,
          error.httpStatus,
          { username, next },
          { kind: 'down', text: error.message, hint: error.hint },
        );
      }
    },
  );

  app.post('/logout', { config: { access: 'signed-in' }, schema: { hide: true } }, async (request, reply) => {
    const username = request.session?.username;
    reply.clearCookie(names.session, sessionCookieOptions(https));
    if (username !== undefined) {
      // Stateless cookies cannot be revoked one by one: signing out moves the user's session epoch, which
      // ends this session and any copy of its cookie, on every instance.
      await options.users.endSessions(username).catch((error: unknown) => {
        request.log.warn(
          { user: username, code: isAppError(error) ? error.code : 'unknown' },
          'sign-out not stored on every target',
        );
      });
      request.log.info({ user: username }, 'signed out');
    }
    return reply.redirect('/login?reason=signed-out', 303);
  });
}

/** The origin `next` is resolved against when the request's own cannot be parsed. */
const FALLBACK_ORIGIN = 'http://carepool.invalid';

/** Paths never returned to after signing in (they would sign out again, or loop). */
const NO_RETURN = new Set(['/login', '/logout']);

/**
 * Where to go after signing in: `next` resolved the way a browser resolves it (WHATWG URL parsing against
 * this app's own origin, which strips TAB/CR/LF, turns `\` into `/` and percent-encodes everything a header
 * cannot carry), kept only when it stays on this origin and is not /login or /logout, and returned as the
 * normalised path + query. Anything else (another host, `//host`, `/\host`, `javascript:`, a non-string)
 * goes to `/`. The result is always printable ASCII, so it is always a valid `Location` header.
 * @param origin the app's own origin (`http://host:port`); a placeholder when absent or unparsable.
 */
export function safeNext(next: unknown, origin: string = FALLBACK_ORIGIN): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return '/';
  let base: URL;
  try {
    base = new URL(origin);
  } catch {
    base = new URL(FALLBACK_ORIGIN);
  }
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return '/';
  if (NO_RETURN.has(url.pathname)) return '/';
  const path = `${url.pathname}${url.search}`;
  // WHATWG serialisation percent-encodes controls and non-ASCII; this only guards that promise.
  return /^\/[\x21-\x7e]*$/.test(path) && !path.startsWith('//') ? path : '/';
}

/** The app's own origin as the browser sees it (scheme and Host header). */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function loginToken(secret: Secret, nonce: string): string {
  return hmacOf(secret, `login:${nonce}`);
}
