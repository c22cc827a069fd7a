import type { FastifyInstance } from 'fastify';
import type { AuditLog, AuditQuery } from '../../audit/index.js';
import { isAppError } from '../../errors/index.js';
import { failPage, type PageDeps, sendPage } from './page-helpers.js';
import { errorResponses } from './schemas.js';

type Filters = { target?: string; patient?: number; actor?: string; before?: number; limit?: number };

const filterSchema = {
  type: 'object',
  properties: {
    target: { type: 'string', maxLength: 32 },
    patient: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
    actor: { type: 'string', maxLength: 64 },
    before: { type: 'integer', minimum: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
  additionalProperties: false,
} as const;

const eventSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    actor: { type: 'string' },
    role: { type: 'string' },
    action: { type: 'string' },
    resource: { type: 'string' },
    resourceId: { type: ['integer', 'null'] },
    patientId: { type: ['integer', 'null'] },
    outcome: { type: 'string' },
    client: { type: 'string' },
    requestId: { type: 'string' },
  },
} as const;

function query(f: Filters, limit: number): AuditQuery {
  return {
    limit,
    ...(f.patient === undefined ? {} : { patientId: f.patient }),
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.before === undefined ? {} : { beforeId: f.before }),
  };
}

/**
 * The audit trail for admins: `GET /api/v1/audit?target=&patient=&actor=&before=&limit=` (JSON, newest
 * first, one target) and the `/audit` page with the same filters. Reading the trail is not itself audited:
 * it holds no patient data, only ids.
 */
export function registerAuditRoutes(app: FastifyInstance, audit: AuditLog, deps: PageDeps): void {
  app.get<{ Querystring: Filters }>(
    '/api/v1/audit',
    {
      config: { access: 'audit:read' },
      schema: {
        tags: ['ops'],
        summary: 'The audit trail of patient-data access on one target (admins), newest first',
        querystring: filterSchema,
        response: {
          200: {
            type: 'object',
            properties: { target: { type: 'string' }, events: { type: 'array', items: eventSchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const target = deps.registry.get(request.query.target ?? deps.registry.names()[0] ?? '').name;
      return { target, events: await audit.query(target, query(request.query, request.query.limit ?? 100)) };
    },
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/audit',
    { config: { access: 'audit:read' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const names = deps.registry.names();
        const target = deps.registry.get(request.query.target || names[0] || '').name;
        const patient = /^\d{1,10}$/.test(request.query.patient ?? '')
          ? Number(request.query.patient)
          : undefined;
        const before = /^\d{1,12}$/.test(request.query.before ?? '')
          ? Number(request.query.before)
          : undefined;
        const actor = (request.query.actor ?? '').trim().slice(0, 64);
        const filters: Filters = {
          ...(patient === undefined ? {} : { patient }),
          ...(before === undefined ? {} : { before }),
          ...(actor ? { actor } : {}),
        };
        const page = { title: 'Audit trail', nav: 'audit' };
        // The filter is `actorFilter`, not `actor`: the layout's `actor` is the signed-in user (header, Sign out,
        // the admin links), and a page field of the same name would replace it.
        const base = { targets: names, target, patient: patient ?? '', actorFilter: actor };
        try {
          const events = await audit.query(target, query(filters, 100));
          const last = events.at(-1);
          const params = new URLSearchParams({
            target,
            ...(actor ? { actor } : {}),
            ...(patient ? { patient: String(patient) } : {}),
          });
          const olderHref =
            events.length === 100 && last ? `/audit?${params.toString()}&before=${last.id}` : null;
          return sendPage(reply, deps, 'audit', page, { ...base, events, olderHref, error: null });
        } catch (error) {
          if (!isAppError(error) || error.httpStatus !== 503) throw error;
          reply.header('retry-after', '1');
          return sendPage(
            reply,
            deps,
            'audit',
            page,
            { ...base, events: [], olderHref: null, error: error.toJSON() },
            503,
          );
        }
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );
}
