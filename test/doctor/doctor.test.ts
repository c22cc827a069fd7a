import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseTarget, diagnoseTargets, migrationStateFromFiles } from '../../src/doctor/index.js';
import { freePort, userUrl } from '../../src/sandbox/index.js';
import { ensureSchemaAtHead, MIGRATIONS_DIR } from '../harness/migrate.js';
import { sandboxConfig, sandboxServers } from '../harness/targets.js';
import { finding, fullOutput, passwordsOf, targetFromUrl } from './helpers.js';

const FAST = { CAREPOOL_CONNECT_TIMEOUT_MS: '800' };

function report(diagnosis: Awaited<ReturnType<typeof diagnoseTarget>>) {
  return { targets: [diagnosis], across: [], status: diagnosis.status };
}

/** No output may contain any sandbox password (nor the wrong one a test used). */
function expectNoSecrets(text: string, ...extra: string[]): void {
  const { azure, gcp } = sandboxServers();
  for (const secret of [...passwordsOf(azure, gcp), ...extra]) expect(text).not.toContain(secret);
}

describe('doctor on healthy sandbox targets', () => {
  it('passes every connection check and reads the settings of azure and gcp', async () => {
    await ensureSchemaAtHead();
    const result = await diagnoseTargets(sandboxConfig().targets, {
      migrationState: migrationStateFromFiles(MIGRATIONS_DIR),
    });
    expect(result.targets.map((t) => t.target)).toEqual(['azure', 'gcp']);
    for (const t of result.targets) {
      for (const check of [
        'dns',
        'tcp',
        'greeting',
        'tls',
        'tls.chain',
        'tls.expiry',
        'auth',
        'database',
        'grants',
        'migrator',
        'max_connections',
      ] as const) {
        expect(finding(t, check).status, `${t.target} ${check}: ${finding(t, check).summary}`).toBe('ok');
      }
      expect(finding(t, 'server').data?.flavor).toMatch(/mariadb|mysql/);
      expect(finding(t, 'migrations').summary).toMatch(/^applied (\S+), latest \1: up to date$/);
    }
    const [azure, gcp] = result.targets;
    expect(azure && finding(azure, 'tls.hostname').status).toBe('ok'); // VERIFY_IDENTITY
    expect(azure && finding(azure, 'require_secure_transport').status).toBe('ok');
    expect(gcp && finding(gcp, 'require_secure_transport')).toMatchObject({
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_INSECURE_TRANSPORT_ALLOWED',
    });
    expect(result.across.some((f) => f.check === 'settings')).toBe(true);
    expectNoSecrets(fullOutput(result));
  });
});

describe('doctor diagnoses against real servers', () => {
  it('no TLS against azure: error 3159 → set ssl-mode and the CA', async () => {
    const { azure } = sandboxServers();
    const d = await diagnoseTarget(targetFromUrl('azure', userUrl(azure, 'app', 'DISABLED')));
    expect(d.status).toBe('fail');
    const auth = finding(d, 'auth');
    expect(auth).toMatchObject({ status: 'fail', code: 'CAREPOOL_DB_INSECURE_TRANSPORT' });
    expect(auth.cause).toContain('require_secure_transport=ON');
    expect(auth.fix).toContain('CAREPOOL_TARGET_AZURE_URL');
    expect(auth.fix).toContain('ssl-mode=VERIFY_IDENTITY&ssl-ca=');
    expect(finding(d, 'tls')).toMatchObject({ status: 'warn', code: 'CAREPOOL_DOCTOR_PLAINTEXT' });
    expectNoSecrets(fullOutput(report(d)));
  });

  it('no TLS against MariaDB itself, which answers 1045: the doctor still says TLS is required', async () => {
    const { azure } = sandboxServers();
    const url = userUrl({ ...azure, port: azure.serverPort }, 'app', 'DISABLED');
    const d = await diagnoseTarget(targetFromUrl('azure', url));
    const auth = finding(d, 'auth');
    expect(auth).toMatchObject({ status: 'fail', code: 'CAREPOOL_DB_INSECURE_TRANSPORT' });
    expect(auth.summary).toContain('1045');
    expect(auth.summary).toContain('the server requires TLS');
    expect(auth.fix).toContain('ssl-mode=VERIFY_IDENTITY');
    expectNoSecrets(fullOutput(report(d)));
  });

  it('wrong password: 1045 → which user@host and what to check, and the wrong password is not printed', async () => {
    const { gcp } = sandboxServers();
    const wrong = 'Wr0ng-Passw0rd-x9';
    const url = userUrl(gcp, 'app').replace(`:${encodeURIComponent(gcp.users.app.password)}@`, `:${wrong}@`);
    const d = await diagnoseTarget(targetFromUrl('gcp', url));
    const auth = finding(d, 'auth');
    expect(auth).toMatchObject({ status: 'fail', code: 'CAREPOOL_DB_ACCESS_DENIED' });
    expect(auth.cause).toContain('"carepool_app"');
    expect(auth.cause).toContain('127.0.0.1');
    expect(auth.fix).toContain('Check the password in CAREPOOL_TARGET_GCP_URL');
    expect(auth.fix).toContain("SELECT user, host FROM mysql.user WHERE user = 'carepool_app'");
    expect(finding(d, 'database').status).toBe('skip');
    expectNoSecrets(fullOutput(report(d)), wrong);
  });

  it('unknown database: 1049 → create it or fix the path, listing the databases the user sees', async () => {
    const { gcp } = sandboxServers();
    // An account with global privileges gets 1049; the app user gets 1044 (next test).
    const url = userUrl(gcp, 'admin').replace(`/${gcp.database}?`, '/no_such_db?');
    const d = await diagnoseTarget(targetFromUrl('gcp', url));
    expect(finding(d, 'auth').status).toBe('ok');
    const db = finding(d, 'database');
    expect(db).toMatchObject({ status: 'fail', code: 'CAREPOOL_DB_UNKNOWN_DATABASE' });
    expect(db.summary).toMatch(/^database "no_such_db" does not exist; this user sees: .*clinic/);
    expect(db.cause).toContain('error 1049');
    expect(db.fix).toContain('CREATE DATABASE no_such_db');
    expectNoSecrets(fullOutput(report(d)));
  });

  it('unknown database for the app user: 1044 → it does not exist or has no grants for this user', async () => {
    const { gcp } = sandboxServers();
    const url = userUrl(gcp, 'app').replace(`/${gcp.database}?`, '/no_such_db?');
    const d = await diagnoseTarget(targetFromUrl('gcp', url));
    expect(finding(d, 'auth').status).toBe('ok');
    const db = finding(d, 'database');
    expect(db).toMatchObject({ status: 'fail', code: 'CAREPOOL_DB_UNKNOWN_DATABASE' });
    // Other test files create scratch databases the app user may see, so only `clinic` is certain.
    expect(db.summary).toMatch(
      /^user "carepool_app" may not use database "no_such_db" \(error 1044\); this user sees: .*\bclinic\b/,
    );
    expect(db.fix).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON no_such_db.*');
    expectNoSecrets(fullOutput(report(d)));
  });

  it('a refused port: ECONNREFUSED → nothing listens, check the port', async () => {
    const { gcp } = sandboxServers();
    const port = await freePort();
    const d = await diagnoseTarget(targetFromUrl('gcp', userUrl({ ...gcp, port }, 'app'), FAST));
    const tcp = finding(d, 'tcp');
    expect(tcp).toMatchObject({ status: 'fail', code: 'CAREPOOL_DB_CONNECT_REFUSED' });
    expect(tcp.cause).toContain(`Nothing listens on 127.0.0.1:${port}`);
    expect(tcp.fix).toContain('carepool sandbox start');
    expect(finding(d, 'auth').status).toBe('skip');
    expectNoSecrets(fullOutput(report(d)));
  });

  describe('a port that accepts TCP and never speaks', () => {
    let server: Server;
    let port: number;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      server = createServer((s) => sockets.push(s));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('is diagnosed within the connect timeout: no MySQL greeting → check the port or the proxy', async () => {
      const { gcp } = sandboxServers();
      const started = performance.now();
      const d = await diagnoseTarget(targetFromUrl('gcp', userUrl({ ...gcp, port }, 'app'), FAST));
      expect(performance.now() - started).toBeLessThan(5000);
      expect(finding(d, 'tcp').status).toBe('ok');
      const greeting = finding(d, 'greeting');
      expect(greeting).toMatchObject({ status: 'fail', code: 'CAREPOOL_DOCTOR_NO_GREETING' });
      expect(greeting.summary).toContain('sent no MySQL greeting within 800 ms');
      expect(greeting.cause).toContain('proxy');
      expect(greeting.fix).toContain('Check the port in CAREPOOL_TARGET_GCP_URL');
      expect(finding(d, 'auth').status).toBe('skip');
      expectNoSecrets(fullOutput(report(d)));
    });
  });

  it('a certificate from another CA under VERIFY_CA: the chain check says which CA to trust', async () => {
    const { azure, gcp } = sandboxServers();
    const url = userUrl(gcp, 'app', 'VERIFY_CA').replace(gcp.caPath, azure.caPath);
    const d = await diagnoseTarget(targetFromUrl('gcp', url));
    const chain = finding(d, 'tls.chain');
    expect(chain).toMatchObject({ status: 'fail', code: 'CAREPOOL_DOCTOR_TLS_UNTRUSTED' });
    expect(chain.summary).toContain('carepool sandbox CA (gcp)');
    expect(chain.fix).toContain('server-ca.pem');
    expect(finding(d, 'auth').status).toBe('skip');
  });

  it('a host name that does not resolve: ENOTFOUND → check the host (resolver injected, no network)', async () => {
    const { gcp } = sandboxServers();
    const url = userUrl(gcp, 'app').replace('@127.0.0.1:', '@db.nowhere.test:');
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND db.nowhere.test'), { code: 'ENOTFOUND' });
    };
    const d = await diagnoseTarget(targetFromUrl('gcp', url), { lookup });
    const dns = finding(d, 'dns');
    expect(dns).toMatchObject({ status: 'fail', code: 'CAREPOOL_DB_HOST_NOT_FOUND' });
    expect(dns.summary).toBe('"db.nowhere.test" does not resolve (ENOTFOUND)');
    expect(dns.fix).toContain('Check the spelling of the host in CAREPOOL_TARGET_GCP_URL');
    expect(finding(d, 'tcp').status).toBe('skip');
  });

  it('VERIFY_IDENTITY with a host the certificate does not name → use a name on it or VERIFY_CA', async () => {
    const { azure } = sandboxServers();
    // The name resolves (injected) to the azure sandbox, whose certificate names only localhost and 127.0.0.1.
    const url = userUrl(azure, 'app', 'VERIFY_IDENTITY').replace('@127.0.0.1:', '@db.clinic.test:');
    const d = await diagnoseTarget(targetFromUrl('azure', url), { lookup: async () => ['127.0.0.1'] });
    expect(finding(d, 'dns').summary).toBe('db.clinic.test → 127.0.0.1');
    const host = finding(d, 'tls.hostname');
    expect(host).toMatchObject({ status: 'fail', code: 'CAREPOOL_DOCTOR_TLS_HOSTNAME' });
    expect(host.summary).toContain(
      'does not name "db.clinic.test"; it names DNS:localhost, IP Address:127.0.0.1',
    );
    expect(host.fix).toContain('ssl-mode=VERIFY_CA');
    expect(finding(d, 'tls.chain').status).toBe('ok');
    expect(finding(d, 'auth').status).toBe('skip');
  });

  it('an expiring certificate is reported with its date (clock injected)', async () => {
    const { gcp } = sandboxServers();
    const healthy = await diagnoseTarget(targetFromUrl('gcp', userUrl(gcp, 'app')));
    const validTo = new Date(String(finding(healthy, 'tls.expiry').data?.validTo));
    const soon = await diagnoseTarget(targetFromUrl('gcp', userUrl(gcp, 'app')), {
      now: () => new Date(validTo.getTime() - 5 * 86_400_000),
    });
    expect(finding(soon, 'tls.expiry')).toMatchObject({
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_TLS_EXPIRING',
    });
    const late = await diagnoseTarget(targetFromUrl('gcp', userUrl(gcp, 'app')), {
      now: () => new Date(validTo.getTime() + 86_400_000),
    });
    expect(finding(late, 'tls.expiry')).toMatchObject({
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_TLS_EXPIRED',
    });
    expect(finding(late, 'tls.expiry').summary).toBe(
      `the certificate expired on ${validTo.toISOString().slice(0, 10)}`,
    );
  });
});
