import { isAppError } from '../../errors/index.js';
import type { Column, Schema, Table } from '../../schema/index.js';
import { canonicalExpression } from '../diff/canonical.js';
import { diffSchemas } from '../diff/diff-schemas.js';
import { EMPTY_SCHEMA } from '../ops/apply-ops.js';
import { renderOps } from '../render/render-op.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Checks, generated expressions and expression defaults of a Drizzle schema in the server's own spelling.
 * The server stores such text re-printed (`char_length(name) > 0` reads back as char_length(`name`) > 0 on
 * MariaDB; MySQL adds parentheses), and the diff compares the text as printed, so a clause kept as Drizzle
 * wrote it would differ from every live database for ever. The tables are created in a workspace and only
 * these texts are taken back, by table, column and constraint name: everything else stays as Drizzle says,
 * and a text the server turned into something else (another kind of default, a missing constraint) is kept
 * as written, so the diff and its verified replay still show it.
 */

/** True when a table states text the server re-prints (carepool's CURRENT_TIMESTAMP needs no server). */
function hasText(t: Table): boolean {
  return (
    (t.checks?.length ?? 0) > 0 ||
    t.columns.some(
      (c) =>
        c.generated !== undefined ||
        (c.default?.kind === 'expression' &&
          !/^CURRENT_TIMESTAMP(\(\d*\))?$/.test(canonicalExpression(c.default.sql))),
    )
  );
}

/** `mine` with the texts of `read` (the same table created on a server) where both have them. */
function respellTable(mine: Table, read: Table | undefined): Table {
  if (!read) return mine;
  const columns = mine.columns.map((c): Column => {
    const r = read.columns.find((x) => x.name === c.name);
    if (!r) return c;
    const out: { -readonly [K in keyof Column]: Column[K] } = { ...c };
    if (c.default?.kind === 'expression' && r.default?.kind === 'expression') out.default = r.default;
    if (c.generated && r.generated && c.generated.stored === r.generated.stored) out.generated = r.generated;
    return out;
  });
  const checks = mine.checks?.map((ch) => {
    const r = read.checks?.find((x) => x.name === ch.name);
    return r ? { ...ch, clause: r.clause } : ch;
  });
  return { ...mine, columns, ...(checks ? { checks } : {}) };
}

/**
 * {@link respellTable} for every table of `schema` that states such text, on a workspace `run` provides
 * (the server sources are normalised on). Without any, nothing runs; without a reachable server the texts
 * stay as Drizzle wrote them and `onNote` says so.
 */
export async function spellOnServer(
  schema: Schema,
  run: <T>(fn: (ws: Workspace) => Promise<T>) => Promise<T>,
  label: string,
  onNote?: (message: string) => void,
): Promise<Schema> {
  if (!schema.tables.some(hasText)) return schema;
  try {
    return await run(async (ws) => {
      const { statements } = renderOps(diffSchemas(EMPTY_SCHEMA, schema), ws.server, EMPTY_SCHEMA);
      await ws.exec(
        statements.map((s) => s.sql),
        label,
      );
      const read = await ws.introspect({ tablesOnly: true });
      const byName = new Map(read.tables.map((t) => [t.name, t]));
      return {
        ...schema,
        tables: schema.tables.map((t) => (hasText(t) ? respellTable(t, byName.get(t.name)) : t)),
      };
    });
  } catch (error) {
    if (!isAppError(error, 'CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER')) throw error;
    onNote?.(
      `${label}: checks, generated columns and expression defaults are compared as written (no server to spell them: ${error.message})`,
    );
    return schema;
  }
}
