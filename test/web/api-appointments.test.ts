import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientBody, type WebFixture, webFixture } from './fixture.js';

let f: WebFixture;
let patientUrl: string;
beforeAll(async () => {
  f = await webFixture();
  const row = (
    await f.app.inject({ method: 'POST', url: '/api/v1/targets/gcp/patients', payload: patientBody(f.tag) })
  ).json();
  patientUrl = `/api/v1/targets/gcp/patients/${row.id}`;
});
afterAll(() => f?.close());

describe('appointments API (migration 0002)', () => {
  it('books appointments (status defaults to scheduled) and returns them with the patient, soonest first', async () => {
    const later = await f.app.inject({
      method: 'POST',
      url: `${patientUrl}/appointments`,
      payload: { scheduled_at: '2025-07-01T14:30', reason: 'Follow-up' },
    });
    expect(later.statusCode).toBe(201);
    expect(later.json()).toMatchObject({
      scheduled_at: '2025-07-01 14:30:00',
      reason: 'Follow-up',
      status: 'scheduled',
    });
    expect(later.headers.location).toBe(`/api/v1/targets/gcp/appointments/${later.json().id}`);
    await f.app.inject({
      method: 'POST',
      url: `${patientUrl}/appointments`,
      payload: { scheduled_at: '2025-06-01 09:00', reason: 'Bloods', status: 'completed' },
    });
    const patient = (await f.app.inject({ url: patientUrl })).json();
    expect(patient.appointments.map((a: { reason: string }) => a.reason)).toEqual(['Bloods', 'Follow-up']);
    expect((await f.app.inject({ url: `${patientUrl}/appointments` })).json().items).toHaveLength(2);
    const url = `/api/v1/targets/gcp/appointments/${later.json().id}`;
    expect((await f.app.inject({ url })).json()).toEqual(later.json());
    const patched = await f.app.inject({ method: 'PATCH', url, payload: { status: 'no_show' } });
    expect(patched.json()).toMatchObject({ status: 'no_show', reason: 'Follow-up' });
    expect((await f.app.inject({ method: 'DELETE', url })).json()).toEqual({ id: later.json().id });
    expect((await f.app.inject({ url })).statusCode).toBe(404);
  });

  it('answers 400 for a bad status or time and 404 for a missing patient or appointment', async () => {
    const bad = await f.app.inject({
      method: 'POST',
      url: `${patientUrl}/appointments`,
      payload: { scheduled_at: '2025-02-30 25:00', reason: '', status: 'maybe' },
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['reason', 'status']);
    const time = await f.app.inject({
      method: 'POST',
      url: `${patientUrl}/appointments`,
      payload: { scheduled_at: '2025-02-30 10:00', reason: 'X' },
    });
    expect(time.statusCode).toBe(400);
    expect(time.json().error.fields.scheduled_at).toContain('YYYY-MM-DD HH:MM');
    const orphan = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/gcp/patients/2147483000/appointments',
      payload: { scheduled_at: '2025-02-03 10:00', reason: 'X' },
    });
    expect(orphan.statusCode).toBe(404);
    expect(
      (
        await f.app.inject({
          method: 'PATCH',
          url: '/api/v1/targets/gcp/appointments/2147483000',
          payload: { reason: 'Y' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await f.app.inject({ method: 'DELETE', url: '/api/v1/targets/gcp/appointments/2147483000' }))
        .statusCode,
    ).toBe(404);
  });
});
