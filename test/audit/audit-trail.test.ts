import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditedGuard } from '../../src/audit/index.js';
import { Clinic } from '../../src/clinic/index.js';
import { sql } from '../../src/db/sql.js';
import { isAppError } from '../../src/errors/index.js';
import { adminConnection, sandboxServers } from '../harness/targets.js';
import { patientInput, type SecureFixture, secureFixture } from '../web/secure-fixture.js';

let f: SecureFixture;
let patientId: number;
let recordId: number;
let appointmentId: number;
const tag = `Au${randomBytes(3).toString('hex')}`;
const PHI = [`Zoe${tag}`, `Quill${tag}`, '1971-06-02', '+1 555 0199', 'Tension headache', 'Ibuprofen 400'];

interface AuditRow {
  actor: string;
  role: string;
  action: string;
  resource: string;
  resource_id: number | null;
  patient_id: number | null;
  outcome: string;
  client: string;
  request_id: string;
}

/** Audit rows a request left on `target`, found by the request id it was sent with. */
async function eventsOf(requestId: string, target = 'azure'): Promise<AuditRow[]> {
  const { rows } = await f.registry
    .get(target)
    .sql.query<AuditRow>(
      sql`SELECT actor, role, action, resource, resource_id, patient_id, outcome, client, request_id FROM carepool_audit WHERE request_id = ${requestId}`,
    );
  return rows;
}

let seq = 0;
async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  role: 'viewer' | 'clinician' | 'admin' = 'clinician',
  payload?: Record<string, unknown>,
) {
  const requestId = `${tag}-${++seq}`;
  const res = await f.app.inject({
    method,
    url,
    headers: { ...f.bearer(f.user[role]), 'x-request-id': requestId },
    ...(payload ? { payload } : {}),
  });
  return { res, requestId };
}

beforeAll(async () => {
  f = await secureFixture();
  const p = await call('POST', '/api/v1/targets/azure/patients', 'clinician', patientInput(tag));
  patientId = p.res.json().id;
  const r = await call('POST', `/api/v1/targets/azure/patients/${patientId}/records`, 'clinician', {
    diagnosis: 'Tension headache',
    treatment: 'Ibuprofen 400',
    admission_date: '2025-01-02',
  });
  recordId = r.res.json().id;
  const a = await call('POST', `/api/v1/targets/azure/patients/${patientId}/appointments`, 'clinician', {
    scheduled_at: '2026-02-01 09:00',
    reason: 'Review',
  });
  appointmentId = a.res.json().id;
});
afterAll(() => f?.close());

describe('the audit trail', () => {
  it('every read of patient data leaves exactly one event with who, what, which patient and the outcome, and no PHI', async () => {
    const reads: [string, string, string, number | null][] = [
      [`/api/v1/targets/azure/patients/${patientId}`, 'read', 'patient', patientId],
      [`/api/v1/targets/azure/patients?limit=5`, 'list', 'patient', null],
      [`/api/v1/targets/azure/patients?q=Quill${tag}`, 'search', 'patient', null],
      [`/api/v1/targets/azure/patients/${patientId}/records`, 'list', 'medical_record', null],
      [`/api/v1/targets/azure/records/${recordId}`, 'read', 'medical_record', recordId],
      [`/api/v1/targets/azure/patients/${patientId}/appointments`, 'list', 'appointment', null],
      [`/api/v1/targets/azure/appointments/${appointmentId}`, 'read', 'appointment', appointmentId],
      [`/targets/azure/patients/${patientId}`, 'read', 'patient', patientId],
      [`/targets/azure/patients?q=Quill${tag}`, 'search', 'patient', null],
    ];
    for (const [url, action, resource, resourceId] of reads) {
      const { res, requestId } = await call('GET', url, 'viewer');
      expect(res.statusCode, url).toBe(200);
      const events = await eventsOf(requestId);
      expect(events, url).toHaveLength(1);
      const e = events[0] as AuditRow;
      expect(e, url).toMatchObject({
        actor: f.user.viewer.name,
        role: 'viewer',
        action,
        resource,
        resource_id: resourceId,
        outcome: 'success',
        client: '127.0.0.1',
      });
      if (action !== 'list' && action !== 'search') expect(e.patient_id, url).toBe(patientId);
      for (const value of PHI) expect(JSON.stringify(e), url).not.toContain(value);
    }
  });

  it('a compare reads the patient on every target and audits each read on its own target', async () => {
    const { res, requestId } = await call('GET', `/api/v1/compare/patients/${patientId}`, 'viewer');
    expect(res.statusCode).toBe(200);
    const azure = await eventsOf(requestId, 'azure');
    const gcp = await eventsOf(requestId, 'gcp');
    expect(azure.map((e) => [e.action, e.patient_id, e.outcome])).toEqual([['read', patientId, 'success']]);
    // The patient exists only on azure: the gcp read is audited as not found.
    expect(gcp.map((e) => [e.action, e.patient_id, e.outcome])).toEqual([['read', patientId, 'not_found']]);
  });

  it('writes record their event in their own transaction, failures and refusals are recorded too', async () => {
    const created = await call('POST', `/api/v1/targets/azure/patients/${patientId}/records`, 'clinician', {
      diagnosis: 'Tension headache',
      admission_date: '2025-03-02',
    });
    expect(created.res.statusCode).toBe(201);
    const id = created.res.json().id as number;
    expect(await eventsOf(created.requestId)).toMatchObject([
      {
        action: 'create',
        resource: 'medical_record',
        resource_id: id,
        patient_id: patientId,
        outcome: 'success',
      },
    ]);
    const patched = await call('PATCH', `/api/v1/targets/azure/records/${id}`, 'clinician', {
      treatment: 'Rest',
    });
    expect(await eventsOf(patched.requestId)).toMatchObject([
      { action: 'update', resource_id: id, patient_id: patientId, outcome: 'success' },
    ]);
    const invalid = await call('PATCH', `/api/v1/targets/azure/records/${id}`, 'clinician', {
      discharge_date: '1999-01-01',
    });
    expect(invalid.res.statusCode).toBe(400);
    expect(await eventsOf(invalid.requestId)).toMatchObject([{ action: 'update', outcome: 'invalid' }]);
    const deleted = await call('DELETE', `/api/v1/targets/azure/records/${id}`, 'clinician');
    expect(await eventsOf(deleted.requestId)).toMatchObject([
      { action: 'delete', resource_id: id, patient_id: patientId, outcome: 'success' },
    ]);
    const missing = await call('GET', `/api/v1/targets/azure/records/${id}`, 'viewer');
    expect(missing.res.statusCode).toBe(404);
    expect(await eventsOf(missing.requestId)).toMatchObject([
      { action: 'read', resource_id: id, outcome: 'not_found' },
    ]);
  });

  it('the service refuses a viewer who writes, and records the refusal', async () => {
    const clinic = new Clinic({ registry: f.registry, guard: auditedGuard(f.audit) });
    const requestId = `${tag}-denied`;
    const actor = { id: f.user.viewer.name, name: f.user.viewer.name, role: 'viewer' as const };
    const error = await clinic
      .updatePatient({ actor, client: 'cli', requestId }, 'azure', patientId, { gender: 'Male' })
      .catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_AUTH_FORBIDDEN')).toBe(true);
    expect(await eventsOf(requestId)).toMatchObject([
      {
        actor: f.user.viewer.name,
        action: 'update',
        patient_id: patientId,
        outcome: 'denied',
        client: 'cli',
      },
    ]);
    const { rows } = await f.registry
      .get('azure')
      .sql.query<{ gender: string }>(sql`SELECT gender FROM patients WHERE id = ${patientId}`);
    expect(rows[0]?.gender).toBe('Female');
  });

  it('is append-only: even the app user cannot change or delete an event', async () => {
    const t = f.registry.get('azure').sql;
    await expect(t.query(sql`UPDATE carepool_audit SET outcome = 'success' LIMIT 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.query(sql`DELETE FROM carepool_audit LIMIT 1`)).rejects.toThrow(/append-only/);
  });

  it('if the audit event cannot be written, the access is refused and nothing leaks or changes', async () => {
    const admin = await adminConnection(sandboxServers().azure);
    const trigger = sql.raw(`\`${f.database}\`.carepool_test_audit_down`);
    try {
      await admin.query(
        sql`CREATE TRIGGER ${trigger} BEFORE INSERT ON ${sql.raw(`\`${f.database}\`.carepool_audit`)} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit storage unavailable'`,
      );
      const read = await call('GET', `/api/v1/targets/azure/patients/${patientId}`, 'viewer');
      expect(read.res.statusCode).toBe(503);
      expect(read.res.json().error.code).toBe('CAREPOOL_AUDIT_WRITE_FAILED');
      for (const value of PHI) expect(read.res.body).not.toContain(value);
      const page = await call('GET', `/targets/azure/patients/${patientId}`, 'viewer');
      expect(page.res.statusCode).toBe(503);
      for (const value of PHI) expect(page.res.body).not.toContain(value);
      const count = async () =>
        Number(
          (
            await f.registry
              .get('azure')
              .sql.query<{ n: number }>(
                sql`SELECT COUNT(*) AS n FROM medical_records WHERE patient_id = ${patientId}`,
              )
          ).rows[0]?.n,
        );
      const before = await count();
      const write = await call('POST', `/api/v1/targets/azure/patients/${patientId}/records`, 'clinician', {
        diagnosis: 'Should not be stored',
        admission_date: '2025-04-01',
      });
      expect(write.res.statusCode).toBe(503);
      expect(write.res.json().error.code).toBe('CAREPOOL_AUDIT_WRITE_FAILED');
      expect(await count()).toBe(before);
    } finally {
      await admin.query(sql`DROP TRIGGER IF EXISTS ${trigger}`);
      await admin.close();
    }
    const back = await call('GET', `/api/v1/targets/azure/patients/${patientId}`, 'viewer');
    expect(back.res.statusCode).toBe(200);
  });

  it('admins read it through the API and the audit page, filtered by patient', async () => {
    const { res } = await call('GET', `/api/v1/audit?target=azure&patient=${patientId}&limit=500`, 'admin');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { target: string; events: { patientId: number; outcome: string }[] };
    expect(body.target).toBe('azure');
    expect(body.events.length).toBeGreaterThan(5);
    expect(body.events.every((e) => e.patientId === patientId)).toBe(true);
    const page = await call('GET', `/audit?target=azure&patient=${patientId}`, 'admin');
    expect(page.res.statusCode).toBe(200);
    expect(page.res.body).toContain('Audit trail');
    expect(page.res.body).toContain(f.user.viewer.name);
    for (const value of PHI) expect(page.res.body).not.toContain(value);
  });
});
