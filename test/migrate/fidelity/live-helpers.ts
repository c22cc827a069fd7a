import { sql } from '../../../src/db/sql.js';
import type { SingleConnection } from '../../../src/db/connect.js';
import { readCatalog, normalizeCatalog, targetDatabase } from '../../../src/migrate/index.js';
import type { Schema } from '../../../src/schema/index.js';
import type { ScratchDatabases } from '../../harness/migrate.js';

/** Runs statements one by one on a connection (FK checks off while loading a corpus). */
export async function run(conn: SingleConnection, statements: readonly string[]): Promise<void> {
  for (const st of statements) await conn.query(sql.raw(st));
}

/** Drops every table of the connection's database. */
export async function dropAll(conn: SingleConnection, database: string): Promise<void> {
  const r = await conn.query<{ t: string }>(
    sql`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database}`,
  );
  await conn.query(sql.raw('SET FOREIGN_KEY_CHECKS=0'));
  for (const { t } of r.rows) await conn.query(sql.raw(`DROP TABLE \`${t}\``));
  await conn.query(sql.raw('SET FOREIGN_KEY_CHECKS=1'));
}

/** SHOW CREATE TABLE of every table, by name. */
export async function showCreates(conn: SingleConnection, database: string): Promise<Record<string, string>> {
  const raw = await readCatalog(conn, database);
  return { ...(raw.createStatements ?? {}) };
}

/** The introspected schema of a scratch target's database. */
export async function introspect(conn: SingleConnection, database: string): Promise<Schema> {
  return normalizeCatalog(await readCatalog(conn, database));
}

/** The `azure` and `gcp` scratch targets' migrator connections and database names. */
export async function connections(scratch: ScratchDatabases) {
  const a = scratch.registry.get('azure');
  const b = scratch.registry.get('gcp');
  return {
    a: await a.connectMigrator(),
    b: await b.connectMigrator(),
    dbA: targetDatabase(a),
    dbB: targetDatabase(b),
  };
}

/**
 * The CREATE TABLE statements of a public .sql file (tables only: views, triggers and routines are
 * SCHEMA-ADOPT's objects), comments and version-gated comments `/*!50705 … *\/` resolved as the server would.
 */
export function createTablesOf(text: string): string[] {
  const resolved = text
    .replace(/\/\*!\d{5}\s*([\s\S]*?)\*\//g, '$1')
    .split('\n')
    .filter((l) => !/^\s*(--|#)/.test(l))
    .join('\n');
  return resolved
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => /^CREATE TABLE/i.test(s));
}
