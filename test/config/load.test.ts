import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactUrl, Secret } from '../../src/config/index.js';
import { AppError, isAppError } from '../../src/errors/index.js';

const load = (env: Record<string, string>) => loadConfig({ env, dotenv: false, cwd: '/tmp' });

function configError(env: Record<string, string>): AppError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it("reads ordered targets with URLs, TLS settings and the seeds' pool defaults (max 20, connect 3 s)", () => {
    const config = load({
      CAREPOOL_TARGETS: 'azure, GCP',
      CAREPOOL_TARGET_AZURE_URL:
        'mysql://app:p%40ss@srv.mysql.database.azure.com/clinic?ssl-mode=verify_identity&ssl-ca=certs/azure.pem',
      CAREPOOL_TARGET_GCP_URL: 'mysql://app:pw@10.0.0.5:3307/clinic?ssl-mode=REQUIRED',
      CAREPOOL_TARGET_GCP_POOL_MAX: '7',
    });
    expect(config.source).toBe('targets');
    expect(config.targets.map((t) => t.name)).toEqual(['azure', 'gcp']);
    const [azure, gcp] = config.targets;
    expect(azure?.url).toMatchObject({
      host: 'srv.mysql.database.azure.com',
      port: 3306,
      user: 'app',
      database: 'clinic',
      sslMode: 'VERIFY_IDENTITY',
      sslCa: 'certs/azure.pem',
    });
    expect(azure?.url.password.reveal()).toBe('p@ss');
    expect(azure?.pool).toMatchObject({ max: 20, connectTimeoutMs: 3000 });
    expect(gcp?.url).toMatchObject({ port: 3307, sslMode: 'REQUIRED' });
    expect(gcp?.pool.max).toBe(7);
  });

  it('falls back to DATABASE_URL as a single target named "default"', () => {
    const config = load({ DATABASE_URL: 'mysql://u:p@localhost/clinic', CAREPOOL_POOL_MAX: '5' });
    expect(config.source).toBe('database-url');
    expect(config.targets.map((t) => [t.name, t.pool.max, t.url.sslMode])).toEqual([
      ['default', 5, 'PREFERRED'],
    ]);
  });

  it('has no targets (sandbox mode) when nothing is set', () => {
    expect(load({}).targets).toEqual([]);
  });

  it('reads the web server settings: HTTPS files, the session key (masked) and session limits', () => {
    const http = load({
      CAREPOOL_HTTPS_CERT: 'certs/a.crt',
      CAREPOOL_HTTPS_KEY: 'certs/a.key',
      CAREPOOL_SESSION_SECRET: 'k'.repeat(40),
      CAREPOOL_SESSION_IDLE_MINUTES: '5',
    }).http;
    expect(http.https).toEqual({ certFile: 'certs/a.crt', keyFile: 'certs/a.key' });
    expect(http.sessionSecret?.reveal()).toBe('k'.repeat(40));
    expect(JSON.stringify(http)).not.toContain('kkkk');
    expect([http.sessionIdleMinutes, http.sessionMaxHours]).toEqual([5, 12]);
  });

  it.each([
    [{ CAREPOOL_TARGETS: 'azure' }, 'CAREPOOL_TARGET_AZURE_URL', 'is not set'],
    [{ CAREPOOL_TARGETS: '1bad' }, 'CAREPOOL_TARGETS', 'not a valid target name'],
    [
      { CAREPOOL_TARGETS: 'a,a', CAREPOOL_TARGET_A_URL: 'mysql://u:p@h/d' },
      'CAREPOOL_TARGETS',
      'listed twice',
    ],
    [{ DATABASE_URL: 'postgres://u:hunter2@h/d' }, 'DATABASE_URL', 'scheme "postgres"'],
    [{ DATABASE_URL: 'mysql://u:hunter2@h:99999/d' }, 'DATABASE_URL', 'not a URL'],
    [{ DATABASE_URL: 'mysql://u:hunter2@h/' }, 'DATABASE_URL', 'database name is missing'],
    [{ DATABASE_URL: 'mysql://u:hunter2@h/d?ssl-mode=SOMETIMES' }, 'DATABASE_URL', 'ssl-mode "SOMETIMES"'],
    [{ DATABASE_URL: 'mysql://u:hunter2@h/d?ssl-mode=VERIFY_CA' }, 'DATABASE_URL', 'needs ssl-ca'],
    [
      { DATABASE_URL: 'mysql://u:hunter2@h/d?sslmode=require' },
      'DATABASE_URL',
      'unknown parameter "sslmode"',
    ],
    [
      { DATABASE_URL: 'mysql://u:hunter2@h/d', CAREPOOL_POOL_MAX: 'twenty' },
      'CAREPOOL_POOL_MAX',
      '"twenty" is not a whole number',
    ],
    [
      { DATABASE_URL: 'mysql://u:hunter2@h/d', CAREPOOL_POOL_MAX: '0' },
      'CAREPOOL_POOL_MAX',
      '"0" is not a whole number',
    ],
    [
      { DATABASE_URL: 'mysql://u:hunter2@h/d', CAREPOOL_CONNECT_TIMEOUT_MS: '-5' },
      'CAREPOOL_CONNECT_TIMEOUT_MS',
      '"-5" is not a whole number',
    ],
    [
      { DATABASE_URL: 'mysql://u:hunter2@h/d', CAREPOOL_POOL_MIN: '30' },
      'CAREPOOL_POOL_MIN',
      'above the pool max',
    ],
    [{ CAREPOOL_HTTP_PORT: 'http' }, 'CAREPOOL_HTTP_PORT', 'not a port'],
    [{ CAREPOOL_LOG_LEVEL: 'loud' }, 'CAREPOOL_LOG_LEVEL', 'not one of'],
    [{ CAREPOOL_SESSION_SECRET: 'hunter2-too-short' }, 'CAREPOOL_SESSION_SECRET', 'at least 32 random'],
    [{ CAREPOOL_HTTPS_CERT: 'certs/a.crt' }, 'CAREPOOL_HTTPS_KEY', 'needs both'],
    [{ CAREPOOL_SESSION_IDLE_MINUTES: '0' }, 'CAREPOOL_SESSION_IDLE_MINUTES', 'whole number from 1'],
    [{ CAREPOOL_SESSION_MAX_HOURS: 'long' }, 'CAREPOOL_SESSION_MAX_HOURS', 'whole number from 1'],
    [{ CAREPOOL_IDEMPOTENCY_TTL: '86400' }, 'CAREPOOL_IDEMPOTENCY_TTL', 'not a duration'],
    [{ CAREPOOL_IDEMPOTENCY_TTL: '1.5h' }, 'CAREPOOL_IDEMPOTENCY_TTL', 'not a duration'],
    [{ CAREPOOL_IDEMPOTENCY_TTL: '24 hours' }, 'CAREPOOL_IDEMPOTENCY_TTL', 'not a duration'],
    [{ CAREPOOL_IDEMPOTENCY_TTL: '0s' }, 'CAREPOOL_IDEMPOTENCY_TTL', 'from 1s to 30d'],
    [{ CAREPOOL_IDEMPOTENCY_TTL: '31d' }, 'CAREPOOL_IDEMPOTENCY_TTL', 'from 1s to 30d'],
  ])('rejects %o naming %s, the problem and an example, never the password', (env, variable, problem) => {
    const error = configError(env);
    expect(error.code).toBe('CAREPOOL_CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.meta.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(problem);
    expect(error.message).toContain('Example:');
    expect(JSON.stringify(error.toJSON())).not.toContain('hunter2');
    expect(inspect(error)).not.toContain('hunter2');
  });

  it('reads .env from the working directory; real environment variables win', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carepool-env-'));
    await writeFile(join(dir, '.env'), 'DATABASE_URL=mysql://u:p@fromfile/clinic\nCAREPOOL_POOL_MAX=9\n');
    const config = loadConfig({ cwd: dir, env: { CAREPOOL_POOL_MAX: '3' } });
    expect(config.targets[0]?.url.host).toBe('fromfile');
    expect(config.targets[0]?.pool.max).toBe(3);
    expect(config.home).toBe(join(dir, '.carepool'));
  });
});

describe('Secret', () => {
  it('never prints its value', () => {
    const s = new Secret('hunter2');
    expect(`${s}`).toBe('***');
    expect(JSON.stringify({ s })).toBe('{"s":"***"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
  });

  it('reads CAREPOOL_IDEMPOTENCY_TTL as a duration (default 24 hours)', () => {
    expect(load({}).http.idempotencyTtlMs).toBe(24 * 3_600_000);
    expect(load({ CAREPOOL_IDEMPOTENCY_TTL: '90s' }).http.idempotencyTtlMs).toBe(90_000);
    expect(load({ CAREPOOL_IDEMPOTENCY_TTL: '30m' }).http.idempotencyTtlMs).toBe(1_800_000);
    expect(load({ CAREPOOL_IDEMPOTENCY_TTL: '7d' }).http.idempotencyTtlMs).toBe(7 * 86_400_000);
  });

  it('redactUrl masks the password of a URL even when it does not parse', () => {
    expect(redactUrl('mysql://app:hunter2@h:3306/clinic')).toBe('mysql://app:***@h:3306/clinic');
    expect(redactUrl('mysql://app:hun:ter@2@h:99999/x')).not.toContain('hun:ter');
  });

  it('a parsed URL keeps the password out of JSON and inspect', () => {
    const config = load({ DATABASE_URL: 'mysql://app:hunter2@h/clinic' });
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(inspect(config, { depth: 10 })).not.toContain('hunter2');
    expect(isAppError(null)).toBe(false);
  });
});

describe('.env.example', () => {
  it('documents a configuration that loads as it stands (so the docs are true)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parseEnv } = await import('node:util');
    const env = parseEnv(await readFile(new URL('../../.env.example', import.meta.url), 'utf8'));
    const config = loadConfig({ env, dotenv: false, cwd: '/tmp' });
    expect(config.targets.map((t) => [t.name, t.url.sslMode])).toEqual([
      ['azure', 'VERIFY_IDENTITY'],
      ['gcp', 'VERIFY_CA'],
    ]);
    expect(config.targets[0]?.pool).toMatchObject({
      max: 20,
      connectTimeoutMs: 3000,
      acquireTimeoutMs: 2000,
    });
  });
});
