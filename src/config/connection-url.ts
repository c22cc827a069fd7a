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
  let url: URL;
  try {
    url = new URL(raw.trim());
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
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
