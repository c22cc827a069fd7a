import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/index.js';
import type { LayoutSource } from '../views/layout-data.js';
import type { Views } from '../views/render.js';
import { sendError } from './errors.js';

/**
 * Graceful shutdown: once `close()` starts, requests already in flight finish, and any request that still
 * arrives on an open keep-alive connection is refused at once with 503 CAREPOOL_WEB_SHUTTING_DOWN,
 * `Retry-After` and `Connection: close`, so clients and load balancers go elsewhere.
 */
export function registerDrain(app: FastifyInstance, deps: LayoutSource & { views: Views }): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    const error = new AppError('CAREPOOL_WEB_SHUTTING_DOWN', 'the server is shutting down', {
      meta: { retryAfterS: 1 },
    });
    return sendError(request, reply, error, deps);
  });
}
