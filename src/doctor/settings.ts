import type { PoolSettings } from '../config/index.js';
import type { Finding } from './types.js';

/** What the doctor read from a server after logging in. Variable and status names are lower case. */
export interface ServerFacts {
  readonly version: string;
  readonly versionComment: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly status: Readonly<Record<string, string>>;
  readonly databaseCharset: string | null;
  readonly databaseCollation: string | null;
}

/** The target side of the comparison. */
export interface SettingsContext {
  readonly target: string;
  readonly pool: PoolSettings;
  /** How many app processes share the server through their own pools. */
  readonly appInstances: number;
}

/** Server variables the doctor reads (SHOW GLOBAL VARIABLES; absent ones do not exist on that server). */
export const VARIABLES = [
  'require_secure_transport',
  'max_connections',
  'wait_timeout',
  'sql_mode',
  'time_zone',
  'system_time_zone',
  'character_set_server',
  'collation_server',
  'lower_case_table_names',
  'sql_generate_invisible_primary_key',
] as const;

/** Fraction of max_connections the app pools may use; the rest is for admin, migrations and monitoring. */
const POOL_SHARE = 0.85;

/** Findings for every setting that matters, from facts already read (pure). */
export function evaluateSettings(facts: ServerFacts, ctx: SettingsContext): Finding[] {
  return [
    secureTransport(facts),
    maxConnections(facts, ctx),
    waitTimeout(facts, ctx),
    sqlMode(facts),
    timeZone(facts),
    characterSet(facts),
    lowerCaseTableNames(facts),
    invisiblePrimaryKey(facts),
  ];
}

function secureTransport(facts: ServerFacts): Finding {
  const value = facts.variables.require_secure_transport;
  if (value?.toUpperCase() === 'ON') {
    return {
      check: 'require_secure_transport',
      status: 'ok',
      summary: 'ON: the server refuses unencrypted connections',
    };
  }
  return {
    check: 'require_secure_transport',
    status: 'warn',
    code: 'CAREPOOL_DOCTOR_INSECURE_TRANSPORT_ALLOWED',
    summary:
      value === undefined
        ? 'the server has no require_secure_transport setting'
        : `${value}: the server accepts unencrypted connections`,
    cause:
      'Any client (or a misconfigured URL) can send patient data over the network in clear text; nothing on the server stops it.',
    fix: 'Turn require_secure_transport ON (Azure: the default server parameter; Cloud SQL: SSL mode ENCRYPTED_ONLY) and use ssl-mode=VERIFY_IDENTITY or VERIFY_CA in every URL.',
  };
}

function maxConnections(facts: ServerFacts, ctx: SettingsContext): Finding {
  const max = Number(facts.variables.max_connections);
  const connected = Number(facts.status.threads_connected ?? 0);
  const need = ctx.pool.max * ctx.appInstances;
  const instances = `${ctx.appInstances} app instance${ctx.appInstances === 1 ? '' : 's'}`;
  const data = {
    maxConnections: max,
    poolMax: ctx.pool.max,
    appInstances: ctx.appInstances,
    threadsConnected: connected,
  };
  const variable = `CAREPOOL_TARGET_${ctx.target.toUpperCase()}_POOL_MAX`;
  const fits = Math.max(1, Math.floor((max * POOL_SHARE) / ctx.appInstances));
  if (!Number.isFinite(max) || max <= 0) {
    return { check: 'max_connections', status: 'info', summary: 'max_connections could not be read', data };
  }
  const summary = `pool max ${ctx.pool.max} × ${instances} = ${need} connections; server max_connections ${max}, ${connected} in use now`;
  if (need > max) {
    return {
      check: 'max_connections',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_MAX_CONNECTIONS',
      summary,
      cause: `At full load the pools open ${need} connections but the server allows only ${max}; past that it refuses new ones with error 1040 "Too many connections" and requests fail.`,
      fix: `Set ${variable}=${fits} (or CAREPOOL_POOL_MAX for every target), run fewer instances, or raise max_connections on the server to at least ${Math.ceil(need / POOL_SHARE)} (Azure: server parameter, up to 2× the SKU default; Cloud SQL: the max_connections flag).`,
      data,
    };
  }
  if (need > max * POOL_SHARE || need > max - connected) {
    return {
      check: 'max_connections',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_MAX_CONNECTIONS',
      summary,
      cause: `The pools may take ${need} of ${max} connections (${connected} already in use), leaving too little for migrations, admin sessions and monitoring.`,
      fix: `Keep pool max × instances under ${Math.floor(max * POOL_SHARE)}: set ${variable}=${fits}, or raise max_connections.`,
      data,
    };
  }
  return {
    check: 'max_connections',
    status: 'ok',
    summary: `${summary} (${Math.round((need / max) * 100)}%)`,
    data,
  };
}

function waitTimeout(facts: ServerFacts, ctx: SettingsContext): Finding {
  const waitS = Number(facts.variables.wait_timeout);
  const idleMs = ctx.pool.idleTimeoutMs;
  const data = { waitTimeoutS: waitS, idleTimeoutMs: idleMs, validationIdleMs: ctx.pool.validationIdleMs };
  if (!Number.isFinite(waitS) || waitS <= 0)
    return { check: 'wait_timeout', status: 'info', summary: 'wait_timeout could not be read', data };
  const idleText =
    idleMs === 0 ? 'never closes idle connections' : `closes idle connections after ${idleMs / 1000} s`;
  const summary = `the pool ${idleText}; the server closes sessions idle for wait_timeout ${waitS} s`;
  if (idleMs === 0 || idleMs >= waitS * 1000) {
    const suggestion = Math.max(1000, Math.floor(waitS * 1000 * 0.5));
    return {
      check: 'wait_timeout',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_WAIT_TIMEOUT',
      summary,
      cause: `Pooled connections idle longer than ${waitS} s are closed by the server first; the next query on one would fail with "connection lost". carepool pings connections idle over ${ctx.pool.validationIdleMs} ms before lending them, so requests survive, but each such checkout pays a reconnect.`,
      fix: `Set CAREPOOL_IDLE_TIMEOUT_MS=${Math.min(suggestion, 180_000)} (below wait_timeout × 1000), or raise wait_timeout on the server.`,
      data,
    };
  }
  return { check: 'wait_timeout', status: 'ok', summary, data };
}

function sqlMode(facts: ServerFacts): Finding {
  const mode = facts.variables.sql_mode ?? '';
  const modes = mode.split(',').filter(Boolean);
  const strict = modes.includes('STRICT_TRANS_TABLES') || modes.includes('STRICT_ALL_TABLES');
  if (strict) return { check: 'sql_mode', status: 'ok', summary: mode, data: { sqlMode: mode } };
  return {
    check: 'sql_mode',
    status: 'warn',
    code: 'CAREPOOL_DOCTOR_SQL_MODE',
    summary: mode === '' ? '(empty)' : mode,
    cause:
      'Without a strict mode MySQL truncates a too-long diagnosis or turns an invalid date into 0000-00-00 with only a warning, so bad data is stored silently and targets can disagree.',
    fix: 'Add STRICT_TRANS_TABLES to sql_mode (Azure: server parameter sql_mode; Cloud SQL: flag sql_mode). The MySQL 8 default already has it.',
    data: { sqlMode: mode },
  };
}

function timeZone(facts: ServerFacts): Finding {
  const tz = facts.variables.time_zone ?? '';
  const system = facts.variables.system_time_zone ?? '';
  const utc = (z: string) => /^(\+0?0:00|UTC|Etc\/UTC|GMT|Coordinated Universal Time|Z)$/i.test(z.trim());
  const effective = tz.toUpperCase() === 'SYSTEM' ? system : tz;
  const summary = tz.toUpperCase() === 'SYSTEM' ? `SYSTEM (${system})` : tz;
  if (utc(effective))
    return {
      check: 'time_zone',
      status: 'ok',
      summary: `${summary}: UTC`,
      data: { timeZone: tz, systemTimeZone: system },
    };
  return {
    check: 'time_zone',
    status: 'warn',
    code: 'CAREPOOL_DOCTOR_TIME_ZONE',
    summary,
    cause:
      'NOW(), CURRENT_TIMESTAMP defaults and TIMESTAMP columns use the server time zone, so the same record gets different times on different targets (carepool itself talks UTC to the server).',
    fix: 'Set the server time zone to +00:00 (Azure: server parameter time_zone; Cloud SQL: flag default_time_zone).',
    data: { timeZone: tz, systemTimeZone: system },
  };
}

function characterSet(facts: ServerFacts): Finding {
  const server = facts.variables.character_set_server ?? '';
  const db = facts.databaseCharset ?? server;
  const data = {
    server,
    database: db,
    collation: facts.databaseCollation ?? facts.variables.collation_server ?? '',
  };
  const summary = `server ${server}, database ${db} (${data.collation})`;
  if (server === 'utf8mb4' && db === 'utf8mb4')
    return { check: 'character_set', status: 'ok', summary, data };
  return {
    check: 'character_set',
    status: 'warn',
    code: 'CAREPOOL_DOCTOR_CHARSET',
    summary,
    cause: `${db !== 'utf8mb4' ? `The database uses ${db}` : `The server default is ${server}`}, which cannot store every character (utf8/utf8mb3 has no emoji or some CJK; latin1 mangles most non-Western names).`,
    fix: 'ALTER DATABASE <db> CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci (new tables), convert existing tables with ALTER TABLE … CONVERT TO CHARACTER SET utf8mb4, and set character_set_server=utf8mb4.',
    data,
  };
}

function lowerCaseTableNames(facts: ServerFacts): Finding {
  const value = facts.variables.lower_case_table_names ?? '';
  const meaning: Record<string, string> = {
    '0': 'table names are case-sensitive (Linux default, Cloud SQL)',
    '1': 'table names are stored in lower case and compared case-insensitively (Windows default; some Azure servers)',
    '2': 'names stored as given, compared in lower case (macOS)',
  };
  return {
    check: 'lower_case_table_names',
    status: 'info',
    summary: `${value}: ${meaning[value] ?? 'unknown value'}. carepool's tables are lower case, so either works; it is fixed when the server is created.`,
    data: { lowerCaseTableNames: value },
  };
}

function invisiblePrimaryKey(facts: ServerFacts): Finding {
  const value = facts.variables.sql_generate_invisible_primary_key;
  if (value === undefined) {
    return {
      check: 'sql_generate_invisible_primary_key',
      status: 'info',
      summary: 'not on this server (MariaDB, or MySQL before 8.0.30)',
    };
  }
  return {
    check: 'sql_generate_invisible_primary_key',
    status: 'info',
    summary:
      value.toUpperCase() === 'ON'
        ? 'ON (Azure default): a table created without a primary key gets an invisible my_row_id column. carepool tables all declare one, and introspection ignores my_row_id.'
        : 'OFF: tables without a primary key stay without one',
    data: { sqlGenerateInvisiblePrimaryKey: value },
  };
}
