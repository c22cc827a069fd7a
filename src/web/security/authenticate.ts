import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  can,
  checkCsrf,
  csrfToken,
  DEFAULT_SESSION_POLICY,
  type Principal,
  type SessionClaims,
  signSession,
  verifySession,
} from '../../auth/index.js';
import type { Actor } from '../../clinic/index.js';
import { AppError } from '../../errors/index.js';
import type { Secret } from '../../config/index.js';
import { wantsHtml } from '../plugins/errors.js';
import { accessOf } from '../plugins/route-access.js';
import { cookieNames, type SecurityOptions } from './options.js';
import { sessionCookieOptions } from './session-cookie.js';
import { recordRouteDenial } from './denied-audit.js';
import type { TargetRegistry } from '../../db/targets.js';

/** A session cookie is re-issued (its idle clock restarted) at most this often, on page requests only. */
const REFRESH_MS = 60_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication and authorisation of every request:
 * - `onRequest`: a Bearer token (API) or the session cookie (pages) becomes `request.actor`; then the route's
 *   declared access rule (see route-access.ts) is enforced: anonymous → 401 (pages redirect to /login),
 *   wrong role → 403 (and, on a patient-data route, one `denied` audit event: see denied-audit.ts). Public routes never fail here, even if the user store cannot be reached.
 * - `preHandler` (after the body is parsed): unsafe methods of cookie sessions must carry the anti-forgery
 *   token (`_csrf` form field or `X-CSRF-Token` header) and, when the browser sends one, a same-origin
 *   `Origin`. Bearer requests carry no ambient credential and are exempt.
 * Only page requests restart the idle clock, so scripts polling the API do not keep a session alive.
 */
export function registerAuthentication(
  app: FastifyInstance,
  options: SecurityOptions,
  registry: TargetRegistry,
): void {
  const policy = options.sessionPolicy ?? DEFAULT_SESSION_POLICY;
  const now = options.now ?? Date.now;
  const names = cookieNames(options.https === true);

  const identify = async (request: FastifyRequest, reply: FastifyReply): Promise<Principal | undefined> => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const bearer = /^Bearer +(\S+)$/i.exec(header)?.[1];
      if (bearer === undefined)
        throw new AppError('CAREPOOL_AUTH_REQUIRED', 'the Authorization header is not "Bearer <token>"');
      const principal = await options.users.verifyToken(bearer);
      if (principal === undefined)
        throw new AppError('CAREPOOL_AUTH_REQUIRED', 'the API token is not valid, or was revoked');
      return principal;
    }
    const cookie = request.cookies[names.session];
    if (cookie === undefined) return undefined;
    const at = now();
    const verified = verifySession(options.sessionSecret, cookie, at, policy);
    const principal = verified.ok
      ? await options.users.sessionPrincipal(verified.claims.username, verified.claims.epoch)
      : undefined;
    if (!verified.ok || principal === undefined) {
      reply.clearCookie(names.session, sessionCookieOptions(options.https === true));
      signedOutReason.set(request, verified.ok ? 'ended' : verified.problem);
      return undefined;
    }
    let claims = verified.claims;
    if (wantsHtml(request) && at - claims.seen >= REFRESH_MS) {
      claims = { ...claims, seen: at };
      reply.setCookie(
        names.session,
        signSession(options.sessionSecret, claims),
        sessionCookieOptions(options.https === true),
      );
    }
    request.session = claims;
    request.formToken = csrfToken(options.sessionSecret, claims);
    return principal;
  };

  app.addHook('onRequest', async (request, reply) => {
    const access = accessOf(request.routeOptions.config);
    let principal: Principal | undefined;
    try {
      principal = await identify(request, reply);
    } catch (error) {
      if (access !== 'public') throw error;
    }
    if (principal !== undefined) request.actor = toActor(principal);
    if (access === 'public') return;
    if (principal === undefined) return refuseAnonymous(request, reply);
    if (access !== 'signed-in' && !can(principal.role, access)) {
      request.log.warn(
        { user: principal.username, role: principal.role, needs: access, route: request.routeOptions.url },
        'access refused',
      );
      // Refused access to patient data leaves its `denied` event on the target concerned (the service
      // layer's guard, which audits everything else, never runs for a request refused here).
      if (request.actor) await recordRouteDenial(request, request.actor, options.audit, registry);
      throw new AppError(
        'CAREPOOL_AUTH_FORBIDDEN',
        `role "${principal.role}" may not ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} (needs ${access})`,
        { meta: { role: principal.role, permission: access } },
      );
    }
  });

  // Callback style, not async: every request passes here and nothing is awaited.
  app.addHook('preHandler', (request, _reply, done) => {
    const session = request.session;
    if (SAFE_METHODS.has(request.method) || session === null) {
      done();
      return;
    }
    try {
      checkForgery(request, session, options.sessionSecret);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}

/** Refuses a cookie-authenticated unsafe request from another origin or without a valid anti-forgery token. */
function checkForgery(request: FastifyRequest, session: SessionClaims, sessionSecret: Secret): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
    throw new AppError('CAREPOOL_AUTH_CSRF', `a form posted from another site (${origin.slice(0, 100)})`);
  }
  const body = request.body as Record<string, unknown> | null | undefined;
  const field = body?._csrf;
  const submitted = typeof field === 'string' ? field : request.headers['x-csrf-token'];
  if (typeof submitted !== 'string' || !checkCsrf(sessionSecret, session, submitted)) {
    throw new AppError(
      'CAREPOOL_AUTH_CSRF',
      `${request.method} ${request.url.split('?')[0]} carried no valid anti-forgery token`,
    );
  }
  // The token has done its job; the handlers see only the form's own fields.
  if (body && typeof body === 'object' && '_csrf' in body) delete body._csrf;
}

/** Why a session cookie was refused, for the sign-in page's message. */
const signedOutReason = new WeakMap<FastifyRequest, string>();

/** Anonymous request to a protected route: pages go to the sign-in page, the API gets 401. */
function refuseAnonymous(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const reason = signedOutReason.get(request);
  if (wantsHtml(request) && SAFE_METHODS.has(request.method)) {
    const next = encodeURIComponent(request.url);
    return reply.redirect(`/login?next=${next}${reason ? `&reason=${reason}` : ''}`, 303);
  }
  if (!wantsHtml(request)) reply.header('www-authenticate', 'Bearer realm="carepool"');
  throw new AppError(
    'CAREPOOL_AUTH_REQUIRED',
    reason === 'idle'
      ? 'the session ended after a period without activity'
      : `${request.method} ${request.url.split('?')[0]} needs a signed-in user or an API token`,
  );
}

function toActor(principal: Principal): Actor {
  return { id: principal.username, name: principal.username, role: principal.role, via: principal.via };
}
