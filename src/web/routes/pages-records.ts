import type { FastifyInstance } from 'fastify';
import { type Clinic, type MedicalRecord, RECORD_FIELDS } from '../../clinic/index.js';
import { registerChildPages } from './child-pages.js';
import type { PageDeps } from './page-helpers.js';

/** Medical-record pages: add to a patient, edit, delete (each back to the patient page). */
export function registerRecordPages(app: FastifyInstance, clinic: Clinic, deps: PageDeps): void {
  registerChildPages<MedicalRecord>(app, clinic, deps, {
    slug: 'records',
    anchor: 'record',
    noun: 'medical record',
    addVerb: 'Add',
    fields: RECORD_FIELDS,
    defaults: (today) => ({ admission_date: today }),
    describe: (r) => `"${r.diagnosis}", admitted ${r.admission_date}`,
    create: (ctx, target, patientId, body, options) =>
      clinic.createRecord(ctx, target, patientId, body, options),
    get: (ctx, target, id) => clinic.getRecord(ctx, target, id),
    update: (ctx, target, id, body, options) => clinic.updateRecord(ctx, target, id, body, options),
    remove: (ctx, target, id) => clinic.deleteRecord(ctx, target, id),
  });
}
