import { AppError } from '../errors/index.js';
import { redactUrl, Secret } from './secret.js';
import { isSslMode, SSL_MODES, type SslMode } from './ssl-mode.js';

/** A parsed `mysql://` target URL. The password is a {@link Secret}. */
export interface ConnectionSpec {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: Secret;
  readonly database: string;
  readonly sslMode: SslMode;
  /** Path of a PEM file with the CA certificate(s) to trust. */
  readonly sslCa?: string;
  /** Client certificate and key for mutual TLS (Cloud SQL TRUSTED_CLIENT_CERTIFICATE_REQUIRED). */
  readonly sslCert?: string;
  readonly sslKey?: string;
  /** The URL with its password masked: safe to print. */
  readonly redacted: string;
  /**
   * Every host when the URL lists several (`mysql://u:p@h1:3306,h2:3306/db`, a Galera cluster); `host` and
   * `port` are then the first one. Absent for a one-host URL. How they are used: src/galera/router.ts.
   */
  readonly hosts?: readonly { readonly host: string; readonly port: number }[];
}

const EXAMPLE = 'mysql://app:secret@db.example.com:3306/clinic?ssl-mode=VERIFY_IDENTITY&ssl-ca=certs/ca.pem';
const KNOWN_PARAMS = ['ssl-mode', 'ssl-ca', 'ssl-cert', 'ssl-key'] as const;

/**
 * Parses a target URL. Errors name `variable`, say what is wrong, show a good example, and never echo the
 * password. The user info runs to the LAST `@` before the host (WHATWG URL parsing), so a password with an
 * unencoded `@` (`mysql://u:p@ss@host/db`) is read whole; one with an unencoded `/`, `?` or `#` cannot be
 * told from the host and path, and is refused with a hint to percent-encode it.
 */
export function parseConnectionUrl(variable: string, raw: string): ConnectionSpec {
  const shown = redactUrl(raw.trim());
  const fail = (problem: string): never => {
    throw new AppError('CAREPOOL_CONFIG_INVALID', `${variable}=${shown}: ${problem}. Example: ${EXAMPLE}`, {
      meta: { variable },
    });
  };
  const ENCODE =
    'if the password contains / ? # or %, percent-encode it (e.g. encodeURIComponent, or / as %2F, @ as %40)';
  const multi = splitHosts(raw.trim(), fail);
  let url: URL;
  try {
    url = new URL(multi?.firstOnly ?? raw.trim());
  } catch {
    return fail(raw.includes('@') ? `not a URL; ${ENCODE}` : 'not a URL');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    fail(`scheme "${url.protocol.replace(/:$/, '')}" is not supported, use mysql://`);
  }
  if (url.hostname === '') fail('the host is missing');
  const port = url.port === '' ? 3306 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`port "${url.port}" is not 1-65535`);
  const user = safeDecode(url.username);
  // An `@` the parser did not take as the end of the user info: a `/`, `?` or `#` in the password moved it.
  if (user === '' && raw.includes('@'))
    fail(`the user name and password could not be read (mysql://USER:PASSWORD@host/db); ${ENCODE}`);
  if (user === '') fail('the user name is missing (mysql://USER:PASSWORD@host/db)');
  const database = safeDecode(url.pathname.replace(/^\//, ''));
  if (database === '') fail('the database name is missing (the path after the host, e.g. /clinic)');
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database))
    fail(`database name "${database}" is not a plain MySQL identifier`);
  for (const key of url.searchParams.keys()) {
    if (!(KNOWN_PARAMS as readonly string[]).includes(key)) {
      fail(`unknown parameter "${key}" (known: ${KNOWN_PARAMS.join(', ')})`);
    }
  }
  const modeRaw = (url.searchParams.get('ssl-mode') ?? 'PREFERRED').toUpperCase();
  if (!isSslMode(modeRaw)) fail(`ssl-mode "${modeRaw}" is not one of ${SSL_MODES.join(', ')}`);
  const sslMode = modeRaw as SslMode;
  const sslCa = url.searchParams.get('ssl-ca') ?? undefined;
  if ((sslMode === 'VERIFY_CA' || sslMode === 'VERIFY_IDENTITY') && sslCa === undefined) {
    fail(`ssl-mode ${sslMode} needs ssl-ca=<path to the CA PEM file>`);
  }
  const sslCert = url.searchParams.get('ssl-cert') ?? undefined;
  const sslKey = url.searchParams.get('ssl-key') ?? undefined;
  if ((sslCert === undefined) !== (sslKey === undefined)) fail('ssl-cert and ssl-key must be given together');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    user,
    password: new Secret(safeDecode(url.password)),
    database,
    sslMode,
    ...(sslCa === undefined ? {} : { sslCa }),
    ...(sslCert === undefined ? {} : { sslCert }),
    ...(sslKey === undefined ? {} : { sslKey }),
    redacted: shown,
    ...(multi ? { hosts: multi.hosts } : {}),
  };
}

/**
 * A URL whose host part lists several `host[:port]` separated by commas: each host is checked (empty
 * entries, bad ports and duplicates are refused by name) and the URL is rewritten with only the first
 * host for the WHATWG parser. Null for a one-host URL.
 */
function splitHosts(
  raw: string,
  fail: (problem: string) => never,
): { firstOnly: string; hosts: { host: string; port: number }[] } | null {
  // scheme://[userinfo@]hostlist[/path][?query]; userinfo runs to the LAST @ before the path.
  const m = /^([a-z][a-z0-9+.-]*:\/\/)((?:[^/?#]*@)?)([^/?#]*)(.*)$/i.exec(raw);
  if (!m || !m[3]!.includes(',')) return null;
  const hosts = m[3]!.split(',').map((entry, i) => {
    const e = /^(\[[0-9a-f:.]+\]|[^:[\]]*)(?::(\d*))?$/i.exec(entry.trim());
    if (!e || e[1] === '')
      fail(`host ${i + 1} of the host list "${m[3]}" is empty or malformed (use host1:port1,host2:port2)`);
    const port = e![2] === undefined || e![2] === '' ? 3306 : Number(e![2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      fail(`host ${i + 1} of the host list has port "${e![2]}", not 1-65535`);
    return { host: e![1]!.replace(/^\[|\]$/g, ''), port };
  });
  const seen = new Set<string>();
  for (const h of hosts) {
    const key = `${h.host}:${h.port}`;
    if (seen.has(key)) fail(`host ${key} is listed twice in the host list`);
    seen.add(key);
  }
  const first = m[3]!.split(',')[0]!.trim();
  return { firstOnly: `${m[1]}${m[2]}${first}${m[4]}`, hosts };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
