import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can } from '../../src/auth/index.js';
import { sql } from '../../src/db/sql.js';
import { type SecureFixture, secureFixture } from './secure-fixture.js';

let f: SecureFixture;
const ids = { patient: 0, record: 0, appointment: 0 };
beforeAll(async () => {
  f = await secureFixture();
  const as = f.bearer(f.user.clinician);
  const p = await f.app.inject({
    method: 'POST',
    url: '/api/v1/targets/azure/patients',
    headers: as,
    payload: { first_name: 'Deni', last_name: 'Ed', date_of_birth: '1960-01-01', gender: 'Male' },
  });
  ids.patient = p.json().id;
  const r = await f.app.inject({
    method: 'POST',
    url: `/api/v1/targets/azure/patients/${ids.patient}/records`,
    headers: as,
    payload: { diagnosis: 'Gout', admission_date: '2024-01-01' },
  });
  ids.record = r.json().id;
  const a = await f.app.inject({
    method: 'POST',
    url: `/api/v1/targets/azure/patients/${ids.patient}/appointments`,
    headers: as,
    payload: { scheduled_at: '2030-01-01T10:00:00', reason: 'Check' },
  });
  ids.appointment = a.json().id;
});
afterAll(() => f?.close());

/** A concrete URL for a route pattern, with the ids of real rows on azure. */
function concrete(url: string): string {
  return url
    .replaceAll(':target', 'azure')
    .replace(/\/records\/:id/, `/records/${ids.record}`)
    .replace(/\/appointments\/:id/, `/appointments/${ids.appointment}`)
    .replace(/:id/, String(ids.patient));
}

interface DeniedRow {
  actor: string;
  role: string;
  action: string;
  resource: string;
  resource_id: number | null;
  patient_id: number | null;
  outcome: string;
}

async function deniedRows(target: string, requestId: string): Promise<DeniedRow[]> {
  const { rows } = await f.registry
    .get(target)
    .sql.query<DeniedRow>(
      sql`SELECT actor, role, action, resource, resource_id, patient_id, outcome FROM carepool_audit WHERE request_id = ${requestId}`,
    );
  return rows;
}

describe('a 403 on a patient-data route is audited (issue 14 item 4)', () => {
  it('every phi:write route refused to a viewer leaves exactly one denied event, on the target concerned', async () => {
    const rules = f.app.routeRules().filter((r) => r.access === 'phi:write');
    expect(rules.length).toBeGreaterThan(20);
    let n = 0;
    for (const rule of rules) {
      expect(can('viewer', 'phi:write')).toBe(false);
      const url = concrete(rule.url);
      const requestId = `denied-${Date.now().toString(36)}-${n++}`;
      const res = await f.app.inject({
        method: rule.method as 'GET',
        url,
        headers: { ...f.bearer(f.user.viewer), 'x-request-id': requestId },
        ...(rule.method === 'GET' || rule.method === 'DELETE' ? {} : { payload: { first_name: 'X' } }),
      });
      const label = `${rule.method} ${rule.url}`;
      expect(res.statusCode, label).toBe(403);
      const azure = await deniedRows('azure', requestId);
      expect(azure, label).toHaveLength(1);
      expect(await deniedRows('gcp', requestId), label).toHaveLength(0);
      const row = azure[0] as DeniedRow;
      expect(row, label).toMatchObject({ actor: f.user.viewer.name, role: 'viewer', outcome: 'denied' });
      // Every route here concerns one patient, except creating a patient and the patient list.
      if (!/\/patients(\/new)?$/.test(rule.url)) expect(row.patient_id, label).toBe(ids.patient);
      const resource = rule.url.includes('/records')
        ? 'medical_record'
        : rule.url.includes('/appointments')
          ? 'appointment'
          : 'patient';
      expect(row.resource, label).toBe(resource);
      const action = /delete/i.test(`${rule.method} ${rule.url}`)
        ? 'delete'
        : /\/new$/.test(rule.url) || (rule.method === 'POST' && !/:id$/.test(rule.url))
          ? 'create'
          : 'update';
      expect(row.action, label).toBe(action);
    }
  });

  it('the event carries ids only and the refused request changed nothing', async () => {
    const requestId = `denied-phi-${Date.now().toString(36)}`;
    const res = await f.app.inject({
      method: 'PATCH',
      url: `/api/v1/targets/azure/patients/${ids.patient}`,
      headers: { ...f.bearer(f.user.viewer), 'x-request-id': requestId },
      payload: { first_name: 'Changedname' },
    });
    expect(res.statusCode).toBe(403);
    const { rows } = await f.registry
      .get('azure')
      .sql.query<Record<string, unknown>>(sql`SELECT * FROM carepool_audit WHERE request_id = ${requestId}`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toMatch(/Changedname|Deni/);
    const p = await f.app.inject({
      method: 'GET',
      url: `/api/v1/targets/azure/patients/${ids.patient}`,
      headers: f.bearer(f.user.viewer),
    });
    expect(p.json().first_name).toBe('Deni');
  });
});
