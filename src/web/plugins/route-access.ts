import type { FastifyInstance } from 'fastify';
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

/** One route and its access rule (for docs/security.md and the test that checks every route). */
export interface RouteRule {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far with its access rule (HEAD routes omitted). */
    routeRules(): readonly RouteRule[];
  }
}

/** Records the access rule of every route registered after this call; read them with `app.routeRules()`. */
export function recordRouteRules(app: FastifyInstance): void {
  const rules: RouteRule[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') rules.push({ method, url: route.url, access: accessOf(route.config) });
    }
  });
  app.decorate('routeRules', () => rules);
}
