import { describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle } from '../../src/db/connect.js';
import { isAppError } from '../../src/errors/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { sandboxServers } from '../harness/targets.js';

const settings = { connectTimeoutMs: 3000, keepAliveMs: 0 };

describe('TLS against the azure sandbox (require_secure_transport=ON)', () => {
  it('refuses a client without TLS with error 3159, as Azure does', async () => {
    const { azure } = sandboxServers();
    const spec = parseConnectionUrl('T', userUrl(azure, 'app', 'DISABLED'));
    const error = await connectSingle('azure', spec, settings).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(error, 'CAREPOOL_DB_INSECURE_TRANSPORT')).toBe(true);
    expect(isAppError(error) && error.meta.errno).toBe(3159);
    expect(String((error as Error).message)).not.toContain(azure.users.app.password);
  });

  it('accepts TLS verified against the sandbox CA with the host name checked (VERIFY_IDENTITY)', async () => {
    const { azure } = sandboxServers();
    const conn = await connectSingle(
      'azure',
      parseConnectionUrl('T', userUrl(azure, 'app', 'VERIFY_IDENTITY')),
      settings,
    );
    const { rows } = await conn.query<{ v: string }>({
      text: "SELECT VARIABLE_VALUE AS v FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_version'",
      values: [],
    } as never);
    await conn.close();
    expect(conn.tls).toBe(true);
    expect(rows[0]?.v).toMatch(/^TLSv1\.[23]$/);
  });

  it('rejects a certificate from another CA under VERIFY_CA', async () => {
    const { azure, gcp } = sandboxServers();
    // gcp's CA did not sign azure's certificate.
    const url = userUrl(azure, 'app', 'VERIFY_CA').replace(azure.caPath, gcp.caPath);
    const error = await connectSingle('azure', parseConnectionUrl('T', url), settings).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(error, 'CAREPOOL_DB_TLS_FAILED')).toBe(true);
  });

  it('gcp sandbox accepts plain connections (TLS optional, as Cloud SQL allows by default)', async () => {
    const { gcp } = sandboxServers();
    const conn = await connectSingle(
      'gcp',
      parseConnectionUrl('T', userUrl(gcp, 'app', 'DISABLED')),
      settings,
    );
    expect(conn.tls).toBe(false);
    await conn.close();
  });
});
