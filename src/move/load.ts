import { Readable } from 'node:stream';
import { offerInfile } from '../db/infile.js';
import { type SqlQuery, sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import { BINARY_TYPES, type MoveTable, storedColumns } from './catalog.js';
import { columnList } from './keys.js';
import { checkPieces, packetBytes, planInsert } from './insert-rows.js';
import { tsvLine } from './rows.js';
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

/** Whether a copy writes the destination's binary log (`write`, the default) or keeps its rows out of it. */
export type BinlogMode = 'write' | 'skip';

/**
 * Refuses `--skip-binlog` unless the destination is known to need no binary log of the copy: not a Galera
 * node (its peers get writes through replication), and no replica registered (SHOW SLAVE HOSTS; a replica
 * that is disconnected right now is not listed, which is why skipping is never the default). Returns false
 * when the destination has no binary log at all (nothing to skip).
 */
export async function checkBinlogSkip(session: MoveSession, target: string): Promise<boolean> {
  const refuse = (why: string, meta: Record<string, unknown> = {}) =>
    new AppError(
      'CAREPOOL_MOVE_BINLOG_SKIP_REFUSED',
      `cannot copy to "${target}" with --skip-binlog: ${why}`,
      {
        meta: { target, ...meta },
      },
    );
  const { rows } = await session
    .query<{ bin: number | string | null; wsrep: number | string | null }>(
      sql`SELECT @@GLOBAL.log_bin AS bin, @@GLOBAL.wsrep_on AS wsrep`,
    )
    .catch(() =>
      session.query<{ bin: number | string | null; wsrep: null }>(
        sql`SELECT @@GLOBAL.log_bin AS bin, NULL AS wsrep`,
      ),
    );
  if (Number(rows[0]?.wsrep ?? 0) === 1)
    throw refuse('it is a Galera node, whose peers receive the rows through replication');
  if (Number(rows[0]?.bin ?? 0) !== 1) return false;
  const replicas = await session
    .query<{ Server_id: number | string; Host?: string }>(sql`SHOW SLAVE HOSTS`)
    .catch((error: unknown) => {
      throw refuse(`could not rule out replicas (SHOW SLAVE HOSTS: ${(error as Error).message})`);
    });
  if (replicas.rows.length > 0) {
    const ids = replicas.rows.map((r) => `server_id ${r.Server_id}${r.Host ? ` (${r.Host})` : ''}`);
    throw refuse(`replicas read its binary log: ${ids.join(', ')}`, { replicas: ids });
  }
  return true;
}

/** Turns the session's binary log off (`sql_log_bin = 0`), or fails with CAREPOOL_MOVE_BINLOG_SKIP_REFUSED. */
export async function skipBinlog(session: MoveSession, target: string): Promise<void> {
  await session.query(sql`SET SESSION sql_log_bin = 0`).catch((error: unknown) => {
    throw new AppError(
      'CAREPOOL_MOVE_BINLOG_SKIP_REFUSED',
      `cannot copy to "${target}" with --skip-binlog: ${(error as Error).message}`,
      { meta: { target } },
    );
  });
}

/**
 * Settings of a loading session: foreign-key checks off (rows arrive in key order, not FK order), unique
 * checks off unless rows are appended to existing ones, `NO_AUTO_VALUE_ON_ZERO` so an id 0 stays 0 (as
 * mysqldump does), `ALLOW_INVALID_DATES` so a date the source holds (`2024-02-30`, stored under that mode)
 * arrives as it is (without it, LOAD DATA and INSERT stored `0000-00-00` with a warning only), and UTC so
 * TIMESTAMP text means the same instant on both servers.
 */
export async function prepareLoader(session: MoveSession, append: boolean): Promise<void> {
  for (const q of loaderSettings(append)) await session.query(q);
}

/**
 * The statements of {@link prepareLoader}, also printed at the top of `sync --dry-run`'s SQL: its TIMESTAMP
 * values are UTC text and its replaced rows are deleted first, so the script means the same only under
 * these settings (with foreign-key checks on, an ON DELETE CASCADE would take child rows along).
 */
export function loaderSettings(append: boolean): SqlQuery[] {
  return [
    sql`SET SESSION time_zone = '+00:00'`,
    sql`SET SESSION foreign_key_checks = 0`,
    sql`SET SESSION unique_checks = ${append ? 1 : 0}`,
    sql`SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES'`,
  ];
}

/** Rows per stream chunk handed to the driver (~64 KiB for short rows). */
const LINES_PER_PUSH = 500;
/** Bytes per stream chunk at most: far below the smallest max_allowed_packet servers ship with (1 MiB). */
const PUSH_BYTES = 256 * 1024;

const packets = new WeakMap<MoveSession, number>();

/** The loading session's max_allowed_packet, read once. */
async function sessionPacket(session: MoveSession): Promise<number> {
  const known = packets.get(session);
  if (known !== undefined) return known;
  const bytes = await packetBytes(session);
  packets.set(session, bytes);
  return bytes;
}

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
    kept = await loadData(session, table, replace, function read() {
      let text = '';
      const end = Math.min(rows.length, i + LINES_PER_PUSH);
      for (; i < end && text.length < PUSH_BYTES; i++)
        text += tsvLine(rows[i] as Record<string, unknown>, columns);
      if (text) pushBounded(this, Buffer.from(text));
      if (i >= rows.length) this.push(null);
    });
  } else {
    const plan = planInsert(table, rows, replace ? 'REPLACE' : 'INSERT', await sessionPacket(session));
    for (const s of plan.statements) {
      const result = await session.query(s.query);
      if (s.inserts) kept += result.affectedRows;
    }
    await checkPieces(session, table, plan.checks);
  }
  return checkKept(table, rows.length, kept, replace);
}

/**
 * Writes lines the source server formatted ({@link serverLine}, without their newlines) into `table` with
 * LOAD DATA LOCAL, inside the caller's transaction; the bytes pass through untouched. Same result and
 * errors as {@link writeRows}.
 */
export async function writeLines(
  session: MoveSession,
  table: MoveTable,
  lines: readonly Buffer[],
  replace: boolean,
): Promise<number> {
  if (lines.length === 0) return 0;
  let i = 0;
  const kept = await loadData(session, table, replace, function read() {
    const end = Math.min(lines.length, i + LINES_PER_PUSH);
    const parts: Buffer[] = [];
    let bytes = 0;
    for (; i < end && bytes < PUSH_BYTES; i++) {
      const line = lines[i] as Buffer;
      parts.push(line, NEWLINE);
      bytes += line.length + 1;
    }
    if (parts.length > 0) pushBounded(this, Buffer.concat(parts));
    if (i >= lines.length) this.push(null);
  });
  return checkKept(table, lines.length, kept, replace);
}

const NEWLINE = Buffer.from('\n');

/**
 * Pushes `data` in pieces of at most {@link PUSH_BYTES}: the driver sends each piece as one packet, and the
 * server refuses a packet over its max_allowed_packet (a long value would otherwise fail the copy).
 */
function pushBounded(stream: Readable, data: Buffer): void {
  for (let at = 0; at < data.length; at += PUSH_BYTES) stream.push(data.subarray(at, at + PUSH_BYTES));
}

/** One LOAD DATA LOCAL of the stream `read` fills; returns the rows the server kept. */
async function loadData(
  session: MoveSession,
  table: MoveTable,
  replace: boolean,
  read: (this: Readable) => void,
): Promise<number> {
  const columns = storedColumns(table).map((c) => c.name);
  const offer = offerInfile(() => new Readable({ read }));
  try {
    // LOCAL implies IGNORE (a duplicate key is skipped with a warning, not an error): count what stayed.
    const result = await session.query(
      sql`LOAD DATA LOCAL INFILE ${offer.name} ${replace ? sql`REPLACE` : sql``} INTO TABLE ${sql.ident(table.name)} CHARACTER SET utf8mb4 (${columnList(columns)})`,
    );
    return result.affectedRows;
  } finally {
    offer.withdraw();
  }
}

function checkKept(table: MoveTable, sent: number, kept: number, replace: boolean): number {
  // REPLACE counts a replaced row twice (delete + insert): only fewer rows than sent means a loss.
  if (kept < sent || (!replace && kept !== sent)) {
    throw new AppError(
      'CAREPOOL_MOVE_ROWS_LOST',
      `table ${table.name}: the destination kept ${kept} of ${sent} rows of a chunk`,
      { meta: { table: table.name, sent, kept } },
    );
  }
  return sent;
}
