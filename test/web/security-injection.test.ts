import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { NASTY } from '../harness/nasty.js';
import { type SecureFixture, secureFixture } from './secure-fixture.js';

let f: SecureFixture;
beforeAll(async () => {
  f = await secureFixture();
  // Something to find, change or delete if an injection got through.
  for (const target of ['azure', 'gcp']) {
    const p = await f.app.inject({
      method: 'POST',
      url: `/api/v1/targets/${target}/patients`,
      headers: f.bearer(f.user.clinician),
      payload: { first_name: 'Inje', last_name: 'Ction', date_of_birth: '1960-01-01', gender: 'Male' },
    });
    await f.app.inject({
      method: 'POST',
      url: `/api/v1/targets/${target}/patients/${p.json().id}/records`,
      headers: f.bearer(f.user.clinician),
      payload: { diagnosis: 'Gout', admission_date: '2024-01-01' },
    });
  }
});
afterAll(() => f?.close());

/** An id no row has, for the parameters that are not under attack (so legitimate deletes change nothing). */
const ABSENT = '2147483000';

const TABLES =
  'patients, medical_records, appointments, carepool_users, carepool_tokens, carepool_idempotency';

/** CHECKSUM TABLE of everything but the audit trail (which grows with every request) on both targets. */
async function checksums(): Promise<string> {
  const out: string[] = [];
  for (const target of ['azure', 'gcp']) {
    const { rows } = await f.registry
      .get(target)
      .sql.query<{ Table: string; Checksum: string }>(sql`CHECKSUM TABLE ${sql.raw(TABLES)}`);
    out.push(...rows.map((r) => `${target}:${r.Table}=${r.Checksum}`));
  }
  return out.join('\n');
}

describe('SQL injection through any parameter', () => {
  it('payloads in every path and query parameter of every route change nothing and never cause a 500', async () => {
    const before = await checksums();
    const rules = f.app.routeRules().filter((r) => r.url !== '/api/v1/live' && !r.url.startsWith('/docs'));
    let requests = 0;
    for (const rule of rules) {
      const params = [...rule.url.matchAll(/:([a-z]+)/g)].map((m) => m[1] as string);
      for (const nasty of NASTY) {
        const encoded = encodeURIComponent(nasty);
        const urls = [
          ...params.map((name) =>
            rule.url.replace(/:([a-z]+)/g, (_m, p: string) =>
              p === name ? encoded : p === 'target' ? 'azure' : ABSENT,
            ),
          ),
          `${rule.url.replace(/:([a-z]+)/g, (_m, p: string) => (p === 'target' ? 'azure' : ABSENT))}?q=${encoded}&target=${encoded}&patient=${encoded}&actor=${encoded}&cursor=${encoded}&limit=${encoded}&sort=${encoded}&id=${encoded}`,
        ];
        for (const url of urls) {
          const res = await f.app.inject({
            method: rule.method as 'GET',
            url,
            headers: { ...f.bearer(f.user.admin), 'x-request-id': nasty.slice(0, 200) },
            ...(rule.method === 'GET' || rule.method === 'DELETE' ? {} : { payload: {} }),
          });
          requests++;
          expect(res.statusCode, `${rule.method} ${url.slice(0, 120)}`).toBeLessThan(500);
          expect(res.body).not.toMatch(/ER_[A-Z_]+|sqlMessage|You have an error in your SQL syntax/);
        }
      }
    }
    expect(requests).toBeGreaterThan(1000);
    expect(await checksums()).toBe(before);
    // Thousands of requests (ERD renders among them) on a shared 2-core machine: a bound, not a latency goal.
  }, 300_000);

  it('payloads in body fields are stored as the literal text they are, touching no other row', async () => {
    const before = await checksums();
    const storable = NASTY.filter((n) => n.length <= 50 && !n.includes('\u0000'));
    let created = 0;
    for (const nasty of storable) {
      const res = await f.app.inject({
        method: 'POST',
        url: '/api/v1/targets/gcp/patients',
        headers: f.bearer(f.user.clinician),
        payload: { first_name: nasty, last_name: nasty, date_of_birth: '1990-01-01', gender: 'Other' },
      });
      expect(res.statusCode).toBeLessThan(500);
      if (res.statusCode !== 201) continue;
      created++;
      const back = await f.app.inject({
        method: 'GET',
        url: `/api/v1/targets/gcp/patients/${res.json().id}`,
        headers: f.bearer(f.user.viewer),
      });
      expect(back.json()).toMatchObject({ first_name: nasty, last_name: nasty });
      await f.app.inject({
        method: 'DELETE',
        url: `/api/v1/targets/gcp/patients/${res.json().id}`,
        headers: f.bearer(f.user.clinician),
      });
    }
    expect(created).toBeGreaterThan(10);
    // Created and deleted again: every table is as it was (auto-increment counters aside).
    expect(await checksums()).toBe(before);
  });
});
