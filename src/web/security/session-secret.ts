import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret } from '../../config/index.js';

/**
 * The key that signs session cookies: `CAREPOOL_SESSION_SECRET` when set (required when several machines
 * serve one address), otherwise a random key generated once and kept in `<home>/session-secret` (mode 0600),
 * so restarts keep people signed in and instances on one machine agree.
 */
export async function loadSessionSecret(configured: Secret | undefined, home: string): Promise<Secret> {
  if (configured !== undefined) return configured;
  const file = join(home, 'session-secret');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return new Secret(stored);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(home, { recursive: true, mode: 0o700 });
  const value = randomBytes(32).toString('base64url');
  // 'wx' refuses to overwrite: if another instance won the race, use its key.
  try {
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return new Secret(value);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return new Secret((await readFile(file, 'utf8')).trim());
  }
}
