import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { atLeast, type ServerInfo } from '../migrate/server.js';
import { healthyHost } from '../galera/dedicated.js';
import { type MoveSession, moveSpec, openMoveSession } from './session.js';

/**
 * How the readers' snapshots were made the same point in time:
 * - `backup-stage`: MariaDB `BACKUP STAGE BLOCK_COMMIT` held while every reader opened its snapshot;
 * - `ftwrl`: `FLUSH TABLES WITH READ LOCK` held likewise (mydumper's classic mode);
 * - `lock-tables`: `LOCK TABLES ... READ` on the copied tables (no RELOAD privilege needed; the position
 *   is exact for those tables only);
 * - `single-snapshot`: no lock was allowed, so one reader with one consistent-snapshot transaction reads
 *   everything (consistent, but not parallel on the source).
 */
export type SnapshotMode = 'backup-stage' | 'ftwrl' | 'lock-tables' | 'single-snapshot';

/** The source's binary-log position at the snapshot (each part null when the server would not say). */
export interface SourcePosition {
  /** MariaDB `@@gtid_binlog_pos` or MySQL `@@gtid_executed`. */
  readonly gtid: string | null;
  readonly file: string | null;
  readonly pos: number | null;
}

/** What the manifest records about a snapshot. */
export interface SnapshotInfo {
  readonly mode: SnapshotMode;
  readonly position: SourcePosition;
  readonly takenAt: string;
  /** Reader sessions holding the snapshot. */
  readonly readers: number;
  /** The modes tried before, with why each was not used. */
  readonly refused: readonly string[];
}

/** Reader sessions that all see the same committed state of the source. */
export interface Snapshot {
  readonly info: SnapshotInfo;
  readonly readers: readonly MoveSession[];
  /** Ends the snapshot transactions and closes the sessions. */
  close(): Promise<void>;
}

interface LockMode {
  readonly mode: Exclude<SnapshotMode, 'single-snapshot'>;
  readonly take: (s: MoveSession) => Promise<void>;
  readonly release: (s: MoveSession) => Promise<void>;
}

function lockModes(server: ServerInfo, tables: readonly string[]): LockMode[] {
  const modes: LockMode[] = [];
  if (atLeast(server, 'mariadb', 10, 4)) {
    modes.push({
      mode: 'backup-stage',
      take: async (s) => {
        await s.query(sql`BACKUP STAGE START`);
        try {
          await s.query(sql`BACKUP STAGE BLOCK_COMMIT`);
        } catch (error) {
          await s.query(sql`BACKUP STAGE END`).catch(() => undefined);
          throw error;
        }
      },
      release: async (s) => {
        await s.query(sql`BACKUP STAGE END`);
      },
    });
  }
  modes.push({
    mode: 'ftwrl',
    take: async (s) => {
      await s.query(sql`FLUSH TABLES WITH READ LOCK`);
    },
    release: async (s) => {
      await s.query(sql`UNLOCK TABLES`);
    },
  });
  if (tables.length > 0) {
    modes.push({
      mode: 'lock-tables',
      take: async (s) => {
        await s.query(sql`LOCK TABLES ${sql.join(tables.map((t) => sql`${sql.ident(t)} READ`))}`);
      },
      release: async (s) => {
        await s.query(sql`UNLOCK TABLES`);
      },
    });
  }
  return modes;
}

/**
 * Session settings of every reading session (copy's readers, both sides of verify, sync's source): UTC for
 * TIMESTAMP text, REPEATABLE READ, and a known sql_mode instead of the server's: the driver escapes string
 * parameters with backslashes, so under a global NO_BACKSLASH_ESCAPES a key holding a quote was a syntax
 * error (copy failed) and one holding a backslash named another key; PAD_CHAR_TO_FULL_LENGTH padded CHAR
 * values on that server only; modes like EMPTY_STRING_IS_NULL or ORACLE change what a statement means.
 * ALLOW_INVALID_DATES as on the loader, so a key such as '2024-02-30' compares as stored.
 */
export async function prepareSession(s: MoveSession): Promise<void> {
  await s.query(sql`SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES'`);
  await s.query(sql`SET SESSION time_zone = '+00:00'`);
  await s.query(sql`SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ`);
}

async function readPosition(s: MoveSession, server: ServerInfo): Promise<SourcePosition> {
  const gtid = await s
    .query<{ g: string | null }>(
      server.flavor === 'mariadb'
        ? sql`SELECT @@GLOBAL.gtid_binlog_pos AS g`
        : sql`SELECT @@GLOBAL.gtid_executed AS g`,
    )
    .then(
      (r) => r.rows[0]?.g ?? null,
      () => null,
    );
  const master = await s.query<{ File?: string; Position?: number | string }>(sql`SHOW MASTER STATUS`).then(
    (r) => r.rows[0],
    () => undefined,
  );
  return {
    gtid: gtid === '' ? null : gtid,
    file: master?.File ?? null,
    pos: master?.Position === undefined ? null : Number(master.Position),
  };
}

/**
 * Opens `workers` reader sessions on `target` sharing one consistent snapshot, trying the strongest lock the
 * server allows (the lock is held only while the readers start their transactions, milliseconds). When no
 * lock is allowed, one reader alone holds the snapshot.
 */
export async function openSnapshot(
  target: Target,
  server: ServerInfo,
  tables: readonly string[],
  workers: number,
): Promise<Snapshot> {
  // One node of a multi-host (Galera) source for the lock and every reader: a snapshot spans one server.
  const at = await healthyHost(target.name, moveSpec(target), target.config.pool);
  const coordinator = await openMoveSession(target, at);
  const readers: MoveSession[] = [];
  const closeAll = async () => {
    await Promise.all([coordinator, ...readers].map((r) => r.close().catch(() => r.destroy())));
  };
  try {
    await prepareSession(coordinator);
    // Do not queue behind a long DDL for ever: a lock not granted in 10 s counts as refused.
    await coordinator.query(sql`SET SESSION lock_wait_timeout = 10`);
    const refused: string[] = [];
    let held: LockMode | undefined;
    for (const mode of workers > 1 ? lockModes(server, tables) : []) {
      try {
        await mode.take(coordinator);
        held = mode;
        break;
      } catch (error) {
        refused.push(`${mode.mode}: ${(error as Error).message}`);
      }
    }
    const count = held === undefined ? 1 : workers;
    for (let i = 0; i < count; i++) {
      const r = await openMoveSession(target, at);
      readers.push(r);
      await prepareSession(r);
    }
    let position: SourcePosition;
    try {
      for (const r of readers) await r.query(sql`START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY`);
      position = await readPosition(held === undefined ? (readers[0] as MoveSession) : coordinator, server);
      if (held === undefined && server.flavor === 'mariadb') {
        // MariaDB reports the binlog position matching a consistent snapshot in the reader's own session.
        position = await snapshotPosition(readers[0] as MoveSession, position);
      }
    } finally {
      if (held) await held.release(coordinator);
    }
    await coordinator.close();
    return {
      info: {
        mode: held?.mode ?? 'single-snapshot',
        position,
        takenAt: new Date().toISOString(),
        readers: readers.length,
        refused,
      },
      readers,
      close: async () => {
        await Promise.all(
          readers.map(async (r) => {
            await r.query(sql`COMMIT`).catch(() => undefined);
            await r.close().catch(() => r.destroy());
          }),
        );
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function snapshotPosition(reader: MoveSession, fallback: SourcePosition): Promise<SourcePosition> {
  const { rows } = await reader
    .query<{ Variable_name: string; Value: string }>(sql`SHOW STATUS LIKE 'binlog_snapshot_%'`)
    .catch(() => ({ rows: [] as { Variable_name: string; Value: string }[] }));
  const file = rows.find((r) => r.Variable_name.toLowerCase() === 'binlog_snapshot_file')?.Value;
  const pos = rows.find((r) => r.Variable_name.toLowerCase() === 'binlog_snapshot_position')?.Value;
  if (!file || pos === undefined) return fallback;
  const gtid = await reader
    .query<{ g: string | null }>(sql`SELECT BINLOG_GTID_POS(${file}, ${Number(pos)}) AS g`)
    .then(
      (r) => r.rows[0]?.g ?? null,
      () => null,
    );
  return { gtid: gtid || fallback.gtid, file, pos: Number(pos) };
}
