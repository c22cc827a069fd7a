import { sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import { introspectSchema } from '../migrate/introspect/index.js';
import { parseColumnType } from '../migrate/introspect/parse-type.js';
import { renderType } from '../migrate/render/render-column.js';
import { renderOpSql } from '../migrate/render/render-op.js';
import type { ServerInfo } from '../migrate/server.js';
import type { MoveTable } from './catalog.js';
import type { MoveSession } from './session.js';

/** How missing tables were created on the destination. */
export type SchemaVia = 'show-create' | 'model';

/** Canonical column type text for comparing a type with its trip through the schema model. */
function canonicalType(text: string): string {
  return text
    .toLowerCase()
    .replace(/\b(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/g, '$1')
    .replace(/\binteger\b/g, 'int')
    .replace(/\s+/g, ' ')
    .replace(/,\s+/g, ',')
    .trim();
}

/**
 * What of `table` the schema model cannot carry to another server flavour, by column: a type that does
 * not come back unchanged from parse → render (mediumint, blob, set, bit, year, time, spatial types, ...
 * until the model learns them) and generated columns. Empty when the model represents it all.
 */
export function unrepresentable(table: MoveTable): string[] {
  const out: string[] = [];
  for (const c of table.columns) {
    if (c.generated) {
      out.push(`${table.name}.${c.name} (generated column)`);
      continue;
    }
    const rendered = renderType(parseColumnType(c.columnType, c.dataType));
    // MariaDB's JSON is LONGTEXT with a CHECK; the model reads it as json and renders JSON: same column.
    if (
      canonicalType(rendered) !== canonicalType(c.columnType) &&
      !(rendered === 'JSON' && c.dataType === 'longtext')
    )
      out.push(`${table.name}.${c.name} (${c.columnType})`);
  }
  return out;
}

/**
 * Creates `tables` (in FK-safe order) on the destination session. Same flavour: the source's own
 * `SHOW CREATE TABLE` text, so nothing is lost. Different flavours: through the schema model (introspect →
 * render for the destination), refusing by name whatever the model cannot represent.
 */
export async function createTables(
  source: MoveSession,
  sourceServer: ServerInfo,
  sourceDatabase: string,
  dest: MoveSession,
  destServer: ServerInfo,
  tables: readonly MoveTable[],
  via: SchemaVia,
): Promise<void> {
  if (tables.length === 0) return;
  const statements: string[] = [];
  if (via === 'show-create') {
    for (const t of tables) {
      const { rows } = await source.query<Record<string, string>>(
        sql`SHOW CREATE TABLE ${sql.ident(t.name)}`,
      );
      const text = rows[0]?.['Create Table'];
      if (text === undefined) throw new Error(`SHOW CREATE TABLE ${t.name} returned nothing`);
      statements.push(text);
    }
  } else {
    const problems = tables.flatMap(unrepresentable);
    if (problems.length > 0) {
      throw new AppError(
        'CAREPOOL_MOVE_UNREPRESENTABLE',
        `cannot create ${problems.length === 1 ? 'a column' : `${problems.length} columns`} on the ${destServer.flavor} destination from the ${sourceServer.flavor} source through the schema model: ${problems.join(', ')}`,
        { meta: { columns: problems } },
      );
    }
    const schema = await introspectSchema(source, sourceDatabase);
    for (const t of tables) {
      const model = schema.tables.find((m) => m.name === t.name);
      if (model === undefined) throw new Error(`the schema model lost table ${t.name}`);
      statements.push(renderOpSql({ kind: 'createTable', table: model }, destServer).sql);
    }
  }
  // Tables may reference each other in cycles; the order above is FK-safe where one exists.
  await dest.query(sql`SET SESSION foreign_key_checks = 0`);
  try {
    for (const text of statements) await dest.query(sql.raw(text));
  } finally {
    await dest.query(sql`SET SESSION foreign_key_checks = 1`);
  }
}
