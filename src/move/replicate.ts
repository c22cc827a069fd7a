import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { readState } from '../sandbox/index.js';
import { assertDifferentTargets } from './copy-plan.js';
import { readManifest } from './manifest.js';
import { replicationPreflight } from './replicate-preflight.js';
import { healthyHost } from '../galera/dedicated.js';
import { moveSpec, withMoveSession } from './session.js';

export { type PreflightFinding, replicationPreflight } from './replicate-preflight.js';

/** The replication channel carepool owns on the destination (MariaDB multi-source connection name). */
export const CHANNEL = 'carepool';
/** The replication user carepool creates on the source; its password is new on every `start`. */
export const REPL_USER = 'carepool_repl';

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
  /** Every source domain applied up to the source's position (null when either is unknown). */
  readonly caughtUp: boolean | null;
}

/** Options of {@link startReplication}. */
export interface ReplicationStartOptions {
  /** The CA file of the source's certificate, as a path the replica server can read. */
  readonly sourceCa?: string;
  /** carepool's home: on the sandbox, the source's CA is found in `<home>/sandbox/state.json`. */
  readonly home?: string;
}

/**
 * The CA the replica verifies the source's certificate with: `--source-ca`, else the source URL's `ssl-ca`,
 * else (a sandbox server on this machine) the CA recorded in the sandbox state. None is
 * CAREPOOL_MOVE_REPLICATION_CA: replication never runs with an unverified certificate.
 */
export async function sourceCaPath(from: Target, options: ReplicationStartOptions): Promise<string> {
  const spec = moveSpec(from);
  let ca = options.sourceCa ?? spec.sslCa ?? from.config.url.sslCa;
  if (ca === undefined && options.home !== undefined) {
    const servers = Object.values((await readState(options.home)).servers);
    const local = ['127.0.0.1', 'localhost', '::1'].includes(spec.host);
    ca = local ? servers.find((s) => s.port === spec.port || s.serverPort === spec.port)?.caPath : undefined;
  }
  const path = ca === undefined ? undefined : resolve(ca);
  if (path === undefined || !(await access(path).then(() => true, () => false))) {
    throw new AppError(
      'CAREPOOL_MOVE_REPLICATION_CA',
      path === undefined
        ? `no CA file is known for ${from.name}: the replica could not verify its certificate`
        : `the CA file ${path} for ${from.name} cannot be read`,
      { meta: { from: from.name } },
    );
  }
  return path;
}

/**
 * Starts replication `from` → `to` at the GTID position a copy recorded: a replication user on the source
 * (a fresh random password each time, TLS required), then on the destination a `carepool` channel using
 * MASTER_USE_GTID=slave_pos from that position, filtered to the copied database, verifying the source's
 * certificate against its CA (MASTER_SSL_CA + MASTER_SSL_VERIFY_SERVER_CERT).
 */
export async function startReplication(
  from: Target,
  to: Target,
  manifestPath: string,
  options: ReplicationStartOptions = {},
): Promise<ReplicationStatus> {
  assertDifferentTargets(from, to);
  await assertPreflight(from, to);
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
  return startReplicationAt(from, to, gtid, await sourceCaPath(from, options));
}

async function assertPreflight(from: Target, to: Target): Promise<void> {
  const findings = await replicationPreflight(from, to);
  if (findings.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_REPLICATION_PREFLIGHT',
      `replication ${from.name} → ${to.name} cannot start: ${findings.map((f) => `${f.target} ${f.check}: ${f.found} (fix: ${f.fix})`).join('; ')}`,
      { meta: { from: from.name, to: to.name, checks: findings.map((f) => f.check) } },
    );
  }
}

/**
 * Points the destination's `carepool` channel at the source from GTID position `gtid` (the destination
 * already holds everything up to it) and starts it. The replication user is created with the source's
 * binary log off for the session (where allowed), so it never travels to the replica.
 */
export async function startReplicationAt(
  from: Target,
  to: Target,
  gtid: string,
  caPath: string,
): Promise<ReplicationStatus> {
  // A multi-host source: the host its move sessions (snapshot, GTID) use, not blindly the first one.
  const spec = await healthyHost(from.name, moveSpec(from), from.config.pool);
  const password = randomBytes(18).toString('base64url');
  await withMoveSession(from, async (a) => {
    await a.query(sql`SET SESSION sql_log_bin = 0`).catch(() => undefined);
    await a.query(sql`CREATE USER IF NOT EXISTS ${REPL_USER}@'%' IDENTIFIED BY ${password} REQUIRE SSL`);
    await a.query(sql`ALTER USER ${REPL_USER}@'%' IDENTIFIED BY ${password} REQUIRE SSL`);
    await a.query(sql`GRANT REPLICATION SLAVE ON *.* TO ${REPL_USER}@'%'`);
  });
  await withMoveSession(to, async (b) => {
    await b.query(sql`STOP SLAVE ${CHANNEL}`).catch(() => undefined);
    // The replica's own domains stay at its own binlog position (gtid_strict_mode refuses a slave position
    // that lacks a domain its binary log holds; MariaDB error 1948).
    const own = await b.query<{ g: string | null }>(sql`SELECT @@GLOBAL.gtid_binlog_pos AS g`);
    await b.query(sql`SET GLOBAL gtid_slave_pos = ${mergeGtidPositions(gtid, own.rows[0]?.g ?? '')}`);
    await b.query(
      sql`CHANGE MASTER ${CHANNEL} TO MASTER_HOST = ${spec.host}, MASTER_PORT = ${spec.port}, MASTER_USER = ${REPL_USER},
          MASTER_PASSWORD = ${password}, MASTER_USE_GTID = slave_pos, MASTER_SSL = 1, MASTER_SSL_CA = ${caPath},
          MASTER_SSL_VERIFY_SERVER_CERT = 1, MASTER_CONNECT_RETRY = 2`,
    );
    await b.query(sql`${sql.raw(`SET GLOBAL ${CHANNEL}.replicate_do_db`)} = ${moveSpec(to).database}`);
    await b.query(sql`START SLAVE ${CHANNEL}`);
  });
  return replicationStatus(from, to);
}

/**
 * A MariaDB GTID position made of `primary`'s entries plus `fallback`'s for the domains `primary` lacks
 * (`'1-11-5'` + `'1-11-2,2-12-3'` → `'1-11-5,2-12-3'`).
 */
export function mergeGtidPositions(primary: string, fallback: string): string {
  const split = (p: string) =>
    p
      .split(',')
      .map((g) => g.trim())
      .filter((g) => /^\d+-\d+-\d+$/.test(g));
  const first = split(primary);
  const domains = new Set(first.map((g) => g.split('-')[0]));
  return [...first, ...split(fallback).filter((g) => !domains.has(g.split('-')[0]))].join(',');
}

/** True when `applied` holds, for every domain of `source`, at least the source's sequence number. */
export function gtidReached(applied: string, source: string): boolean {
  const seqs = new Map<string, number>();
  for (const g of applied.split(',')) {
    const [d, , n] = g.trim().split('-');
    if (d !== undefined && n !== undefined) seqs.set(d, Number(n));
  }
  return source
    .split(',')
    .map((g) => g.trim().split('-'))
    .filter((p) => p.length === 3)
    .every(([d, , n]) => (seqs.get(d as string) ?? -1) >= Number(n));
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
        caughtUp: applied !== null && sourceGtid !== null ? gtidReached(applied, sourceGtid) : null,
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
      caughtUp: applied !== null && sourceGtid !== null ? gtidReached(applied, sourceGtid) : null,
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
