import { sql } from '../../../src/db/sql.js';
import type { SingleConnection } from '../../../src/db/connect.js';
import {
  normalizeCatalog,
  parseServer,
  readCatalog,
  type ServerInfo,
  targetDatabase,
} from '../../../src/migrate/index.js';
import type { Schema } from '../../../src/schema/index.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { createScratchDatabases } from '../../harness/migrate.js';

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

/** Two scratch databases (on the azure and gcp servers) with a migrator connection to each. */
export interface ScratchPair {
  readonly a: SingleConnection;
  readonly b: SingleConnection;
  readonly dbA: string;
  readonly dbB: string;
  /** The flavor and version of the servers (both sandbox servers run the same binary). */
  readonly server: ServerInfo;
  /** Closes both connections and drops both databases. */
  close(): Promise<void>;
}

/**
 * Resets both sides of `pair` to `base`, applies `ddl` to b only, and returns both read back (each must be
 * fully supported): the start of every "detected by the diff, converged by its SQL" case.
 */
export async function plantChange(
  pair: Pick<ScratchPair, 'a' | 'b' | 'dbA' | 'dbB'>,
  base: readonly string[],
  ddl: string,
): Promise<{ from: Schema; to: Schema }> {
  const { a, b, dbA, dbB } = pair;
  await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
  await Promise.all([run(a, base), run(b, base)]);
  await run(b, [ddl]);
  const from = await introspect(a, dbA);
  const to = await introspect(b, dbB);
  expect(from.tables.filter((t) => t.unsupported)).toEqual([]);
  expect(to.tables.filter((t) => t.unsupported)).toEqual([]);
  return { from, to };
}

/** Creates the scratch databases `prefix_*` and opens a {@link ScratchPair} on them. */
export async function openScratchPair(prefix: string): Promise<ScratchPair> {
  const scratch = await createScratchDatabases(prefix);
  const ta = scratch.registry.get('azure');
  const tb = scratch.registry.get('gcp');
  const a = await ta.connectMigrator();
  const b = await tb.connectMigrator();
  const v = await a.query<{ v: string }>(sql`SELECT VERSION() AS v`);
  return {
    a,
    b,
    dbA: targetDatabase(ta),
    dbB: targetDatabase(tb),
    server: parseServer(v.rows[0]?.v ?? '') as ServerInfo,
    async close() {
      await a.close();
      await b.close();
      await scratch.drop();
    },
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

/**
 * Opens a {@link ScratchPair} before the file's tests and closes it after them: `pair()` gives it to a
 * test (it throws when called before `beforeAll` ran).
 */
export function useScratchPair(prefix: string): () => ScratchPair {
  let pair: ScratchPair | undefined;
  beforeAll(async () => {
    pair = await openScratchPair(prefix);
  });
  afterAll(() => pair?.close());
  return () => {
    if (!pair) throw new Error('the scratch pair is opened in beforeAll');
    return pair;
  };
}
