import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import type { GtidFlavor } from './gtid-set.js';

/** A replica's replication threads, as `SHOW SLAVE STATUS` reports them. */
export interface Threads {
  readonly io: string | null;
  readonly sql: string | null;
  readonly secondsBehind: number | null;
  readonly delaySeconds: number | null;
  readonly error: string | null;
}

/**
 * `SHOW SLAVE STATUS` (MariaDB) / `SHOW REPLICA STATUS` (MySQL). Needs REPLICATION CLIENT (MySQL) or
 * SLAVE MONITOR (MariaDB 10.5+); without it thread states stay unknown and only GTID lag is judged.
 */
export async function readThreads(replica: Target, flavor: GtidFlavor): Promise<Threads | null> {
  let rows: Record<string, unknown>[];
  try {
    rows = (
      await replica.sql.query<Record<string, unknown>>(
        flavor === 'mariadb' ? sql`SHOW SLAVE STATUS` : sql`SHOW REPLICA STATUS`,
      )
    ).rows;
  } catch (error) {
    if ((error as { meta?: { errno?: number } }).meta?.errno === 1227) return null;
    throw error;
  }
  const row = rows[0];
  if (row === undefined)
    return {
      io: 'No',
      sql: 'No',
      secondsBehind: null,
      delaySeconds: null,
      error: 'replication is not configured on this server',
    };
  const pick = (...names: string[]) => {
    for (const n of names) if (row[n] !== undefined && row[n] !== null) return String(row[n]);
    return null;
  };
  const behind = pick('Seconds_Behind_Master', 'Seconds_Behind_Source');
  const delay = pick('SQL_Delay');
  const sqlErr = pick('Last_SQL_Error');
  const ioErr = pick('Last_IO_Error');
  const sqlNo = pick('Last_SQL_Errno');
  const ioNo = pick('Last_IO_Errno');
  const error = sqlErr
    ? `SQL thread error ${sqlNo ?? ''}: ${sqlErr}`
    : ioErr
      ? `IO thread error ${ioNo ?? ''}: ${ioErr}`
      : null;
  return {
    io: pick('Slave_IO_Running', 'Replica_IO_Running'),
    sql: pick('Slave_SQL_Running', 'Replica_SQL_Running'),
    secondsBehind: behind === null ? null : Number(behind),
    delaySeconds: delay === null ? null : Number(delay),
    error,
  };
}
