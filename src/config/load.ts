import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { z } from 'zod';
import { AppError } from '../errors/index.js';
import { parseConnectionUrl } from './connection-url.js';
import { parseDuration } from './duration.js';
import { readReplicaConfig, refuseStrayReplicaSettings } from './replicas.js';
import { Secret } from './secret.js';
import { readTrustProxy } from './trust-proxy.js';
import {
  type CarepoolConfig,
  type HttpConfig,
  POOL_SETTINGS,
  type PoolSettings,
  TARGET_NAME,
  type TargetConfig,
} from './schema.js';

/** Environment as a plain record. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Defaults to `process.env`. */
  readonly env?: Env;
  /** Directory holding `.env` and `.carepool/`; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /** Read `<cwd>/.env` (values already in `env` win). Default true. */
  readonly dotenv?: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads the environment (and `.env`) into one validated {@link CarepoolConfig}. Every bad value throws
 * CAREPOOL_CONFIG_INVALID naming the variable, the problem and a good example; passwords never appear.
 */
export function loadConfig(options: LoadConfigOptions = {}): CarepoolConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = { ...(options.dotenv === false ? {} : readDotenv(cwd)), ...(options.env ?? process.env) };
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const globalPool = readPool(get, 'CAREPOOL_', defaultPool());
  let targets: TargetConfig[] = [];
  let source: CarepoolConfig['source'] = 'none';
  const list = get('CAREPOOL_TARGETS');
  if (list !== undefined) {
    source = 'targets';
    const names = list.split(',').map((n) => n.trim().toLowerCase());
    const seen = new Set<string>();
    for (const name of names) {
      if (!TARGET_NAME.test(name)) {
        invalid(
          'CAREPOOL_TARGETS',
          `"${name}" is not a valid target name (letters, digits, _; starts with a letter)`,
          'azure,gcp',
        );
      }
      if (seen.has(name)) invalid('CAREPOOL_TARGETS', `target "${name}" is listed twice`, 'azure,gcp');
      seen.add(name);
      const prefix = `CAREPOOL_TARGET_${name.toUpperCase()}_`;
      const urlVar = `${prefix}URL`;
      const raw = get(urlVar);
      if (raw === undefined) {
        invalid(
          urlVar,
          `is not set but CAREPOOL_TARGETS lists "${name}"`,
          'mysql://app:secret@host:3306/clinic?ssl-mode=REQUIRED',
        );
      }
      const migrateRaw = get(`${prefix}MIGRATE_URL`);
      const url = parseConnectionUrl(urlVar, raw as string);
      const pool = readPool(get, prefix, globalPool);
      targets.push({
        name,
        url,
        ...(migrateRaw === undefined
          ? {}
          : { migrateUrl: parseConnectionUrl(`${prefix}MIGRATE_URL`, migrateRaw) }),
        pool,
        ...readReplicaConfig(get, prefix, url, pool),
      });
    }
  } else {
    const raw = get('DATABASE_URL');
    if (raw !== undefined) {
      source = 'database-url';
      const migrateRaw = get('DATABASE_MIGRATE_URL');
      targets = [
        {
          name: 'default',
          url: parseConnectionUrl('DATABASE_URL', raw),
          ...(migrateRaw === undefined
            ? {}
            : { migrateUrl: parseConnectionUrl('DATABASE_MIGRATE_URL', migrateRaw) }),
          pool: globalPool,
        },
      ];
    }
  }

  if (source !== 'none')
    refuseStrayReplicaSettings(
      Object.keys(env).filter((k) => get(k) !== undefined),
      targets.map((t) => t.name),
      source,
    );
  const port = get('CAREPOOL_HTTP_PORT') ?? '3000';
  const portNum = Number(port);
  if (!Number.isInteger(portNum) || portNum < 0 || portNum > 65535) {
    invalid('CAREPOOL_HTTP_PORT', `"${port}" is not a port number 0-65535`, '3000');
  }
  const logLevel = (get('CAREPOOL_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    invalid('CAREPOOL_LOG_LEVEL', `"${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`, 'info');
  }
  return {
    targets,
    source,
    http: readHttp(get, portNum),
    logLevel: logLevel as CarepoolConfig['logLevel'],
    home: resolve(cwd, get('CAREPOOL_HOME') ?? '.carepool'),
  };
}

function readHttp(get: (name: string) => string | undefined, port: number): HttpConfig {
  const cert = get('CAREPOOL_HTTPS_CERT');
  const key = get('CAREPOOL_HTTPS_KEY');
  if ((cert === undefined) !== (key === undefined)) {
    const missing = cert === undefined ? 'CAREPOOL_HTTPS_CERT' : 'CAREPOOL_HTTPS_KEY';
    invalid(
      missing,
      'is not set, but HTTPS needs both a certificate and its key',
      missing === 'CAREPOOL_HTTPS_CERT' ? 'certs/carepool.crt' : 'certs/carepool.key',
    );
  }
  const secret = get('CAREPOOL_SESSION_SECRET');
  if (secret !== undefined && secret.length < 32) {
    // The value itself is never quoted: it is a secret.
    invalid(
      'CAREPOOL_SESSION_SECRET',
      `is ${secret.length} characters long; it needs at least 32 random characters`,
      '<output of: openssl rand -base64 32>',
    );
  }
  const trustProxy = readTrustProxy(get('CAREPOOL_TRUST_PROXY'));
  return {
    host: get('CAREPOOL_HTTP_HOST') ?? '127.0.0.1',
    ...(trustProxy ? { trustProxy } : {}),
    port,
    ...(cert && key ? { https: { certFile: cert, keyFile: key } } : {}),
    ...(secret ? { sessionSecret: new Secret(secret) } : {}),
    sessionIdleMinutes: readNumber(get, 'CAREPOOL_SESSION_IDLE_MINUTES', 15, 1, 24 * 60),
    sessionMaxHours: readNumber(get, 'CAREPOOL_SESSION_MAX_HOURS', 12, 1, 24 * 7),
    idempotencyTtlMs: readDuration(get, 'CAREPOOL_IDEMPOTENCY_TTL', 24 * 3_600_000, 1000, 30 * 86_400_000),
  };
}

function readDuration(
  get: (name: string) => string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = get(name);
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < min || ms > max) {
    invalid(
      name,
      `"${raw.slice(0, 40)}" is not a duration from 1s to 30d (a whole number and one unit: s, m, h or d)`,
      '24h',
    );
  }
  return ms;
}

function readNumber(
  get: (name: string) => string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(name, `"${raw}" is not a whole number from ${min} to ${max}`, String(fallback));
  }
  return value;
}

function defaultPool(): PoolSettings {
  const out: Record<string, number> = {};
  for (const [key, spec] of Object.entries(POOL_SETTINGS)) out[key] = spec.default;
  return out as unknown as PoolSettings;
}

function readPool(
  get: (name: string) => string | undefined,
  prefix: string,
  base: PoolSettings,
): PoolSettings {
  const out: Record<string, number> = { ...base };
  for (const [key, spec] of Object.entries(POOL_SETTINGS)) {
    const name = `${prefix}${spec.env}`;
    const raw = get(name);
    if (raw === undefined) continue;
    const parsed = (spec.schema as z.ZodType<number>).safeParse(raw);
    // zod's own text ("Invalid input: expected number, received NaN") is not for users: say what is allowed.
    if (!parsed.success) invalid(name, `"${raw}" is not ${allowed(spec.schema, name)}`, spec.example);
    out[key] = parsed.data as number;
  }
  const pool = out as unknown as PoolSettings;
  if (pool.min > pool.max)
    invalid(
      `${prefix}POOL_MIN`,
      `${pool.min} is above the pool max ${pool.max}`,
      String(Math.min(2, pool.max)),
    );
  return pool;
}

/** "a whole number from 100 to 600000 (milliseconds)", from the schema's bounds and the variable's unit. */
function allowed(schema: z.ZodType, name: string): string {
  const { minValue, maxValue } = schema as { minValue?: number | null; maxValue?: number | null };
  const range =
    typeof minValue === 'number' && typeof maxValue === 'number'
      ? ` from ${minValue} to ${maxValue}`
      : typeof minValue === 'number'
        ? ` of at least ${minValue}`
        : '';
  const unit = name.endsWith('_MS') ? ' (milliseconds)' : '';
  return `a whole number${range}${unit}`;
}

function invalid(variable: string, problem: string, example: string): never {
  throw new AppError('CAREPOOL_CONFIG_INVALID', `${variable} ${problem}. Example: ${variable}=${example}`, {
    meta: { variable },
  });
}

function readDotenv(cwd: string): Env {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, '.env'), 'utf8');
  } catch {
    return {};
  }
  return parseEnv(text);
}
