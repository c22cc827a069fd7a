import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/sandbox/index.js';
import { type WebFixture, webFixture } from './fixture.js';

let f: WebFixture;
beforeAll(async () => {
  const port = await freePort();
  f = await webFixture({
    CAREPOOL_TARGETS: 'azure,gcp,down',
    // Nothing listens there: every connect is refused, as with a stopped server.
    CAREPOOL_TARGET_DOWN_URL: `mysql://app:secret-pw-123@127.0.0.1:${port}/clinic?ssl-mode=DISABLED`,
    CAREPOOL_TARGET_GCP_POOL_MAX: '1',
    CAREPOOL_TARGET_GCP_ACQUIRE_TIMEOUT_MS: '300',
  });
});
afterAll(() => f?.close());

describe('a down or saturated target', () => {
  it('answers 503 with Retry-After, fast, while the others keep working', async () => {
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await f.app.inject({ url: '/api/v1/targets/down/patients' });
      // Generous bound: well under the 3 s connect timeout a hanging connect would take.
      expect(performance.now() - started).toBeLessThan(2500);
      expect(res.statusCode).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(['CAREPOOL_DB_CONNECT_REFUSED', 'CAREPOOL_DB_UNAVAILABLE']).toContain(res.json().error.code);
      expect(res.body).not.toContain('secret-pw-123');
    }
    expect((await f.app.inject({ url: '/api/v1/targets/azure/patients?limit=1' })).statusCode).toBe(200);
    const ready = await f.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'degraded',
      targets: { down: { ok: false }, azure: { ok: true } },
    });
    expect((await f.app.inject({ url: '/readyz?target=down' })).statusCode).toBe(503);
  });

  it('shows a banner on its pages and on the dashboard, with 503 for its list page', async () => {
    const list = await f.app.inject({ url: '/targets/down/patients' });
    expect(list.statusCode).toBe(503);
    expect(list.body).toContain('Target down is down.');
    const dash = await f.app.inject({ url: '/' });
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain('pill-down');
    expect(dash.body).not.toContain('secret-pw-123');
    expect((await f.app.inject({ url: '/targets/azure/patients' })).statusCode).toBe(200);
  });

  it('answers 503 CAREPOOL_DB_POOL_TIMEOUT with Retry-After when its pool is saturated', async () => {
    const held = await f.registry.get('gcp').pool.acquire('test holds the only connection');
    try {
      const res = await f.app.inject({ url: '/api/v1/targets/gcp/patients?limit=1' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json().error.code).toBe('CAREPOOL_DB_POOL_TIMEOUT');
      expect((await f.app.inject({ url: '/api/v1/targets/azure/patients?limit=1' })).statusCode).toBe(200);
    } finally {
      held.release();
    }
    expect((await f.app.inject({ url: '/api/v1/targets/gcp/patients?limit=1' })).statusCode).toBe(200);
  });
});
