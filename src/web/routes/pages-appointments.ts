import type { FastifyInstance } from 'fastify';
import { APPOINTMENT_FIELDS, type Clinic } from '../../clinic/index.js';
import { isAppError } from '../../errors/index.js';
import { accessContext } from '../plugins/identity.js';
import { failPage, type PageDeps, sendPage, targetName } from './page-helpers.js';

type Params = { target: string; id: string };
type Form = Record<string, unknown>;

const pageId = (text: string): number => (/^\d{1,10}$/.test(text) ? Number(text) : 0);

/** Appointment pages: book for a patient, edit (e.g. mark completed), delete (each back to the patient page). */
export function registerAppointmentPages(app: FastifyInstance, clinic: Clinic, deps: PageDeps): void {
  app.get<{ Params: Params }>(
    '/targets/:target/patients/:id/appointments/new',
    { schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const p = await clinic.getPatient(accessContext(request), target, pageId(request.params.id));
        const today = new Date().toISOString().slice(0, 10);
        const data = appointmentForm(
          target,
          p.id,
          null,
          { scheduled_at: `${today} 09:00`, status: 'scheduled' },
          `${p.first_name} ${p.last_name}`,
        );
        return sendPage(reply, deps, 'form', { title: 'Book appointment', nav: `target:${target}` }, data);
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Body: Form }>(
    '/targets/:target/patients/:id/appointments',
    { schema: { hide: true } },
    async (request, reply) => {
      const { target } = request.params;
      const patientId = pageId(request.params.id);
      try {
        const row = await clinic.createAppointment(
          accessContext(request),
          target,
          patientId,
          request.body ?? {},
          { source: 'form' },
        );
        return reply.redirect(
          `/targets/${targetName(deps, target)}/patients/${patientId}?notice=appointment-added#appointment-${row.id}`,
          303,
        );
      } catch (error) {
        if (!isAppError(error, 'CAREPOOL_VALIDATION')) return failPage(request, reply, deps, error);
        const data = appointmentForm(
          target,
          patientId,
          null,
          request.body ?? {},
          `patient ${patientId}`,
          error.fields,
        );
        return sendPage(
          reply,
          deps,
          'form',
          { title: 'Book appointment', nav: `target:${target}` },
          data,
          400,
        );
      }
    },
  );

  app.get<{ Params: Params }>(
    '/targets/:target/appointments/:id/edit',
    { schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const r = await clinic.getAppointment(accessContext(request), target, pageId(request.params.id));
        const data = appointmentForm(target, r.patient_id, r.id, r, `patient ${r.patient_id}`);
        return sendPage(reply, deps, 'form', { title: 'Edit appointment', nav: `target:${target}` }, data);
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Body: Form & { patient_id?: string } }>(
    '/targets/:target/appointments/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const { target } = request.params;
      const id = pageId(request.params.id);
      try {
        const r = await clinic.updateAppointment(accessContext(request), target, id, request.body ?? {}, {
          source: 'form',
          partial: false,
        });
        return reply.redirect(
          `/targets/${targetName(deps, target)}/patients/${r.patient_id}?notice=appointment-saved#appointment-${r.id}`,
          303,
        );
      } catch (error) {
        if (!isAppError(error, 'CAREPOOL_VALIDATION')) return failPage(request, reply, deps, error);
        const patientId = pageId(String(request.body?.patient_id ?? ''));
        const data = appointmentForm(
          target,
          patientId,
          id,
          request.body ?? {},
          `patient ${patientId}`,
          error.fields,
        );
        return sendPage(
          reply,
          deps,
          'form',
          { title: 'Edit appointment', nav: `target:${target}` },
          data,
          400,
        );
      }
    },
  );

  app.get<{ Params: Params }>(
    '/targets/:target/appointments/:id/delete',
    { schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const r = await clinic.getAppointment(accessContext(request), target, pageId(request.params.id));
        return sendPage(
          reply,
          deps,
          'confirm',
          { title: 'Delete appointment', nav: `target:${target}` },
          {
            heading: `Delete appointment ${r.id}?`,
            message: `"${r.reason}" on ${r.scheduled_at}, of patient ${r.patient_id} on ${target}. Other targets are not changed.`,
            action: `/targets/${target}/appointments/${r.id}/delete?patient=${r.patient_id}`,
            submitLabel: 'Delete appointment',
            cancelHref: `/targets/${target}/patients/${r.patient_id}`,
          },
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Querystring: { patient?: string } }>(
    '/targets/:target/appointments/:id/delete',
    { schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        await clinic.deleteAppointment(accessContext(request), target, pageId(request.params.id));
        const patient = pageId(request.query.patient ?? '');
        return reply.redirect(
          patient
            ? `/targets/${target}/patients/${patient}?notice=appointment-deleted`
            : `/targets/${target}/patients`,
          303,
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );
}

function appointmentForm(
  target: string,
  patientId: number,
  id: number | null,
  values: Form,
  who: string,
  errors?: Readonly<Record<string, string>>,
) {
  const back = `/targets/${target}/patients/${patientId}`;
  return {
    target,
    heading: id === null ? `Book an appointment for ${who}` : `Edit appointment ${id}`,
    fields: APPOINTMENT_FIELDS,
    // The edit form carries the patient id so a re-rendered form can link back to the patient.
    hidden: id === null ? {} : { patient_id: String(patientId) },
    values,
    errors: errors ?? {},
    action:
      id === null
        ? `/targets/${target}/patients/${patientId}/appointments`
        : `/targets/${target}/appointments/${id}`,
    submitLabel: id === null ? 'Book appointment' : 'Save appointment',
    cancelHref: back,
    backHref: back,
    backLabel: who,
  };
}
