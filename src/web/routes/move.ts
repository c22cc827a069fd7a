import { Eta } from 'eta/core';
import type { FastifyInstance } from 'fastify';
import type { TargetConfig } from '../../config/index.js';
import type {} from '../plugins/route-access.js';
import { layoutData } from '../views/layout-data.js';
import { moveScript } from '../views/move-script.js';
import { serveAssets } from './static.js';
import { moveTemplate } from '../views/move-template.js';
import { layout } from '../views/templates/layout.js';
import { MoveStatus } from './move-status.js';
import type { PageDeps } from './page-helpers.js';

/** Where the Move page reads from: carepool's home and the configured targets. */
export interface MoveDeps {
  readonly home: string;
  readonly targets: readonly TargetConfig[];
}

/**
 * The Move page for admins (`ops:run`, like the doctor): `GET /move` renders copies, replication links, the
 * last verify and the last cutover; `GET /api/v1/move` is the same as JSON, which `/static/move.js` polls.
 * Without `move` deps (an app built without a carepool home) both show an empty state.
 */
export function registerMoveRoutes(app: FastifyInstance, deps: PageDeps, move: MoveDeps | undefined): void {
  const status = move ? new MoveStatus(move.home, move.targets) : undefined;
  app.addHook('onClose', async () => status?.close());
  const read = () =>
    status
      ? status.read()
      : Promise.resolve({
          at: new Date().toISOString(),
          copies: [],
          replication: [],
          verify: null,
          cutover: null,
          redirects: {},
        });
  const eta = new Eta({ autoEscape: true, autoTrim: [false, 'nl'], cache: true, useWith: false });
  eta.loadTemplate('@layout', layout);
  eta.loadTemplate('@move', moveTemplate);

  app.get(
    '/api/v1/move',
    {
      config: { access: 'ops:run' },
      schema: {
        tags: ['ops'],
        summary:
          'Copies (progress), replication links (lag, GTID positions, errors), the last verify and the last cutover',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => read(),
  );

  app.get('/move', { config: { access: 'ops:run' }, schema: { hide: true } }, async (request, reply) => {
    const html = eta.render('@move', {
      ...layoutData(deps, { title: 'Move', nav: 'move', script: '/static/move.js' }, request),
      view: await read(),
    });
    return reply.type('text/html; charset=utf-8').send(html);
  });

  serveAssets(app, [{ path: '/static/move.js', type: 'text/javascript; charset=utf-8', body: moveScript }]);
}
