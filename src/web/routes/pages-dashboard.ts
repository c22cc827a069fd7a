import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Clinic, humanize, type PatientComparison } from '../../clinic/index.js';
import { probeTarget, type RevisionReader } from '../../db/health.js';
import { appointments, medicalRecords, patients } from '../../schema/index.js';
import { accessContext } from '../plugins/identity.js';
import { failPage, type PageDeps, sendPage, show } from './page-helpers.js';

/** Dashboard of targets (`/`) and the compare pages (`/compare`, `/compare/patients/:id`). */
export function registerDashboardPages(
  app: FastifyInstance,
  clinic: Clinic,
  deps: PageDeps,
  readRevision?: RevisionReader,
): void {
  app.get('/', { config: { access: 'ops:read' }, schema: { hide: true } }, async (request, reply) => {
    try {
      const health = await Promise.all(deps.registry.list().map((t) => probeTarget(t, readRevision)));
      const banners = health
        .filter((h) => !h.ok)
        .map((h) => ({
          kind: 'down' as const,
          title: `Target ${h.name} is down.`,
          message: h.error?.message ?? '',
          hint: h.error?.hint ?? '',
        }));
      const meta = { title: 'Dashboard', nav: 'dashboard', banners, script: '/static/dashboard.js' };
      return sendPage(reply, deps, 'dashboard', meta, { health });
    } catch (error) {
      return failPage(request, reply, deps, error);
    }
  });

  app.get<{ Querystring: { id?: string; q?: string } }>(
    '/compare',
    { config: { access: 'phi:read' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const q = (request.query.q ?? request.query.id ?? '').trim().slice(0, 100);
        if (/^\d{1,10}$/.test(q)) return reply.redirect(`/compare/patients/${Number(q)}`, 303);
        const matches = q ? await findByName(clinic, request, deps.registry.names(), q) : null;
        return sendPage(
          reply,
          deps,
          'compare',
          { title: 'Compare', nav: 'compare' },
          { id: null, q, matches, cmp: null, rows: [] },
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/compare/patients/:id',
    { config: { access: 'phi:read' }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const id = /^\d{1,10}$/.test(request.params.id) ? Number(request.params.id) : 0;
        const cmp = await clinic.comparePatient(accessContext(request), id);
        return sendPage(
          reply,
          deps,
          'compare',
          { title: `Compare patient ${id}`, nav: 'compare' },
          { id, q: '', matches: null, cmp, rows: compareRows(cmp) },
        );
      } catch (error) {
        return failPage(request, reply, deps, error);
      }
    },
  );
}

/** A patient found by name, with the targets that hold a patient of that name under that id. */
interface NameMatch {
  readonly id: number;
  readonly name: string;
  readonly dateOfBirth: string;
  readonly targets: string[];
}

/**
 * Searches every target for `q` (the patient list's name search) and merges the hits by id, since the compare
 * page lines patients up by id. A target that cannot answer is left out rather than failing the search.
 */
async function findByName(
  clinic: Clinic,
  request: FastifyRequest,
  targets: readonly string[],
  q: string,
): Promise<NameMatch[]> {
  const pages = await Promise.allSettled(
    targets.map((t) => clinic.listPatients(accessContext(request), t, { q, limit: 20, sort: 'name' })),
  );
  const byId = new Map<number, NameMatch>();
  pages.forEach((page, i) => {
    if (page.status !== 'fulfilled') return;
    for (const p of page.value.items) {
      const found = byId.get(p.id);
      if (found) found.targets.push(targets[i] as string);
      else
        byId.set(p.id, {
          id: p.id,
          name: `${p.last_name}, ${p.first_name}`,
          dateOfBirth: String(p.date_of_birth),
          targets: [targets[i] as string],
        });
    }
  });
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id).slice(0, 30);
}

/** One row of the compare table. */
interface CompareRow {
  readonly label: string;
  readonly section?: boolean;
  readonly differs?: boolean;
  readonly cells: readonly string[];
}

/** Lays the comparison out as rows: patient fields, then one section per medical record and appointment. */
export function compareRows(cmp: PatientComparison): readonly CompareRow[] {
  const copies = cmp.targets;
  const differing = new Set(cmp.differences.map((d) => d.path));
  const rows: CompareRow[] = [{ label: 'Patient', section: true, cells: [] }];
  const patientOf = (i: number) => {
    const c = copies[i];
    return c?.status === 'ok' ? c.patient : undefined;
  };
  for (const col of patients.table.columns) {
    rows.push({
      label: humanize(col.name),
      differs: differing.has(col.name),
      cells: copies.map((c, i) =>
        c.status === 'ok' ? show(patientOf(i)?.[col.name as keyof typeof c.patient]) : absent(c.status),
      ),
    });
  }
  const sections = [
    { collection: 'medical_records', title: 'Medical record', table: medicalRecords.table },
    { collection: 'appointments', title: 'Appointment', table: appointments.table },
  ] as const;
  for (const { collection, title, table } of sections) {
    const rowsOf = (c: (typeof copies)[number]) =>
      c.status === 'ok'
        ? (c.patient[collection] as readonly ({ id: number } & Record<string, unknown>)[])
        : [];
    const ids = [...new Set(copies.flatMap((c) => rowsOf(c).map((r) => r.id)))].sort((a, b) => b - a);
    for (const rid of ids) {
      const missing = differing.has(`${collection}[${rid}]`);
      rows.push({ label: `${title} ${rid}`, section: true, differs: missing, cells: [] });
      for (const col of table.columns) {
        if (col.name === 'id' || col.name === 'patient_id') continue;
        rows.push({
          label: humanize(col.name),
          differs: missing || differing.has(`${collection}[${rid}].${col.name}`),
          cells: copies.map((c) => {
            if (c.status !== 'ok') return absent(c.status);
            const r = rowsOf(c).find((x) => x.id === rid);
            return r ? show(r[col.name]) : 'not on this target';
          }),
        });
      }
    }
  }
  return rows;
}

function absent(status: 'missing' | 'error'): string {
  return status === 'missing' ? 'not on this target' : 'unavailable';
}
