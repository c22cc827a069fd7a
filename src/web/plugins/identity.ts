import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AccessContext, type Actor, LOCAL_ACTOR } from '../../clinic/index.js';
import type { SessionClaims } from '../../auth/index.js';
import type { CarriedWrites } from '../../replicas/index.js';
import { AppError } from '../../errors/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: set in `onRequest` by the security layer; null for anonymous requests to public routes. */
    actor: Actor | null;
    /** The verified session of a cookie-authenticated request (absent for Bearer tokens). */
    session: SessionClaims | null;
    /** The anti-forgery token every HTML form of this session posts back as `_csrf`. */
    formToken: string | null;
    /** A signed-in browser's record of its recent writes (security/carried-cookie.ts), else null. */
    carried: CarriedWrites | null;
  }
}

/**
 * Decorates requests with `actor`, `session` and `formToken`. Without a security layer (an app built with
 * `security: 'none'`, used by route tests and embedding) every request acts as {@link LOCAL_ACTOR}.
 */
export function registerIdentity(app: FastifyInstance, local: boolean): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.decorateRequest('formToken', null);
  app.decorateRequest('carried', null);
  if (local) {
    app.addHook('onRequest', (request, _reply, done) => {
      request.actor = LOCAL_ACTOR;
      done();
    });
  }
}

/** The service-layer context of a request: actor, client address and request id. */
export function accessContext(request: FastifyRequest): AccessContext {
  if (request.actor === null) {
    // Only public routes run without an actor, and they never touch patient data.
    throw new AppError(
      'CAREPOOL_AUTH_REQUIRED',
      `${request.method} ${request.url.split('?')[0]} needs sign-in`,
    );
  }
  const ctx = { actor: request.actor, client: request.ip, requestId: String(request.id) };
  return request.carried ? { ...ctx, carried: request.carried } : ctx;
}
