import type { FastifyInstance } from 'fastify';
import type { Clinic } from '../../clinic/index.js';
import { idempotencyHeaders, idempotencyOf } from '../plugins/idempotency.js';
import { accessContext } from '../plugins/identity.js';
import { errorResponses, recordCreate, recordPatch, recordRow, targetIdParams } from './schemas.js';

type TargetIdParams = { target: string; id: number };
type Body = Record<string, unknown>;

/** Medical records: per patient (list, create) and by id (read, patch, delete). */
export function registerRecordApi(app: FastifyInstance, clinic: Clinic): void {
  const tags = ['medical records'];
  app.get<{ Params: TargetIdParams }>(
    '/api/v1/targets/:target/patients/:id/records',
    {
      config: { access: 'phi:read' },
      schema: {
        tags,
        summary: "A patient's medical records, newest admission first",
        params: targetIdParams,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: recordRow } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      items: await clinic.listRecords(accessContext(request), request.params.target, request.params.id),
    }),
  );

  app.post<{ Params: TargetIdParams; Body: Body }>(
    '/api/v1/targets/:target/patients/:id/records',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Add a medical record (discharge not before admission; the patient must exist)',
        params: targetIdParams,
        body: recordCreate,
        headers: idempotencyHeaders,
        response: { 201: recordRow, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { target, id } = request.params;
      const row = await clinic.createRecord(
        accessContext(request),
        target,
        id,
        request.body,
        idempotencyOf(request, reply),
      );
      reply.code(201).header('location', `/api/v1/targets/${target}/records/${row.id}`);
      return row;
    },
  );

  app.get<{ Params: TargetIdParams }>(
    '/api/v1/targets/:target/records/:id',
    {
      config: { access: 'phi:read' },
      schema: {
        tags,
        summary: 'One medical record',
        params: targetIdParams,
        response: { 200: recordRow, ...errorResponses },
      },
    },
    async (request) => clinic.getRecord(accessContext(request), request.params.target, request.params.id),
  );

  app.patch<{ Params: TargetIdParams; Body: Body }>(
    '/api/v1/targets/:target/records/:id',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Change some fields of a medical record',
        params: targetIdParams,
        body: recordPatch,
        response: { 200: recordRow, ...errorResponses },
      },
    },
    async (request) =>
      clinic.updateRecord(accessContext(request), request.params.target, request.params.id, request.body),
  );

  app.delete<{ Params: TargetIdParams }>(
    '/api/v1/targets/:target/records/:id',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Delete a medical record',
        params: targetIdParams,
        response: { 200: { type: 'object', properties: { id: { type: 'integer' } } }, ...errorResponses },
      },
    },
    async (request) => clinic.deleteRecord(accessContext(request), request.params.target, request.params.id),
  );
}
