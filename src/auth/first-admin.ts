import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSecret } from './password.js';
import type { UserStore } from './user-store.js';

/** What {@link ensureFirstAdmin} did. */
export type FirstAdmin =
  | { readonly created: true; readonly username: string; readonly password: string; readonly file: string }
  | { readonly created: false; readonly username: string | undefined; readonly file: string | undefined };

/** Name of the generated first admin. */
export const FIRST_ADMIN = 'admin';

/**
 * When no user exists yet, creates `admin` (role admin) with a generated password and keeps the password in
 * `<home>/admin-password` (mode 0600) so the person who ran the sandbox can sign in; the caller prints it
 * once. With users already present it changes nothing and reports the password file if it is still there.
 */
export async function ensureFirstAdmin(users: UserStore, home: string): Promise<FirstAdmin> {
  const file = join(home, 'admin-password');
  if ((await users.listUsers()).length === 0) {
    const password = generateSecret();
    await users.upsertUser(FIRST_ADMIN, 'admin', password);
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    return { created: true, username: FIRST_ADMIN, password, file };
  }
  const kept = await readFile(file, 'utf8').then(
    () => file,
    () => undefined,
  );
  return { created: false, username: kept ? FIRST_ADMIN : undefined, file: kept };
}
