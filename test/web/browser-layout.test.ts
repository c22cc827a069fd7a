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
      // Nine links, ten with the admin-only Move page (#17) when it is wired in.
      await expect(links.count()).resolves.toBeGreaterThanOrEqual(9);
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

  it('the ERD fits the page, and "Actual size" shows it at full size scrolling inside its frame', async () => {
    await page.goto(`${server.url}/targets/azure/erd`);
    const measure = async () =>
      (await page.evaluate(`(() => {
        const svg = document.querySelector('.erd-canvas svg');
        return {
          drawn: svg.getBoundingClientRect().width,
          natural: parseFloat(svg.getAttribute('width')) * 4 / 3,
          canvas: document.querySelector('.erd-canvas').clientWidth,
          scroll: document.scrollingElement.scrollWidth - window.innerWidth,
        };
      })()`)) as { drawn: number; natural: number; canvas: number; scroll: number };
    const fit = await measure();
    expect(fit.drawn).toBeLessThanOrEqual(fit.canvas);
    expect(fit.scroll).toBeLessThanOrEqual(0);
    await page.getByLabel(/Actual size/).check();
    const actual = await measure();
    expect(Math.abs(actual.drawn - actual.natural)).toBeLessThanOrEqual(1);
    expect(actual.scroll).toBeLessThanOrEqual(0);
  });

  it('the live view draws a uPlot chart per target: axes with units, a readable legend, the card width, no CSP violation', async () => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server.url}/live`);
    await page.evaluate(`document.addEventListener('securitypolicyviolation', (e) => {
      (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI);
    })`);
    await page
      .locator('[data-live-target="gcp"] [data-k="chart"][data-ready="true"] canvas')
      .waitFor({ timeout: 15_000 });
    // Measured in one evaluation, from the uPlot instances the page keeps (window.carepoolLive).
    const charts = (await page.evaluate(`Object.entries(window.carepoolLive).map(([name, u]) => {
      const card = document.querySelector('[data-live-target="' + name + '"]');
      return {
        name,
        chart: u.root.getBoundingClientRect().width,
        card: card.getBoundingClientRect().width,
        right: u.root.getBoundingClientRect().right,
        axes: u.axes.map((a) => a.label),
        legend: [...u.root.querySelectorAll('.u-legend .u-series .u-label')].map((l) => l.textContent),
        legendPx: parseFloat(getComputedStyle(u.root.querySelector('.u-legend')).fontSize),
        points: u.data[0].length,
      };
    })`)) as {
      name: string;
      chart: number;
      card: number;
      right: number;
      axes: string[];
      legend: string[];
      legendPx: number;
      points: number;
    }[];
    const width = (await page.viewportSize())?.width ?? 0;
    expect(charts.map((c) => c.name).sort()).toEqual(['azure', 'gcp']);
    for (const c of charts) {
      expect(c.chart, c.name).toBeGreaterThan(c.card * 0.8);
      expect(c.right, c.name).toBeLessThanOrEqual(width);
      expect(c.axes).toEqual(['seconds ago', 'connections', 'acquire wait p99 (ms)']);
      expect(c.legend).toEqual(
        expect.arrayContaining(['active connections', 'callers waiting', 'pool max', 'acquire wait p99']),
      );
      expect(c.legendPx).toBeGreaterThanOrEqual(12);
      expect(c.points).toBeGreaterThan(0);
    }
    // The uPlot files come from this server, not a CDN.
    const sources = (await page.evaluate(
      `[...document.scripts].map((s) => s.src).concat([...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href))`,
    )) as string[];
    for (const src of sources) expect(new URL(src).origin).toBe(server.url);
    expect(sources.some((s) => s.endsWith('/static/uplot.iife.min.js'))).toBe(true);
    // Resizing the window resizes the chart with it.
    await page.setViewportSize({ width: width - 60, height: 844 });
    // Polled with evaluate: waitForFunction would compile a string in the page, which the CSP forbids.
    await expect
      .poll(() => page.evaluate('window.carepoolLive.azure.root.getBoundingClientRect().right'), {
        timeout: 10_000,
      })
      .toBeLessThanOrEqual(width - 60);
    await page.setViewportSize({ width, height: size.height });
    await snap(page, `layout-live-chart-${width}`);
    if (width >= 1024) {
      // The README's screenshot shows the pools at work: a few seconds of API reads on both targets first.
      const headers = { authorization: `Bearer ${await adminToken()}` };
      const until = Date.now() + 4000;
      const reader = async (i: number) => {
        while (Date.now() < until) {
          const target = i % 2 === 0 ? 'azure' : 'gcp';
          await server.app.inject({ url: `/api/v1/targets/${target}/patients?limit=100`, headers });
        }
      };
      await Promise.all(Array.from({ length: 32 }, (_, i) => reader(i)));
      await snap(page, 'live', { docs: true });
    }
    expect(await page.evaluate('window.__csp || []')).toEqual([]);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
