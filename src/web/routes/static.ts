import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { dashboardScript } from '../views/dashboard-script.js';
import { stylesheet } from '../views/styles.js';

/** A file the app serves from memory: its URL, content type and text. */
export interface StaticAsset {
  readonly path: string;
  readonly type: string;
  readonly body: string;
}

/** Serves the stylesheet and the dashboard's live-refresh script from memory, with ETags. */
export function registerStaticRoutes(app: FastifyInstance): void {
  serveAssets(app, [
    { path: '/static/app.css', type: 'text/css; charset=utf-8', body: stylesheet },
    { path: '/static/dashboard.js', type: 'text/javascript; charset=utf-8', body: dashboardScript },
  ]);
}

/**
 * Serves each asset to anyone (no sign-in) with an ETag from its content and a short cache lifetime, so
 * browsers revalidate with a 304 instead of fetching it again.
 */
export function serveAssets(app: FastifyInstance, assets: readonly StaticAsset[]): void {
  for (const asset of assets) {
    const etag = `"${createHash('sha1').update(asset.body).digest('base64url').slice(0, 16)}"`;
    app.get(asset.path, { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      reply.header('etag', etag).header('cache-control', 'public, max-age=300');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    });
  }
}
