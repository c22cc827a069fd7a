import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AccessContext, type Actor, LOCAL_ACTOR } from '../../clinic/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; set before every handler by the {@link Identify} hook. */
    actor: Actor;
    /**
     * A per-session token every HTML form posts back as `_csrf` (forms render it when set). The security
     * layer sets it in its hook and checks it on POST; nothing sets it yet.
     */
    formToken?: string;
  }
}

/**
 * Decides who sent a request. Until the security issue lands every request is {@link LOCAL_ACTOR} (the server
 * binds to loopback); authentication replaces this with session/Bearer checks that throw 401 or resolve an actor.
 */
export type Identify = (request: FastifyRequest) => Actor | Promise<Actor>;

/** Installs the identity hook: `request.actor` is set in `preHandler`, after routing and body validation. */
export function registerIdentity(app: FastifyInstance, identify: Identify = () => LOCAL_ACTOR): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('preHandler', async (request) => {
    request.actor = await identify(request);
  });
}

/** The service-layer context of a request: actor and client address. */
export function accessContext(request: FastifyRequest): AccessContext {
  return { actor: request.actor, client: request.ip };
}
