import type { FastifyInstance } from 'fastify';
import { type Clinic, PATIENT_FIELDS, PATIENT_SORTS, type PatientSort } from '../../clinic/index.js';
import { isAppError } from '../../errors/index.js';
import { accessContext } from '../plugins/identity.js';
import { downBanner } from '../views/layout-data.js';
import {
  ageYears,
  failPage,
  isUnavailable,
  noticeBanner,
  type PageDeps,
  idParam,
  sendPage,
  show,
  targetName,
} from './page-helpers.js';

type Params = { target: string; id: string };
type Form = Record<string, unknown>;

const pageId = (text: string): number => (/^\d{1,10}$/.test(text) ? Number(text) : 0);

/** Patient pages: list with search and paging, detail with records, add/edit forms, delete confirmation. */
export function registerPatientPages(app: FastifyInstance, clinic: Clinic, deps: PageDeps): void {
  app.get<{ Params: Params; Querystring: { q?: string; cursor?: string; sort?: string } }>(
    '/targets/:target/patients',
    { config: { access: 'phi:read' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const q = (request.query.q ?? '').slice(0, 100);
        const sort = (PATIENT_SORTS as readonly string[]).includes(request.query.sort ?? '')
          ? (request.query.sort as PatientSort)
          : 'name';
        const cursor = request.query.cursor || undefined;
        const base = { target, q, sort, cursor, firstHref: href(target, { q, sort }) };
        const meta = {
          title: `Patients · ${target}`,
          nav: `target:${target}`,
          banners: noticeBanner(request),
        };
        try {
          const page = await clinic.listPatients(accessContext(request), target, {
            limit: 25,
            sort,
            ...(q ? { q } : {}),
            ...(cursor ? { cursor } : {}),
          });
          const nextHref = page.next_cursor ? href(target, { q, sort, cursor: page.next_cursor }) : null;
          return sendPage(reply, deps, 'patients', meta, { ...base, page, nextHref });
        } catch (error) {
          if (!isUnavailable(error)) throw error;
          reply.header('retry-after', String(error.meta.retryAfterS ?? 1));
          const banners = [...meta.banners, downBanner(target, error)];
          return sendPage(
            reply,
            deps,
            'patients',
            { ...meta, banners },
            { ...base, error: error.toJSON() },
            503,
          );
        }
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.get<{ Params: Params }>(
    '/targets/:target/patients/new',
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        return sendPage(
          reply,
          deps,
          'form',
          { title: 'Add patient', nav: `target:${target}` },
          patientForm(target, null, {}),
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Body: Form }>(
    '/targets/:target/patients',
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      const target = request.params.target;
      try {
        const row = await clinic.createPatient(accessContext(request), target, request.body ?? {}, {
          source: 'form',
        });
        return reply.redirect(`/targets/${targetName(deps, target)}/patients/${row.id}?notice=created`, 303);
      } catch (error) {
        if (!isAppError(error, 'CAREPOOL_VALIDATION')) return failPage(request, reply, deps, error);
        const data = patientForm(target, null, request.body ?? {}, error.fields);
        return sendPage(reply, deps, 'form', { title: 'Add patient', nav: `target:${target}` }, data, 400);
      }
    },
  );

  app.get<{ Params: Params; Querystring: { notice?: string } }>(
    '/targets/:target/patients/:id',
    { config: { access: 'phi:read' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const patient = await clinic.getPatient(
          accessContext(request),
          target,
          idParam(request.params.id, 'patient'),
        );
        const meta = {
          title: `${patient.first_name} ${patient.last_name}`,
          nav: `target:${target}`,
          banners: noticeBanner(request),
        };
        return sendPage(reply, deps, 'patient', meta, {
          target,
          patient,
          age: ageYears(patient.date_of_birth),
          patientFields: PATIENT_FIELDS,
          show,
        });
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.get<{ Params: Params }>(
    '/targets/:target/patients/:id/edit',
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const patient = await clinic.getPatient(
          accessContext(request),
          target,
          idParam(request.params.id, 'patient'),
        );
        return sendPage(
          reply,
          deps,
          'form',
          { title: 'Edit patient', nav: `target:${target}` },
          patientForm(target, patient.id, patient),
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Body: Form }>(
    '/targets/:target/patients/:id',
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      const { target } = request.params;
      const id = pageId(request.params.id);
      try {
        await clinic.updatePatient(accessContext(request), target, id, request.body ?? {}, {
          source: 'form',
          partial: false,
        });
        return reply.redirect(`/targets/${targetName(deps, target)}/patients/${id}?notice=saved`, 303);
      } catch (error) {
        if (!isAppError(error, 'CAREPOOL_VALIDATION')) return failPage(request, reply, deps, error);
        const data = patientForm(target, id, request.body ?? {}, error.fields);
        return sendPage(reply, deps, 'form', { title: 'Edit patient', nav: `target:${target}` }, data, 400);
      }
    },
  );

  app.get<{ Params: Params }>(
    '/targets/:target/patients/:id/delete',
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const p = await clinic.getPatient(
          accessContext(request),
          target,
          idParam(request.params.id, 'patient'),
        );
        const n = p.medical_records.length;
        return sendPage(
          reply,
          deps,
          'confirm',
          { title: 'Delete patient', nav: `target:${target}` },
          {
            heading: `Delete ${p.first_name} ${p.last_name}?`,
            message: `This deletes patient ${p.id} and ${n} medical record${n === 1 ? '' : 's'} on ${target} only. Other targets are not changed.`,
            action: `/targets/${target}/patients/${p.id}/delete`,
            submitLabel: 'Delete patient',
            cancelHref: `/targets/${target}/patients/${p.id}`,
          },
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params }>(
    '/targets/:target/patients/:id/delete',
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        await clinic.deletePatient(accessContext(request), target, idParam(request.params.id, 'patient'));
        return reply.redirect(`/targets/${target}/patients?notice=deleted`, 303);
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );
}

function patientForm(
  target: string,
  id: number | null,
  values: Form,
  errors?: Readonly<Record<string, string>>,
) {
  const detail = id === null ? null : `/targets/${target}/patients/${id}`;
  return {
    target,
    heading: id === null ? `Add a patient on ${target}` : `Edit patient ${id} on ${target}`,
    fields: formFields(values),
    values,
    errors: errors ?? {},
    action: detail ?? `/targets/${target}/patients`,
    submitLabel: id === null ? 'Add patient' : 'Save changes',
    cancelHref: detail ?? `/targets/${target}/patients`,
    ...(detail ? { backHref: detail, backLabel: `patient ${id}` } : {}),
  };
}

/**
 * The sample data and the clinic's forms use Female / Male / Other, so the form offers exactly those as a
 * select (a free-text box invited spellings no report could group). A stored value outside the three (data
 * written through the API or by hand) stays selectable, so editing a patient never changes it silently.
 */
const GENDERS = ['Female', 'Male', 'Other'] as const;

function formFields(values: Form) {
  const current = typeof values.gender === 'string' ? values.gender : '';
  const choices: string[] = [...GENDERS];
  if (current && !choices.includes(current)) choices.push(current);
  return PATIENT_FIELDS.map((f) =>
    f.name === 'gender' ? { ...f, kind: 'enum' as const, values: choices } : f,
  );
}

function href(target: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v && !(k === 'sort' && v === 'name')) params.set(k, v);
  const qs = params.toString();
  return `/targets/${target}/patients${qs ? `?${qs}` : ''}`;
}
