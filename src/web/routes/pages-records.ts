import type { FastifyInstance } from 'fastify';
import { type Clinic, RECORD_FIELDS } from '../../clinic/index.js';
import { isAppError } from '../../errors/index.js';
import { accessContext } from '../plugins/identity.js';
import { failPage, type PageDeps, sendPage, targetName } from './page-helpers.js';

type Params = { target: string; id: string };
type Form = Record<string, unknown>;

const pageId = (text: string): number => (/^\d{1,10}$/.test(text) ? Number(text) : 0);

/** Medical-record pages: add to a patient, edit, delete (each back to the patient page). */
export function registerRecordPages(app: FastifyInstance, clinic: Clinic, deps: PageDeps): void {
  app.get<{ Params: Params }>(
    '/targets/:target/patients/:id/records/new',
    { schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const p = await clinic.getPatient(accessContext(request), target, pageId(request.params.id));
        const today = new Date().toISOString().slice(0, 10);
        const data = recordForm(
          target,
          p.id,
          null,
          { admission_date: today },
          `${p.first_name} ${p.last_name}`,
        );
        return sendPage(reply, deps, 'form', { title: 'Add medical record', nav: `target:${target}` }, data);
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Body: Form }>(
    '/targets/:target/patients/:id/records',
    { schema: { hide: true } },
    async (request, reply) => {
      const { target } = request.params;
      const patientId = pageId(request.params.id);
      try {
        const row = await clinic.createRecord(accessContext(request), target, patientId, request.body ?? {}, {
          source: 'form',
        });
        return reply.redirect(
          `/targets/${targetName(deps, target)}/patients/${patientId}?notice=record-added#record-${row.id}`,
          303,
        );
      } catch (error) {
        if (!isAppError(error, 'CAREPOOL_VALIDATION')) return failPage(request, reply, deps, error);
        const data = recordForm(
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
          { title: 'Add medical record', nav: `target:${target}` },
          data,
          400,
        );
      }
    },
  );

  app.get<{ Params: Params }>(
    '/targets/:target/records/:id/edit',
    { schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const r = await clinic.getRecord(accessContext(request), target, pageId(request.params.id));
        const data = recordForm(target, r.patient_id, r.id, r, `patient ${r.patient_id}`);
        return sendPage(reply, deps, 'form', { title: 'Edit medical record', nav: `target:${target}` }, data);
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Body: Form & { patient_id?: string } }>(
    '/targets/:target/records/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const { target } = request.params;
      const id = pageId(request.params.id);
      try {
        const r = await clinic.updateRecord(accessContext(request), target, id, request.body ?? {}, {
          source: 'form',
          partial: false,
        });
        return reply.redirect(
          `/targets/${targetName(deps, target)}/patients/${r.patient_id}?notice=record-saved#record-${r.id}`,
          303,
        );
      } catch (error) {
        if (!isAppError(error, 'CAREPOOL_VALIDATION')) return failPage(request, reply, deps, error);
        const patientId = pageId(String(request.body?.patient_id ?? ''));
        const data = recordForm(
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
          { title: 'Edit medical record', nav: `target:${target}` },
          data,
          400,
        );
      }
    },
  );

  app.get<{ Params: Params }>(
    '/targets/:target/records/:id/delete',
    { schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const r = await clinic.getRecord(accessContext(request), target, pageId(request.params.id));
        return sendPage(
          reply,
          deps,
          'confirm',
          { title: 'Delete medical record', nav: `target:${target}` },
          {
            heading: `Delete medical record ${r.id}?`,
            message: `"${r.diagnosis}", admitted ${r.admission_date}, of patient ${r.patient_id} on ${target}. Other targets are not changed.`,
            action: `/targets/${target}/records/${r.id}/delete?patient=${r.patient_id}`,
            submitLabel: 'Delete record',
            cancelHref: `/targets/${target}/patients/${r.patient_id}`,
          },
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Querystring: { patient?: string } }>(
    '/targets/:target/records/:id/delete',
    { schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        await clinic.deleteRecord(accessContext(request), target, pageId(request.params.id));
        const patient = pageId(request.query.patient ?? '');
        return reply.redirect(
          patient
            ? `/targets/${target}/patients/${patient}?notice=record-deleted`
            : `/targets/${target}/patients`,
          303,
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );
}

function recordForm(
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
    heading: id === null ? `Add a medical record for ${who}` : `Edit medical record ${id}`,
    fields: RECORD_FIELDS,
    // The edit form carries the patient id so a re-rendered form can link back to the patient.
    hidden: id === null ? {} : { patient_id: String(patientId) },
    values,
    errors: errors ?? {},
    action:
      id === null ? `/targets/${target}/patients/${patientId}/records` : `/targets/${target}/records/${id}`,
    submitLabel: id === null ? 'Add record' : 'Save record',
    cancelHref: back,
    backHref: back,
    backLabel: who,
  };
}
