import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/index.js';
import type { PageDeps } from '../routes/page-helpers.js';
import { registerAuthentication } from './authenticate.js';
import { registerCarriedWrites } from './carried-cookie.js';
import { registerIdempotencyPurge } from './idempotency-purge.js';
import { registerLoginRoutes } from './login-routes.js';
import { cookieNames, type SecurityOptions } from './options.js';

export { registerSecurityHeaders } from './headers.js';
export { safeNext } from './login-routes.js';
export { cookieNames, DEFAULT_LOGIN_LIMIT, type SecurityOptions } from './options.js';

/**
 * Sign-in for the web app: cookies, the per-address sign-in rate limit, authentication and route
 * authorisation hooks, anti-forgery checks and the /login and /logout routes. The audit side (the access
 * guard around every patient-data access) is wired by buildApp into the clinic service.
 */
export async function registerSecurity(
  app: FastifyInstance,
  options: SecurityOptions,
  deps: PageDeps,
): Promise<void> {
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'CAREPOOL_AUTH_RATE_LIMITED',
        `too many sign-in attempts from this address; try again in ${context.after}`,
        {
          meta: { retryAfterS: Math.ceil(context.ttl / 1000) },
        },
      ),
  });
  registerAuthentication(app, options, deps.registry);
  const https = options.https === true;
  registerCarriedWrites(app, options.sessionSecret, deps.registry, cookieNames(https).carried, https);
  registerIdempotencyPurge(app, deps.registry, options.idempotencyTtlMs);
  registerLoginRoutes(app, options, deps);
}
