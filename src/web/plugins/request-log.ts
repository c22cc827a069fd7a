import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { withoutQuery } from '../../log/logger.js';

/**
 * Fastify's request logging, replaced: its two lines per request (at `info`) carried the raw URL, whose query
 * string can hold a patient's name (`?q=`), and cost ~10 % of a read's throughput. This writes one line per
 * request at `debug` with the route pattern, status, time and user: the audit trail, not the log, records
 * access to patient data. `CAREPOOL_LOG_LEVEL=debug` turns it on.
 */
export class RouteLogController extends LogController {
  override incomingRequest(): void {
    // One line per request, written when it completes.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    request.log.debug(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.actor && request.actor.role !== 'local' ? { user: request.actor.id } : {}),
        ...(error ? { err: { type: error.name, message: withoutQuery(error.message) } } : {}),
      },
      error ? 'request failed' : 'request',
    );
  }
}
