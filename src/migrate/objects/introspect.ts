import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import type { Schema } from '../../schema/index.js';
import type { ObjectKind, SchemaObject } from '../../schema/objects.js';
import { quoteName } from './quote.js';
import { mentions, sortObjects, stripDatabase, stripDefiner } from './normalize.js';

interface Listed {
  readonly kind: ObjectKind | 'event';
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
 * definer) is returned with `unsupported` set: it is named, never guessed. The same query lists the
 * database's events (not modelled: only their names are returned, for dump, diff and baseline to name).
 */
export async function readObjects(
  client: SqlClient,
  database: string,
): Promise<{ objects: SchemaObject[]; events: string[] }> {
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
      FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ${database}
    UNION ALL
    SELECT 'event', EVENT_NAME, NULL, NULL, NULL, NULL, NULL
      FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ${database}`);
  if (rows.length === 0) return { objects: [], events: [] };
  const events = rows.filter((r) => r.kind === 'event').map((r) => r.name);
  const listed = rows.filter((r): r is Listed & { kind: ObjectKind } => r.kind !== 'event');
  const objects = await Promise.all(listed.map((r) => readOne(client, database, r)));
  const names = objects.filter((o) => o.kind === 'view' || o.kind === 'function').map((o) => o.name);
  const sorted = sortObjects(
    objects.map((o) => {
      if (o.kind !== 'view' || o.unsupported) return o;
      const deps = mentions(o.create, o.name, names);
      return deps.length > 0 ? { ...o, dependsOn: deps } : o;
    }),
  );
  return { objects: sorted, events: events.sort() };
}

/** Why events are named and left out, wherever they are (dump, diff, baseline). */
export const EVENTS_NOT_MODELLED =
  'events are not modelled (carepool tracks tables, views, triggers, procedures and functions): manage them by hand, e.g. with op.sql';

async function readOne(
  client: SqlClient,
  database: string,
  r: Listed & { kind: ObjectKind },
): Promise<SchemaObject> {
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

/** `procedures and functions`: how dump, diff and baseline name the kinds a user could not list. */
export function hiddenKindsName(hidden: NonNullable<Schema['hiddenObjects']>): string {
  return hidden.kinds.map((k) => `${k}s`).join(' and ');
}

/** Privileges that let a user list a database's stored procedures and functions (MySQL 8: SHOW_ROUTINE). */
const ROUTINE_PRIVILEGES = [
  'EXECUTE',
  'ALTER ROUTINE',
  'CREATE ROUTINE',
  'SHOW_ROUTINE',
  'SHOW CREATE ROUTINE',
];

/**
 * Why `database`'s procedures and functions may exist unseen, or undefined when the user can list them.
 * information_schema.ROUTINES shows a user only the routines it holds a privilege on (or defined): with no
 * EXECUTE, ALTER ROUTINE or CREATE ROUTINE on the database (or globally; MySQL also SHOW_ROUTINE) an empty
 * list proves nothing, and reading it as "no routines" would dump, compare and baseline a schema without
 * them. Asked only when no routine was listed. Grants through a role the privilege tables do not show
 * make this say "may be hidden" where they are not: a note too many, never a silent gap.
 */
export async function hiddenRoutines(client: SqlClient, database: string): Promise<string | undefined> {
  const types = sql.join(ROUTINE_PRIVILEGES.map((p) => sql`${p}`));
  const { rows } = await client.query<{ n: number | string }>(sql`
    SELECT COUNT(*) AS n FROM (
      SELECT 1 AS x FROM information_schema.SCHEMA_PRIVILEGES
        WHERE ${database} LIKE TABLE_SCHEMA AND PRIVILEGE_TYPE IN (${types})
      UNION ALL
      SELECT 1 FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE IN (${types})
    ) AS p`);
  if (Number(rows[0]?.n ?? 0) > 0) return undefined;
  const { rows: who } = await client.query<{ u: string }>(sql`SELECT CURRENT_USER() AS u`);
  return `the user ${who[0]?.u ?? ''} has no EXECUTE, ALTER ROUTINE or CREATE ROUTINE on \`${database}\`, so the server does not list them; grant one (e.g. GRANT EXECUTE ON \`${database}\`.* TO …) to include them`;
}
