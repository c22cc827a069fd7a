import type { TargetConfig } from '../config/index.js';
import { sql } from '../db/sql.js';
import { AppError, isAppError } from '../errors/index.js';
import { connectHealthy } from '../galera/dedicated.js';
import { type ExplainContext, explainConnectError } from './explain.js';
import { has, privilegesOn } from './grants.js';
import type { Finding } from './types.js';

/** What `migrate up` needs on the database. */
const MIGRATOR_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'ALTER',
  'DROP',
  'INDEX',
  'REFERENCES',
] as const;

/**
 * Logs in with the migrator URL (when it names another account than the app URL) and checks it can run the
 * DDL of migrations. Without a migrator URL, migrations run as the app user, which the grants check covers.
 */
export async function migratorCheck(config: TargetConfig, ctx: ExplainContext): Promise<Finding | undefined> {
  const m = config.migrateUrl;
  if (m === undefined) return undefined;
  if (m.user === config.url.user && m.host === config.url.host && m.port === config.url.port)
    return undefined;
  let grants: string[];
  try {
    const conn = await connectHealthy(config.name, m, {
      connectTimeoutMs: ctx.connectTimeoutMs,
      keepAliveMs: 0,
    });
    try {
      grants = (await conn.query<Record<string, string>>(sql`SHOW GRANTS`)).rows.map((r) =>
        String(Object.values(r)[0] ?? ''),
      );
    } finally {
      await conn.close();
    }
  } catch (error) {
    const e = isAppError(error)
      ? error
      : new AppError('CAREPOOL_DB_QUERY_FAILED', String(error), { cause: error });
    return {
      check: 'migrator',
      status: 'fail',
      summary: `migrator "${m.user}" cannot log in: ${e.message}`,
      ...explainConnectError(e, ctx),
    };
  }
  const p = privilegesOn(grants, m.database);
  const missing = MIGRATOR_PRIVILEGES.filter((x) => !has(p, x));
  if (missing.length === 0) {
    return {
      check: 'migrator',
      status: 'ok',
      summary: `migrator "${m.user}" logs in and may run migrations on ${m.database}`,
    };
  }
  return {
    check: 'migrator',
    status: 'fail',
    code: 'CAREPOOL_DOCTOR_MISSING_GRANTS',
    summary: `migrator "${m.user}" lacks ${missing.join(', ')} on ${m.database}`,
    cause: 'carepool migrate up would stop at the first statement that needs them.',
    fix: `As an admin: GRANT ${MIGRATOR_PRIVILEGES.join(', ')} ON ${m.database}.* TO '${m.user}'@'%';`,
  };
}
