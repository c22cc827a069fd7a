import type { ConnectionSpec, TargetConfig } from '../config/index.js';
import type { SqlClient } from '../db/client.js';
import { connectSingle, type SingleConnection } from '../db/connect.js';
import { AppError, isAppError } from '../errors/index.js';
import { BOOKKEEPING_TABLES } from '../migrate/introspect/index.js';
import { type ExplainContext, explainConnectError, tlsRequiredFix } from './explain.js';
import { readSessionFacts, type SessionFacts, visibleDatabases } from './facts.js';
import { DDL_PRIVILEGES, DML_PRIVILEGES, has, privilegesOn } from './grants.js';
import { elapsed } from './probe-network.js';
import { fleetFinding } from './fleet-check.js';
import { evaluateSettings } from './settings.js';
import type { Finding, MigrationState } from './types.js';

/** Reads the applied and latest migration revision of a target (supplied by the migration engine). */
export type MigrationStateReader = (
  target: TargetConfig,
  client: SqlClient,
) => Promise<MigrationState | null>;

/** Options of {@link sessionChecks}. */
export interface SessionOptions {
  readonly tlsOffered: boolean;
  readonly appInstances: number;
  readonly migrationState?: MigrationStateReader;
}

/** What the session checks found; `facts` is set when the login worked. */
export interface SessionResult {
  readonly findings: readonly Finding[];
  readonly facts?: SessionFacts;
}

const LATER = [
  'server',
  'grants',
  'require_secure_transport',
  'max_connections',
  'fleet',
  'wait_timeout',
  'sql_mode',
  'time_zone',
  'character_set',
  'lower_case_table_names',
  'sql_generate_invisible_primary_key',
  'migrations',
] as const;

/** Skips for every check after the login. */
export function skipAfterLogin(why: string): Finding[] {
  return LATER.map((check) => ({ check, status: 'skip', summary: why }));
}

/**
 * Logs in as the app user (the driver path the pools use), then checks the database, server, grants,
 * settings and migration state over that one session.
 */
export async function sessionChecks(
  config: TargetConfig,
  ctx: ExplainContext,
  options: SessionOptions,
): Promise<SessionResult> {
  const spec = config.url;
  const started = performance.now();
  let conn: SingleConnection;
  try {
    conn = await open(config.name, spec, ctx.connectTimeoutMs);
  } catch (error) {
    return { findings: await loginFailure(error, config, ctx, options, elapsed(started)) };
  }
  const ms = elapsed(started);
  try {
    const facts = await readSessionFacts(conn, spec.database);
    const findings: Finding[] = [
      {
        check: 'auth',
        status: 'ok',
        summary: `logged in as ${facts.currentUser} over ${facts.sslVersion ?? 'plain text'}`,
        ms,
        data: { account: facts.currentUser, tls: facts.sslVersion },
      },
      {
        check: 'database',
        status: 'ok',
        summary: `"${spec.database}" exists with ${facts.tables.length} table(s)`,
        data: { tables: facts.tables.length },
      },
      serverFinding(facts),
      grantsFinding(facts, spec),
      ...evaluateSettings(facts, {
        target: config.name,
        pool: config.pool,
        appInstances: options.appInstances,
      }),
      await migrationsFinding(config, conn, facts, options.migrationState),
    ];
    const fleet = await fleetFinding(
      conn,
      Number(facts.variables.max_connections),
      config.pool,
      options.appInstances,
    ).catch(() => undefined);
    if (fleet) findings.splice(findings.findIndex((f) => f.check === 'max_connections') + 1, 0, fleet);
    return { findings, facts };
  } finally {
    await conn.close();
  }
}

function open(target: string, spec: ConnectionSpec, connectTimeoutMs: number): Promise<SingleConnection> {
  return connectSingle(target, spec, { connectTimeoutMs, keepAliveMs: 0 });
}

async function loginFailure(
  error: unknown,
  config: TargetConfig,
  ctx: ExplainContext,
  options: SessionOptions,
  ms: number,
): Promise<Finding[]> {
  const e = isAppError(error)
    ? error
    : new AppError('CAREPOOL_DB_QUERY_FAILED', String((error as Error)?.message ?? error), { cause: error });
  const spec = config.url;
  // 1049 when the account could see the database; 1044 when it may not use it: MySQL does not tell a
  // database that does not exist from one without grants to an account without global privileges.
  const noAccess = e.meta.errno === 1044;
  if (e.code === 'CAREPOOL_DB_UNKNOWN_DATABASE' || noAccess) {
    const seen = await open(config.name, { ...spec, database: 'information_schema' }, ctx.connectTimeoutMs)
      .then(async (c) => {
        try {
          return await visibleDatabases(c);
        } finally {
          await c.close();
        }
      })
      .catch(() => null);
    const explained = explainConnectError(new AppError('CAREPOOL_DB_UNKNOWN_DATABASE', e.message), ctx);
    const sees = seen === null ? '' : `; this user sees: ${seen.length > 0 ? seen.join(', ') : '(none)'}`;
    return [
      {
        check: 'auth',
        status: 'ok',
        summary: `user "${spec.user}" logged in (the server checks the database after the password)`,
        ms,
      },
      {
        check: 'database',
        status: 'fail',
        summary: noAccess
          ? `user "${spec.user}" may not use database "${spec.database}" (error 1044)${sees}`
          : `database "${spec.database}" does not exist${sees}`,
        ...explained,
        ...(noAccess
          ? {
              cause: `The login worked, but "${spec.user}" may not use database "${spec.database}" (error 1044): it does not exist, or it exists without grants for this user (MySQL does not say which, so as not to reveal database names).`,
              fix: `As an admin check it exists (SHOW DATABASES LIKE '${spec.database}'); create it (CREATE DATABASE ${spec.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci) or fix the path in ${ctx.variable}; then GRANT SELECT, INSERT, UPDATE, DELETE ON ${spec.database}.* TO the app user.`,
            }
          : {}),
      },
      ...skipAfterLogin('needs the database'),
    ];
  }
  // MariaDB (and some proxies) answer a plain-text login under require_secure_transport with 1045, not 3159:
  // the same login over TLS tells a TLS requirement from a wrong password.
  if (e.code === 'CAREPOOL_DB_ACCESS_DENIED' && spec.sslMode === 'DISABLED' && options.tlsOffered) {
    const { sslCa: _ca, ...rest } = spec;
    const overTls = await open(config.name, { ...rest, sslMode: 'REQUIRED' }, ctx.connectTimeoutMs).then(
      async (c) => {
        await c.close();
        return true;
      },
      () => false,
    );
    if (overTls) {
      return [
        {
          check: 'auth',
          status: 'fail',
          code: 'CAREPOOL_DB_INSECURE_TRANSPORT',
          summary: `the plain-text login got error 1045 "Access denied", but the same login over TLS works: the server requires TLS`,
          ms,
          cause:
            'The server only accepts encrypted connections (require_secure_transport=ON, the Azure default). MariaDB and some proxies report that as 1045 "Access denied" instead of MySQL\'s 3159, so it looks like a wrong password but is not.',
          fix: tlsRequiredFix(ctx),
        },
        { check: 'database', status: 'skip', summary: 'needs a login' },
        ...skipAfterLogin('needs a login'),
      ];
    }
  }
  return [
    { check: 'auth', status: 'fail', summary: e.message, ms, ...explainConnectError(e, ctx) },
    { check: 'database', status: 'skip', summary: 'needs a login' },
    ...skipAfterLogin('needs a login'),
  ];
}

function serverFinding(facts: SessionFacts): Finding {
  const mariadb = /mariadb/i.test(`${facts.version} ${facts.versionComment}`);
  const [major = 0, minor = 0] = facts.version.split(/[.-]/).map(Number);
  const label = `${mariadb ? 'MariaDB' : 'MySQL'} ${facts.version}${facts.versionComment ? ` (${facts.versionComment})` : ''}`;
  const old = mariadb ? major * 100 + minor < 1006 : major < 8;
  const data = { flavor: mariadb ? 'mariadb' : 'mysql', version: facts.version };
  if (old) {
    return {
      check: 'server',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_SERVER_VERSION',
      summary: label,
      cause: mariadb
        ? 'MariaDB before 10.6 is out of support.'
        : 'MySQL 5.7 reached end of life in October 2023; Azure and Cloud SQL charge extended support for it.',
      fix: 'Upgrade to MySQL 8.0/8.4 (in-place major version upgrade on Azure and Cloud SQL).',
      data,
    };
  }
  const note = mariadb ? '; the clouds run MySQL 8, carepool normalises the differences' : '';
  return { check: 'server', status: 'ok', summary: `${label}${note}`, data };
}

function grantsFinding(facts: SessionFacts, spec: ConnectionSpec): Finding {
  const p = privilegesOn(facts.grants, spec.database);
  const list = p.privileges.size === 0 ? '(none)' : [...p.privileges].sort().join(', ');
  const missing = DML_PRIVILEGES.filter((x) => !has(p, x));
  const ddl = DDL_PRIVILEGES.filter((x) => has(p, x));
  const data = { privileges: list, grantOption: p.grantOption };
  if (missing.length > 0) {
    return {
      check: 'grants',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_MISSING_GRANTS',
      summary: `${facts.currentUser} on ${spec.database}: ${list}; missing ${missing.join(', ')}`,
      cause: `The app reads and writes patients and records; without ${missing.join(', ')} those requests fail with error 1142.`,
      fix: `As an admin: GRANT SELECT, INSERT, UPDATE, DELETE ON ${spec.database}.* TO ${facts.currentUser};`,
      data,
    };
  }
  if (ddl.length > 0 || p.grantOption) {
    return {
      check: 'grants',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_APP_USER_DDL',
      summary: `${facts.currentUser} on ${spec.database}: ${list}${p.grantOption ? ' WITH GRANT OPTION' : ''}`,
      cause: `The app user can run DDL (${ddl.join(', ') || 'grant privileges'}): a bug or an SQL injection in the app could drop or alter tables.`,
      fix: `Give the app user only SELECT, INSERT, UPDATE, DELETE (REVOKE ${ddl.join(', ') || 'GRANT OPTION'} ON ${spec.database}.* FROM ${facts.currentUser}) and run migrations as a separate user in CAREPOOL_TARGET_<NAME>_MIGRATE_URL.`,
      data,
    };
  }
  return {
    check: 'grants',
    status: 'ok',
    summary: `${facts.currentUser} on ${spec.database}: ${list} (DML only, no DDL)`,
    data,
  };
}

async function migrationsFinding(
  config: TargetConfig,
  client: SqlClient,
  facts: SessionFacts,
  read?: MigrationStateReader,
): Promise<Finding> {
  const state = read ? await read(config, client).catch(() => null) : null;
  if (state) {
    const summary = `applied ${state.current ?? '(none)'}, latest ${state.head ?? '(none)'}`;
    if (state.current === state.head)
      return { check: 'migrations', status: 'ok', summary: `${summary}: up to date` };
    return {
      check: 'migrations',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_MIGRATIONS_BEHIND',
      summary,
      cause:
        'The database schema is older (or newer) than this version of carepool expects, so some requests can fail.',
      fix: `Run: carepool migrate up --target ${config.name}`,
    };
  }
  const history = BOOKKEEPING_TABLES.filter((t) => facts.tables.includes(t));
  const own = facts.tables.filter((t) => !BOOKKEEPING_TABLES.includes(t));
  if (history.length === 0) {
    return {
      check: 'migrations',
      status: own.length === 0 ? 'warn' : 'info',
      ...(own.length === 0
        ? {
            code: 'CAREPOOL_DOCTOR_MIGRATIONS_BEHIND' as const,
            cause: 'The database has no tables yet, so the app has nothing to read or write.',
            fix: `Run: carepool migrate up --target ${config.name}`,
          }
        : {}),
      summary: `no migration history table; ${own.length} table(s)${own.length > 0 ? `: ${own.join(', ')}` : ''}`,
    };
  }
  return {
    check: 'migrations',
    status: 'info',
    summary: `migration history present (${history.join(', ')}); ${own.length} table(s)`,
  };
}
