import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/index.js';
import { type LayoutSource, layoutData } from '../views/layout-data.js';
import type { Views } from '../views/render.js';
import { envelope, prepareReply, toAppError } from './error-envelope.js';

const API = /^\/(api|healthz|readyz|metrics|docs)(\/|$|\?)/;

/** True when the request is for a page (HTML) rather than the API. */
export function wantsHtml(request: FastifyRequest): boolean {
  return !API.test(request.url);
}

/**
 * One error handler for the whole app: API routes answer with the JSON envelope, pages with an error page;
 * both carry the status from the error registry and `Retry-After` on 503. Unexpected errors are logged
 * (never their request bodies) and reported as CAREPOOL_WEB_INTERNAL.
 */
export function registerErrorHandling(app: FastifyInstance, deps: LayoutSource & { views: Views }): void {
  app.setErrorHandler((error, request, reply) => {
    const e = toAppError(error);
    if (e.code === 'CAREPOOL_WEB_INTERNAL') request.log.error({ err: error }, 'unhandled error');
    sendError(request, reply, e, deps);
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new AppError(
      'CAREPOOL_WEB_ROUTE_NOT_FOUND',
      `no route for ${request.method} ${request.url.split('?')[0]}`,
    );
    sendError(request, reply, e, deps);
  });
}

/** Sends `error` as JSON or as an error page, whichever the request expects. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  deps: LayoutSource & { views: Views },
): FastifyReply {
  const status = prepareReply(reply, error);
  reply.header('x-request-id', request.id);
  if (!wantsHtml(request)) return reply.send(envelope(error));
  const heading =
    error.code === 'CAREPOOL_TARGET_UNKNOWN'
      ? 'Unknown target'
      : status === 404
        ? 'Not found'
        : status === 503
          ? 'Target unavailable'
          : status < 500
            ? 'That request could not be handled'
            : 'Something went wrong';
  const links =
    error.code === 'CAREPOOL_TARGET_UNKNOWN'
      ? deps.registry.names().map((n) => ({ href: `/targets/${n}/patients`, label: n }))
      : [];
  const shown = error.toJSON();
  // The registry's hint speaks to the CLI (`carepool targets`, "all"); a page offers the targets as links.
  const hint =
    error.code === 'CAREPOOL_TARGET_UNKNOWN' ? 'Choose one of the configured targets below.' : shown.hint;
  const html = deps.views.render('error', {
    ...layoutData(deps, { title: heading, nav: '' }, request),
    heading,
    error: { ...shown, hint },
    links,
  });
  return reply.type('text/html; charset=utf-8').send(html);
}
