import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRevision } from '../../src/migrate/index.js';
import { type ServerHandle, startServer } from '../../src/web/server.js';
import { captureLogger } from '../harness/capture.js';
import { ensureSchemaAtHead } from '../harness/migrate.js';
import { sandboxConfig } from '../harness/targets.js';
import { launchBrowser, signIn, snap } from './browser-harness.js';
import { patientBody } from './fixture.js';

/**
 * Every signed-in page at a desktop (1280x900) and a phone (390x844) size: nothing scrolls sideways, the
 * header is one row on the desktop and small on the phone, Sign out is always reachable, and no page logs a
 * console error (a Content-Security-Policy violation shows up there).
 */
let browser: Browser;
let server: ServerHandle;
let patientId: number;
const tag = `L${Date.now().toString(36)}`;

const SIZES = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

beforeAll(async () => {
  await ensureSchemaAtHead();
  server = await startServer({
    config: sandboxConfig(),
    port: 0,
    readRevision,
    logger: captureLogger('browser-layout'),
  });
  browser = await launchBrowser();
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/targets/azure/patients',
    headers: { authorization: `Bearer ${await adminToken()}` },
    payload: patientBody(tag, { first_name: 'Harriet-Josephine', contact_number: '+44 2079460958' }),
  });
  patientId = (res.json() as { id: number }).id;
  if (!patientId) throw new Error(`creating the test patient failed: ${res.body}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function adminToken(): Promise<string> {
  const name = `t${tag}`.toLowerCase();
  await server.users.upsertUser(name, 'admin', `pw-${tag}-long-enough`);
  return server.users.createToken(name, 'layout-test');
}

/** Pages whose screenshot goes to docs/screenshots, by "size path". */
const DOC_SHOTS: Readonly<Record<string, string>> = {
  'phone /targets/azure/patients': 'phone-patients',
  'desktop /audit': 'audit',
};

/** The pages a signed-in admin can open (path, and what its h1 says). */
function pages(): readonly { path: string; h1: RegExp }[] {
  return [
    { path: '/', h1: /Targets/ },
    { path: '/targets/azure/patients', h1: /Patients on azure/ },
    { path: `/targets/azure/patients/${patientId}`, h1: /Harriet-Josephine/ },
    { path: `/targets/azure/patients/${patientId}/edit`, h1: /Edit/ },
    { path: '/targets/azure/patients/new', h1: /Add/ },
    { path: '/compare', h1: /Compare/ },
    { path: `/compare/patients/${patientId}`, h1: /Compare patient/ },
    { path: '/targets/azure/erd', h1: /ERD|Entity/ },
    { path: '/live', h1: /Live/ },
    { path: '/doctor', h1: /doctor/i },
    { path: '/audit', h1: /Audit trail/ },
    { path: '/audit?actor=admin', h1: /Audit trail/ },
    { path: '/targets/nowhere/patients', h1: /Unknown target/ },
    { path: '/targets/azure/patients/abc', h1: /.+/ },
  ];
}

async function openAs(size: (typeof SIZES)[number]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
  const page = await context.newPage();
  await signIn(page, server, 'admin');
  return { context, page };
}

describe.each(SIZES)('every page at $name size ($width x $height)', (size) => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  beforeAll(async () => {
    ({ context, page } = await openAs(size));
    page.on('console', (m) => {
      // The two error pages answer 404 and 400 on purpose; Chromium logs any 4xx document as an error.
      if (m.type() !== 'error' || /status of 40[04]/.test(m.text())) return;
      errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  });
  afterAll(() => context?.close());

  it('no page scrolls sideways, Sign out is on every page, and nothing logs a console error', async () => {
    for (const { path, h1 } of pages()) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState('load');
      await expect(page.locator('h1').first().textContent(), path).resolves.toMatch(h1);
      // A string, evaluated in the page (this project's TypeScript has no DOM types).
      const widths = (await page.evaluate(`({
        scroll: document.scrollingElement.scrollWidth,
        inner: window.innerWidth,
        wide: [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .slice(0, 4)
          .map((e) => e.tagName.toLowerCase() + '.' + e.className),
      })`)) as { scroll: number; inner: number; wide: string[] };
      expect(
        widths.scroll,
        `${path} scrolls sideways at ${size.width} px: ${widths.wide.join(', ')}`,
      ).toBeLessThanOrEqual(widths.inner);
      await expect(page.getByRole('button', { name: 'Sign out' }).isVisible(), path).resolves.toBe(true);
      const shot = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'dashboard';
      await snap(page, `layout-${size.name}-${shot}`);
      // A few of these are the README's screenshots (refreshed with CAREPOOL_SCREENSHOTS=1).
      const docName = DOC_SHOTS[`${size.name} ${path}`];
      if (docName) await snap(page, docName, { docs: true });
    }
    expect(errors).toEqual([]);
  });

  it('the header is one row on the desktop and a compact menu on the phone', async () => {
    await page.goto(`${server.url}/audit`);
    const header = await page.locator('header.top').boundingBox();
    expect(header).not.toBeNull();
    const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    if (size.width >= 1024) {
      expect(header?.height).toBeLessThanOrEqual(64);
      const tops = new Set<number>();
      for (const link of await links.all()) tops.add(Math.round((await link.boundingBox())?.y ?? -1));
      expect(tops.size).toBe(1);
      await expect(links.count()).resolves.toBe(9);
      await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
    } else {
      expect(header?.height).toBeLessThanOrEqual(64);
      await expect(page.getByRole('link', { name: 'Compare', exact: true }).isVisible()).resolves.toBe(false);
      await page.locator('summary', { hasText: 'Menu' }).click();
      await expect(page.getByRole('link', { name: 'Compare', exact: true }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('link', { name: 'Audit', exact: true }).isVisible()).resolves.toBe(true);
      await snap(page, `layout-${size.name}-menu-open`);
      await snap(page, 'phone-menu', { docs: true });
      await page.getByRole('link', { name: 'Compare', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/compare');
    }
  });

  it('the live view draws a chart with axes, units and a readable legend across the card', async () => {
    await page.goto(`${server.url}/live`);
    const plot = page.locator('[data-live-target="azure"] [data-k="chart"] svg');
    await plot.waitFor({ timeout: 10_000 });
    // Measured in one evaluation: the script replaces the chart twice a second, so a handle could go stale.
    const sizes = (await page.evaluate(`(() => {
      const card = document.querySelector('[data-live-target="azure"]');
      const svg = card.querySelector('[data-k="chart"] svg');
      return { chart: svg.getBoundingClientRect().width, card: card.getBoundingClientRect().width,
        labels: [...svg.querySelectorAll('text')].map((t) => t.textContent) };
    })()`)) as { chart: number; card: number; labels: string[] };
    expect(sizes.chart).toBeGreaterThan(sizes.card * 0.85);
    const labels = sizes.labels;
    expect(labels).toEqual(expect.arrayContaining(['now', '−15 s', 'connections', 'acquire p99 (ms)']));
    expect(labels.some((l) => /^pool max \d+$/.test(l))).toBe(true);
    const legend = page.locator('[data-live-target="azure"] .chart-legend li');
    await expect(legend.count()).resolves.toBe(3);
    const size = await page.evaluate(
      `parseFloat(getComputedStyle(document.querySelector('[data-live-target="azure"] .chart-legend li')).fontSize)`,
    );
    expect(size).toBeGreaterThanOrEqual(12);
    const width = (await page.viewportSize())?.width ?? 0;
    await snap(page, `layout-live-chart-${width}`);
    if (width >= 1024) await snap(page, 'live', { docs: true });
    expect(errors).toEqual([]);
  });
});
