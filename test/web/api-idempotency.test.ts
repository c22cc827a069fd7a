import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { patientBody, type WebFixture, webFixture } from './fixture.js';
import { patientInput, type SecureFixture, secureFixture } from './secure-fixture.js';

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

describe('Idempotency-Key replays in a secured app (issue 14 item 5, issue 20 item 12)', () => {
  let s: SecureFixture;
  beforeAll(async () => {
    s = await secureFixture();
  });
  afterAll(() => s?.close());

  const post = (key: string, tag: string) =>
    s.app.inject({
      method: 'POST',
      url: '/api/v1/targets/azure/patients',
      headers: { ...s.bearer(s.user.clinician), 'idempotency-key': key },
      payload: patientInput(tag),
    });
  const events = async (patientId: number) =>
    (
      await s.registry
        .get('azure')
        .sql.query<{ action: string; outcome: string; resource_id: number | null }>(
          sql`SELECT action, outcome, resource_id FROM carepool_audit WHERE patient_id = ${patientId} AND resource = 'patient' ORDER BY id`,
        )
    ).rows;

  it('a replay is audited as a replay, not a second create, and shows the row as it is now', async () => {
    const key = randomUUID();
    const first = await post(key, 'Rep');
    expect(first.statusCode).toBe(201);
    const id = first.json().id as number;
    const patch = await s.app.inject({
      method: 'PATCH',
      url: `/api/v1/targets/azure/patients/${id}`,
      headers: s.bearer(s.user.clinician),
      payload: { last_name: 'Changedsince' },
    });
    expect(patch.statusCode).toBe(200);
    const again = await post(key, 'Rep');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toMatchObject({ id, last_name: 'Changedsince' });
    expect((await events(id)).map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'create:success',
      'update:success',
      'replay:success',
    ]);
  });

  it('the key table holds no PHI: status, row id and fingerprint only', async () => {
    const key = randomUUID();
    const res = await post(key, 'Nophi');
    const { rows } = await s.registry
      .get('azure')
      .sql.query<Record<string, unknown>>(
        sql`SELECT * FROM carepool_idempotency WHERE idem_key LIKE ${`% ${key}`}`,
      );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 201, resource_id: res.json().id, body: null });
    expect(JSON.stringify(rows)).not.toMatch(/Nophi|1971-06-02/);
  });

  it('a replay after the patient was deleted is 410 CAREPOOL_IDEMPOTENCY_GONE, never the deleted data', async () => {
    const key = randomUUID();
    const first = await post(key, 'Gone');
    const id = first.json().id as number;
    const del = await s.app.inject({
      method: 'DELETE',
      url: `/api/v1/targets/azure/patients/${id}`,
      headers: s.bearer(s.user.clinician),
    });
    expect(del.statusCode).toBe(200);
    const again = await post(key, 'Gone');
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('CAREPOOL_IDEMPOTENCY_GONE');
    expect(again.json().error.message).toContain(`patient ${id}`);
    expect(again.body).not.toContain('ZoeGone');
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect((await events(id)).map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'create:success',
      'delete:success',
      'replay:not_found',
    ]);
  });

  it('an expired key writes again (TTL), and the app purges expired keys on its timer', async () => {
    const short = await secureFixture({ idempotencyTtlMs: 1000 });
    try {
      const key = randomUUID();
      const send = () =>
        short.app.inject({
          method: 'POST',
          url: '/api/v1/targets/azure/patients',
          headers: { ...short.bearer(short.user.clinician), 'idempotency-key': key },
          payload: patientInput('Ttl'),
        });
      const first = await send();
      await short.registry
        .get('azure')
        .sql.query(sql`UPDATE carepool_idempotency SET created_at = created_at - INTERVAL 5 SECOND`);
      const second = await send();
      expect(second.statusCode).toBe(201);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(second.json().id).not.toBe(first.json().id);
      await short.registry
        .get('azure')
        .sql.query(sql`UPDATE carepool_idempotency SET created_at = created_at - INTERVAL 5 SECOND`);
      // The purge runs every max(10 s, TTL/4): wait for it, bounded generously.
      const left = async () =>
        Number(
          (
            await short.registry
              .get('azure')
              .sql.query<{ n: number }>(sql`SELECT COUNT(*) AS n FROM carepool_idempotency`)
          ).rows[0]?.n,
        );
      const deadline = Date.now() + 30_000;
      while ((await left()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
      expect(await left()).toBe(0);
    } finally {
      await short.close();
    }
  }, 60_000);
});
