import { randomBytes } from 'node:crypto';
import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { parseServer, type ServerInfo } from '../migrate/server.js';
import { readMoveCatalog } from './catalog.js';
import { assertDifferentTargets } from './copy-plan.js';
import { readManifest } from './manifest.js';
import { type MoveSession, moveSpec, withMoveSession } from './session.js';

/** The replication channel carepool owns on the destination (MariaDB multi-source connection name). */
export const CHANNEL = 'carepool';
/** The replication user carepool creates on the source; its password is new on every `start`. */
export const REPL_USER = 'carepool_repl';

/** One failed preflight check: what, why it matters, and the fix. */
export interface PreflightFinding {
  readonly target: string;
  readonly check: string;
  readonly found: string;
  readonly fix: string;
}

interface Facts {
  readonly server: ServerInfo;
  readonly logBin: boolean;
  readonly format: string;
  readonly serverId: number;
  readonly lowerCase: number;
}

async function facts(s: MoveSession): Promise<Facts> {
  const { rows } = await s.query<Record<string, string | number | null>>(
    sql`SELECT VERSION() AS v, @@version_comment AS c, @@log_bin AS log_bin, @@binlog_format AS fmt,
          @@server_id AS sid, @@lower_case_table_names AS lc`,
  );
  const r = rows[0] ?? {};
  return {
    server: parseServer(String(r.v ?? ''), String(r.c ?? '')) ?? { flavor: 'mysql', version: [0, 0, 0] },
    logBin: Number(r.log_bin) === 1,
    format: String(r.fmt ?? ''),
    serverId: Number(r.sid ?? 0),
    lowerCase: Number(r.lc ?? 0),
  };
}

/**
 * Checks what server replication from `from` to `to` needs, like the doctor: binary log on and ROW on the
 * source, distinct server ids, the same lower_case_table_names, a primary key on every table (row events
 * find rows by key), and both MariaDB (MariaDB and MySQL GTIDs do not mix).
 */
export async function replicationPreflight(from: Target, to: Target): Promise<PreflightFinding[]> {
  return withMoveSession(from, (a) =>
    withMoveSession(to, async (b) => {
      const [fa, fb] = await Promise.all([facts(a), facts(b)]);
      const out: PreflightFinding[] = [];
      const add = (target: string, check: string, found: string, fix: string) =>
        out.push({ target, check, found, fix });
      if (!fa.logBin)
        add(
          from.name,
          'binary log',
          'log_bin=OFF',
          'start the source with --log-bin (Azure and Cloud SQL: on by default; Cloud SQL needs point-in-time recovery enabled)',
        );
      if (fa.logBin && fa.format.toUpperCase() !== 'ROW')
        add(
          from.name,
          'binlog format',
          `binlog_format=${fa.format}`,
          'set binlog_format=ROW on the source (server parameter on Azure and Cloud SQL)',
        );
      if (fa.serverId === fb.serverId)
        add(
          to.name,
          'server id',
          `both servers have server_id=${fa.serverId}`,
          'give each server its own server_id (--server-id)',
        );
      if (fa.lowerCase !== fb.lowerCase)
        add(
          to.name,
          'lower_case_table_names',
          `${fa.lowerCase} on ${from.name}, ${fb.lowerCase} on ${to.name}`,
          'lower_case_table_names must match; it is fixed when a server is created (Azure defaults to 1)',
        );
      if (fa.server.flavor !== 'mariadb' || fb.server.flavor !== 'mariadb')
        add(
          to.name,
          'flavour',
          `${fa.server.flavor} → ${fb.server.flavor}`,
          'carepool runs replication between two MariaDB servers only; MariaDB and MySQL GTIDs do not mix, and Azure (mysql.az_replication_change_master) and Cloud SQL (a new external-replica instance) are set up as docs/move.md describes',
        );
      const catalog = await readMoveCatalog(a, moveSpec(from).database);
      const keyless = catalog.tables.filter((t) => t.primaryKey.length === 0).map((t) => t.name);
      if (keyless.length > 0)
        add(
          from.name,
          'primary keys',
          `no primary key: ${keyless.join(', ')}`,
          'add a primary key to every table (row events find rows by key; without one each event scans the table)',
        );
      if (moveSpec(from).database !== moveSpec(to).database)
        add(
          to.name,
          'database name',
          `${moveSpec(from).database} → ${moveSpec(to).database}`,
          'replicate between databases of the same name (carepool does not set replicate_rewrite_db)',
        );
      return out;
    }),
  );
}

/** What `replicate status` reports. */
export interface ReplicationStatus {
  readonly running: boolean;
  readonly io: string;
  readonly sql: string;
  readonly secondsBehind: number | null;
  /** The GTID position the destination has applied, and the source's current one. */
  readonly appliedGtid: string | null;
  readonly sourceGtid: string | null;
  readonly lastError: string | null;
}

/**
 * Starts replication `from` → `to` at the GTID position a copy recorded: a replication user on the source
 * (a fresh random password each time, TLS required), then on the destination a `carepool` channel using
 * MASTER_USE_GTID=slave_pos from that position, filtered to the copied database.
 */
export async function startReplication(
  from: Target,
  to: Target,
  manifestPath: string,
): Promise<ReplicationStatus> {
  assertDifferentTargets(from, to);
  const findings = await replicationPreflight(from, to);
  if (findings.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_REPLICATION_PREFLIGHT',
      `replication ${from.name} → ${to.name} cannot start: ${findings.map((f) => `${f.target} ${f.check}: ${f.found} (fix: ${f.fix})`).join('; ')}`,
      { meta: { from: from.name, to: to.name, checks: findings.map((f) => f.check) } },
    );
  }
  const manifest = await readManifest(manifestPath);
  const gtid = manifest.snapshot.position.gtid;
  if (
    manifest.from.target !== from.name ||
    manifest.to.target !== to.name ||
    gtid === null ||
    manifest.finishedAt === null
  ) {
    throw new AppError(
      'CAREPOOL_MOVE_MANIFEST_INVALID',
      `the manifest "${manifestPath}" is not a finished copy ${from.name} → ${to.name} with a GTID position`,
      {
        hint: `Run carepool copy --from ${from.name} --to ${to.name} with the source's binary log on first.`,
        meta: { path: manifestPath },
      },
    );
  }
  const spec = moveSpec(from);
  const password = randomBytes(18).toString('base64url');
  await withMoveSession(from, async (a) => {
    await a.query(sql`CREATE USER IF NOT EXISTS ${REPL_USER}@'%' IDENTIFIED BY ${password} REQUIRE SSL`);
    await a.query(sql`ALTER USER ${REPL_USER}@'%' IDENTIFIED BY ${password} REQUIRE SSL`);
    await a.query(sql`GRANT REPLICATION SLAVE ON *.* TO ${REPL_USER}@'%'`);
  });
  await withMoveSession(to, async (b) => {
    await b.query(sql`STOP SLAVE ${CHANNEL}`).catch(() => undefined);
    await b.query(sql`SET GLOBAL gtid_slave_pos = ${gtid}`);
    await b.query(
      sql`CHANGE MASTER ${CHANNEL} TO MASTER_HOST = ${spec.host}, MASTER_PORT = ${spec.port}, MASTER_USER = ${REPL_USER},
          MASTER_PASSWORD = ${password}, MASTER_USE_GTID = slave_pos, MASTER_SSL = 1, MASTER_CONNECT_RETRY = 2`,
    );
    await b.query(sql`${sql.raw(`SET GLOBAL ${CHANNEL}.replicate_do_db`)} = ${moveSpec(to).database}`);
    await b.query(sql`START SLAVE ${CHANNEL}`);
  });
  return replicationStatus(from, to);
}

/** The `carepool` channel's state on the destination, with the source's current GTID position. */
export async function replicationStatus(from: Target, to: Target): Promise<ReplicationStatus> {
  // A source that is down is what status must show, not fail on: its position is then unknown (null).
  let sourceDown: string | null = null;
  const sourceGtid = await withMoveSession(from, async (a) => {
    const { rows } = await a.query<{ g: string | null }>(sql`SELECT @@GLOBAL.gtid_binlog_pos AS g`);
    return rows[0]?.g ?? null;
  }).catch((error: unknown) => {
    sourceDown = `source ${from.name} unreachable: ${(error as Error).message}`;
    return null;
  });
  return withMoveSession(to, async (b) => {
    const { rows } = await b
      .query<Record<string, string | number | null>>(sql`SHOW SLAVE ${CHANNEL} STATUS`)
      .catch(() => ({ rows: [] as Record<string, string | number | null>[] }));
    const r = rows[0];
    // SHOW SLAVE STATUS has no applied position on MariaDB 10.11; @@gtid_slave_pos is it.
    const applied = await b
      .query<{ g: string | null }>(sql`SELECT @@GLOBAL.gtid_slave_pos AS g`)
      .then((x) => x.rows[0]?.g || null);
    if (r === undefined) {
      return {
        running: false,
        io: 'No',
        sql: 'No',
        secondsBehind: null,
        appliedGtid: applied,
        sourceGtid,
        lastError: sourceDown,
      };
    }
    const io = String(r.Slave_IO_Running ?? 'No');
    const s = String(r.Slave_SQL_Running ?? 'No');
    const lastError = [sourceDown, r.Last_IO_Error, r.Last_SQL_Error]
      .filter((e) => e !== null && e !== undefined && e !== '')
      .join('; ');
    return {
      running: io === 'Yes' && s === 'Yes',
      io,
      sql: s,
      secondsBehind:
        r.Seconds_Behind_Master === null || r.Seconds_Behind_Master === undefined
          ? null
          : Number(r.Seconds_Behind_Master),
      appliedGtid: applied,
      sourceGtid,
      lastError: lastError || null,
    };
  });
}

/** Stops the `carepool` channel on the destination and forgets it (RESET SLAVE ... ALL). */
export async function stopReplication(from: Target, to: Target): Promise<void> {
  assertDifferentTargets(from, to);
  await withMoveSession(to, async (b) => {
    await b.query(sql`STOP SLAVE ${CHANNEL}`).catch(() => undefined);
    await b.query(sql`RESET SLAVE ${CHANNEL} ALL`).catch(() => undefined);
  });
}
