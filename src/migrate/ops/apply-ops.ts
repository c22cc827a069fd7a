import { AppError } from '../../errors/index.js';
import type { Column, ForeignKey, Schema, Table } from '../../schema/index.js';
import type { ObjectOperation } from '../objects/operation.js';
import { applyObjectOp, carryObjects } from '../objects/ops.js';
import type { Operation } from './operation.js';

/** An empty schema (the state at `base`). */
export const EMPTY_SCHEMA: Schema = Object.freeze({ tables: Object.freeze([]) });

const fail = (message: string): never => {
  throw new AppError('CAREPOOL_MIGRATE_INVALID_OPERATION', message, { meta: {} });
};

/** The named table of `schema`, or a coded error naming it. */
export function findTable(schema: Schema, name: string): Table {
  return (
    schema.tables.find((t) => t.name === name) ??
    fail(`table "${name}" does not exist at this point of the chain`)
  );
}

/** The named column of `table`, or a coded error naming it. */
export function findColumn(table: Table, name: string): Column {
  return (
    table.columns.find((c) => c.name === name) ??
    fail(`column "${table.name}.${name}" does not exist at this point of the chain`)
  );
}

/**
 * True when MySQL/MariaDB will create an index named after `fk` when it is added: InnoDB needs an index
 * whose leading columns are the FK columns, and creates one silently when none exists (MySQL manual 15.1.20.5,
 * "Foreign Key Constraints"; it is kept after DROP FOREIGN KEY).
 */
export function needsImplicitIndex(table: Table, fk: ForeignKey): boolean {
  const covers = (cols: readonly string[]) => fk.columns.every((c, i) => cols[i] === c);
  return !covers(table.primaryKey) && !table.indexes.some((ix) => covers(ix.columns));
}

const withTables = (tables: readonly Table[]): Schema => ({
  tables: [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
});

const replaceTable = (schema: Schema, name: string, fn: (t: Table) => Table): Schema =>
  withTables(schema.tables.map((t) => (t.name === name ? fn(findTable(schema, name)) : t)));

/** Applies one operation to an in-memory schema (pure). Raw SQL operations leave the schema as it is. */
export function applyOp(schema: Schema, op: Operation): Schema {
  if (op.kind === 'object') return applyObjectOp(schema, op);
  return carryObjects(schema, applyTableOp(schema, op), op);
}

function applyTableOp(schema: Schema, op: Exclude<Operation, ObjectOperation>): Schema {
  switch (op.kind) {
    case 'createTable':
      if (schema.tables.some((t) => t.name === op.table.name))
        fail(`table "${op.table.name}" already exists`);
      return withTables([...schema.tables, op.table]);
    case 'dropTable':
      findTable(schema, op.table.name);
      return withTables(schema.tables.filter((t) => t.name !== op.table.name));
    case 'renameTable':
      findTable(schema, op.from);
      return withTables(
        schema.tables.map((t) => ({
          ...t,
          name: t.name === op.from ? op.to : t.name,
          foreignKeys: t.foreignKeys.map((fk) => (fk.refTable === op.from ? { ...fk, refTable: op.to } : fk)),
        })),
      );
    case 'addColumn':
      return replaceTable(schema, op.table, (t) => {
        if (t.columns.some((c) => c.name === op.column.name))
          fail(`column "${op.table}.${op.column.name}" already exists`);
        const at = op.after == null ? t.columns.length : t.columns.findIndex((c) => c.name === op.after) + 1;
        if (at === 0) fail(`column "${op.table}.${op.after}" (AFTER) does not exist`);
        return { ...t, columns: [...t.columns.slice(0, at), op.column, ...t.columns.slice(at)] };
      });
    case 'dropColumn':
      return replaceTable(schema, op.table, (t) => {
        findColumn(t, op.column.name);
        const drop = (cols: readonly string[]) => cols.filter((c) => c !== op.column.name);
        return {
          ...t,
          columns: t.columns.filter((c) => c.name !== op.column.name),
          // As the server does: the column leaves every index; an index left without parts is dropped.
          indexes: t.indexes
            .map((ix) => {
              const parts = ix.parts?.filter((p) => p.column !== op.column.name);
              return { ...ix, columns: drop(ix.columns), ...(parts ? { parts } : {}) };
            })
            .filter((ix) => (ix.parts ? ix.parts.length : ix.columns.length) > 0),
        };
      });
    case 'alterColumn':
      return replaceTable(schema, op.table, (t) => {
        findColumn(t, op.from.name);
        return { ...t, columns: t.columns.map((c) => (c.name === op.from.name ? op.to : c)) };
      });
    case 'renameColumn': {
      const ren = (cols: readonly string[]) => cols.map((c) => (c === op.from ? op.to : c));
      findColumn(findTable(schema, op.table), op.from);
      return withTables(
        schema.tables.map((t) => {
          const own = t.name === op.table;
          return {
            ...t,
            columns: own ? t.columns.map((c) => (c.name === op.from ? { ...c, name: op.to } : c)) : t.columns,
            primaryKey: own ? ren(t.primaryKey) : t.primaryKey,
            indexes: own
              ? t.indexes.map((ix) => ({
                  ...ix,
                  columns: ren(ix.columns),
                  ...(ix.parts
                    ? { parts: ix.parts.map((p) => (p.column === op.from ? { ...p, column: op.to } : p)) }
                    : {}),
                }))
              : t.indexes,
            foreignKeys: t.foreignKeys.map((fk) => ({
              ...fk,
              columns: own ? ren(fk.columns) : fk.columns,
              refColumns: fk.refTable === op.table ? ren(fk.refColumns) : fk.refColumns,
            })),
          };
        }),
      );
    }
    case 'createIndex':
      return replaceTable(schema, op.table, (t) => {
        if (t.indexes.some((ix) => ix.name === op.index.name))
          fail(`index "${op.table}.${op.index.name}" already exists`);
        return { ...t, indexes: [...t.indexes, op.index] };
      });
    case 'dropIndex':
      return replaceTable(schema, op.table, (t) => {
        if (!t.indexes.some((ix) => ix.name === op.index.name))
          fail(`index "${op.table}.${op.index.name}" does not exist`);
        return { ...t, indexes: t.indexes.filter((ix) => ix.name !== op.index.name) };
      });
    case 'addForeignKey':
      return replaceTable(schema, op.table, (t) => {
        if (t.foreignKeys.some((fk) => fk.name === op.foreignKey.name))
          fail(`foreign key "${op.foreignKey.name}" already exists`);
        return { ...t, foreignKeys: [...t.foreignKeys, op.foreignKey] };
      });
    case 'dropForeignKey':
      return replaceTable(schema, op.table, (t) => {
        if (!t.foreignKeys.some((fk) => fk.name === op.foreignKey.name))
          fail(`foreign key "${op.foreignKey.name}" does not exist`);
        return { ...t, foreignKeys: t.foreignKeys.filter((fk) => fk.name !== op.foreignKey.name) };
      });
    case 'alterTable':
      return replaceTable(schema, op.table, (t) => {
        const { comment: _c, checks: _k, options: _o, ...rest } = t;
        return {
          ...rest,
          ...(op.to.comment ? { comment: op.to.comment } : {}),
          ...(op.to.checks && op.to.checks.length > 0 ? { checks: op.to.checks } : {}),
          ...(op.to.options ? { options: op.to.options } : {}),
        };
      });
    case 'sql':
      return schema;
    default: {
      const never: never = op;
      return never;
    }
  }
}

/** Applies operations in order. */
export function applyOps(schema: Schema, operations: readonly Operation[]): Schema {
  return operations.reduce(applyOp, schema);
}
