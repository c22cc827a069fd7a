import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecureFixture, secureFixture } from './secure-fixture.js';

let f: SecureFixture;
beforeAll(async () => {
  f = await secureFixture();
});
afterAll(() => f?.close());

type Doc = {
  info: { title: string; version: string };
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
  paths: Record<string, Record<string, { security?: unknown[] }>>;
};

/** Every API route the app serves ("GET /api/v1/..."), rebuilt from Fastify's printed route tree. */
function apiRoutes(): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of f.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)(?:[├└]── )?(\S+) \(([^)]+)\)/.exec(line);
    if (!m?.[2] || !m[3]) continue;
    const depth = m[0].includes('── ') ? (m[1] ?? '').length / 4 + 1 : 0;
    const parent = depth === 0 ? '' : (stack[depth - 1] ?? '');
    const path = parent.endsWith('/') || m[2].startsWith('/') ? parent + m[2] : `${parent}/${m[2]}`;
    stack[depth] = path;
    if (!path.startsWith('/api/')) continue;
    for (const method of m[3].split(', ')) {
      if (method !== 'HEAD') out.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return out.sort();
}

describe('the OpenAPI document at /docs', () => {
  it('names carepool and its version, declares bearer auth, and lists every API route', async () => {
    const res = await f.app.inject({ url: '/docs/json', headers: f.bearer(f.user.admin) });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as Doc;
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(doc.info.title).toBe('carepool API');
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((r) => r.includes(' /api/'))
      .sort();
    const served = apiRoutes();
    expect(served.length).toBeGreaterThan(15);
    expect(served).toContain('GET /api/v1/audit');
    expect(documented).toEqual(served);
    expect(doc.paths['/api/v1/audit']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/targets/{target}/patients']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/healthz']?.get?.security).toBeUndefined();
  });

  it('the documentation page carries carepool’s name, not the default branding', async () => {
    const page = await f.app.inject({ url: '/docs/', headers: f.bearer(f.user.admin) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>carepool API</title>');
  });
});
