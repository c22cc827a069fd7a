import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import type { ObjectKind, SchemaObject } from '../../schema/objects.js';
import { quoteName } from './quote.js';
import { mentions, sortObjects, stripDatabase, stripDefiner } from './normalize.js';

interface Listed {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly table: string | null;
  readonly sql_mode: string | null;
  readonly definer: string | null;
  readonly slot: string | null;
  readonly position: number | string | null;
}

/** The SHOW CREATE column holding the statement, per kind. */
const CREATE_COLUMN: Readonly<Record<ObjectKind, string>> = {
  view: 'Create View',
  trigger: 'SQL Original Statement',
  procedure: 'Create Procedure',
  function: 'Create Function',
};

/**
 * Reads the views, triggers, procedures and functions of `database`: which exist, their definer and
 * sql_mode from information_schema (VIEWS, TRIGGERS, ROUTINES: one query), then each one's canonical text
 * from SHOW CREATE (information_schema's bodies lose the header and, on MySQL, escaping). An object whose
 * SHOW CREATE returns no text (the user may not see routine bodies without SHOW_ROUTINE or being the
 * definer) is returned with `unsupported` set: it is named, never guessed.
 */
export async function readObjects(client: SqlClient, database: string): Promise<SchemaObject[]> {
  const { rows } = await client.query<Listed>(sql`
    SELECT 'view' AS kind, TABLE_NAME AS name, NULL AS \`table\`, NULL AS sql_mode, DEFINER AS definer,
        NULL AS slot, NULL AS position
      FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ${database}
    UNION ALL
    SELECT 'trigger', TRIGGER_NAME, EVENT_OBJECT_TABLE, SQL_MODE, DEFINER,
        CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION), ACTION_ORDER
      FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${database}
    UNION ALL
    SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME, NULL, SQL_MODE, DEFINER, NULL, NULL
      FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ${database}`);
  if (rows.length === 0) return [];
  const objects = await Promise.all(rows.map((r) => readOne(client, database, r)));
  const names = objects.filter((o) => o.kind === 'view' || o.kind === 'function').map((o) => o.name);
  return sortObjects(
    objects.map((o) => {
      if (o.kind !== 'view' || o.unsupported) return o;
      const deps = mentions(o.create, o.name, names);
      return deps.length > 0 ? { ...o, dependsOn: deps } : o;
    }),
  );
}

async function readOne(client: SqlClient, database: string, r: Listed): Promise<SchemaObject> {
  const kind = r.kind;
  const base = {
    kind,
    name: r.name,
    ...(r.table ? { table: r.table } : {}),
    sqlMode: kind === 'view' ? '' : (r.sql_mode ?? ''),
    ...(r.definer ? { definer: r.definer } : {}),
    ...(kind === 'trigger' && r.slot && r.position !== null
      ? { slot: r.slot, position: Number(r.position) }
      : {}),
  };
  const what = kind.toUpperCase();
  let row: Record<string, unknown> | undefined;
  try {
    row = (
      await client.query<Record<string, unknown>>(
        sql.raw(`SHOW CREATE ${what} ${quoteName(database)}.${quoteName(r.name)}`),
      )
    ).rows[0];
  } catch (error) {
    return { ...base, create: '', unsupported: `SHOW CREATE ${what} failed: ${(error as Error).message}` };
  }
  const text = row?.[CREATE_COLUMN[kind]];
  if (typeof text !== 'string' || text === '') {
    return {
      ...base,
      create: '',
      unsupported: `SHOW CREATE ${what} returned no text (the user needs SHOW_ROUTINE, or to be the definer)`,
    };
  }
  const client_ = row?.character_set_client;
  const collation = row?.collation_connection;
  return {
    ...base,
    create: stripDatabase(stripDefiner(text), database),
    ...(typeof client_ === 'string' && typeof collation === 'string'
      ? { charset: { client: client_, collation } }
      : {}),
  };
}
