import type { FastifyInstance } from 'fastify';
import type { AccessContext, Clinic, FieldSpec, ParseOptions, WriteOptions } from '../../clinic/index.js';
import { isAppError } from '../../errors/index.js';
import { accessContext } from '../plugins/identity.js';
import { failPage, idParam, type PageDeps, sendPage, targetName } from './page-helpers.js';

type Params = { target: string; id: string };
type Form = Record<string, unknown>;

/** A row that belongs to a patient (a medical record, an appointment). */
interface ChildRow {
  readonly id: number;
  readonly patient_id: number;
}

/** What differs between the pages of two kinds of patient-owned rows; the routes are the same. */
export interface ChildPagesSpec<Row extends ChildRow> {
  /** URL segment: `/targets/:target/<slug>/:id`, `/targets/:target/patients/:id/<slug>`. */
  readonly slug: string;
  /** Notice and anchor prefix on the patient page (`record-added`, `#record-12`). */
  readonly anchor: string;
  /** `medical record`, `appointment`. */
  readonly noun: string;
  /** Verb of the create form: `Add` / `Book`. */
  readonly addVerb: string;
  readonly fields: readonly FieldSpec[];
  /** Initial values of the create form. */
  readonly defaults: (today: string) => Form;
  /** One line about the row for the delete confirmation (no other target is touched). */
  readonly describe: (row: Row) => string;
  readonly create: (
    ctx: AccessContext,
    target: string,
    patientId: number,
    body: Form,
    options: WriteOptions,
  ) => Promise<Row>;
  readonly get: (ctx: AccessContext, target: string, id: number) => Promise<Row>;
  readonly update: (
    ctx: AccessContext,
    target: string,
    id: number,
    body: Form,
    options: ParseOptions,
  ) => Promise<Row>;
  readonly remove: (ctx: AccessContext, target: string, id: number) => Promise<unknown>;
}

const pageId = (text: string): number => (/^\d{1,10}$/.test(text) ? Number(text) : 0);

/**
 * Registers the pages of a patient-owned row: create form + POST, edit form + POST, delete confirmation +
 * POST, each redirecting back to the patient page. Validation errors re-render the form with the typed values
 * and a message at each bad field (400).
 */
export function registerChildPages<Row extends ChildRow>(
  app: FastifyInstance,
  clinic: Clinic,
  deps: PageDeps,
  spec: ChildPagesSpec<Row>,
): void {
  const addTitle = `${spec.addVerb} ${spec.noun}`;
  const editTitle = `Edit ${spec.noun}`;
  const form = (
    target: string,
    patientId: number,
    id: number | null,
    values: Form,
    who: string,
    errors?: Readonly<Record<string, string>>,
  ) => {
    const back = `/targets/${target}/patients/${patientId}`;
    return {
      target,
      heading:
        id === null
          ? `${spec.addVerb} ${/^[aeiou]/.test(spec.noun) ? 'an' : 'a'} ${spec.noun} for ${who}`
          : `${editTitle} ${id}`,
      fields: spec.fields,
      // The edit form carries the patient id so a re-rendered form can link back to the patient.
      hidden: id === null ? {} : { patient_id: String(patientId) },
      values,
      errors: errors ?? {},
      action:
        id === null
          ? `/targets/${target}/patients/${patientId}/${spec.slug}`
          : `/targets/${target}/${spec.slug}/${id}`,
      submitLabel: id === null ? `${spec.addVerb} ${spec.anchor}` : `Save ${spec.anchor}`,
      cancelHref: back,
      backHref: back,
      backLabel: who,
    };
  };
  const page = (target: string, title: string) => ({ title, nav: `target:${target}` });

  app.get<{ Params: Params }>(
    `/targets/:target/patients/:id/${spec.slug}/new`,
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const p = await clinic.getPatient(
          accessContext(request),
          target,
          idParam(request.params.id, 'patient'),
        );
        const data = form(
          target,
          p.id,
          null,
          spec.defaults(new Date().toISOString().slice(0, 10)),
          `${p.first_name} ${p.last_name}`,
        );
        return sendPage(reply, deps, 'form', page(target, addTitle), data);
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Body: Form }>(
    `/targets/:target/patients/:id/${spec.slug}`,
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      const { target } = request.params;
      const patientId = pageId(request.params.id);
      try {
        const row = await spec.create(accessContext(request), target, patientId, request.body ?? {}, {
          source: 'form',
        });
        return reply.redirect(
          `/targets/${targetName(deps, target)}/patients/${patientId}?notice=${spec.anchor}-added#${spec.anchor}-${row.id}`,
          303,
        );
      } catch (error) {
        if (!isAppError(error, 'CAREPOOL_VALIDATION')) return failPage(request, reply, deps, error);
        const data = form(target, patientId, null, request.body ?? {}, `patient ${patientId}`, error.fields);
        return sendPage(reply, deps, 'form', page(target, addTitle), data, 400);
      }
    },
  );

  app.get<{ Params: Params }>(
    `/targets/:target/${spec.slug}/:id/edit`,
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const r = await spec.get(accessContext(request), target, idParam(request.params.id, spec.noun));
        const data = form(target, r.patient_id, r.id, r as unknown as Form, `patient ${r.patient_id}`);
        return sendPage(reply, deps, 'form', page(target, editTitle), data);
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Body: Form & { patient_id?: string } }>(
    `/targets/:target/${spec.slug}/:id`,
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      const { target } = request.params;
      const id = pageId(request.params.id);
      try {
        const r = await spec.update(accessContext(request), target, id, request.body ?? {}, {
          source: 'form',
          partial: false,
        });
        return reply.redirect(
          `/targets/${targetName(deps, target)}/patients/${r.patient_id}?notice=${spec.anchor}-saved#${spec.anchor}-${r.id}`,
          303,
        );
      } catch (error) {
        if (!isAppError(error, 'CAREPOOL_VALIDATION')) return failPage(request, reply, deps, error);
        const patientId = pageId(String(request.body?.patient_id ?? ''));
        const data = form(target, patientId, id, request.body ?? {}, `patient ${patientId}`, error.fields);
        return sendPage(reply, deps, 'form', page(target, editTitle), data, 400);
      }
    },
  );

  app.get<{ Params: Params }>(
    `/targets/:target/${spec.slug}/:id/delete`,
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        const r = await spec.get(accessContext(request), target, idParam(request.params.id, spec.noun));
        return sendPage(reply, deps, 'confirm', page(target, `Delete ${spec.noun}`), {
          heading: `Delete ${spec.noun} ${r.id}?`,
          message: `${spec.describe(r)}, of patient ${r.patient_id} on ${target}. Other targets are not changed.`,
          action: `/targets/${target}/${spec.slug}/${r.id}/delete?patient=${r.patient_id}`,
          submitLabel: `Delete ${spec.anchor}`,
          cancelHref: `/targets/${target}/patients/${r.patient_id}`,
        });
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.post<{ Params: Params; Querystring: { patient?: string } }>(
    `/targets/:target/${spec.slug}/:id/delete`,
    { config: { access: 'phi:write' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const target = targetName(deps, request.params.target);
        await spec.remove(accessContext(request), target, idParam(request.params.id, spec.noun));
        const patient = pageId(request.query.patient ?? '');
        return reply.redirect(
          patient
            ? `/targets/${target}/patients/${patient}?notice=${spec.anchor}-deleted`
            : `/targets/${target}/patients`,
          303,
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );
}
