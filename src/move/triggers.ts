import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';

/**
 * Refuses (CAREPOOL_MOVE_UNREPRESENTABLE) to write rows into destination tables that have INSERT triggers:
 * a BEFORE INSERT trigger may change the values copy and sync write (`SET NEW.v = UPPER(NEW.v)` stored
 * 'MIXED CASE' for 'mixed Case', and sync could never converge), an AFTER INSERT one writes rows elsewhere
 * (an audit row per copied row). The source's rows are already what its triggers made of them, and
 * MariaDB/MySQL have no session switch that skips triggers. UPDATE and DELETE triggers are left alone:
 * copy only inserts, and a trigger that refuses sync's DELETE (an append-only audit table) fails loudly.
 */
export async function assertNoInsertTriggers(
  dest: SqlClient,
  database: string,
  tables: readonly string[],
  target: string,
): Promise<void> {
  if (tables.length === 0) return;
  const { rows } = await dest.query<{ t: string; name: string; timing: string }>(
    sql`SELECT EVENT_OBJECT_TABLE AS t, TRIGGER_NAME AS name, ACTION_TIMING AS timing
        FROM information_schema.TRIGGERS
        WHERE TRIGGER_SCHEMA = ${database} AND EVENT_MANIPULATION = 'INSERT'
          AND EVENT_OBJECT_TABLE IN (${sql.join(tables.map((t) => sql`${t}`))})
        ORDER BY EVENT_OBJECT_TABLE, TRIGGER_NAME`,
  );
  if (rows.length === 0) return;
  const named = rows.map((r) => `${r.t} (trigger ${r.name}, ${r.timing} INSERT)`);
  throw new AppError(
    'CAREPOOL_MOVE_UNREPRESENTABLE',
    `target "${target}" (database ${database}) has INSERT triggers on tables rows would be written to: ${named.join(', ')}; they would change or add to the rows copied from the source`,
    {
      hint: 'Drop the named triggers on the destination for the copy or sync (the source rows already carry their effects) and create them again afterwards, or leave those tables out with --tables.',
      meta: { target, triggers: rows.map((r) => r.name) },
    },
  );
}
