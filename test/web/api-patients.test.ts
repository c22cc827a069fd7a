import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientBody, type WebFixture, webFixture } from './fixture.js';

let f: WebFixture;
beforeAll(async () => {
  f = await webFixture();
});
afterAll(() => f?.close());

const post = (url: string, payload: unknown) =>
  f.app.inject({ method: 'POST', url, payload: payload as object });

describe('patients API', () => {
  it('creates a patient (201 + Location) and reads it back with its (empty) records', async () => {
    const res = await post('/api/v1/targets/azure/patients', patientBody(f.tag, { contact_number: '' }));
    expect(res.statusCode).toBe(201);
    const row = res.json();
    expect(res.headers.location).toBe(`/api/v1/targets/azure/patients/${row.id}`);
    expect(row).toMatchObject({ first_name: 'Ana', date_of_birth: '1984-03-12', contact_number: null });
    const got = await f.app.inject({ url: `/api/v1/targets/azure/patients/${row.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({ ...row, is_deceased: false, medical_records: [], appointments: [] });
  });

  it('lists by keyset pages with name search and sort', async () => {
    const tag = `${f.tag}L`;
    for (const first of ['Cleo', 'Abe', 'Bea']) {
      expect(
        (await post('/api/v1/targets/gcp/patients', patientBody(tag, { first_name: first }))).statusCode,
      ).toBe(201);
    }
    const p1 = (await f.app.inject({ url: `/api/v1/targets/gcp/patients?q=${tag}&limit=2` })).json();
    expect(p1.items.map((p: { first_name: string }) => p.first_name)).toEqual(['Abe', 'Bea']);
    expect(p1.next_cursor).toEqual(expect.any(String));
    const p2 = (
      await f.app.inject({ url: `/api/v1/targets/gcp/patients?q=${tag}&limit=2&cursor=${p1.next_cursor}` })
    ).json();
    expect(p2.items.map((p: { first_name: string }) => p.first_name)).toEqual(['Cleo']);
    expect(p2.next_cursor).toBeNull();
    const byNewest = (await f.app.inject({ url: `/api/v1/targets/gcp/patients?q=${tag}&sort=-id` })).json();
    expect(byNewest.items.map((p: { first_name: string }) => p.first_name)).toEqual(['Bea', 'Abe', 'Cleo']);
    const twoWords = (
      await f.app.inject({ url: `/api/v1/targets/gcp/patients?q=${encodeURIComponent(`bea ${tag}`)}` })
    ).json();
    expect(twoWords.items).toHaveLength(1);
    const wildcard = (
      await f.app.inject({ url: `/api/v1/targets/gcp/patients?q=${encodeURIComponent(`${tag}%`)}` })
    ).json();
    expect(wildcard.items).toHaveLength(0);
  });

  it('answers 400 with field messages for bad input, never 500', async () => {
    const res = await post('/api/v1/targets/azure/patients', {
      first_name: 'x'.repeat(51),
      date_of_birth: '2023-02-30',
      gender: 'Female',
      contact_number: 'call me',
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('CAREPOOL_VALIDATION');
    expect(error.fields).toMatchObject({
      first_name: expect.stringContaining('at most 50'),
      last_name: expect.stringContaining('required'),
      date_of_birth: expect.stringContaining('real date'),
      contact_number: expect.any(String),
    });
    const future = await post(
      '/api/v1/targets/azure/patients',
      patientBody(f.tag, { date_of_birth: '2999-01-01' }),
    );
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields.date_of_birth).toContain('future');
    const types = await post('/api/v1/targets/azure/patients', patientBody(f.tag, { first_name: { a: 1 } }));
    expect(types.statusCode).toBe(400);
    const badJson = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/azure/patients',
      headers: { 'content-type': 'application/json' },
      payload: '{"first_name":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('CAREPOOL_WEB_BAD_REQUEST');
    for (const url of ['?limit=0', '?limit=500', '?sort=age', '?cursor=bm9wZQ']) {
      const r = await f.app.inject({ url: `/api/v1/targets/azure/patients${url}` });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code).toBe('CAREPOOL_VALIDATION');
    }
    expect((await f.app.inject({ url: '/api/v1/targets/azure/patients/abc' })).statusCode).toBe(400);
    // Ajv coerces 1e309 to Infinity and lets it pass; the service refuses it before any SQL is built.
    const huge = await f.app.inject({ url: '/api/v1/targets/azure/patients/1e309' });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.fields.id).toContain('whole number');
    // The router's own limits (a parameter over 100 characters) answer with the envelope too.
    const long = await f.app.inject({ url: `/api/v1/targets/${'x'.repeat(120)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json().error.code).toBe('CAREPOOL_WEB_BAD_REQUEST');
  });

  it('answers 404 for an unknown target, listing the configured ones, and for a missing patient', async () => {
    const res = await f.app.inject({ url: '/api/v1/targets/aws/patients' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({
      code: 'CAREPOOL_TARGET_UNKNOWN',
      meta: { targets: ['azure', 'gcp'] },
    });
    expect(res.json().error.message).toContain('azure, gcp');
    const missing = await f.app.inject({ url: '/api/v1/targets/azure/patients/2147483000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('CAREPOOL_NOT_FOUND');
    expect((await f.app.inject({ url: '/api/v1/nope' })).json().error.code).toBe(
      'CAREPOOL_WEB_ROUTE_NOT_FOUND',
    );
  });

  it('patches some fields and deletes a patient with their records in one transaction', async () => {
    const row = (await post('/api/v1/targets/azure/patients', patientBody(f.tag))).json();
    const url = `/api/v1/targets/azure/patients/${row.id}`;
    const patched = await f.app.inject({ method: 'PATCH', url, payload: { contact_number: '555-0199' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ first_name: 'Ana', contact_number: '555-0199' });
    expect((await f.app.inject({ method: 'PATCH', url, payload: {} })).statusCode).toBe(400);
    expect((await f.app.inject({ method: 'PATCH', url, payload: { last_name: '' } })).statusCode).toBe(400);
    const gone = '/api/v1/targets/azure/patients/2147483000';
    expect((await f.app.inject({ method: 'PATCH', url: gone, payload: { gender: 'Male' } })).statusCode).toBe(
      404,
    );
    await post(`${url}/records`, { diagnosis: 'Asthma', admission_date: '2024-01-02' });
    await post(`${url}/appointments`, { scheduled_at: '2025-06-01 10:00', reason: 'Review' });
    const del = await f.app.inject({ method: 'DELETE', url });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ id: row.id, deleted_records: 1, deleted_appointments: 1 });
    expect((await f.app.inject({ url })).statusCode).toBe(404);
    expect((await f.app.inject({ method: 'DELETE', url })).statusCode).toBe(404);
  });
});
