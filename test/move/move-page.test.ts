import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { readRevision } from '../../src/migrate/index.js';
import { copyTables, defaultManifestPath, verifyTables } from '../../src/move/index.js';
import { recordCutover } from '../../src/move/cutover-record.js';
import { recordVerify, writeMoveState } from '../../src/move/move-state.js';
import { type ServerHandle, startServer } from '../../src/web/server.js';
import { ensureSchemaAtHead } from '../harness/migrate.js';
import { adminConnection, sandboxConfig, sandboxServers } from '../harness/targets.js';
import { launchBrowser, signIn, snap } from '../web/browser-harness.js';
import { createMovePair, type MovePair, run } from './helpers.js';

let home: string;
let pair: MovePair;
let server: ServerHandle;
let browser: Browser;

/** A signed-in page of `role` that records console errors (a CSP violation is one) and page errors. */
async function openPage(role: 'admin' | 'viewer', width: number, height: number) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, server, role);
  return { page, errors };
}

// Strings evaluated in the page (this project's TypeScript has no DOM types).
const sideways = async (page: Page) =>
  (await page.evaluate('document.scrollingElement.scrollWidth - window.innerWidth')) as number;
/** Waits until the page's script replaced the snapshot line (it ran under the CSP and its poll answered). */
const updated = (page: Page) => page.locator('#move-status', { hasText: /^Updated/ }).waitFor();

beforeAll(async () => {
  await ensureSchemaAtHead();
  home = await mkdtemp(join(tmpdir(), 'carepool-move-page-'));
  // A real copy and verify whose records the page reads (the pair's scratch databases are azure and gcp).
  pair = await createMovePair();
  await run(
    pair.azure,
    'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20) NULL)',
    "INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_300",
  );
  const [from, to] = [pair.registry.get('azure'), pair.registry.get('gcp')];
  await copyTables(from, to, { manifestPath: defaultManifestPath(home, 'azure', 'gcp'), chunkRows: 100 });
  await run(pair.gcp, "UPDATE t SET v = 'changed' WHERE id = 5");
  await recordVerify(home, await verifyTables(from, to));
  server = await startServer({ config: sandboxConfig({ CAREPOOL_HOME: home }), port: 0, readRevision });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pair?.drop();
  await rm(home, { recursive: true, force: true });
});

describe('the Move page', { timeout: 120_000 }, () => {
  it('shows the copy, replication state and the last verify, live, with no CSP error or sideways scroll', async () => {
    const { page, errors } = await openPage('admin', 1280, 900);
    const res = await page.goto(`${server.url}/move`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Move');
    await expect(page.locator('nav a[aria-current="page"]').textContent()).resolves.toBe('Move');
    // The script replaced the snapshot line: it ran under the CSP and its poll answered.
    await updated(page);
    const copy = page.locator('#move-copy-list .card');
    await expect(copy.count()).resolves.toBe(1);
    const copyText = (await copy.textContent()) ?? '';
    expect(copyText).toContain('azure → gcp');
    expect(copyText).toContain('Finished');
    expect(copyText).toMatch(/Chunks\s*(\d+) \/ \1/);
    expect(copyText).toContain('300 / 300');
    await expect(page.locator('#move-copy-list progress').getAttribute('value')).resolves.toBe('100');
    await expect(page.locator('#move-repl-list .card h3').textContent()).resolves.toBe('azure → gcp');
    const verify = (await page.locator('#move-verify-body').textContent()) ?? '';
    expect(verify).toContain('1 row differs');
    expect(verify).toContain('t (id=5): differs in v');
    await expect(page.locator('#move-cutover-body').textContent()).resolves.toContain('No cutover yet');
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await snap(page, 'move-1280', { docs: true });

    // A patient only gcp has: before the cutover record the app's azure has no such row.
    const gcpAdmin = await adminConnection(sandboxServers().gcp);
    const id = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);
    await gcpAdmin.query(
      sql`INSERT INTO clinic.patients (id, first_name, last_name, date_of_birth, gender) VALUES (${id}, 'Cutoverfollow', 'Movepage', '1980-01-01', 'female')`,
    );
    const patient = () => page.request.get(`${server.url}/api/v1/targets/azure/patients/${id}`);
    expect((await patient()).status()).toBe(404);

    // A cutover recorded now shows up without a reload, and the running app follows it.
    await writeMoveState(home, 'cutover', {
      from: 'azure',
      to: 'gcp',
      state: 'done',
      phases: [{ phase: 'preflight', ok: true, ms: 12, detail: 'replication running, lag 0 s' }],
    });
    await recordCutover(home, 'azure', 'gcp');
    await page
      .locator('#move-cutover-body', { hasText: 'azure → gcp (after a cutover)' })
      .waitFor({ timeout: 20_000 });
    await expect(page.locator('#move-cutover-body').textContent()).resolves.toContain('preflight ok, 12 ms');
    const followed = await patient();
    expect(followed.status()).toBe(200);
    expect(((await followed.json()) as { first_name: string }).first_name).toBe('Cutoverfollow');
    await gcpAdmin.query(sql`DELETE FROM clinic.patients WHERE id = ${id}`);
    await gcpAdmin.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a 390 px phone without sideways scroll', async () => {
    const { page, errors } = await openPage('admin', 390, 844);
    await page.goto(`${server.url}/move`);
    await updated(page);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await snap(page, 'move-390');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a signed-in viewer with 403 on the page and the JSON, and hides the nav entry', async () => {
    const { page } = await openPage('viewer', 1280, 900);
    const res = await page.goto(`${server.url}/move`);
    expect(res?.status()).toBe(403);
    const api = await page.request.get(`${server.url}/api/v1/move`);
    expect(api.status()).toBe(403);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('CAREPOOL_AUTH_FORBIDDEN');
    await page.goto(`${server.url}/`);
    await expect(page.locator('nav a[href="/move"]').count()).resolves.toBe(0);
    await page.close();
  });
});
