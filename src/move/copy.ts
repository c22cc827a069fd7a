import { type SqlQuery, sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { type MoveTable, storedColumns } from './catalog.js';
import {
  assertDifferentTargets,
  createMissing,
  nonEmpty,
  planChunks,
  readPair,
  truncate,
} from './copy-plan.js';
import { keyOrder, rangeCondition } from './keys.js';
import {
  type BinlogMode,
  checkBinlogSkip,
  chooseMethod,
  type LoadMethod,
  localInfileAllowed,
  prepareLoader,
  skipBinlog,
  writeLines,
  writeRows,
} from './load.js';
import { type CopyManifest, type ManifestChunk, ManifestWriter, readManifest } from './manifest.js';
import type { SchemaVia } from './schema.js';
import { readList, serverLine } from './rows.js';
import { type MoveSession, moveSpec, openMoveSession, withMoveSession } from './session.js';
import { openSnapshot, type SnapshotInfo } from './snapshot.js';
import { assertNoTriggers } from './triggers.js';
import { APPEND_ONLY_TABLES } from './append-only.js';

/** Options of {@link copyTables}. */
export interface CopyOptions {
  /** Table names (default: every base table of the source). */
  readonly tables?: readonly string[];
  /** Reader/loader pairs working in parallel (default 4). */
  readonly parallel?: number;
  /** Continue the copy recorded in the manifest instead of starting one. */
  readonly resume?: boolean;
  /** What to do with destination tables that already hold rows (default: refuse). */
  readonly existing?: 'truncate' | 'append';
  /** Where the manifest lives. */
  readonly manifestPath: string;
  /** Rows per chunk (default 10,000): the unit of parallelism, of resume, and of memory per worker. */
  readonly chunkRows?: number;
  /** Force how missing tables are created (default: show-create for the same flavour, else model). */
  readonly schemaVia?: SchemaVia;
  /** Force multi-row INSERTs even where LOAD DATA LOCAL is allowed. */
  readonly method?: LoadMethod;
  /**
   * `skip` keeps the copied rows out of the destination's binary log (`sql_log_bin = 0` in its sessions),
   * as myloader does unless --enable-binlog: refused on a Galera node, with replicas registered, or without
   * the privilege (default `write`: replicas of the destination receive the rows).
   */
  readonly binlog?: BinlogMode;
  /** Called after each chunk. */
  readonly onProgress?: (p: CopyProgress) => void;
}

/** Progress of a running copy. */
export interface CopyProgress {
  readonly rows: number;
  readonly totalRows: number;
  readonly chunks: number;
  readonly totalChunks: number;
  readonly elapsedMs: number;
}

/** One table's part of a copy. */
export interface CopiedTable {
  readonly table: string;
  readonly method: LoadMethod;
  readonly chunks: number;
  /** Rows copied by this run. */
  readonly rows: number;
  /** True when this run created the table on the destination. */
  readonly created: boolean;
  /** Tables without a primary key are copied as one stream (one chunk, redone whole on resume). */
  readonly singleStream: boolean;
}

/** What {@link copyTables} did. */
export interface CopyResult {
  readonly from: string;
  readonly to: string;
  readonly resumed: boolean;
  readonly snapshot: SnapshotInfo;
  /** How missing tables were created (null: none were missing). */
  readonly schemaVia: SchemaVia | null;
  readonly tables: readonly CopiedTable[];
  /** Rows copied by this run. */
  readonly rows: number;
  /** Whether this run wrote the destination's binary log (`skip` only when asked and the server has one). */
  readonly binlog: BinlogMode;
  readonly ms: number;
  readonly rowsPerSecond: number;
  readonly manifest: string;
}

const DEFAULT_CHUNK_ROWS = 10_000;
/** Rows fetched per page from a table without a primary key (one stream, bounded memory). */
const PAGE_ROWS = 10_000;

/**
 * Copies tables from `from` to `to`: schema where missing, then every row from one consistent snapshot of
 * the source, in primary-key chunks over parallel reader/loader pairs. Each chunk is written in one
 * destination transaction and marked done in the manifest only after its COMMIT returned, so after a crash
 * `resume` redoes exactly the unfinished chunks (deleting their key range on the destination first).
 */
export async function copyTables(from: Target, to: Target, options: CopyOptions): Promise<CopyResult> {
  assertDifferentTargets(from, to);
  const started = Date.now();
  const parallel = options.parallel ?? 4;
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) {
    throw new AppError('CAREPOOL_MOVE_OPTION_INVALID', `--parallel must be 1-16, got ${parallel}`);
  }
  const writer = new ManifestWriter(options.manifestPath);
  const previous = options.resume ? await readManifest(options.manifestPath) : undefined;
  if (previous) checkResumable(previous, from, to, options.tables);

  const prepared = await withMoveSession(from, (a) =>
    withMoveSession(to, async (b) => {
      const pair = await readPair(from, a, to, b, options.tables ?? previous?.tables);
      const existing = pair.tables.filter((t) => !pair.missing.includes(t)).map((t) => t.name);
      await assertNoTriggers(b, pair.dest.database, existing, to.name, 'INSERT');
      // Checked and set before any DDL, TRUNCATE or row reaches the destination.
      const skip = options.binlog === 'skip' && (await checkBinlogSkip(b, to.name));
      if (skip) await skipBinlog(b, to.name);
      const schemaVia = await createMissing(pair, a, b, options.schemaVia);
      const local = await localInfileAllowed(b);
      if (previous === undefined) {
        const existing = pair.tables.filter((t) => !pair.missing.includes(t));
        const full = await nonEmpty(b, existing);
        if (full.length > 0 && options.existing === undefined) {
          throw new AppError(
            'CAREPOOL_MOVE_TARGET_NOT_EMPTY',
            `target "${to.name}" already has rows in ${full.join(', ')}`,
            { meta: { to: to.name, tables: full } },
          );
        }
        // An append-only log on the destination is its own audit trail: TRUNCATE (no trigger stops it) would
        // erase it, and appending the source's rows by id collides with its own numbering.
        const logs = full.filter((t) => APPEND_ONLY_TABLES.includes(t));
        if (logs.length > 0 && options.existing !== undefined) {
          const others = pair.tables.map((t) => t.name).filter((t) => !logs.includes(t));
          throw new AppError(
            'CAREPOOL_MOVE_TARGET_NOT_EMPTY',
            `target "${to.name}" keeps its own entries in the append-only log ${logs.join(', ')}: --${options.existing} would ${options.existing === 'truncate' ? 'erase them' : 'write the source rows under ids it already numbered'}`,
            {
              hint: `To keep them: copy the other tables (--tables ${others.join(',')}), then carepool sync --from ${from.name} --to ${to.name} --tables ${logs.join(',')} appends ${from.name}'s entries under ${to.name}'s own ids. To replicate or cut over (the trail must then be numbered as on ${from.name}): save ${to.name}'s entries (mariadb-dump ${moveSpec(to).database} ${logs.join(' ')}), empty the table yourself (TRUNCATE TABLE, as its owner) and copy again.`,
              meta: { to: to.name, tables: logs },
            },
          );
        }
        if (full.length > 0 && options.existing === 'truncate') await truncate(b, full);
      }
      return { pair, schemaVia, local, skip };
    }),
  );
  const { pair } = prepared;
  const snapshot = await openSnapshot(
    from,
    pair.source.server,
    pair.tables.map((t) => t.name),
    parallel,
  );
  try {
    const methods: Record<string, LoadMethod> = {};
    for (const t of pair.tables) methods[t.name] = chooseMethod(t, prepared.local, options.method);
    let manifest: CopyManifest;
    if (previous) {
      manifest = { ...previous, runs: previous.runs + 1, finishedAt: null };
    } else {
      const chunks: ManifestChunk[] = [];
      for (const t of pair.tables)
        chunks.push(
          ...(await planChunks(
            snapshot.readers[0] as MoveSession,
            t,
            options.chunkRows ?? DEFAULT_CHUNK_ROWS,
          )),
        );
      manifest = {
        version: 1,
        from: { target: from.name, database: pair.source.database, server: serverText(pair.source.server) },
        to: { target: to.name, database: pair.dest.database, server: serverText(pair.dest.server) },
        tables: pair.tables.map((t) => t.name),
        existing: options.existing ?? 'empty',
        snapshot: snapshot.info,
        methods,
        chunks,
        startedAt: new Date(started).toISOString(),
        finishedAt: null,
        runs: 1,
      };
    }
    await writer.save(manifest);
    const byName = new Map(pair.tables.map((t) => [t.name, t]));
    const todo = manifest.chunks.filter((c) => !c.done);
    const perTable = new Map<string, number>();
    const totalRows = todo.reduce((n, c) => n + c.rows, 0);
    let rows = 0;
    let chunksDone = 0;
    let next = 0;
    const replace = previous !== undefined && manifest.existing === 'append';
    const keyless = replace ? todo.filter((c) => byName.get(c.table)?.primaryKey.length === 0) : [];
    if (keyless.length > 0) {
      throw new AppError(
        'CAREPOOL_MOVE_MANIFEST_INVALID',
        `cannot resume appending to ${keyless.map((c) => c.table).join(', ')}: without a primary key, rows copied before the stop cannot be told apart from rows the destination had`,
        { meta: { tables: keyless.map((c) => c.table) } },
      );
    }
    // After one worker fails the others finish their chunk and stop, so the error is reported promptly and
    // no chunk starts on sessions about to be closed.
    let failed = false;
    const worker = async (reader: MoveSession) => {
      const loader = await openMoveSession(to);
      try {
        if (prepared.skip) await skipBinlog(loader, to.name);
        await prepareLoader(loader, manifest.existing === 'append');
        for (;;) {
          const chunk = failed ? undefined : todo[next++];
          if (chunk === undefined) return;
          const table = byName.get(chunk.table) as MoveTable;
          const copied = await copyChunk(reader, loader, table, chunk, methods[table.name] ?? 'insert', {
            redo: previous !== undefined,
            replace,
          });
          await writer.save(manifest);
          rows += copied;
          chunksDone++;
          perTable.set(table.name, (perTable.get(table.name) ?? 0) + copied);
          options.onProgress?.({
            rows,
            totalRows: Math.max(totalRows, rows),
            chunks: chunksDone,
            totalChunks: todo.length,
            elapsedMs: Date.now() - started,
          });
        }
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        await loader.close().catch(() => loader.destroy());
      }
    };
    const outcomes = await Promise.allSettled(snapshot.readers.map((r) => worker(r)));
    const failure = outcomes.find((o) => o.status === 'rejected');
    if (failure) throw failure.reason;
    manifest.finishedAt = new Date().toISOString();
    await writer.save(manifest);
    const ms = Date.now() - started;
    return {
      from: from.name,
      to: to.name,
      resumed: previous !== undefined,
      snapshot: snapshot.info,
      schemaVia: prepared.schemaVia,
      tables: pair.tables.map((t) => ({
        table: t.name,
        method: methods[t.name] ?? 'insert',
        chunks: manifest.chunks.filter((c) => c.table === t.name).length,
        rows: perTable.get(t.name) ?? 0,
        created: pair.missing.includes(t),
        singleStream: t.primaryKey.length === 0,
      })),
      rows,
      binlog: prepared.skip ? 'skip' : 'write',
      ms,
      rowsPerSecond: Math.round(rows / Math.max(ms / 1000, 0.001)),
      manifest: options.manifestPath,
    };
  } finally {
    await snapshot.close();
  }
}

const serverText = (s: { flavor: string; version: readonly number[] }) =>
  `${s.flavor} ${s.version.join('.')}`;

function checkResumable(
  m: CopyManifest,
  from: Target,
  to: Target,
  tables: readonly string[] | undefined,
): void {
  const problems: string[] = [];
  if (m.from.target !== from.name || m.to.target !== to.name)
    problems.push(`it copies ${m.from.target} → ${m.to.target}, not ${from.name} → ${to.name}`);
  if (m.to.database !== moveSpec(to).database) problems.push(`its destination database is ${m.to.database}`);
  if (tables !== undefined && [...tables].sort().join(',') !== [...m.tables].sort().join(','))
    problems.push(`it copies tables ${m.tables.join(', ')}`);
  if (problems.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_MANIFEST_INVALID',
      `cannot resume from this manifest: ${problems.join('; ')}`,
      {
        meta: { from: m.from.target, to: m.to.target, tables: m.tables },
      },
    );
  }
}

/**
 * Copies one chunk: reads its key range from the snapshot, and in one destination transaction deletes the
 * range first when redoing it (rows of a chunk committed before a crash but not yet marked done), then
 * writes the rows. Marks the chunk done after the COMMIT.
 */
async function copyChunk(
  reader: MoveSession,
  loader: MoveSession,
  table: MoveTable,
  chunk: ManifestChunk,
  method: LoadMethod,
  mode: { readonly redo: boolean; readonly replace: boolean },
): Promise<number> {
  const columns = storedColumns(table);
  const cols = readList(columns);
  const line = method === 'load-data' ? serverLine(columns) : null;
  const pk = table.primaryKey;
  /** Reads the rows `tail` selects and writes them; returns how many were read. */
  const move = async (tail: SqlQuery): Promise<number> => {
    if (line !== null) {
      const { rows } = await reader.query<{ l: Buffer | null }>(
        sql`SELECT ${line} AS l FROM ${sql.ident(table.name)} ${tail}`,
      );
      const lines = rows.map((r) => r.l);
      // A NULL line means a value outgrew max_allowed_packet once escaped: read those rows as values.
      if (lines.every((l): l is Buffer => Buffer.isBuffer(l))) {
        await writeLines(loader, table, lines, mode.replace);
        return lines.length;
      }
    }
    const { rows } = await reader.query<Record<string, unknown>>(
      sql`SELECT ${cols} FROM ${sql.ident(table.name)} ${tail}`,
    );
    await writeRows(loader, table, rows, method, mode.replace);
    return rows.length;
  };
  let copied = 0;
  await loader.transaction(async () => {
    if (mode.redo && !mode.replace) {
      const where = pk.length === 0 ? sql`TRUE` : rangeCondition(pk, chunk);
      await loader.query(sql`DELETE FROM ${sql.ident(table.name)} WHERE ${where}`);
    }
    if (pk.length > 0) {
      copied = await move(sql`WHERE ${rangeCondition(pk, chunk)} ${keyOrder(pk)}`);
      return;
    }
    // No primary key: one stream, paged inside the snapshot (InnoDB scans in its clustered order, which a
    // snapshot does not change), all in this one transaction.
    for (let offset = 0; ; offset += PAGE_ROWS) {
      const n = await move(sql`LIMIT ${PAGE_ROWS} OFFSET ${offset}`);
      copied += n;
      if (n < PAGE_ROWS) return;
    }
  });
  chunk.done = true;
  return copied;
}
