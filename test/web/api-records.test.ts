import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientBody, type WebFixture, webFixture } from './fixture.js';

let f: WebFixture;
let patientUrl: string;
beforeAll(async () => {
  f = await webFixture();
  const row = (
    await f.app.inject({ method: 'POST', url: '/api/v1/targets/azure/patients', payload: patientBody(f.tag) })
  ).json();
  patientUrl = `/api/v1/targets/azure/patients/${row.id}`;
});
afterAll(() => f?.close());

describe('medical records API', () => {
  it('adds records and returns them with the patient, newest admission first', async () => {
    const a = await f.app.inject({
      method: 'POST',
      url: `${patientUrl}/records`,
      payload: { diagnosis: 'Flu', admission_date: '2024-01-02', discharge_date: '2024-01-05' },
    });
    expect(a.statusCode).toBe(201);
    expect(a.headers.location).toBe(`/api/v1/targets/azure/records/${a.json().id}`);
    const b = await f.app.inject({
      method: 'POST',
      url: `${patientUrl}/records`,
      payload: { diagnosis: 'Fracture', treatment: 'Cast', admission_date: '2024-06-01' },
    });
    expect(b.json()).toMatchObject({ diagnosis: 'Fracture', treatment: 'Cast', discharge_date: null });
    const patient = (await f.app.inject({ url: patientUrl })).json();
    expect(patient.medical_records.map((r: { diagnosis: string }) => r.diagnosis)).toEqual([
      'Fracture',
      'Flu',
    ]);
    const list = (await f.app.inject({ url: `${patientUrl}/records` })).json();
    expect(list.items).toHaveLength(2);
    const one = await f.app.inject({ url: `/api/v1/targets/azure/records/${a.json().id}` });
    expect(one.json()).toEqual(a.json());
  });

  it('refuses a discharge before the admission, also when only one date is patched', async () => {
    const bad = await f.app.inject({
      method: 'POST',
      url: `${patientUrl}/records`,
      payload: { diagnosis: 'X', admission_date: '2024-05-02', discharge_date: '2024-05-01' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.discharge_date).toContain('before the admission');
    const rec = (
      await f.app.inject({
        method: 'POST',
        url: `${patientUrl}/records`,
        payload: { diagnosis: 'Y', admission_date: '2024-05-02' },
      })
    ).json();
    const url = `/api/v1/targets/azure/records/${rec.id}`;
    const patch = await f.app.inject({ method: 'PATCH', url, payload: { discharge_date: '2024-04-30' } });
    expect(patch.statusCode).toBe(400);
    const ok = await f.app.inject({
      method: 'PATCH',
      url,
      payload: { discharge_date: '2024-05-09', treatment: 'Rest' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      id: rec.id,
      diagnosis: 'Y',
      discharge_date: '2024-05-09',
      treatment: 'Rest',
    });
    expect((await f.app.inject({ url })).json().discharge_date).toBe('2024-05-09');
  });

  it('answers 404 for a record of a missing patient (the foreign key) and for missing records', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/azure/patients/2147483000/records',
      payload: { diagnosis: 'Z', admission_date: '2024-01-01' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('patient 2147483000');
    expect(
      (await f.app.inject({ url: '/api/v1/targets/azure/patients/2147483000/records' })).statusCode,
    ).toBe(404);
    expect((await f.app.inject({ url: '/api/v1/targets/azure/records/2147483000' })).statusCode).toBe(404);
    expect(
      (
        await f.app.inject({
          method: 'PATCH',
          url: '/api/v1/targets/azure/records/2147483000',
          payload: { diagnosis: 'Q' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await f.app.inject({
          method: 'POST',
          url: `${patientUrl}/records`,
          payload: { diagnosis: 'd'.repeat(101), admission_date: 'yesterday' },
        })
      ).json().error.fields,
    ).toMatchObject({
      diagnosis: expect.stringContaining('100'),
      admission_date: expect.stringContaining('YYYY-MM-DD'),
    });
    expect((await f.app.inject({ url: '/api/v1/targets/gcpx/records/1' })).statusCode).toBe(404);
  });

  it('deletes a record', async () => {
    const rec = (
      await f.app.inject({
        method: 'POST',
        url: `${patientUrl}/records`,
        payload: { diagnosis: 'Del', admission_date: '2024-02-02' },
      })
    ).json();
    const url = `/api/v1/targets/azure/records/${rec.id}`;
    expect((await f.app.inject({ method: 'DELETE', url })).json()).toEqual({ id: rec.id });
    expect((await f.app.inject({ method: 'DELETE', url })).statusCode).toBe(404);
  });
});
