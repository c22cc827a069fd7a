import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { type SecureFixture, secureFixture } from './secure-fixture.js';

let f: SecureFixture;
let ids: number[] = [];
beforeAll(async () => {
  f = await secureFixture();
  // Enough patients that id 16 and id 10 exist: `0x10` and `1e1` must not reach them.
  for (let i = 0; i < 17; i++) {
    const p = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/azure/patients',
      headers: f.bearer(f.user.clinician),
      payload: { first_name: `In${i}`, last_name: 'Put', date_of_birth: '1960-01-01', gender: 'Male' },
    });
    ids.push(p.json().id);
  }
  ids = ids.sort((a, b) => a - b);
});
afterAll(() => f?.close());

const BAD_IDS = ['0x10', '1e1', '+1', '%201', '1%20', '2147483648', '4294967312', '0', '-1', '1.0', '０１'];

async function count(): Promise<number> {
  const { rows } = await f.registry
    .get('azure')
    .sql.query<{ n: number }>(sql`SELECT COUNT(*) AS n FROM patients`);
  return Number(rows[0]?.n);
}

describe('ids are decimal digits within INT range (issue 14 item 6)', () => {
  it('GET, PATCH and DELETE with 0x10, 1e1, +1, " 1", 2^31 … answer 400 and touch nothing', async () => {
    expect(ids).toContain(16);
    expect(ids).toContain(10);
    const before = await count();
    for (const id of BAD_IDS) {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await f.app.inject({
          method,
          url: `/api/v1/targets/azure/patients/${id}`,
          headers: f.bearer(f.user.clinician),
          ...(method === 'PATCH' ? { payload: { first_name: 'Hacked' } } : {}),
        });
        expect(res.statusCode, `${method} ${id}`).toBe(400);
        expect(res.json().error.code).toBe('CAREPOOL_VALIDATION');
        expect(res.json().error.fields.id).toMatch(/decimal digits/);
      }
      for (const url of [`/api/v1/targets/azure/records/${id}`, `/api/v1/compare/patients/${id}`]) {
        const res = await f.app.inject({ method: 'GET', url, headers: f.bearer(f.user.clinician) });
        expect(res.statusCode, url).toBe(400);
      }
    }
    expect(await count()).toBe(before);
    const sixteen = await f.app.inject({
      method: 'GET',
      url: '/api/v1/targets/azure/patients/16',
      headers: f.bearer(f.user.viewer),
    });
    expect(sixteen.json().first_name).not.toBe('Hacked');
  });

  it('pages refuse the same ids (404 naming the id), including their form posts', async () => {
    const { cookie, csrf } = await f.login(f.user.clinician);
    for (const id of ['0x10', '1e1', '2147483648']) {
      const page = await f.app.inject({
        method: 'GET',
        url: `/targets/azure/patients/${id}`,
        headers: { cookie },
      });
      expect(page.statusCode, id).toBe(404);
      expect(page.body).toContain(`there is no patient &quot;${id}&quot;`);
      const del = await f.app.inject({
        method: 'POST',
        url: `/targets/azure/patients/${id}/delete`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf }).toString(),
      });
      expect(del.statusCode, id).toBe(404);
    }
    expect(await count()).toBe(17);
  });

  it('query whole numbers are decimal digits too', async () => {
    const res = await f.app.inject({
      method: 'GET',
      url: '/api/v1/targets/azure/patients?limit=0x10',
      headers: f.bearer(f.user.viewer),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.limit).toMatch(/decimal digits/);
  });
});

describe('JSON bodies are taken as typed (issue 14 item 6)', () => {
  const post = (payload: unknown) =>
    f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/azure/patients',
      headers: f.bearer(f.user.clinician),
      payload: payload as Record<string, unknown>,
    });
  const base = { first_name: 'Ty', last_name: 'Ped', date_of_birth: '1970-01-01', gender: 'Female' };

  it('a boolean or number for a text field is a 400, not "true"', async () => {
    for (const first_name of [true, 12, ['a'], { a: 1 }]) {
      const res = await post({ ...base, first_name });
      expect(res.statusCode, JSON.stringify(first_name)).toBe(400);
      expect(res.json().error.fields.first_name).toMatch(/must be a JSON string/);
    }
    const flag = await post({ ...base, is_deceased: 'true' });
    expect(flag.statusCode).toBe(400);
  });

  it('NUL, other C0 controls and lone surrogates are refused, not stored (or stored as U+FFFD)', async () => {
    for (const raw of [
      '{"first_name":"A\\u0000b"',
      '{"first_name":"A\\u001bb"',
      '{"first_name":"A\\ud800"',
      '{"first_name":"Tab\\tb"',
    ]) {
      const res = await f.app.inject({
        method: 'POST',
        url: '/api/v1/targets/azure/patients',
        headers: { ...f.bearer(f.user.clinician), 'content-type': 'application/json' },
        payload: `${raw},"last_name":"L","date_of_birth":"1970-01-01","gender":"Female"}`,
      });
      expect(res.statusCode, raw).toBe(400);
      expect(res.json().error.code).toBe('CAREPOOL_VALIDATION');
    }
    const ok = await post({ ...base, last_name: 'Smile \u{1F600}' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().last_name).toBe('Smile \u{1F600}');
  });

  it('a PATCH with only unknown keys is a 400 naming the allowed fields, like {}', async () => {
    for (const payload of [{ nickname: 'x' }, {}, { first_name: 'Ok', nickname: 'x' }]) {
      const res = await f.app.inject({
        method: 'PATCH',
        url: `/api/v1/targets/azure/patients/${ids[0]}`,
        headers: f.bearer(f.user.clinician),
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(JSON.stringify(res.json().error.fields)).toMatch(/first_name.*last_name/);
    }
  });

  it('page forms refuse control characters too', async () => {
    const { cookie, csrf } = await f.login(f.user.clinician);
    const res = await f.app.inject({
      method: 'POST',
      url: '/targets/azure/patients',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...base, first_name: 'Null\u0000byte', _csrf: csrf }).toString(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('control characters');
  });
});
