import { readFileSync } from 'node:fs';
import type { ConnectionSpec } from '../config/index.js';
import { AppError } from '../errors/index.js';

/** TLS options handed to the driver, derived from MySQL's ssl-mode semantics. */
export interface TlsOptions {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Verify the certificate chain against `ca` (or the system roots). */
  readonly rejectUnauthorized: boolean;
  /** Also check that the certificate names the host (mysql2 skips it unless set: sidorares/node-mysql2#2375). */
  readonly verifyIdentity: boolean;
}

/** How to use TLS for one connection spec: `off`, `try` (PREFERRED, falls back to plain), or `on`. */
export interface TlsPlan {
  readonly mode: 'off' | 'try' | 'on';
  readonly options?: TlsOptions;
}

/**
 * Maps ssl-mode to driver TLS options, reading the PEM files once. Follows the `mysql` client:
 * REQUIRED encrypts without verifying (but verifies the CA when ssl-ca is given), VERIFY_CA checks the
 * chain, VERIFY_IDENTITY also checks the host name.
 */
export function tlsPlan(spec: ConnectionSpec, variable = 'the target URL'): TlsPlan {
  if (spec.sslMode === 'DISABLED') return { mode: 'off' };
  const read = (path: string | undefined, what: string): string | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new AppError('CAREPOOL_CONFIG_INVALID', `${variable}: cannot read ${what} file "${path}"`, {
        hint: 'Give a readable PEM file path in the URL (relative paths are relative to the working directory).',
        cause: error,
        meta: { path },
      });
    }
  };
  const ca = read(spec.sslCa, 'ssl-ca');
  const cert = read(spec.sslCert, 'ssl-cert');
  const key = read(spec.sslKey, 'ssl-key');
  const verifyChain = spec.sslMode === 'VERIFY_CA' || spec.sslMode === 'VERIFY_IDENTITY' || ca !== undefined;
  const options: TlsOptions = {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    rejectUnauthorized: spec.sslMode !== 'PREFERRED' && verifyChain,
    verifyIdentity: spec.sslMode === 'VERIFY_IDENTITY',
  };
  return { mode: spec.sslMode === 'PREFERRED' ? 'try' : 'on', options };
}
