import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import { buildApp } from '../../src/web/app.js';
import { NASTY } from '../harness/nasty.js';
import { type Stack, startStack } from './stack.js';

const ROUTES: readonly {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (t: string, id: string) => string;
  write: boolean;
}[] = [
  { method: 'GET', path: (t) => `/api/v1/targets/${t}/patients`, write: false },
  { method: 'POST', path: (t) => `/api/v1/targets/${t}/patients`, write: true },
  { method: 'GET', path: (t, id) => `/api/v1/targets/${t}/patients/${id}`, write: false },
  { method: 'PATCH', path: (t, id) => `/api/v1/targets/${t}/patients/${id}`, write: true },
  { method: 'DELETE', path: (t, id) => `/api/v1/targets/${t}/patients/${id}`, write: true },
  { method: 'GET', path: (t, id) => `/api/v1/targets/${t}/patients/${id}/records`, write: false },
  { method: 'POST', path: (t, id) => `/api/v1/targets/${t}/patients/${id}/records`, write: true },
  { method: 'GET', path: (t, id) => `/api/v1/targets/${t}/records/${id}`, write: false },
  { method: 'PATCH', path: (t, id) => `/api/v1/targets/${t}/records/${id}`, write: true },
  { method: 'DELETE', path: (t, id) => `/api/v1/targets/${t}/records/${id}`, write: true },
  { method: 'GET', path: (_t, id) => `/api/v1/compare/patients/${id}`, write: false },
];

const PATIENT_FIELDS = [
  'first_name',
  'last_name',
  'date_of_birth',
  'gender',
  'contact_number',
  'is_deceased',
];
const RECORD_FIELDS = ['diagnosis', 'treatment', 'admission_date', 'discharge_date', 'patient_id'];

/** Scenario 7: nothing a client sends produces a 500, a stack trace, or an unintended change. */
describe('bad input', () => {
  let stack: Stack;
  let registry: TargetRegistry;
  let app: FastifyInstance;
  const checksum = async () => {
    const { rows } = await registry
      .get('gcp')
      .sql.query<{ Table: string; Checksum: string }>(
        sql`CHECKSUM TABLE patients, medical_records, appointments`,
      );
    return rows.map((r) => `${r.Table}=${r.Checksum}`).join(',');
  };
  const expectClean = (res: { statusCode: number; body: string }, label: string) => {
    if (res.statusCode >= 500) throw new Error(`${label} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
    expect(res.body).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack traces
    expect(res.body).not.toMatch(/ER_[A-Z_]+|sqlMessage|errno/); // no raw driver errors
    if (res.statusCode >= 400 && res.body.startsWith('{')) {
      const body = JSON.parse(res.body) as { error?: { code?: string; message?: string } };
      expect(String(body.error?.code), `${label}: ${res.body.slice(0, 200)}`).toMatch(/^CAREPOOL_/);
    }
  };

  beforeAll(async () => {
    stack = await startStack({ profiles: ['gcp'], patients: 100 });
    registry = new TargetRegistry(loadConfig({ env: stack.env, dotenv: false, cwd: stack.home }));
    app = await buildApp({ registry, security: 'none' });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await registry?.close();
    await stack?.stop();
  });

  it('a corpus of injection, overlong, extreme and malformed values in every parameter: 4xx, never 500, nothing changed', async () => {
    const before = await checksum();
    for (const route of ROUTES) {
      for (const nasty of NASTY) {
        const enc = encodeURIComponent(nasty);
        const fields = route.path('x', '1').includes('records') ? RECORD_FIELDS : PATIENT_FIELDS;
        const body =
          route.method === 'POST' || route.method === 'PATCH'
            ? Object.fromEntries(fields.map((f) => [f, nasty]))
            : undefined;
        for (const [t, id] of [
          ['gcp', enc],
          [enc, '1'],
        ] as const) {
          const res = await app.inject({
            method: route.method,
            url: `${route.path(t, id)}?limit=${enc}&cursor=${enc}&q=${enc}&sort=${enc}`,
            ...(body ? { payload: body } : {}),
          });
          expectClean(res, `${route.method} ${route.path(t, id).slice(0, 80)}`);
          if (route.write)
            expect(res.statusCode, `${route.method} with ${nasty.slice(0, 30)}`).toBeGreaterThanOrEqual(400);
        }
      }
    }
    expect(await checksum()).toBe(before);
  });

  it('malformed bodies: invalid UTF-8, wrong JSON, deep nesting, oversized → 4xx with a code', async () => {
    const before = await checksum();
    const url = '/api/v1/targets/gcp/patients';
    const cases: { label: string; payload: string | Buffer; type?: string; expect: number[] }[] = [
      {
        label: 'invalid utf-8',
        payload: Buffer.from([0x7b, 0x22, 0x66, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        expect: [400],
      },
      { label: 'not json', payload: '{first_name: "a"', expect: [400] },
      { label: 'array body', payload: '[1,2,3]', expect: [400] },
      { label: 'deep json', payload: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, expect: [400] },
      {
        label: 'oversized',
        payload: JSON.stringify({ first_name: 'x'.repeat(2 * 1024 * 1024) }),
        expect: [413],
      },
      { label: 'wrong type', payload: 'first_name=a', type: 'text/plain', expect: [400, 415] },
    ];
    for (const c of cases) {
      const res = await app.inject({
        method: 'POST',
        url,
        payload: c.payload,
        headers: { 'content-type': c.type ?? 'application/json' },
      });
      expectClean(res, c.label);
      expect(c.expect, `${c.label}: got ${res.statusCode} ${res.body.slice(0, 120)}`).toContain(
        res.statusCode,
      );
    }
    expect(await checksum()).toBe(before);
  });

  it('property: arbitrary params, queries and bodies on every route never give a 500 or a stack trace', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(...NASTY),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
    );
    const body = fc.dictionary(
      fc.constantFrom(...PATIENT_FIELDS, ...RECORD_FIELDS, 'id', '__proto__', 'constructor'),
      value,
      { maxKeys: 8 },
    );
    const segment = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer().map(String),
      fc.constantFrom('gcp', 'azure', '1', '0', '-1'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        segment,
        segment,
        body,
        fc.dictionary(fc.constantFrom('limit', 'cursor', 'q', 'sort', 'x'), fc.string({ maxLength: 50 })),
        async (route, t, id, payload, query) => {
          const qs = new URLSearchParams(query).toString();
          const res = await app.inject({
            method: route.method,
            url: `${route.path(encodeURIComponent(t), encodeURIComponent(id))}${qs ? `?${qs}` : ''}`,
            ...(route.method === 'POST' || route.method === 'PATCH' ? { payload } : {}),
          });
          expectClean(res, `${route.method} ${t}/${id}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('configuration values: arbitrary URLs, ssl-modes and pool numbers give CAREPOOL_CONFIG_INVALID or a valid config', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.constantFrom(
            'mysql://u:p@h/db',
            'mysql://u:p@h:0/db',
            'mysql://:p@h/db',
            'mysql://u:p@[::1]/db',
          ),
        ),
        fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('DISABLED', 'required', 'VERIFY_CA')),
        fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String)),
        (url, mode, max) => {
          const sep = url.includes('?') ? '&' : '?';
          try {
            const config = loadConfig({
              env: {
                DATABASE_URL: `${url}${sep}ssl-mode=${encodeURIComponent(mode)}`,
                CAREPOOL_POOL_MAX: max,
              },
              dotenv: false,
              cwd: '/tmp',
            });
            expect(config.targets[0]?.pool.max).toBeGreaterThanOrEqual(1);
          } catch (error) {
            expect(isAppError(error, 'CAREPOOL_CONFIG_INVALID'), String(error)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
