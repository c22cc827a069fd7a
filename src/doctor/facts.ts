import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';
import { type ServerFacts, VARIABLES } from './settings.js';

/** Everything the doctor reads over one logged-in session, in a handful of statements. */
export interface SessionFacts extends ServerFacts {
  /** `CURRENT_USER()`: the account the server matched (`user@host`). */
  readonly currentUser: string;
  /** TLS version of this session, or null when it is plain text. */
  readonly sslVersion: string | null;
  /** SHOW GRANTS lines: they may contain a password hash, so they are parsed, never printed. */
  readonly grants: readonly string[];
  /** Base tables of the database. */
  readonly tables: readonly string[];
}

type NameValue = { Variable_name: string; Value: string };

/** Reads version, variables, status, grants, the database's character set and its tables. */
export async function readSessionFacts(client: SqlClient, database: string): Promise<SessionFacts> {
  const who = await client.query<{ version: string; comment: string; current: string }>(
    sql`SELECT VERSION() AS version, @@version_comment AS comment, CURRENT_USER() AS current`,
  );
  const variables = await client.query<NameValue>(
    sql`SHOW GLOBAL VARIABLES WHERE Variable_name IN (${sql.join(VARIABLES.map((v) => sql`${v}`))})`,
  );
  const status = await client.query<NameValue>(
    sql`SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_connected', 'Max_used_connections')`,
  );
  const session = await client.query<NameValue>(sql`SHOW SESSION STATUS WHERE Variable_name = 'Ssl_version'`);
  const grants = await client.query<Record<string, string>>(sql`SHOW GRANTS`);
  const schema = await client.query<{ cs: string; co: string }>(
    sql`SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${database}`,
  );
  const tables = await client.query<{ name: string }>(
    sql`SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database} AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
  );
  const toMap = (rows: readonly NameValue[]) =>
    Object.fromEntries(rows.map((r) => [r.Variable_name.toLowerCase(), String(r.Value)]));
  const row = who.rows[0];
  return {
    version: row?.version ?? '',
    versionComment: row?.comment ?? '',
    currentUser: row?.current ?? '',
    variables: toMap(variables.rows),
    status: toMap(status.rows),
    sslVersion: session.rows[0]?.Value || null,
    grants: grants.rows.map((r) => String(Object.values(r)[0] ?? '')),
    databaseCharset: schema.rows[0]?.cs ?? null,
    databaseCollation: schema.rows[0]?.co ?? null,
    tables: tables.rows.map((r) => r.name),
  };
}

/** Databases the account can see, without the system ones (for "unknown database" hints). */
export async function visibleDatabases(client: SqlClient): Promise<string[]> {
  const rows = await client.query<Record<string, string>>(sql`SHOW DATABASES`);
  const system = new Set(['information_schema', 'performance_schema', 'mysql', 'sys']);
  return rows.rows.map((r) => String(Object.values(r)[0] ?? '')).filter((d) => !system.has(d));
}
