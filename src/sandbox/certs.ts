import { execFile } from 'node:child_process';
import { access, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../errors/index.js';

const run = promisify(execFile);

/** Paths of a generated CA and a server certificate signed by it. */
export interface CertPaths {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Options for {@link generateCerts}. */
export interface CertOptions {
  /** Common name of the CA (shown by the doctor). */
  readonly caName: string;
  /** Subject alternative names of the server certificate, e.g. `DNS:localhost`, `IP:127.0.0.1`. */
  readonly sans?: readonly string[];
  readonly days?: number;
}

/**
 * Generates a private CA and a server certificate with openssl (Node can make keys but not X.509
 * certificates, and openssl is on every machine that has a MySQL server). EC P-256 keys keep it fast.
 * Existing files are reused.
 */
export async function generateCerts(dir: string, options: CertOptions): Promise<CertPaths> {
  const paths = {
    ca: join(dir, 'ca.pem'),
    cert: join(dir, 'server-cert.pem'),
    key: join(dir, 'server-key.pem'),
  };
  if (await exists(paths.ca, paths.cert, paths.key)) return paths;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, 'ca-key.pem');
  const csr = join(dir, 'server.csr');
  const ext = join(dir, 'server.ext');
  const days = String(options.days ?? 825);
  const sans = options.sans ?? ['DNS:localhost', 'IP:127.0.0.1'];
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      caKey,
      '-out',
      paths.ca,
      '-days',
      '3650',
      '-subj',
      `/CN=${options.caName}`,
    ]);
    await run('openssl', ['req', ...ec, '-keyout', paths.key, '-out', csr, '-subj', '/CN=localhost']);
    await writeFile(
      ext,
      `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans.join(',')}\n`,
    );
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      paths.ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      paths.cert,
      '-days',
      days,
      '-extfile',
      ext,
    ]);
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new AppError(
      missing ? 'CAREPOOL_SANDBOX_TOOL_MISSING' : 'CAREPOOL_SANDBOX_START_FAILED',
      missing ? 'openssl is not installed' : `generating TLS certificates in ${dir} failed`,
      { cause: error },
    );
  }
  await Promise.all([
    rm(csr, { force: true }),
    rm(ext, { force: true }),
    rm(join(dir, 'ca.srl'), { force: true }),
  ]);
  await Promise.all([chmod(paths.key, 0o600), chmod(caKey, 0o600)]);
  return paths;
}

async function exists(...paths: string[]): Promise<boolean> {
  try {
    await Promise.all(paths.map((p) => access(p)));
    return true;
  } catch {
    return false;
  }
}
