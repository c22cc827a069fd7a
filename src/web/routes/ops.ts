import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { probeTarget, type RevisionReader } from '../../db/health.js';
import type { TargetRegistry } from '../../db/targets.js';

/** Options of {@link registerOpsRoutes}. */
export interface OpsOptions {
  readonly registry: TargetRegistry;
  readonly metrics: Registry;
  readonly readRevision?: RevisionReader;
  /** True while the instance drains (SIGTERM): `/readyz` then answers 503 so load balancers move on. */
  readonly draining?: () => boolean;
}

/**
 * `/healthz` (the process answers), `/readyz` (each target answers a query; 200 while at least one does, so
 * one cloud being down does not take the app out of rotation for the others; `?target=` checks one) and
 * `/metrics` (Prometheus text, pool metrics included). While the instance drains, `/readyz` answers 503
 * `draining` at once, without probing the targets.
 */
export function registerOpsRoutes(app: FastifyInstance, options: OpsOptions): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['ops'], summary: 'The process is up' } },
    async () => ({
      status: 'ok',
    }),
  );

  app.get<{ Querystring: { target?: string } }>(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['ops'],
        summary: 'Each target answers a query',
        querystring: { type: 'object', properties: { target: { type: 'string', maxLength: 32 } } },
      },
    },
    async (request, reply) => {
      if (options.draining?.()) {
        reply.code(503).header('retry-after', '1');
        return { status: 'draining', targets: {} };
      }
      const chosen = request.query.target
        ? [options.registry.get(request.query.target)]
        : options.registry.list();
      const health = await Promise.all(chosen.map((t) => probeTarget(t)));
      const ready = health.filter((h) => h.ok).length;
      const status = ready === health.length ? 'ready' : ready > 0 ? 'degraded' : 'unavailable';
      if (ready === 0) reply.code(503).header('retry-after', '1');
      return {
        status,
        targets: Object.fromEntries(
          health.map((h) => [
            h.name,
            {
              ok: h.ok,
              latencyMs: h.latencyMs,
              ...(h.error ? { error: { code: h.error.code, message: h.error.message } } : {}),
            },
          ]),
        ),
      };
    },
  );

  app.get(
    '/metrics',
    { config: { access: 'ops:read' }, schema: { tags: ['ops'], summary: 'Prometheus metrics' } },
    async (_request, reply) => {
      reply.type(options.metrics.contentType);
      return options.metrics.metrics();
    },
  );
}
