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
  // Callback style, not async: this runs on every request and never waits, so it costs no promise.
  app.addHook('onRequest', (request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    reply.header('connection', 'close');
    const error = new AppError('CAREPOOL_WEB_SHUTTING_DOWN', 'the server is shutting down', {
      meta: { retryAfterS: 1 },
    });
    sendError(request, reply, error, deps);
  });
}
