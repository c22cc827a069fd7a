import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { readRevision } from '../../src/migrate/index.js';
import { startSandbox, stopSandbox, userUrl } from '../../src/sandbox/index.js';
import { type ServerHandle, startServer } from '../../src/web/server.js';
import { captureLogger, registerSecret } from '../harness/capture.js';
import { sandboxConfig } from '../harness/targets.js';
import { launchBrowser, signIn, snap } from './browser-harness.js';
import { patientBody } from './fixture.js';

let browser: Browser;
let server: ServerHandle;
let page: Page;
let token: string;
const tag = `B${Date.now().toString(36)}`;

beforeAll(async () => {
  server = await startServer({
    config: sandboxConfig(),
    port: 0,
    readRevision,
    logger: captureLogger('browser'),
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const user = await signIn(page, server, 'clinician');
  token = await server.users.createToken(user, 'browser-test');
  registerSecret(token);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('pages in a real browser', () => {
  it('dashboard shows both sandbox targets healthy, and is keyboard-navigable', async () => {
    await page.goto(`${server.url}/`);
    // Second load: the pools are warm, so the latency shown is a query round trip, not a TLS handshake.
    await page.reload();
    await expect(page.locator('h1').textContent()).resolves.toBe('Targets');
    for (const name of ['azure', 'gcp']) {
      const card = page.locator(`[data-target="${name}"]`);
      await expect(card.locator('.pill').textContent()).resolves.toBe('Healthy');
      await expect(card.textContent()).resolves.toMatch(/mariadb/);
    }
    await expect(page.locator('[data-target="azure"]').textContent()).resolves.toMatch(
      /Revision\s*\d{4}_\w+/,
    );
    await snap(page, 'dashboard', { docs: true });
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement && document.activeElement.textContent')).resolves.toBe(
      'Skip to content',
    );
  });

  it('search a patient, open it, add a medical record (fixing an inline error first), see it, book an appointment', async () => {
    await api('POST', '/api/v1/targets/azure/patients', patientBody(tag, { first_name: 'Maya' }));
    await page.goto(`${server.url}/targets/azure/patients`);
    await page.getByLabel('Search by name or id').fill(tag);
    await page.getByRole('button', { name: 'Search' }).click();
    const link = page.getByRole('link', { name: `${tag}Garcia, Maya` });
    await snap(page, 'patients-search');
    await link.click();
    await expect(page.locator('h1').textContent()).resolves.toBe(`Maya ${tag}Garcia`);
    await page.getByRole('link', { name: 'Add medical record' }).click();
    await page.getByLabel('Diagnosis').fill('Community-acquired pneumonia');
    await page.getByLabel('Treatment').fill('Amoxicillin 5 days');
    await page.getByLabel('Admission date').fill('2025-03-10');
    await page.getByLabel('Discharge date').fill('2025-03-01');
    await page.getByRole('button', { name: 'Add record' }).click();
    const inline = page.locator('#e-discharge_date');
    await expect(inline.textContent()).resolves.toContain('cannot be before the admission date');
    await expect(page.getByLabel('Diagnosis').inputValue()).resolves.toBe('Community-acquired pneumonia');
    await snap(page, 'record-form-error');
    await page.getByLabel('Discharge date').fill('2025-03-14');
    await page.getByRole('button', { name: 'Add record' }).click();
    await expect(page.locator('.banner-info').textContent()).resolves.toContain('Medical record added.');
    const row = page.locator('table tbody tr').filter({ hasText: 'Community-acquired pneumonia' });
    await expect(row.textContent()).resolves.toContain('2025-03-14');
    await snap(page, 'patient-with-record', { docs: true });
    await page.getByRole('link', { name: 'Book appointment' }).click();
    await page.getByLabel('Scheduled at').fill('2025-09-01T08:30');
    await page.getByLabel('Reason').fill('Follow-up chest X-ray');
    await page.getByRole('button', { name: 'Book appointment' }).click();
    const booked = page.locator('#appointments').locator('xpath=ancestor::section').locator('tbody tr');
    await expect(booked.textContent()).resolves.toMatch(
      /2025-09-01 08:30.*Follow-up chest X-ray.*scheduled/s,
    );
  });

  it('compare page shows a difference after editing the patient on one target only', async () => {
    const id = await seedSamePatientOnBoth();
    await page.goto(`${server.url}/compare/patients/${id}`);
    await expect(page.locator('.callout-ok').textContent()).resolves.toContain('Identical');
    await page.goto(`${server.url}/targets/gcp/patients/${id}/edit`);
    await page.getByLabel('Contact number').fill('+44 7946 0000');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('.banner-info').textContent()).resolves.toContain('Changes saved.');
    await page.getByRole('link', { name: 'Compare across targets' }).click();
    const diff = page.locator('tr.diff');
    await expect(diff.count()).resolves.toBe(1);
    await expect(diff.textContent()).resolves.toMatch(
      /Contact number.*differs.*\+1 555 0100.*\+44 7946 0000/s,
    );
    await snap(page, 'compare', { docs: true });
  });

  it('signing out ends the session, and the back button then shows no patient data', async () => {
    const created = await api(
      'POST',
      '/api/v1/targets/azure/patients',
      patientBody(tag, { first_name: 'Iris' }),
    );
    await page.goto(`${server.url}/targets/azure/patients/${String(created.body.id)}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Iris ${tag}Garcia`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await expect(page.locator('.callout').textContent()).resolves.toContain('You have signed out.');
    await page.goBack();
    // The patient page was never cached (Cache-Control: no-store), so going back asks the server again,
    // which sends the signed-out browser to the sign-in page.
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/login');
    await expect(page.content()).resolves.not.toContain(`${tag}Garcia`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
    await snap(page, 'login', { docs: true });
  });
});

describe('a stopped target', () => {
  let home: string;
  let other: ServerHandle;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'carepool-web-spare-'));
    const spare = await startSandbox({ home, profiles: ['gcp'], ports: 'free' });
    const gcp = spare.servers.gcp;
    if (!gcp) throw new Error('no spare server');
    other = await startServer({
      config: sandboxConfig({
        CAREPOOL_TARGETS: 'azure,spare',
        CAREPOOL_TARGET_SPARE_URL: userUrl(gcp, 'app'),
      }),
      port: 0,
    });
    await stopSandbox(home);
    // Sessions are valid on every instance that shares the key and the users: sign in on the first server
    // (the spare target is down, so no user can be created through this one) and keep browsing on the other.
    await signIn(page, server, 'viewer');
  });
  afterAll(async () => {
    await other?.close();
    await stopSandbox(home).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  });

  it('shows its banner while the other target still lists patients', async () => {
    await page.goto(`${other.url}/targets/spare/patients`);
    await expect(page.locator('.banner-down').first().textContent()).resolves.toContain(
      'Target spare is down.',
    );
    await expect(page.locator('h1').textContent()).resolves.toBe('Patients on spare');
    await snap(page, 'stopped-target-banner');
    await page.goto(`${other.url}/targets/azure/patients?q=${tag}`);
    await expect(page.locator('table tbody tr').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.banner-down').first().textContent()).resolves.toContain(
      'Target spare is down.',
    );
    await snap(page, 'stopped-target-other-lists');
    await page.goto(`${other.url}/`);
    await expect(page.locator('[data-target="spare"] .pill').textContent()).resolves.toBe('Down');
    await expect(page.locator('[data-target="azure"] .pill').textContent()).resolves.toBe('Healthy');
    await snap(page, 'stopped-target-dashboard');
  });
});

/** Inserts one patient with the same explicit id on both targets, as identically seeded targets have. */
async function seedSamePatientOnBoth(): Promise<number> {
  const [azure, gcp] = [server.registry.get('azure'), server.registry.get('gcp')];
  const p = patientBody(tag, { first_name: 'Noor' });
  for (let attempt = 0; ; attempt++) {
    const maxes = await Promise.all(
      [azure, gcp].map(
        async (t) =>
          (await t.sql.query<{ m: number | null }>(sql`SELECT MAX(id) AS m FROM patients`)).rows[0]?.m ?? 0,
      ),
    );
    const id = Math.max(...maxes.map(Number)) + 1 + Math.floor(Math.random() * 50);
    try {
      await Promise.all(
        [azure, gcp].map((t) =>
          t.sql.query(
            sql`INSERT INTO patients (id, first_name, last_name, date_of_birth, gender, contact_number) VALUES (${id}, ${p.first_name}, ${p.last_name}, ${p.date_of_birth}, ${p.gender}, ${p.contact_number})`,
          ),
        ),
      );
      return id;
    } catch (error) {
      if (attempt > 5) throw error;
    }
  }
}
