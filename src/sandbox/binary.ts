import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../errors/index.js';

const run = promisify(execFile);

/** The server binary the sandbox runs. */
export interface ServerBinary {
  readonly path: string;
  readonly flavor: 'mariadb' | 'mysql';
  /** e.g. `10.11.19`. */
  readonly version: string;
  /** The data-dir initialiser: `mariadb-install-db` for MariaDB; MySQL initialises with `mysqld --initialize-insecure`. */
  readonly installDb?: string;
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function which(names: readonly string[], extraDirs: readonly string[]): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (await executable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Finds `mariadbd` or `mysqld` on PATH or in /usr/sbin (Debian puts server binaries there, off users' PATH),
 * and reads its flavor and version. Throws CAREPOOL_SANDBOX_NO_SERVER_BINARY with the install command.
 */
export async function findServerBinary(explicit?: string): Promise<ServerBinary> {
  const path =
    explicit ??
    (await which(['mariadbd', 'mysqld'], ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin']));
  if (path === undefined) {
    throw new AppError(
      'CAREPOOL_SANDBOX_NO_SERVER_BINARY',
      'no mariadbd or mysqld found on PATH or in /usr/sbin',
    );
  }
  let out: string;
  try {
    out = (await run(path, ['--version'])).stdout;
  } catch (error) {
    throw new AppError('CAREPOOL_SANDBOX_NO_SERVER_BINARY', `"${path} --version" failed`, { cause: error });
  }
  const version = /Ver\s+(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? '0.0.0';
  const flavor = /mariadb/i.test(out) ? 'mariadb' : 'mysql';
  if (flavor === 'mysql') return { path, flavor, version };
  const installDb = await which(
    ['mariadb-install-db', 'mysql_install_db'],
    ['/usr/bin', '/usr/local/bin', '/usr/local/mysql/scripts'],
  );
  return { path, flavor, version, ...(installDb === undefined ? {} : { installDb }) };
}
