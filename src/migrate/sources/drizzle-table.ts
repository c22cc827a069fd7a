import { getTableName, is, SQL } from 'drizzle-orm';
import { getTableConfig, type MySqlTable } from 'drizzle-orm/mysql-core';
import type { Check, Column, FkAction, ForeignKey, Index, Table } from '../../schema/index.js';
import { convertColumn, textOf } from './drizzle-column.js';

/** Drizzle's referential actions, as the model spells them; `set default` has none (InnoDB rejects it). */
const ACTIONS: Readonly<Record<string, FkAction>> = {
  cascade: 'CASCADE',
  restrict: 'RESTRICT',
  'no action': 'NO ACTION',
  'set null': 'SET NULL',
};

/** Drizzle's action for `clause` (`<fk>: ON DELETE`; undefined: drizzle-kit writes none, which the server stores as NO ACTION/RESTRICT). */
function action(value: string | undefined, clause: string, problems: string[]): FkAction {
  if (value === undefined) return 'NO ACTION';
  const out = ACTIONS[value.toLowerCase()];
  if (!out)
    problems.push(`${clause} ${value.toUpperCase()} (InnoDB accepts RESTRICT, CASCADE, SET NULL, NO ACTION)`);
  return out ?? 'NO ACTION';
}

/** Column names of Drizzle key/index parts; an `sql` part (functional key part) is refused. */
function partNames(parts: readonly unknown[], where: string, problems: string[]): string[] {
  return parts.flatMap((p) => {
    if (is(p, SQL)) {
      problems.push(
        `${where}: expression key part (${textOf(p, where, problems) ?? 'sql'}) is not read from Drizzle schemas`,
      );
      return [];
    }
    return [(p as { name: string }).name];
  });
}

/**
 * Converts one Drizzle mysql-core table to carepool's {@link Table}: columns, primary key (column-level or
 * `primaryKey({ columns })`), unique columns and constraints and indexes (as unique/plain indexes), foreign
 * keys (inline `.references()` and `foreignKey()`), checks. Everything it cannot hold exactly is named in
 * `problems`; the returned table is then not to be used.
 */
export function convertTable(table: MySqlTable, problems: string[]): Table {
  const config = getTableConfig(table);
  const name = config.name;
  if (config.schema !== undefined)
    problems.push(`${name}: in mysqlSchema('${config.schema}') (a models module describes one database)`);
  const columnPk = config.columns.filter((c) => c.primary).map((c) => c.name);
  const tablePks = config.primaryKeys.map((pk) => pk.columns.map((c) => c.name));
  const keys = [...(columnPk.length > 0 ? [columnPk] : []), ...tablePks];
  if (keys.length > 1 || columnPk.length > 1)
    problems.push(
      `${name}: ${columnPk.length > 1 ? `${columnPk.length} columns marked .primaryKey()` : 'more than one primary key'} (a table has one; use primaryKey({ columns: [...] }))`,
    );
  const primaryKey = keys[0] ?? [];
  const columns: Column[] = [];
  const indexes: Index[] = [];
  for (const c of config.columns) {
    const converted = convertColumn(c, name, primaryKey.includes(c.name), problems);
    if (!converted) continue;
    columns.push(converted.column);
    if (converted.serialKey) indexes.push({ name: c.name, columns: [c.name], unique: true });
    if (c.isUnique)
      indexes.push({ name: c.uniqueName ?? `${name}_${c.name}_unique`, columns: [c.name], unique: true });
  }
  for (const u of config.uniqueConstraints) {
    const uName = u.getName() ?? `${name}_${u.columns.map((c) => c.name).join('_')}_unique`;
    indexes.push({ name: uName, columns: partNames(u.columns, `${name}.${uName}`, problems), unique: true });
  }
  for (const ix of config.indexes) {
    const c = ix.config;
    const where = `${name}.${c.name}`;
    for (const option of ['algorithm', 'lock'] as const)
      if (c[option] !== undefined)
        problems.push(
          `${where}: ${option.toUpperCase()}=${c[option]} is how to build it, not what it is (carepool picks the algorithm per server)`,
        );
    indexes.push({
      name: c.name,
      columns: partNames(c.columns, where, problems),
      unique: c.unique === true,
      ...(c.using ? { using: c.using.toUpperCase() as 'BTREE' | 'HASH' } : {}),
    });
  }
  const foreignKeys: ForeignKey[] = config.foreignKeys.map((fk) => {
    const ref = fk.reference();
    const fkName = fk.getName();
    const where = `${name}.${fkName}`;
    const refConfig = getTableConfig(ref.foreignTable);
    if (refConfig.schema !== undefined)
      problems.push(
        `${where}: references ${refConfig.schema}.${refConfig.name}, a table of another database`,
      );
    return {
      name: fkName,
      columns: ref.columns.map((c) => c.name),
      refTable: getTableName(ref.foreignTable),
      refColumns: ref.foreignColumns.map((c) => c.name),
      onDelete: action(fk.onDelete, `${where}: ON DELETE`, problems),
      onUpdate: action(fk.onUpdate, `${where}: ON UPDATE`, problems),
    };
  });
  const checks: Check[] = config.checks.flatMap((ch) => {
    const clause = textOf(ch.value, `${name}.${ch.name}`, problems);
    return clause === undefined ? [] : [{ name: ch.name, clause }];
  });
  const seen = new Set<string>();
  for (const ix of indexes) {
    if (seen.has(ix.name)) problems.push(`${name}: two indexes or unique constraints named ${ix.name}`);
    seen.add(ix.name);
  }
  return {
    name,
    columns,
    primaryKey: [...primaryKey],
    indexes,
    foreignKeys,
    ...(checks.length > 0 ? { checks } : {}),
  };
}
