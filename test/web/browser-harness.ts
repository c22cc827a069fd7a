import { randomBytes } from 'node:crypto';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { registerSecret } from '../harness/capture.js';

/** Where browser tests save screenshots for review (git-ignored). */
export const OUTPUT_DIR = join(process.cwd(), 'test-output', 'web');

/** Launches Debian's chromium headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** True when this run should refresh the tracked screenshots in docs/screenshots/ (`CAREPOOL_SCREENSHOTS=1`). */
export const UPDATE_DOC_SCREENSHOTS = process.env.CAREPOOL_SCREENSHOTS === '1';

/**
 * Saves a full-page screenshot as test-output/web/<name>.png (git-ignored). `docs` also copies it to
 * docs/screenshots/, but only when {@link UPDATE_DOC_SCREENSHOTS}: those files are tracked, and an ordinary
 * test run must not rewrite them.
 */
export async function snap(page: Page, name: string, options: { docs?: boolean } = {}): Promise<string> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (options.docs && UPDATE_DOC_SCREENSHOTS) {
    const docs = join(process.cwd(), 'docs', 'screenshots');
    await mkdir(docs, { recursive: true });
    await copyFile(path, join(docs, `${name}.png`));
  }
  return path;
}

/** What {@link signIn} needs of a running server (a `ServerHandle` from startServer). */
export interface SignInTarget {
  readonly url: string;
  readonly users: { upsertUser(name: string, role: string, password: string): Promise<unknown> };
}

/**
 * Creates a user with `role` and a random password on the server's targets, then signs in through the real
 * sign-in form, so the page carries a session cookie. Returns the user name.
 */
export async function signIn(
  page: Page,
  server: SignInTarget,
  role: 'viewer' | 'clinician' | 'admin' = 'admin',
): Promise<string> {
  const username = `b${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  registerSecret(password);
  await server.users.upsertUser(username, role, password);
  await page.goto(`${server.url}/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('button[type=submit]'),
  ]);
  return username;
}
