import { Eta } from 'eta/core';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/index.js';
import { LIVE_INTERVAL, LIVE_PATH, type LiveTarget, percentiles, startLiveFeed } from '../../load/index.js';
import { layoutData } from '../views/layout-data.js';
import { liveTemplate } from '../views/live-template.js';
import { layout } from '../views/templates/layout.js';
import { LIVE_ASSETS, registerLiveAssets } from './live-assets.js';
import type { PageDeps } from './page-helpers.js';

/** At most this many live streams at once per server (each holds a socket and a timer). */
export const MAX_LIVE_STREAMS = 20;

const fmt = (a: LiveTarget['acquire']) => (a ? `${a.p50} / ${a.p95} / ${a.p99} ms` : '—');

/**
 * The live pool view: `GET /api/v1/live` streams a JSON snapshot of every pool (gauges, acquire-wait
 * p50/p95/p99, timeouts, acquires/s) every `?interval=` ms (default 500) as Server-Sent Events;
 * `GET /live` is the dashboard page that draws it with uPlot (live-assets.ts serves the files).
 */
export function registerLiveRoutes(app: FastifyInstance, deps: PageDeps): void {
  const streams = new Set<() => void>();
  const eta = new Eta({ autoEscape: true, autoTrim: [false, 'nl'], cache: true, useWith: false });
  eta.loadTemplate('@layout', layout);
  eta.loadTemplate('@live', liveTemplate);
  // Open streams would keep app.close() waiting for ever: end them first.
  app.addHook('preClose', (done) => {
    for (const end of [...streams]) end();
    done();
  });

  app.get<{ Querystring: { interval: number } }>(
    LIVE_PATH,
    {
      config: { access: 'ops:read' },
      schema: {
        tags: ['ops'],
        summary: 'Pool gauges and acquire-wait percentiles of every target, streamed (text/event-stream)',
        querystring: {
          type: 'object',
          properties: {
            interval: {
              type: 'integer',
              minimum: LIVE_INTERVAL.min,
              maximum: LIVE_INTERVAL.max,
              default: LIVE_INTERVAL.default,
            },
          },
          additionalProperties: false,
        },
      },
    },
    (request, reply) => {
      if (streams.size >= MAX_LIVE_STREAMS) {
        throw new AppError('CAREPOOL_LOAD_LIVE_BUSY', `${streams.size} live streams are already open`, {
          meta: { limit: MAX_LIVE_STREAMS, retryAfterS: 5 },
        });
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write('retry: 2000\n\n');
      const stop = startLiveFeed(deps.registry, request.query.interval, (snapshot) => {
        res.write(`data: ${JSON.stringify(snapshot)}\n\n`);
      });
      const end = () => {
        if (!streams.delete(end)) return;
        stop();
        res.end();
      };
      streams.add(end);
      request.raw.on('close', end);
    },
  );

  app.get('/live', { config: { access: 'ops:read' }, schema: { hide: true } }, async (request, reply) => {
    const targets = deps.registry.list().map((t) => {
      const s = t.pool.stats();
      return {
        name: t.name,
        pool: s,
        acquire: percentiles([]),
        timeoutsTotal: s.timeouts,
        acquiredPerS: '—',
      };
    });
    const html = eta.render('@live', {
      ...layoutData(deps, { title: 'Live pools', nav: 'live', script: LIVE_ASSETS.script }, request),
      targets,
      fmt,
      assets: LIVE_ASSETS,
      intervalMs: LIVE_INTERVAL.default,
      origin: `${request.protocol}://${request.host}`,
      renderedAt: new Date().toISOString().replace('T', ' ').slice(0, 19),
    });
    return reply.type('text/html; charset=utf-8').send(html);
  });

  registerLiveAssets(app);
}
