import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Haproxy, runHaproxy } from '../reliability/haproxy.js';
import { launchBrowser } from '../web/browser-harness.js';
import { type ReplicaStack, startReplicaStack } from './harness.js';
import { closeFleet, delayReplica, type SignedInFleet, signedInFleet } from './signed-in.js';

let stack: ReplicaStack;
let browser: Browser;
let proxy: Haproxy;
let fleet: SignedInFleet;
const urls: string[] = [];

/**
 * HAProxy sends every POST to instance 1 and everything else to instance 2: a form's write and the page it
 * redirects to are always served by different instances (what a round-robin balancer does now and then).
 */
const splitConfig = (port: number) =>
  [
    'defaults',
    '  mode http',
    '  timeout connect 3s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend carepool',
    `  bind 127.0.0.1:${port}`,
    '  use_backend writer if METH_POST',
    '  default_backend reader',
    ...urls.flatMap((url, i) => {
      const { hostname, port: p } = new URL(url);
      return [`backend ${i === 0 ? 'writer' : 'reader'}`, `  server app${i + 1} ${hostname}:${p}`];
    }),
    '',
  ].join('\n');

beforeAll(async () => {
  stack = await startReplicaStack();
  fleet = await signedInFleet(stack, 2);
  for (const { app } of fleet.instances) urls.push(await app.listen({ host: '127.0.0.1', port: 0 }));
  proxy = await runHaproxy(splitConfig);
  browser = await launchBrowser();
  await delayReplica(stack, fleet.instances, 3);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  await closeFleet(stack, fleet);
}, 60_000);

/** Signs in through the sign-in form, as a person does. */
async function signInPage(page: Page): Promise<void> {
  await page.goto(`${proxy.url}/login`);
  await page.fill('#f-username', fleet.user.name);
  await page.fill('#f-password', fleet.user.password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('button[type=submit]'),
  ]);
}

describe('read-your-writes in a real browser behind a load balancer (replica 3 s behind)', () => {
  it('a patient added through instance 1 shows on the page instance 2 redirects to; a second browser reads stale', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signInPage(page);
      const before = fleet.instances[1]?.router.counts();
      await page.goto(`${proxy.url}/targets/gcp/patients/new`);
      const surname = `Carried${randomBytes(3).toString('hex')}`;
      await page.fill('input[name=first_name]', 'Browser');
      await page.fill('input[name=last_name]', surname);
      await page.fill('input[name=date_of_birth]', '1984-05-06');
      await page.selectOption('select[name=gender]', 'Female');
      await Promise.all([
        page.waitForURL(/\/targets\/gcp\/patients\/\d+\?notice=created/),
        page.getByRole('button', { name: 'Add patient' }).click(),
      ]);
      // Served by instance 2, which never saw the write: it waited on the replica for the cookie's GTID.
      expect(await page.textContent('body')).toContain(surname);
      const after = fleet.instances[1]?.router.counts();
      expect((after?.causalWaits ?? 0) - (before?.causalWaits ?? 0)).toBeGreaterThanOrEqual(1);
      expect(after?.fleetChecks).toBe(before?.fleetChecks);
      const cookies = await context.cookies();
      const rw = cookies.find((c) => c.name === 'carepool_rw');
      expect(rw?.httpOnly).toBe(true);
      expect(rw?.sameSite).toBe('Lax');

      // Another browser of the same user, which wrote nothing, reads the replica as it is: not there yet.
      const other = await browser.newContext();
      try {
        const second = await other.newPage();
        await signInPage(second);
        const response = await second.goto(page.url().replace(/\?.*$/, ''));
        expect(response?.status()).toBe(404);
      } finally {
        await other.close();
      }
    } finally {
      await context.close();
    }
  }, 90_000);
});
