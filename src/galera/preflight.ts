import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import { isGalera } from './migration-lock.js';

/** A table Galera cannot replicate faithfully, and why. */
export interface UnsafeTable {
  readonly table: string;
  readonly reason: string;
}

/**
 * Tables of `database` that break on Galera (research/scale-out.md §3, MariaDB's Known Limitations):
 * non-InnoDB tables (their rows are NOT replicated: a MyISAM table created on node 1 had 0 rows on node 2)
 * and tables without a primary key (DELETE is unsupported and row order may differ between nodes).
 */
export async function unsafeTables(client: SqlClient, database: string): Promise<readonly UnsafeTable[]> {
  const { rows } = await client.query<{ t: string; engine: string | null; pk: number | string }>(
    sql`SELECT t.TABLE_NAME AS t, t.ENGINE AS engine,
          (SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS c
            WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
              AND c.CONSTRAINT_TYPE = 'PRIMARY KEY') AS pk
        FROM information_schema.TABLES t
        WHERE t.TABLE_SCHEMA = ${database} AND t.TABLE_TYPE = 'BASE TABLE'
        ORDER BY t.TABLE_NAME`,
  );
  const out: UnsafeTable[] = [];
  for (const r of rows) {
    if ((r.engine ?? '').toLowerCase() !== 'innodb') {
      out.push({
        table: r.t,
        reason: `engine ${r.engine ?? '?'}: Galera replicates only InnoDB rows (fix: ALTER TABLE \`${r.t}\` ENGINE=InnoDB)`,
      });
    } else if (Number(r.pk) === 0) {
      out.push({
        table: r.t,
        reason:
          'no primary key: Galera cannot apply DELETEs reliably and row order may differ between nodes (fix: add a PRIMARY KEY)',
      });
    }
  }
  return out;
}

/**
 * Before a migration writes to a Galera node: its DDL must run in Total Order Isolation (every node applies
 * it at the same point; RSU would change one node only and leave the schemas apart), and every table must be
 * InnoDB with a primary key. The session is switched to TOI when it is not; a server that refuses, or
 * unsafe tables, stop the run with CAREPOOL_MIGRATE_GALERA_UNSAFE naming each table and why.
 */
export async function galeraMigrationPreflight(client: SqlClient, database: string): Promise<void> {
  if (!(await isGalera(client))) return;
  const method = await client
    .query<{ m: string | null }>(sql`SELECT @@SESSION.wsrep_OSU_method AS m`)
    .then((r) => String(r.rows[0]?.m ?? 'TOI'));
  if (method.toUpperCase() !== 'TOI') {
    try {
      await client.query(sql`SET SESSION wsrep_OSU_method = 'TOI'`);
    } catch (error) {
      throw new AppError(
        'CAREPOOL_MIGRATE_GALERA_UNSAFE',
        `the migrator's session uses wsrep_OSU_method=${method} and could not switch to TOI: DDL would change one node only`,
        { cause: error, meta: { osuMethod: method } },
      );
    }
  }
  const unsafe = await unsafeTables(client, database);
  if (unsafe.length > 0) {
    throw new AppError(
      'CAREPOOL_MIGRATE_GALERA_UNSAFE',
      `the target is a Galera cluster and ${unsafe.length} table(s) of ${database} cannot be replicated safely: ${unsafe.map((u) => `${u.table} (${u.reason})`).join('; ')}`,
      { meta: { tables: unsafe.map((u) => u.table) } },
    );
  }
}
