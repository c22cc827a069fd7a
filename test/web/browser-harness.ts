import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

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
