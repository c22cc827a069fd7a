import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebFixture, patientBody, webFixture } from './fixture.js';

let f: WebFixture;
beforeAll(async () => {
  f = await webFixture();
});
afterAll(() => f?.close());

/**
 * Strict input is part of every app, not of sign-in: an embedding with `security: 'none'` (route tests,
 * in-process use) must refuse the same coercions as `carepool serve` (issue 14 item 6).
 */
describe('strict input without sign-in', () => {
  it('a hex or exponent id is a 400 naming the parameter, for GET, PATCH and DELETE', async () => {
    for (const id of ['0x10', '1e1', '+1', '2147483648']) {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await f.app.inject({
          method,
          url: `/api/v1/targets/azure/patients/${id}`,
          ...(method === 'PATCH' ? { payload: { first_name: 'X' } } : {}),
        });
        expect(res.statusCode, `${method} ${id}`).toBe(400);
        expect(res.json().error.code).toBe('CAREPOOL_VALIDATION');
        expect(Object.keys(res.json().error.fields)).toContain('id');
      }
    }
  });

  it('a boolean for a text field and an unknown-only PATCH are 400s, not coerced or ignored', async () => {
    const created = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/azure/patients',
      payload: patientBody('guard', { first_name: true }),
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.fields.first_name).toMatch(/JSON string/);
    const ok = await f.app.inject({
      method: 'POST',
      url: '/api/v1/targets/azure/patients',
      payload: patientBody('guard'),
    });
    expect(ok.statusCode).toBe(201);
    const patch = await f.app.inject({
      method: 'PATCH',
      url: `/api/v1/targets/azure/patients/${ok.json().id}`,
      payload: { nickname: 'x' },
    });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.fields['(body)']).toMatch(/unknown field "nickname"; allowed: .*first_name/);
  });
});
