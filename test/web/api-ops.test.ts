import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { patientBody, type WebFixture, webFixture } from './fixture.js';

let f: WebFixture;
beforeAll(async () => {
  f = await webFixture();
});
afterAll(() => f?.close());

describe('ops routes, targets and docs', () => {
  it('/healthz answers without touching a database; /readyz probes each target', async () => {
    expect((await f.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await f.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      targets: { azure: { ok: true }, gcp: { ok: true } },
    });
    expect((await f.app.inject({ url: '/readyz?target=gcp' })).json().targets).toEqual({
      gcp: expect.objectContaining({ ok: true }),
    });
    expect((await f.app.inject({ url: '/readyz?target=nope' })).statusCode).toBe(404);
  });

  it('/api/v1/targets shows health, server, TLS and pool stats without secrets', async () => {
    const res = await f.app.inject({ url: '/api/v1/targets' });
    const { targets } = res.json();
    expect(targets.map((t: { name: string }) => t.name)).toEqual(['azure', 'gcp']);
    expect(targets[0]).toMatchObject({
      ok: true,
      server: { flavor: 'mariadb' },
      tls: { enabled: true },
      pool: { max: 20 },
    });
    for (const t of f.registry.list()) expect(res.body).not.toContain(t.config.url.password.reveal());
  });

  it('/metrics serves the pool metrics in Prometheus text', async () => {
    await f.app.inject({ url: '/api/v1/targets/azure/patients?limit=1' });
    const res = await f.app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/carepool_pool_connections\{target="azure"\} \d+/);
    expect(res.body).toContain('carepool_pool_max_connections{target="gcp"} 20');
  });

  it('/docs serves the OpenAPI document built from the route schemas', async () => {
    const doc = (await f.app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/targets',
        '/api/v1/targets/{target}/patients',
        '/api/v1/targets/{target}/patients/{id}',
        '/api/v1/targets/{target}/patients/{id}/records',
        '/api/v1/targets/{target}/records/{id}',
        '/api/v1/compare/patients/{id}',
      ]),
    );
    expect(
      Object.keys(doc.paths).some(
        (p: string) => !p.startsWith('/api') && !/^\/(healthz|readyz|metrics)$/.test(p),
      ),
    ).toBe(false);
    const body =
      doc.paths['/api/v1/targets/{target}/patients'].post.requestBody.content['application/json'].schema;
    expect(body.properties.first_name).toMatchObject({ maxLength: 50, minLength: 1 });
    expect((await f.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('compare shows the patient on every target with field-level differences', async () => {
    // The compare key is the id, as with identically seeded targets: give the patient the same explicit id on
    // both targets (above either's highest id, so no auto-increment row of another test can hold it).
    const targets = ['azure', 'gcp'].map((t) => f.registry.get(t));
    const highest = await Promise.all(
      targets.map(async (t) => {
        const { rows } = await t.sql.query<{ m: number | string }>(
          sql`SELECT COALESCE(MAX(id), 0) AS m FROM patients`,
        );
        return Number(rows[0]?.m ?? 0);
      }),
    );
    const id = Math.max(...highest) + 1000 + Math.floor(Math.random() * 1000);
    const body = patientBody(f.tag);
    for (const t of targets) {
      await t.sql.query(
        sql`INSERT INTO patients (id, first_name, last_name, date_of_birth, gender, contact_number)
            VALUES (${id}, ${body.first_name}, ${body.last_name}, ${body.date_of_birth}, ${body.gender}, ${body.contact_number})`,
      );
    }
    const res = await f.app.inject({ url: `/api/v1/compare/patients/${id}` });
    expect(res.statusCode).toBe(200);
    const cmp = res.json();
    expect(cmp.targets.map((t: { target: string }) => t.target)).toEqual(['azure', 'gcp']);
    expect(cmp.targets.map((t: { status: string }) => t.status)).toEqual(['ok', 'ok']);
    expect(cmp.identical).toBe(true);
    expect(cmp.differences).toEqual([]);
    const patch = await f.app.inject({
      method: 'PATCH',
      url: `/api/v1/targets/gcp/patients/${id}`,
      payload: { first_name: 'Anna' },
    });
    expect(patch.statusCode).toBe(200);
    const after = (await f.app.inject({ url: `/api/v1/compare/patients/${id}` })).json();
    expect(after.identical).toBe(false);
    expect(after.differences).toEqual([
      { path: 'first_name', field: 'first_name', values: { azure: 'Ana', gcp: 'Anna' } },
    ]);
    // Present on one target only: not identical, and the other side is named missing.
    await targets[1]?.sql.query(sql`DELETE FROM patients WHERE id = ${id}`);
    const oneSided = (await f.app.inject({ url: `/api/v1/compare/patients/${id}` })).json();
    expect(oneSided.identical).toBe(false);
    expect(oneSided.targets.map((t: { status: string }) => t.status)).toEqual(['ok', 'missing']);
    const none = (await f.app.inject({ url: '/api/v1/compare/patients/2147483000' })).json();
    expect(none.targets.map((t: { status: string }) => t.status)).toEqual(['missing', 'missing']);
    expect((await f.app.inject({ url: '/api/v1/compare/patients/x' })).statusCode).toBe(400);
  });
});
