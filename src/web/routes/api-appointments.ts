import type { FastifyInstance } from 'fastify';
import type { Clinic } from '../../clinic/index.js';
import { idempotencyHeaders, idempotencyOf } from '../plugins/idempotency.js';
import { accessContext } from '../plugins/identity.js';
import {
  appointmentCreate,
  appointmentPatch,
  appointmentRow,
  errorResponses,
  targetIdParams,
} from './schemas.js';

type TargetIdParams = { target: string; id: number };
type Body = Record<string, unknown>;

/** Appointments (migration 0002): per patient (list, create) and by id (read, patch, delete). */
export function registerAppointmentApi(app: FastifyInstance, clinic: Clinic): void {
  const tags = ['appointments'];
  app.get<{ Params: TargetIdParams }>(
    '/api/v1/targets/:target/patients/:id/appointments',
    {
      config: { access: 'phi:read' },
      schema: {
        tags,
        summary: "A patient's appointments, soonest first",
        params: targetIdParams,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: appointmentRow } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      items: await clinic.listAppointments(accessContext(request), request.params.target, request.params.id),
    }),
  );

  app.post<{ Params: TargetIdParams; Body: Body }>(
    '/api/v1/targets/:target/patients/:id/appointments',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Book an appointment (the patient must exist)',
        params: targetIdParams,
        body: appointmentCreate,
        headers: idempotencyHeaders,
        response: { 201: appointmentRow, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { target, id } = request.params;
      const row = await clinic.createAppointment(
        accessContext(request),
        target,
        id,
        request.body,
        idempotencyOf(request, reply),
      );
      reply.code(201).header('location', `/api/v1/targets/${target}/appointments/${row.id}`);
      return row;
    },
  );

  app.get<{ Params: TargetIdParams }>(
    '/api/v1/targets/:target/appointments/:id',
    {
      config: { access: 'phi:read' },
      schema: {
        tags,
        summary: 'One appointment',
        params: targetIdParams,
        response: { 200: appointmentRow, ...errorResponses },
      },
    },
    async (request) =>
      clinic.getAppointment(accessContext(request), request.params.target, request.params.id),
  );

  app.patch<{ Params: TargetIdParams; Body: Body }>(
    '/api/v1/targets/:target/appointments/:id',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Change some fields of an appointment (e.g. status)',
        params: targetIdParams,
        body: appointmentPatch,
        response: { 200: appointmentRow, ...errorResponses },
      },
    },
    async (request) =>
      clinic.updateAppointment(
        accessContext(request),
        request.params.target,
        request.params.id,
        request.body,
      ),
  );

  app.delete<{ Params: TargetIdParams }>(
    '/api/v1/targets/:target/appointments/:id',
    {
      config: { access: 'phi:write' },
      schema: {
        tags,
        summary: 'Delete an appointment',
        params: targetIdParams,
        response: { 200: { type: 'object', properties: { id: { type: 'integer' } } }, ...errorResponses },
      },
    },
    async (request) =>
      clinic.deleteAppointment(accessContext(request), request.params.target, request.params.id),
  );
}
