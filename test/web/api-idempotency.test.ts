import { randomUUID } from 'node:crypto';
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

describe('Idempotency-Key on POST', () => {
  it('a retried POST with the same key and body replays the first response and writes once', async () => {
    const key = randomUUID();
    const post = () =>
      f.app.inject({
        method: 'POST',
        url: `${patientUrl}/records`,
        headers: { 'idempotency-key': key },
        payload: { diagnosis: 'Retry', admission_date: '2024-03-01' },
      });
    const first = await post();
    const second = await post();
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['idempotent-replayed']).toBe('true');
    const records = (await f.app.inject({ url: `${patientUrl}/records` })).json();
    expect(records.items.filter((r: { diagnosis: string }) => r.diagnosis === 'Retry')).toHaveLength(1);
  });

  it('the same key with another body is refused (422) and writes nothing', async () => {
    const key = randomUUID();
    const ok = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/gcp/patients',
      headers: { 'idempotency-key': key },
      payload: patientBody(f.tag),
    });
    expect(ok.statusCode).toBe(201);
    const other = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/gcp/patients',
      headers: { 'idempotency-key': key },
      payload: { ...patientBody(f.tag), first_name: 'Someone' },
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('CAREPOOL_IDEMPOTENCY_MISMATCH');
  });

  it('a malformed key is a 400 with the header named', async () => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/gcp/patients',
      headers: { 'idempotency-key': "x'; DROP--" },
      payload: patientBody(f.tag),
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('CAREPOOL_VALIDATION');
  });
});
