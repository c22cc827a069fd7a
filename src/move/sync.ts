import { type SqlQuery, sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import { type AppendOnlyTable, appendOnlyPlan, appendRows, compareAppendOnly } from './append-only.js';
import type { Target } from '../db/targets.js';
import { type MoveTable, storedColumns } from './catalog.js';
import { type CompareOptions, compareTable, type RowDifference, type TableStats } from './compare.js';
import { assertDifferentTargets } from './copy-plan.js';
import { type Key, keysCondition } from './keys.js';
import { loaderSettings, prepareLoader } from './load.js';
import { checkPieces, packetBytes, planInsert } from './insert-rows.js';
import { inlineParams, readList } from './rows.js';
import { type MoveSession, moveSpec, withMoveSession } from './session.js';
import { prepareSession } from './snapshot.js';
import { assertNoTriggers } from './triggers.js';
import { comparablePairs } from './verify.js';

/** Options of {@link syncTables}. */
export interface SyncOptions extends CompareOptions {
  readonly tables?: readonly string[];
  /** Print nothing to the destination: hand each statement to `onStatement` instead. */
  readonly dryRun?: boolean;
  /** Rows per transaction (default 500). */
  readonly batchRows?: number;
  /** Receives every statement (with values inlined) that was run, or in a dry run would be run. */
  readonly onStatement?: (text: string) => void;
  /**
   * Tables that are append-only logs, besides carepool's own `carepool_audit`: the source rows the
   * destination lacks (by content) are appended under the destination's own ids; nothing is deleted.
   */
  readonly appendOnly?: readonly string[];
}

/** What {@link syncTables} did (or would do, in a dry run). */
export interface SyncResult {
  readonly from: string;
  readonly to: string;
  readonly dryRun: boolean;
  /** Rows only the destination had, deleted. */
  readonly deleted: number;
  /** Rows only the source had, inserted (append-only logs: appended under new ids). */
  readonly inserted: number;
  /** Rows that differed, replaced by the source's version (deleted, then inserted). */
  readonly replaced: number;
  /** Statements run (or printed). */
  readonly statements: number;
  /** Inserts that hit a unique key held by a row fixed later, and were retried after it. */
  readonly retried: number;
  readonly tables: readonly TableStats[];
  readonly ms: number;
}

/** MySQL's ER_DUP_ENTRY. */
const DUP_ENTRY = 1062;

/** Source rows read for the first group of a batch; later groups are sized to about READ_BYTES. */
const FIRST_READ = 64;
const READ_BYTES = 64 * 1024 * 1024;

/** About the bytes a read row holds in memory (strings as UTF-16). */
function rowBytes(row: Record<string, unknown>): number {
  let n = 0;
  for (const v of Object.values(row))
    n += typeof v === 'string' ? v.length * 2 : Buffer.isBuffer(v) ? v.length : 8;
  return n;
}

interface Pending {
  readonly table: MoveTable;
  readonly rows: readonly Record<string, unknown>[];
}

/**
 * Makes the destination's rows equal the source's, from verify's findings: per table in FK-safe order
 * (parents first), each differing range is fixed in batches, first a transaction deleting the destination's
 * extra and changed rows, then one inserting the source's missing and changed rows. Changed rows are
 * replaced rather than updated so swapped unique values cannot block each other; an insert that still hits
 * a unique key (its holder lies in a range fixed later) is retried after the walk. Only the destination is
 * written. A kill leaves whole transactions: running sync again converges. Append-only logs
 * (`carepool_audit`, `options.appendOnly`) only get the source rows they lack appended (by content, under
 * the destination's own ids, in source order); destination tables with DELETE triggers that are not such
 * logs are refused by name before anything is written, as are INSERT triggers on any table.
 */
export async function syncTables(from: Target, to: Target, options: SyncOptions = {}): Promise<SyncResult> {
  assertDifferentTargets(from, to);
  const started = Date.now();
  const batchRows = options.batchRows ?? 500;
  const dry = options.dryRun === true;
  const counts = { deleted: 0, inserted: 0, replaced: 0, statements: 0, retried: 0 };
  const pending: Pending[] = [];
  const stats = await withMoveSession(from, (a) =>
    withMoveSession(to, async (b) => {
      await Promise.all([prepareSession(a), prepareLoader(b, true)]);
      if (dry)
        for (const q of loaderSettings(true)) options.onStatement?.(`${inlineParams(q.text, q.values)};`);
      const pairs = await comparablePairs(from, a, to, b, options.tables, 'write');
      const logs = appendOnlyPlan(pairs, options.appendOnly, from.name, to.name);
      const database = moveSpec(to).database;
      const names = pairs.map((p) => p.a.name);
      await assertNoTriggers(b, database, names, to.name, 'INSERT');
      await assertNoTriggers(
        b,
        database,
        names.filter((n) => !logs.has(n)),
        to.name,
        'DELETE',
      );
      const packet = await packetBytes(b);
      const emit = async (q: SqlQuery): Promise<void> => {
        counts.statements++;
        options.onStatement?.(`${inlineParams(q.text, q.values)};`);
        if (!dry) await b.transaction((tx) => tx.query(q));
      };
      // One transaction: a row too long for one statement is inserted, then its long values appended.
      const write = async (table: MoveTable, rows: readonly Record<string, unknown>[]): Promise<void> => {
        const plan = planInsert(table, rows, 'INSERT', packet);
        if (logs.has(table.name) && plan.checks.length > 0) throw tooLongToAppend(table, to.name);
        for (const s of plan.statements) {
          counts.statements++;
          options.onStatement?.(`${inlineParams(s.query.text, s.query.values)};`);
        }
        if (dry) return;
        await b.transaction(async (tx) => {
          for (const s of plan.statements) await tx.query(s.query);
          await checkPieces(tx, table, plan.checks);
        });
      };
      const insert = async (table: MoveTable, rows: readonly Record<string, unknown>[]): Promise<boolean> => {
        try {
          await write(table, rows);
          return true;
        } catch (error) {
          if ((error as { meta?: { errno?: number } }).meta?.errno !== DUP_ENTRY) throw error;
          return false;
        }
      };
      const fix = async (table: MoveTable, diffs: readonly RowDifference[]): Promise<void> => {
        for (let i = 0; i < diffs.length; i += batchRows) {
          const batch = diffs.slice(i, i + batchRows);
          const remove = batch.filter((d) => d.kind !== 'missing').map((d) => d.keyParts);
          const add = batch.filter((d) => d.kind !== 'extra').map((d) => d.keyParts);
          if (remove.length > 0)
            await emit(sql`DELETE FROM ${sql.ident(table.name)} WHERE ${keysCondition(table, remove)}`);
          // The source rows are read and written a group at a time, sized by the rows seen so far, so that
          // about READ_BYTES of them are held at once (a batch of 500 multi-MB documents would be GBs).
          let per = Math.min(add.length, FIRST_READ);
          for (let at = 0; at < add.length;) {
            const keys = add.slice(at, at + per);
            at += keys.length;
            const rows = await sourceRows(a, table, keys);
            if (rows.length > 0 && !(await insert(table, rows))) pending.push({ table, rows });
            const avg = rows.reduce((n, r) => n + rowBytes(r), 0) / Math.max(1, rows.length);
            per = Math.max(1, Math.min(batchRows, Math.floor(READ_BYTES / Math.max(1, avg))));
          }
          for (const d of batch) {
            if (d.kind === 'missing') counts.inserted++;
            else if (d.kind === 'extra') counts.deleted++;
            else counts.replaced++;
          }
        }
      };
      // An append-only log: the source rows it lacks, appended in source id order under its own ids.
      const append = async (log: AppendOnlyTable, diffs: readonly RowDifference[]): Promise<void> => {
        for (let i = 0; i < diffs.length; i += batchRows) {
          const keys = diffs.slice(i, i + batchRows).map((d) => d.keyParts);
          await write(log.content, await appendRows(a, log, keys));
          counts.inserted += keys.length;
        }
      };
      const out: TableStats[] = [];
      for (const p of pairs) {
        const log = logs.get(p.a.name);
        out.push(
          log
            ? await compareAppendOnly(a, b, log, (_t, diffs) => append(log, diffs))
            : await compareTable(a, b, p, fix, options),
        );
      }
      // Retry inserts that met a unique value still held by a row fixed later; stop when a pass frees none.
      let progress = true;
      while (pending.length > 0 && progress) {
        progress = false;
        for (const p of pending.splice(0)) {
          counts.retried++;
          if (await insert(p.table, p.rows)) progress = true;
          else pending.push(p);
        }
      }
      // Still blocked: a destination row outside the compared tables or ranges holds the value. Run it once
      // more unguarded so the server's duplicate-key error (naming the key) is what the user sees.
      const stuck = pending[0];
      if (stuck !== undefined) await write(stuck.table, stuck.rows);
      return out;
    }),
  );
  return { from: from.name, to: to.name, dryRun: dry, ...counts, tables: stats, ms: Date.now() - started };
}

async function sourceRows(
  a: MoveSession,
  table: MoveTable,
  keys: readonly Key[],
): Promise<Record<string, unknown>[]> {
  const { rows } = await a.query<Record<string, unknown>>(
    sql`SELECT ${readList(storedColumns(table))} FROM ${sql.ident(table.name)} WHERE ${keysCondition(table, keys)}`,
  );
  return rows;
}

/** An append-only log's row too long for one INSERT: it cannot be written in pieces (UPDATE is refused). */
function tooLongToAppend(table: MoveTable, target: string): AppError {
  return new AppError(
    'CAREPOOL_MOVE_UNREPRESENTABLE',
    `a row of the append-only table ${table.name} is too long for one INSERT on "${target}" (its max_allowed_packet); carepool writes such rows in pieces with UPDATE, which an append-only table refuses`,
    {
      hint: `Raise max_allowed_packet on "${target}" above the row's size (SET GLOBAL max_allowed_packet = 1073741824) and run sync again: it appends the rows still missing (rows before this one were appended).`,
      meta: { table: table.name, target },
    },
  );
}
