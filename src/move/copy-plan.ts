import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import {
  assertSameShape,
  type MoveCatalog,
  type MoveTable,
  readMoveCatalog,
  selectTables,
} from './catalog.js';
import { keyAfter, rangeCondition } from './keys.js';
import type { ManifestChunk } from './manifest.js';
import { createTables, type SchemaVia } from './schema.js';
import { moveSpec, type MoveSession } from './session.js';

/** Refuses a move between a target and itself (by name, or by host, port and database). */
export function assertDifferentTargets(from: Target, to: Target): void {
  const a = moveSpec(from);
  const b = moveSpec(to);
  if (from.name === to.name || (a.host === b.host && a.port === b.port && a.database === b.database)) {
    throw new AppError(
      'CAREPOOL_MOVE_SAME_TARGET',
      from.name === to.name
        ? `--from and --to both name target "${from.name}"`
        : `targets "${from.name}" and "${to.name}" are the same database (${a.host}:${a.port}/${a.database})`,
      { meta: { from: from.name, to: to.name } },
    );
  }
}

/** Both sides' catalogs and the tables a move works on. */
export interface MovePair {
  readonly source: MoveCatalog;
  readonly dest: MoveCatalog;
  /** Selected source tables in FK-safe order. */
  readonly tables: readonly MoveTable[];
  /** Selected tables the destination lacks. */
  readonly missing: readonly MoveTable[];
}

/** Reads both catalogs, selects the tables and checks that those on both sides have the same shape. */
export async function readPair(
  from: Target,
  a: MoveSession,
  to: Target,
  b: MoveSession,
  names: readonly string[] | undefined,
): Promise<MovePair> {
  const [source, dest] = await Promise.all([
    readMoveCatalog(a, moveSpec(from).database),
    readMoveCatalog(b, moveSpec(to).database),
  ]);
  const tables = selectTables(source, names, from.name);
  const destByName = new Map(dest.tables.map((t) => [t.name, t]));
  const pairs = tables.flatMap((t) => {
    const other = destByName.get(t.name);
    return other === undefined ? [] : [{ a: t, b: other }];
  });
  assertSameShape(pairs, from.name, to.name, 'write', source.server.flavor === dest.server.flavor);
  return { source, dest, tables, missing: tables.filter((t) => !destByName.has(t.name)) };
}

/**
 * Creates the missing tables on the destination: from the source's own SHOW CREATE TABLE when both are the
 * same flavour, through the schema model otherwise (or when `via` forces it).
 */
export async function createMissing(
  pair: MovePair,
  a: MoveSession,
  b: MoveSession,
  via: SchemaVia | undefined,
): Promise<SchemaVia | null> {
  if (pair.missing.length === 0) return null;
  const chosen = via ?? (pair.source.server.flavor === pair.dest.server.flavor ? 'show-create' : 'model');
  await createTables(a, pair.source.server, pair.source.database, b, pair.dest.server, pair.missing, chosen);
  return chosen;
}

/** Tables of `tables` that hold at least one row on the destination. */
export async function nonEmpty(b: MoveSession, tables: readonly MoveTable[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of tables) {
    const { rows } = await b.query(sql`SELECT 1 AS x FROM ${sql.ident(t.name)} LIMIT 1`);
    if (rows.length > 0) out.push(t.name);
  }
  return out;
}

/** Empties `tables` on the destination (TRUNCATE with foreign-key checks off, children first). */
export async function truncate(b: MoveSession, tables: readonly string[]): Promise<void> {
  await b.query(sql`SET SESSION foreign_key_checks = 0`);
  try {
    for (const t of [...tables].reverse()) await b.query(sql`TRUNCATE TABLE ${sql.ident(t)}`);
  } finally {
    await b.query(sql`SET SESSION foreign_key_checks = 1`);
  }
}

/**
 * Chunks of `table` over its primary key, read inside the snapshot: `(lo, hi]` ranges of `chunkRows` rows,
 * the last one open-ended so rows added after planning are not lost. A table without a primary key is one
 * chunk (copied as a single stream).
 */
export async function planChunks(
  reader: MoveSession,
  table: MoveTable,
  chunkRows: number,
): Promise<ManifestChunk[]> {
  const pk = table.primaryKey;
  const count = async (where: ReturnType<typeof rangeCondition>): Promise<number> => {
    const { rows } = await reader.query<{ n: number | string }>(
      sql`SELECT COUNT(*) AS n FROM ${sql.ident(table.name)} WHERE ${where}`,
    );
    return Number(rows[0]?.n ?? 0);
  };
  if (pk.length === 0) {
    return [{ table: table.name, lo: null, hi: null, rows: await count(sql`TRUE`), done: false }];
  }
  const chunks: ManifestChunk[] = [];
  let lo = null as ManifestChunk['lo'];
  for (;;) {
    const hi = await keyAfter(reader, table, lo, chunkRows);
    if (hi === null) {
      chunks.push({
        table: table.name,
        lo,
        hi: null,
        rows: await count(rangeCondition(pk, { lo, hi: null })),
        done: false,
      });
      return chunks;
    }
    chunks.push({ table: table.name, lo, hi, rows: chunkRows, done: false });
    lo = hi;
  }
}
