import type { Permission } from '../../auth/index.js';

/**
 * Who may call a route, declared on the route itself (`config: { access }`), so the rule sits next to the
 * handler and a test can list every route with its rule:
 * - `public`: anyone, signed in or not (health checks, the sign-in page, the stylesheet);
 * - `signed-in`: any authenticated user, whatever the role;
 * - a {@link Permission}: an authenticated user whose role grants it (403 otherwise).
 * Routes that declare nothing (plugins' routes such as /docs) are `signed-in`.
 */
export type RouteAccess = 'public' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** See {@link RouteAccess}. */
    access?: RouteAccess;
  }
}

/** The access rule of a route's config (`signed-in` when it declares none). */
export function accessOf(config: { access?: RouteAccess } | undefined): RouteAccess {
  return config?.access ?? 'signed-in';
}
