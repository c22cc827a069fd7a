import type { FastifyInstance } from 'fastify';
import { APPOINTMENT_FIELDS, type Appointment, type Clinic } from '../../clinic/index.js';
import { registerChildPages } from './child-pages.js';
import type { PageDeps } from './page-helpers.js';

/** Appointment pages: book for a patient, edit (e.g. mark completed), delete (each back to the patient page). */
export function registerAppointmentPages(app: FastifyInstance, clinic: Clinic, deps: PageDeps): void {
  registerChildPages<Appointment>(app, clinic, deps, {
    slug: 'appointments',
    anchor: 'appointment',
    noun: 'appointment',
    addVerb: 'Book',
    fields: APPOINTMENT_FIELDS,
    defaults: (today) => ({ scheduled_at: `${today} 09:00`, status: 'scheduled' }),
    describe: (a) => `"${a.reason}" on ${a.scheduled_at}`,
    create: (ctx, target, patientId, body, options) =>
      clinic.createAppointment(ctx, target, patientId, body, options),
    get: (ctx, target, id) => clinic.getAppointment(ctx, target, id),
    update: (ctx, target, id, body, options) => clinic.updateAppointment(ctx, target, id, body, options),
    remove: (ctx, target, id) => clinic.deleteAppointment(ctx, target, id),
  });
}
