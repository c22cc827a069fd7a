import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { parseServer, type ServerInfo } from '../migrate/server.js';
import { readMoveCatalog } from './catalog.js';
import { type MoveSession, moveSpec, withMoveSession } from './session.js';

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

/** The flavour of `target`'s server (one short session). */
export async function serverFlavor(target: Target): Promise<'mysql' | 'mariadb'> {
  return withMoveSession(target, async (s) => (await facts(s)).server.flavor);
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
          `carepool runs replication between two MariaDB servers only (MariaDB and MySQL GTIDs do not mix); carepool replicate steps --from ${from.name} --to ${to.name} prints the exact steps to run by hand (Azure: mysql.az_replication_change_master; Cloud SQL: a new external-replica instance)`,
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

