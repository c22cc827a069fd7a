import { getTableName, is } from 'drizzle-orm';
import { MySqlTable, MySqlView } from 'drizzle-orm/mysql-core';
import { AppError } from '../../errors/index.js';
import type { Schema, Table } from '../../schema/index.js';
import { convertTable } from './drizzle-table.js';

export { spellOnServer } from './drizzle-spelling.js';

/**
 * Drizzle schemas as models modules: a module whose exports are drizzle-orm `mysqlTable(...)` definitions
 * (`export const patients = mysqlTable('patients', { … })`) is read as carepool's {@link Schema}, so
 * `--models PATH` / `CAREPOOL_MODELS` accept the schema file a Drizzle project already has. What maps to
 * what, and what is refused, is in docs/migrations.md ("Drizzle schemas").
 */

/** The Drizzle values a module exports: its own named exports, and the values of a plain default object. */
function exported(mod: Readonly<Record<string, unknown>>): [string, unknown][] {
  const out = Object.entries(mod).filter(([key]) => key !== 'default');
  const d = mod.default;
  if (typeof d === 'object' && d !== null && !Array.isArray(d) && !is(d, MySqlTable))
    out.push(
      ...Object.entries(d as Record<string, unknown>).map(([k, v]): [string, unknown] => [`default.${k}`, v]),
    );
  else if (d !== undefined) out.push(['default', d]);
  return out;
}

/** True when the module exports at least one Drizzle mysql-core table or view. */
export function hasDrizzleExports(mod: Readonly<Record<string, unknown>>): boolean {
  return exported(mod).some(([, v]) => is(v, MySqlTable) || is(v, MySqlView));
}

/**
 * The schema a module's Drizzle mysql-core tables describe (tables sorted by name). The same table exported
 * twice counts once. Throws CAREPOOL_DRIZZLE_UNSUPPORTED naming every definition carepool cannot represent
 * exactly (views included: carepool reads views from its own `view()` objects), and
 * CAREPOOL_SCHEMA_MODELS_INVALID when two different tables have one name. Relations and other exports are
 * not schema: they are left alone, as drizzle-kit does.
 */
export function drizzleSchema(mod: Readonly<Record<string, unknown>>, label: string): Schema {
  const problems: string[] = [];
  const byName = new Map<string, MySqlTable>();
  for (const [key, value] of exported(mod)) {
    if (is(value, MySqlView)) {
      problems.push(
        `export ${key}: a mysqlView (declare views with carepool's view() in a carepool models module)`,
      );
      continue;
    }
    if (!is(value, MySqlTable)) continue;
    const table = value;
    const name = getTableName(table);
    const other = byName.get(name);
    if (other && other !== table)
      throw new AppError(
        'CAREPOOL_SCHEMA_MODELS_INVALID',
        `${label} exports two different Drizzle tables named ${name} (export ${key} is the second)`,
      );
    byName.set(name, table);
  }
  const tables: Table[] = [...byName.values()].map((t) => convertTable(t, problems));
  if (problems.length > 0)
    throw new AppError(
      'CAREPOOL_DRIZZLE_UNSUPPORTED',
      `${label}: ${problems.length} Drizzle definition(s) carepool cannot represent exactly:\n  ${problems.join('\n  ')}`,
      { meta: { module: label, problems } },
    );
  return { tables: tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}
