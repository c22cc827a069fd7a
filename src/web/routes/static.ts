import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { dashboardScript } from '../views/dashboard-script.js';
import { stylesheet } from '../views/styles.js';

/** Serves the stylesheet and the dashboard's live-refresh script from memory, with ETags. */
export function registerStaticRoutes(app: FastifyInstance): void {
  const assets = [
    { path: '/static/app.css', type: 'text/css; charset=utf-8', body: stylesheet },
    { path: '/static/dashboard.js', type: 'text/javascript; charset=utf-8', body: dashboardScript },
  ];
  for (const asset of assets) {
    const etag = `"${createHash('sha1').update(asset.body).digest('base64url').slice(0, 16)}"`;
    app.get(asset.path, { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      reply.header('etag', etag).header('cache-control', 'public, max-age=300');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    });
  }
}
