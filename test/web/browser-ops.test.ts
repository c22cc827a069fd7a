import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRevision } from '../../src/migrate/index.js';
import { type ServerHandle, startServer } from '../../src/web/server.js';
import { ensureSchemaAtHead } from '../harness/migrate.js';
import { sandboxConfig } from '../harness/targets.js';
import { launchBrowser, signIn, snap } from './browser-harness.js';

let browser: Browser;
let server: ServerHandle;
let page: Page;

beforeAll(async () => {
  await ensureSchemaAtHead();
  server = await startServer({ config: sandboxConfig(), port: 0, readRevision });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The doctor is for admins.
  await signIn(page, server, 'admin');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('ERD and doctor pages in a real browser', () => {
  it('the ERD link opens the first target with the diagram drawn inline', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'ERD', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/targets/azure/erd');
    const svg = page.locator('.erd-canvas svg');
    await expect(svg.count()).resolves.toBe(1);
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(400);
    expect(box?.height).toBeGreaterThan(300);
    for (const table of ['patients', 'medical_records']) {
      await expect(svg.locator('text', { hasText: new RegExp(`^${table}$`) }).count()).resolves.toBe(1);
    }
    await snap(page, 'erd', { docs: true });
    await page.getByRole('link', { name: 'Compare', exact: true }).last().click();
    await expect(page.locator('.callout-ok').textContent()).resolves.toContain('The schemas are identical');
  });

  it('the doctor page lists every check of both targets', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Doctor', exact: true }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Connection doctor');
    for (const target of ['azure', 'gcp']) {
      await expect(
        page.locator(`[data-target="${target}"] tr[data-check="auth"] .fs-ok`).count(),
      ).resolves.toBe(1);
    }
    await snap(page, 'doctor', { docs: true });
  });
});
