import type { FastifyInstance } from 'fastify';
import type { Clinic } from '../../clinic/index.js';
import { probeTarget, type RevisionReader } from '../../db/health.js';
import { accessContext } from '../plugins/identity.js';
import { errorResponses, idParams } from './schemas.js';

/** `/api/v1/targets` (health of every target) and `/api/v1/compare/patients/:id`. */
export function registerTargetApi(app: FastifyInstance, clinic: Clinic, readRevision?: RevisionReader): void {
  app.get(
    '/api/v1/targets',
    {
      config: { access: 'ops:read' },
      schema: {
        tags: ['targets'],
        summary: 'Every target: health, server flavor/version, TLS, schema revision, pool stats (no secrets)',
      },
    },
    async () => ({
      targets: await Promise.all(clinic.registry.list().map((t) => probeTarget(t, readRevision))),
    }),
  );

  app.get<{ Params: { id: number } }>(
    '/api/v1/compare/patients/:id',
    {
      config: { access: 'phi:read' },
      schema: {
        tags: ['compare'],
        summary: 'The patient on every target, side by side, with field-level differences',
        params: idParams,
        response: { 400: errorResponses[400] },
      },
    },
    async (request) => clinic.comparePatient(accessContext(request), request.params.id),
  );
}
