import { Readable } from 'node:stream';
import { offerInfile } from '../db/infile.js';
import { type SqlQuery, sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import { BINARY_TYPES, type MoveTable, storedColumns } from './catalog.js';
import { columnList } from './keys.js';
import { toParam, tsvLine } from './rows.js';
import type { MoveSession } from './session.js';

/** How rows travel to the destination. */
export type LoadMethod = 'load-data' | 'insert';

/**
 * `load-data` (LOAD DATA LOCAL INFILE, about twice the rows/s of INSERTs in bench/seed) when the destination
 * allows it and the table has no byte columns; byte columns would pass through a character-set conversion
 * in LOAD DATA's text format, so those tables go as multi-row INSERTs with hex literals.
 */
export function chooseMethod(table: MoveTable, localInfile: boolean, forced?: LoadMethod): LoadMethod {
  if (forced === 'insert' || !localInfile) return 'insert';
  return storedColumns(table).some((c) => BINARY_TYPES.has(c.dataType)) ? 'insert' : 'load-data';
}

/** True when the server accepts LOAD DATA LOCAL (Cloud SQL and MySQL 8 default `local_infile` to OFF). */
export async function localInfileAllowed(session: MoveSession): Promise<boolean> {
  const { rows } = await session.query<{ on: number | string }>(sql`SELECT @@GLOBAL.local_infile AS \`on\``);
  return Number(rows[0]?.on ?? 0) === 1;
}

/**
 * Settings of a loading session: foreign-key checks off (rows arrive in key order, not FK order), unique
 * checks off unless rows are appended to existing ones, `NO_AUTO_VALUE_ON_ZERO` so an id 0 stays 0 (as
 * mysqldump does), and UTC so TIMESTAMP text means the same instant on both servers.
 */
export async function prepareLoader(session: MoveSession, append: boolean): Promise<void> {
  await session.query(sql`SET SESSION time_zone = '+00:00'`);
  await session.query(sql`SET SESSION foreign_key_checks = 0`);
  await session.query(sql`SET SESSION unique_checks = ${append ? 1 : 0}`);
  await session.query(sql`SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'`);
}

/** Rows per stream chunk handed to the driver (~64 KiB for short rows). */
const LINES_PER_PUSH = 500;
/** Bytes per INSERT statement, far below the 16 MiB default max_allowed_packet. */
const INSERT_BYTES = 2 * 1024 * 1024;

/**
 * Writes `rows` into `table` on the destination session (inside the caller's transaction) and returns how
 * many the server kept. `replace` overwrites rows with the same key (resuming an append copy); otherwise a
 * row the server did not keep is CAREPOOL_MOVE_ROWS_LOST.
 */
export async function writeRows(
  session: MoveSession,
  table: MoveTable,
  rows: readonly Record<string, unknown>[],
  method: LoadMethod,
  replace: boolean,
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = storedColumns(table).map((c) => c.name);
  let kept = 0;
  if (method === 'load-data') {
    let i = 0;
    const offer = offerInfile(
      () =>
        new Readable({
          read() {
            let text = '';
            const end = Math.min(rows.length, i + LINES_PER_PUSH);
            for (; i < end; i++) text += tsvLine(rows[i] as Record<string, unknown>, columns);
            if (text) this.push(text);
            if (i >= rows.length) this.push(null);
          },
        }),
    );
    try {
      // LOCAL implies IGNORE (a duplicate key is skipped with a warning, not an error): count what stayed.
      const result = await session.query(
        sql`LOAD DATA LOCAL INFILE ${offer.name} ${replace ? sql`REPLACE` : sql``} INTO TABLE ${sql.ident(table.name)} CHARACTER SET utf8mb4 (${columnList(columns)})`,
      );
      kept = result.affectedRows;
    } finally {
      offer.withdraw();
    }
  } else {
    for (const batch of insertBatches(rows, columns)) {
      const values = batch.map((r) => columns.map((c) => toParam(r[c])));
      const verb: SqlQuery = replace ? sql`REPLACE` : sql`INSERT`;
      const result = await session.query(
        sql`${verb} INTO ${sql.ident(table.name)} (${columnList(columns)}) VALUES ${sql.rows(values)}`,
      );
      kept += result.affectedRows;
    }
  }
  // REPLACE counts a replaced row twice (delete + insert): only fewer rows than sent means a loss.
  if (kept < rows.length || (!replace && kept !== rows.length)) {
    throw new AppError(
      'CAREPOOL_MOVE_ROWS_LOST',
      `table ${table.name}: the destination kept ${kept} of ${rows.length} rows of a chunk`,
      { meta: { table: table.name, sent: rows.length, kept } },
    );
  }
  return rows.length;
}

function* insertBatches(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
): Generator<readonly Record<string, unknown>[]> {
  let batch: Record<string, unknown>[] = [];
  let bytes = 0;
  for (const row of rows) {
    batch.push(row);
    for (const c of columns) {
      const v = row[c];
      bytes += typeof v === 'string' ? v.length * 3 : Buffer.isBuffer(v) ? v.length * 2 : 8;
    }
    if (bytes >= INSERT_BYTES || batch.length >= 1000) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) yield batch;
}
