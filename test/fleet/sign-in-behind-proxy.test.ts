import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { type Haproxy, runHaproxy } from '../reliability/haproxy.js';
import { type SecureFixture, secureFixture } from '../web/secure-fixture.js';

const EXAMPLE = new URL('../../docs/examples/haproxy.cfg', import.meta.url).pathname;
/** 3 failures per name and address, then a wait (small numbers keep the test short). */
const POLICY = { perName: 3, perAddress: 50, maxWaitS: 900, windowS: 3600 };

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly cookies: string;
}

/** One HTTP request sent from a chosen loopback address (127.0.0.2, 127.0.0.3 …: distinct clients). */
function send(
  url: string,
  from: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, localAddress: from },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; '),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A sign-in through `base` from `from`: the form, then the password. */
async function signIn(
  base: string,
  from: string,
  username: string,
  password: string,
  extra: Record<string, string> = {},
): Promise<number> {
  const page = await send(`${base}/login`, from, { headers: extra });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const res = await send(`${base}/login`, from, {
    method: 'POST',
    headers: { ...extra, 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookies },
    body: new URLSearchParams({ username, password, _csrf: token }).toString(),
  });
  return res.status;
}

/**
 * Behind HAProxy every client reaches carepool from HAProxy's address. Sign-in throttling is per name and
 * address, shared by the fleet through the database, and promises that one address's failures never
 * block another: behind the documented HAProxy, a stranger's three wrong passwords for a name blocked that
 * user's own correct sign-in. With the example's `option forwardfor` and CAREPOOL_TRUST_PROXY=127.0.0.1,
 * carepool throttles the real client's address.
 */
describe('sign-in throttling behind the documented HAProxy (docs/examples/haproxy.cfg)', () => {
  let app: SecureFixture;
  let lb: Haproxy;
  let direct: string;

  beforeAll(async () => {
    app = await secureFixture({ throttlePolicy: POLICY, trustProxy: ['127.0.0.1'] });
    direct = await app.app.listen({ host: '127.0.0.1', port: 0 });
    const port = new URL(direct).port;
    const example = await readFile(EXAMPLE, 'utf8');
    lb = await runHaproxy((listen) =>
      example
        .replace('bind 127.0.0.1:8080', `bind 127.0.0.1:${listen}`)
        .replace(/127\.0\.0\.1:300[123] check/g, `127.0.0.1:${port} check`),
    );
    // HAProxy's rise 2 × inter 1 s before it sends anything.
    for (
      let i = 0;
      i < 50 && (await send(`${lb.url}/healthz`, '127.0.0.1').catch(() => ({ status: 0 }))).status !== 200;
      i++
    )
      await new Promise((r) => setTimeout(r, 200));
  }, 120_000);
  afterAll(async () => {
    await lb?.stop();
    await app?.close();
  });

  const clients = async (name: string) =>
    (
      await app.registry
        .get('azure')
        .sql.query<{ client: string }>(
          sql`SELECT client FROM carepool_login_throttle WHERE username = ${name} ORDER BY client`,
        )
    ).rows.map((r) => r.client);

  it("a stranger's failures throttle the stranger, not the user signing in from elsewhere", async () => {
    const user = app.user.viewer;
    for (let i = 0; i < POLICY.perName; i++)
      expect(await signIn(lb.url, '127.0.0.2', user.name, `wrong-${i}`)).toBe(401);
    expect(await signIn(lb.url, '127.0.0.2', user.name, 'wrong-again')).toBe(429);
    expect(await clients(user.name)).toEqual(['127.0.0.2']);
    // The user, from another address through the same HAProxy: signs in.
    expect(await signIn(lb.url, '127.0.0.3', user.name, user.password)).toBe(303);
  }, 60_000);

  it('a client talking to carepool directly cannot choose its address with X-Forwarded-For', async () => {
    const name = `xff_${randomBytes(3).toString('hex')}`;
    expect(await signIn(direct, '127.0.0.4', name, 'wrong', { 'x-forwarded-for': '203.0.113.9' })).toBe(401);
    expect(await clients(name)).toEqual(['127.0.0.4']);
  }, 60_000);
});
