/** The server a statement is rendered for: its flavor and version decide syntax and online-DDL ability. */
export interface ServerInfo {
  readonly flavor: 'mysql' | 'mariadb';
  /** Numeric version, e.g. [8, 0, 36]. */
  readonly version: readonly [number, number, number];
}

/**
 * Parses `VERSION()` text (`8.0.36`, `8.4.2-azure`, `10.11.19-MariaDB-0+deb12u1`) or a `--server` value
 * (`mysql:8.0`, `mariadb:10.11.6`). Returns undefined when it is not a version.
 */
export function parseServer(text: string, comment = ''): ServerInfo | undefined {
  const explicit = /^(mysql|mariadb)[:@ ]?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/i.exec(text.trim());
  if (explicit) {
    return {
      flavor: explicit[1]?.toLowerCase() === 'mariadb' ? 'mariadb' : 'mysql',
      version: [Number(explicit[2]), Number(explicit[3] ?? 0), Number(explicit[4] ?? 0)],
    };
  }
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!m) return undefined;
  // MariaDB 10.x once reported "5.5.5-10.x" over the wire; VERSION() itself has the real one.
  return {
    flavor: /mariadb/i.test(`${text} ${comment}`) ? 'mariadb' : 'mysql',
    version: [Number(m[1]), Number(m[2]), Number(m[3])],
  };
}

/** True when `server` is `flavor` at `major.minor.patch` or newer. */
export function atLeast(
  server: ServerInfo,
  flavor: ServerInfo['flavor'],
  major: number,
  minor = 0,
  patch = 0,
): boolean {
  if (server.flavor !== flavor) return false;
  const [a, b, c] = server.version;
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}

/** `mysql 8.0.36` / `mariadb 10.11.19`. */
export function serverLabel(server: ServerInfo): string {
  return `${server.flavor} ${server.version.join('.')}`;
}

/** The default server for offline rendering when none is named: MySQL 8.0, what both clouds run. */
export const DEFAULT_OFFLINE_SERVER: ServerInfo = { flavor: 'mysql', version: [8, 0, 36] };
