import type { FastifyInstance } from 'fastify';
import type { Clinic, PatientSort } from '../../clinic/index.js';
import { idempotencyHeaders, idempotencyOf } from '../plugins/idempotency.js';
import { accessContext } from '../plugins/identity.js';
import {
  errorResponses,
  listQuery,
  patientCreate,
  patientPage,
  patientPatch,
  patientRow,
  patientWithRecords,
  targetIdParams,
  targetParams,
} from './schemas.js';

type TargetParams = { target: string };
type TargetIdParams = { target: string; id: number };
type Body = Record<string, unknown>;

/** `/api/v1/targets/:target/patients[...]`: list, create, read (with records), patch, delete. */
export function registerPatientApi(app: FastifyInstance, clinic: Clinic): void {
  const tags = ['patients'];
  app.get<{
    Params: TargetParams;
    Querystring: { limit: number; cursor?: string; q?: string; sort: PatientSort };
  }>(
    '/api/v1/targets/:target/patients',
    {
      config: { access: 'phi:read' },
      schema: {
        tags,
        summary: 'List patients (keyset pages, name search, sort)',
        params: targetParams,
        querystring: listQuery,
        response: { 200: patientPage, ...errorResponses },
      },
    },
    async (request) => {
      const { limit, cursor, q, sort } = request.query;
      return clinic.listPatients(accessContext(request), request.params.target, {
        limit,
        sort,
        ...(cursor ? { cursor } : {}),
        ...(q ? { q } : {}),
      });
    },
  );

  app.post<{ Params: TargetParams; Body: Body }>(
    '/api/v1/targets/:target/patients',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Create a patient',
        params: targetParams,
        body: patientCreate,
        headers: idempotencyHeaders,
        response: { 201: patientRow, ...errorResponses },
      },
    },
    async (request, reply) => {
      const row = await clinic.createPatient(
        accessContext(request),
        request.params.target,
        request.body,
        idempotencyOf(request, reply),
      );
      reply.code(201).header('location', `/api/v1/targets/${request.params.target}/patients/${row.id}`);
      return row;
    },
  );

  app.get<{ Params: TargetIdParams }>(
    '/api/v1/targets/:target/patients/:id',
    {
      config: { access: 'phi:read' },
      schema: {
        tags,
        summary: 'One patient with their medical records and appointments (one round trip)',
        params: targetIdParams,
        response: { 200: patientWithRecords, ...errorResponses },
      },
    },
    async (request) => clinic.getPatient(accessContext(request), request.params.target, request.params.id),
  );

  app.patch<{ Params: TargetIdParams; Body: Body }>(
    '/api/v1/targets/:target/patients/:id',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Change some fields of a patient',
        params: targetIdParams,
        body: patientPatch,
        response: { 200: patientRow, ...errorResponses },
      },
    },
    async (request) =>
      clinic.updatePatient(accessContext(request), request.params.target, request.params.id, request.body),
  );

  app.delete<{ Params: TargetIdParams }>(
    '/api/v1/targets/:target/patients/:id',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Delete a patient with their medical records and appointments (one transaction)',
        params: targetIdParams,
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              deleted_records: { type: 'integer' },
              deleted_appointments: { type: 'integer' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => clinic.deletePatient(accessContext(request), request.params.target, request.params.id),
  );
}
