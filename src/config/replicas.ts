import type { z } from 'zod';
import { AppError } from '../errors/index.js';
import { type ConnectionSpec, parseConnectionUrl } from './connection-url.js';
import { POOL_SETTINGS, type PoolSettings } from './schema.js';

/** A target's read replicas (`CAREPOOL_TARGET_<NAME>_REPLICAS`) and how stale a read from them may be. */
export interface ReplicaConfig {
  /** One URL per replica; each gets its own pool with {@link ReplicaConfig.pool}. */
  readonly urls: readonly ConnectionSpec[];
  /**
   * Each replica's pool settings: the target's, with each setting overridden by
   * `CAREPOOL_TARGET_<NAME>_REPLICA_<SETTING>`, else `CAREPOOL_REPLICA_<SETTING>` (e.g. `..._REPLICA_POOL_MAX`).
   * Absent in hand-built configs: the target's pool settings.
   */
  readonly pool?: PoolSettings;
  /**
   * Replicas lagging more than this (milliseconds) are skipped (`CAREPOOL_READ_MAX_LAG_MS`, default 1000;
   * per target `CAREPOOL_TARGET_<NAME>_READ_MAX_LAG_MS`).
   */
  readonly maxLagMs: number;
  /**
   * Whose writes a client's reads must see (`CAREPOOL_READ_YOUR_WRITES`): `fleet` (default) — writes made
   * through any instance, checked on the primary (shared checks); `instance` — only those this process
   * made (one instance, or a load balancer with sticky sessions): no check on the primary per read.
   */
  readonly readYourWrites?: 'fleet' | 'instance';
  /**
   * Fleet-wide only: how long (ms) a write through the router waits after its commit before it answers,
   * so reads may share checks sent that long before them (`CAREPOOL_READ_SETTLE_MS`, default 10). Every
   * instance of a fleet must use the same value (0 during a rolling upgrade from a version without it).
   */
  readonly settleMs?: number;
}

/** Default lag bound: one second, the resolution of Seconds_Behind_Master. */
export const DEFAULT_READ_MAX_LAG_MS = 1000;
const MAX_LAG_LIMIT = 3_600_000;
const MAX_REPLICAS = 10;

/**
 * Reads `<prefix>REPLICAS` (comma-separated URLs), the lag bound and the replicas' pool settings for one
 * target whose own pool settings are `targetPool`. Absent or empty: no replicas. Bad values (also of the
 * replica pool overrides when there are no replicas) throw CAREPOOL_CONFIG_INVALID naming the variable,
 * with an example.
 */
export function readReplicaConfig(
  get: (name: string) => string | undefined,
  prefix: string,
  primary: ConnectionSpec,
  targetPool: PoolSettings,
): { readonly replicas?: ReplicaConfig } {
  const variable = `${prefix}REPLICAS`;
  const globalLag = readLag(get, 'CAREPOOL_READ_MAX_LAG_MS', DEFAULT_READ_MAX_LAG_MS);
  const maxLagMs = readLag(get, `${prefix}READ_MAX_LAG_MS`, globalLag);
  const pool = readReplicaPool(get, prefix, targetPool);
  const ryw = readYourWritesSettings(get);
  const raw = get(variable);
  if (raw === undefined) return {};
  const parts = splitUrlList(raw);
  if (parts.some((p) => p === ''))
    invalid(variable, 'has an empty entry (two commas, or a comma at an end)', `${EXAMPLE},${EXAMPLE2}`);
  if (parts.length > MAX_REPLICAS)
    invalid(variable, `lists ${parts.length} replicas; at most ${MAX_REPLICAS} are supported`, EXAMPLE);
  const urls = parts.map((p, i) => parseConnectionUrl(`${variable} (entry ${i + 1})`, p));
  const seen = new Set<string>([`${primary.host}:${primary.port}`]);
  for (const [i, u] of urls.entries()) {
    const key = `${u.host}:${u.port}`;
    if (u.hosts && u.hosts.length > 1)
      invalid(variable, `entry ${i + 1} lists several hosts; give each replica its own URL`, EXAMPLE);
    if (seen.has(key))
      invalid(
        variable,
        `entry ${i + 1} (${key}) is the primary or another entry again; each replica is a different server`,
        `${EXAMPLE},${EXAMPLE2}`,
      );
    seen.add(key);
    if (u.database !== primary.database)
      invalid(
        variable,
        `entry ${i + 1} names database "${u.database}" but the target uses "${primary.database}"`,
        EXAMPLE,
      );
  }
  return { replicas: { urls, maxLagMs, pool, ...ryw } };
}

/**
 * Refuses replica settings (`CAREPOOL_TARGET_<NAME>_REPLICAS`, `_READ_MAX_LAG_MS`, `_REPLICA_<SETTING>`) for
 * a target that is not configured: a misspelt name, or `DATABASE_URL` (whose one target, `default`, reads
 * no per-target settings), would otherwise leave every read on the primary without a word; so would a
 * per-target `_READ_YOUR_WRITES` or `_READ_SETTLE_MS` (those are global).
 * `names` are the configured targets; `variables` every variable that is set.
 */
export function refuseStrayReplicaSettings(
  variables: Iterable<string>,
  names: readonly string[],
  source: 'targets' | 'database-url',
): void {
  const settings = Object.values(POOL_SETTINGS).map((s) => s.env);
  const pattern = new RegExp(
    `^CAREPOOL_TARGET_(.+?)_(REPLICAS|READ_MAX_LAG_MS|REPLICA_(?:${settings.join('|')}))$`,
  );
  for (const variable of variables) {
    // Read-your-writes settings are global (a fleet must agree on them): a per-target one would be ignored.
    const shared = /^CAREPOOL_TARGET_.+_(READ_YOUR_WRITES|READ_SETTLE_MS)$/.exec(variable)?.[1];
    if (shared)
      throw new AppError(
        'CAREPOOL_CONFIG_INVALID',
        `${variable} is not a per-target setting and would be ignored: every target, and every instance of a fleet, uses CAREPOOL_${shared}. Example: CAREPOOL_${shared}=${shared === 'READ_YOUR_WRITES' ? 'instance' : '10'}`,
        { meta: { variable } },
      );
    const m = pattern.exec(variable);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    // CAREPOOL_TARGET_X_REPLICA_POOL_MAX is also target "x_replica"'s own POOL_MAX.
    const own = m[2]!.startsWith('REPLICA_') && names.includes(`${name}_replica`);
    if (source === 'targets' && (names.includes(name) || own)) continue;
    const fix =
      source === 'database-url'
        ? `DATABASE_URL configures a single target, "default", which takes no per-target settings. Example: instead of DATABASE_URL set CAREPOOL_TARGETS=${name} and CAREPOOL_TARGET_${m[1]}_URL=<the same URL>`
        : `CAREPOOL_TARGETS (${names.join(',')}) does not list "${name}". Example: ${variable.replace(`_TARGET_${m[1]}_`, `_TARGET_${(names[0] ?? 'azure').toUpperCase()}_`)}=…, or add "${name}" to CAREPOOL_TARGETS`;
    throw new AppError(
      'CAREPOOL_CONFIG_INVALID',
      `${variable} is set for target "${name}", but it would be ignored: ${fix}`,
      { meta: { variable } },
    );
  }
}

/**
 * The entries of a comma-separated URL list. A comma met while an entry is still in its `scheme://` authority
 * (no `/` yet) belongs to it: a password with a comma (`mysql://u:a,b@h/db`) or several hosts
 * (`mysql://u:p@h1,h2/db`, refused by name below) stay one entry instead of being cut into pieces that would
 * be echoed in the error.
 */
function splitUrlList(raw: string): string[] {
  const out: string[] = [];
  for (const piece of raw.split(',')) {
    const last = out.at(-1);
    if (last !== undefined && /^\s*[a-z][a-z0-9+.-]*:\/\/[^/?#]*$/i.test(last))
      out[out.length - 1] = `${last},${piece}`;
    else out.push(piece);
  }
  return out.map((p) => p.trim());
}

const MAX_SETTLE_MS = 1000;

/** `CAREPOOL_READ_YOUR_WRITES` and `CAREPOOL_READ_SETTLE_MS` (global: a fleet must agree on them). */
function readYourWritesSettings(
  get: (name: string) => string | undefined,
): Pick<ReplicaConfig, 'readYourWrites' | 'settleMs'> {
  const mode = get('CAREPOOL_READ_YOUR_WRITES');
  if (mode !== undefined && mode !== 'fleet' && mode !== 'instance')
    invalid(
      'CAREPOOL_READ_YOUR_WRITES',
      `"${mode.slice(0, 40)}" is neither fleet (writes through any instance, the default) nor instance (this process's writes only: one instance or sticky sessions)`,
      'instance',
    );
  const settle = get('CAREPOOL_READ_SETTLE_MS');
  if (settle !== undefined && (!/^\d+$/.test(settle) || Number(settle) > MAX_SETTLE_MS))
    invalid(
      'CAREPOOL_READ_SETTLE_MS',
      `"${settle.slice(0, 40)}" is not a whole number from 0 to ${MAX_SETTLE_MS} (milliseconds)`,
      '10',
    );
  return {
    ...(mode === undefined ? {} : { readYourWrites: mode }),
    ...(settle === undefined ? {} : { settleMs: Number(settle) }),
  };
}

/**
 * The replicas' pool settings: per setting, `<prefix>REPLICA_<SETTING>`, else `CAREPOOL_REPLICA_<SETTING>`,
 * else the target's value. Validated like the target's own (same ranges; POOL_MIN at most POOL_MAX).
 */
export function readReplicaPool(
  get: (name: string) => string | undefined,
  prefix: string,
  targetPool: PoolSettings,
): PoolSettings {
  const out: Record<string, number | undefined> = { ...targetPool };
  const from: Record<string, string> = {};
  for (const [key, spec] of Object.entries(POOL_SETTINGS)) {
    const names = [`${prefix}REPLICA_${spec.env}`, `CAREPOOL_REPLICA_${spec.env}`];
    const name = names.find((n) => get(n) !== undefined);
    if (name === undefined) continue;
    const raw = get(name) as string;
    const parsed = (spec.schema as z.ZodType<number>).safeParse(raw);
    if (!parsed.success)
      invalid(name, `"${raw.slice(0, 40)}" is not ${allowed(spec.schema, name)}`, spec.example);
    out[key] = parsed.data;
    from[key] = name;
  }
  const pool = out as unknown as PoolSettings;
  if (pool.min > pool.max) {
    const culprit = from.min ?? from.max ?? `${prefix}REPLICA_POOL_MIN`;
    invalid(
      culprit,
      `makes the replicas' pool min ${pool.min} exceed their pool max ${pool.max}`,
      culprit.endsWith('POOL_MAX') ? String(pool.min) : String(Math.min(2, pool.max)),
    );
  }
  return pool;
}

/** "a whole number from 1 to 1000", from a schema's bounds (as the target's own settings say it). */
function allowed(schema: z.ZodType, name: string): string {
  const { minValue, maxValue } = schema as { minValue?: number | null; maxValue?: number | null };
  const range =
    typeof minValue === 'number' && typeof maxValue === 'number' ? ` from ${minValue} to ${maxValue}` : '';
  return `a whole number${range}${name.endsWith('_MS') ? ' (milliseconds)' : ''}`;
}

const EXAMPLE = 'mysql://app:secret@replica1.example.com:3306/clinic?ssl-mode=VERIFY_IDENTITY';
const EXAMPLE2 = 'mysql://app:secret@replica2.example.com:3306/clinic?ssl-mode=VERIFY_IDENTITY';

function readLag(get: (name: string) => string | undefined, name: string, fallback: number): number {
  const raw = get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > MAX_LAG_LIMIT)
    invalid(
      name,
      `"${raw.slice(0, 40)}" is not a whole number from 0 to ${MAX_LAG_LIMIT} (milliseconds)`,
      '1000',
    );
  return value;
}

function invalid(variable: string, problem: string, example: string): never {
  throw new AppError('CAREPOOL_CONFIG_INVALID', `${variable} ${problem}. Example: ${variable}=${example}`, {
    meta: { variable },
  });
}
