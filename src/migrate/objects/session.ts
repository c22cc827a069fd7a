import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import type { Operation } from '../ops/operation.js';
import { objectSession } from './render.js';
import { sqlString } from './quote.js';

/**
 * Runs one rendered statement. A statement creating a trigger or routine runs under the object's own
 * sql_mode (the server stores the session's mode with it and runs the body under it), and any object under
 * its recorded character_set_client/collation_connection; the session's values are restored afterwards.
 * Every other statement runs as it is.
 */
export async function runStatement(
  conn: SqlClient,
  st: { readonly sql: string; readonly op?: Operation },
): Promise<void> {
  const session = st.op?.kind === 'object' ? objectSession(st.op) : null;
  if (!session || (session.sqlMode === null && !session.charset)) {
    await conn.query(sql.raw(st.sql));
    return;
  }
  const { rows } = await conn.query<{ m: string; c: string; k: string }>(
    sql`SELECT @@SESSION.sql_mode AS m, @@SESSION.character_set_client AS c, @@SESSION.collation_connection AS k`,
  );
  const saved = rows[0];
  try {
    if (session.sqlMode !== null) await conn.query(sql`SET SESSION sql_mode = ${session.sqlMode}`);
    if (session.charset)
      await conn.query(
        sql`SET SESSION character_set_client = ${session.charset.client}, collation_connection = ${session.charset.collation}`,
      );
    await conn.query(sql.raw(st.sql));
  } finally {
    if (saved)
      await conn.query(
        sql`SET SESSION sql_mode = ${saved.m}, character_set_client = ${saved.c}, collation_connection = ${saved.k}`,
      );
  }
}

/**
 * A statement as script text for `--sql` output and dumps: objects with a compound body (BEGIN … END
 * holds `;`) are wrapped in `DELIMITER ;;`, and triggers and routines are preceded by the sql_mode (and
 * character set) they must be created under, as mysqldump does.
 */
export function scriptStatement(st: { readonly sql: string; readonly op?: Operation }): string {
  const session = st.op?.kind === 'object' ? objectSession(st.op) : null;
  const pre: string[] = [];
  const post: string[] = [];
  if (session?.sqlMode != null) {
    pre.push(
      'SET @carepool_saved_sql_mode = @@SESSION.sql_mode;',
      `SET SESSION sql_mode = ${sqlString(session.sqlMode)};`,
    );
    post.push('SET SESSION sql_mode = @carepool_saved_sql_mode;');
  }
  if (session?.charset) {
    pre.push(
      `SET character_set_client = ${session.charset.client}, collation_connection = ${session.charset.collation};`,
    );
    post.push('SET NAMES utf8mb4;');
  }
  const body = st.sql.includes(';') ? `DELIMITER ;;\n${st.sql};;\nDELIMITER ;` : `${st.sql};`;
  return [...pre, body, ...post].join('\n');
}
