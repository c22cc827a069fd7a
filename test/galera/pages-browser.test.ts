import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { migrateTarget } from '../../src/migrate/index.js';
import { withGaleraEnv } from '../../src/sandbox/galera-sandbox.js';
import { type ServerHandle, startServer } from '../../src/web/server.js';
import { launchBrowser, signIn, snap } from '../web/browser-harness.js';
import { useTestCluster } from './cluster.js';

// Evaluated in the page as a string (this project's TypeScript has no DOM types).
const OVERFLOW = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';
const SIZES = [
  [1280, 900],
  [390, 844],
] as const;

const cluster = useTestCluster();
let server: ServerHandle;
let browser: Browser;
let nodes: string[];

beforeAll(async () => {
  const { home, state } = cluster();
  const env = { ...withGaleraEnv({}, state), CAREPOOL_HOME: home, CAREPOOL_LOG_LEVEL: 'warn' };
  const config = loadConfig({ env, dotenv: false, cwd: home });
  const registry = new TargetRegistry(config);
  try {
    const r = await migrateTarget(registry.get('onprem'));
    if (!r.ok) throw new Error(`migration failed: ${r.error?.message}`);
  } finally {
    await registry.close(1000);
  }
  nodes = state.nodes.map((n) => `127.0.0.1:${n.port}`);
  server = await startServer({ config, port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 60_000);

/** On a signed-in page: checks the dashboard's node table and the live page's node lines. */
async function checkViews(page: Page, expected: (node: string) => RegExp): Promise<void> {
  // A node the router has not checked yet shows as "up": reload until each shows its checked state.
  for (const node of nodes) {
    await expect
      .poll(
        async () => {
          await page.goto(`${server.url}/`);
          return (await page.locator(`.cluster-nodes [data-node="${node}"]`).textContent()) ?? '';
        },
        { timeout: 30_000, interval: 500 },
      )
      .toMatch(expected(node));
  }
  expect(await page.locator('button:has-text("Sign out")').count()).toBe(1);
  expect(await page.evaluate<number>(OVERFLOW)).toBeLessThanOrEqual(0);
  await page.goto(`${server.url}/live`);
  expect(await page.locator('button:has-text("Sign out")').count()).toBe(1);
  for (const node of nodes) {
    const line = page.locator(`[data-live-target="onprem"] [data-server="${node}"]`);
    await line.waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await line.textContent()) ?? '').toMatch(expected(node));
  }
  await expect.poll(() => page.evaluate<number>(OVERFLOW)).toBeLessThanOrEqual(0);
}

describe('Galera node views in headless Chromium', () => {
  for (const [width, height] of SIZES) {
    it(`dashboard and live page list every node as Synced at ${width}x${height}, signed in, no sideways scroll`, async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        await signIn(page, server, 'admin');
        await checkViews(page, () => /Synced/);
        await snap(page, `galera-live-${width}`);
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it('a killed node shows as down (with why) on both pages at both sizes, without widening them', async () => {
    const dead = cluster().state.nodes[2]!;
    process.kill(dead.pid, 'SIGKILL');
    const down = `127.0.0.1:${dead.port}`;
    for (const [width, height] of SIZES) {
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        await signIn(page, server, 'admin');
        // The router notices at its next check or connection attempt; checkViews reloads until it has.
        await checkViews(page, (n) => (n === down ? /down/ : /Synced/));
        await snap(page, `galera-live-down-${width}`);
      } finally {
        await page.close();
      }
    }
  }, 90_000);
});
