import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/web/app.js';
import { launchBrowser, snap } from '../web/browser-harness.js';
import { client, eventually, patient, type ReplicaStack, startReplicaStack } from './harness.js';

// Evaluated in the page as a string (this project's TypeScript has no DOM types).
const OVERFLOW = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';

let stack: ReplicaStack;
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  stack = await startReplicaStack();
  const { registry, clinic, router } = stack.open();
  await clinic.createPatient(client('pages'), 'gcp', patient('Pages'));
  await eventually(async () => (await router.statuses())[0]?.eligible === true);
  app = await buildApp({ registry, security: 'none' });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await stack?.close();
}, 60_000);

describe('replica views in headless Chromium', () => {
  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ] as const) {
    it(`dashboard and live page show the replica at ${width}x${height} without widening the page`, async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        await page.goto(`${base}/`);
        const row = page.locator('[data-replica="gcp-replica-1"]');
        await row.waitFor();
        expect(await row.textContent()).toContain('Serving reads');
        const overflow = await page.evaluate<number>(OVERFLOW);
        expect(overflow).toBeLessThanOrEqual(0);
        await snap(page, `replicas-dashboard-${width}`);

        await page.goto(`${base}/live`);
        const line = page.locator('[data-live-target="gcp"] [data-server="gcp-replica-1"]');
        await line.waitFor({ timeout: 15_000 });
        expect(await line.textContent()).toMatch(
          /gcp-replica-1: \d+ connections .* queries\/s · serving reads/,
        );
        await expect.poll(() => page.evaluate<number>(OVERFLOW)).toBeLessThanOrEqual(0);
        await snap(page, `replicas-live-${width}`);
      } finally {
        await page.close();
      }
    }, 60_000);
  }
});
