import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';

/** What each trigger event would do to the rows copy and sync write, for the refusal's message and hint. */
const WHY = {
  INSERT: {
    effect: 'they would change or add to the rows copied from the source',
    hint: 'Drop the named triggers on the destination for the copy or sync (the source rows already carry their effects) and create them again afterwards, or leave those tables out with --tables.',
  },
  DELETE: {
    effect:
      'sync deletes the rows only the destination holds and replaces the rows that differ, and a DELETE trigger would refuse that (an append-only table) or act on other rows',
    hint: 'If the table is a log that only grows, name it with --append-only: its rows are then compared by content and the source rows it lacks are appended, nothing deleted. Otherwise drop the named triggers on the destination for the sync and create them again afterwards, or leave those tables out with --tables.',
  },
} as const;

/**
 * Refuses (CAREPOOL_MOVE_UNREPRESENTABLE) to write into destination tables that have `event` triggers,
 * by table and trigger name, before any row is written. INSERT: a BEFORE INSERT trigger may change the
 * values copy and sync write (`SET NEW.v = UPPER(NEW.v)` stored 'MIXED CASE' for 'mixed Case', and sync
 * could never converge), an AFTER INSERT one writes rows elsewhere (an audit row per copied row); the
 * source's rows already are what its triggers made of them. DELETE (sync's tables compared by key): a
 * trigger refusing DELETE (an append-only audit table) failed every sync run halfway, one archiving rows
 * would act on sync's deletes. MariaDB/MySQL have no session switch that skips triggers. UPDATE triggers
 * are left alone: neither command updates rows.
 */
export async function assertNoTriggers(
  dest: SqlClient,
  database: string,
  tables: readonly string[],
  target: string,
  event: keyof typeof WHY,
): Promise<void> {
  if (tables.length === 0) return;
  const { rows } = await dest.query<{ t: string; name: string; timing: string }>(
    sql`SELECT EVENT_OBJECT_TABLE AS t, TRIGGER_NAME AS name, ACTION_TIMING AS timing
        FROM information_schema.TRIGGERS
        WHERE TRIGGER_SCHEMA = ${database} AND EVENT_MANIPULATION = ${event}
          AND EVENT_OBJECT_TABLE IN (${sql.join(tables.map((t) => sql`${t}`))})
        ORDER BY EVENT_OBJECT_TABLE, TRIGGER_NAME`,
  );
  if (rows.length === 0) return;
  const named = rows.map((r) => `${r.t} (trigger ${r.name}, ${r.timing} ${event})`);
  throw new AppError(
    'CAREPOOL_MOVE_UNREPRESENTABLE',
    `target "${target}" (database ${database}) has ${event} triggers on tables rows would be written to: ${named.join(', ')}; ${WHY[event].effect}`,
    { hint: WHY[event].hint, meta: { target, triggers: rows.map((r) => r.name) } },
  );
}
