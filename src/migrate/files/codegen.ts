import {
  type Column,
  type ColumnDef,
  type ColumnType,
  type Index,
  nullable,
  type Table,
  type TableOptions,
  t,
  table,
  withDefault,
  withDefaultSql,
} from '../../schema/index.js';
import { sameJson } from '../diff/same-json.js';
import type { Operation } from '../ops/operation.js';

/** A single-quoted TypeScript string literal. */
const s = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const arr = (xs: readonly string[]): string => `[${xs.map(s).join(', ')}]`;
const json = (v: unknown): string => JSON.stringify(v);

/** A builder call's source and what it builds: a shortcut is only written when the two agree. */
type Shortcut = readonly [source: string, def: ColumnDef<unknown>];

function baseType(type: ColumnType, autoIncrement: boolean): Shortcut | null {
  switch (type.kind) {
    case 'int':
      return autoIncrement ? ['op.t.id()', t.id()] : ['op.t.int()', t.int()];
    case 'bigint':
    case 'smallint':
      return autoIncrement ? null : [`op.t.${type.kind}()`, t[type.kind]()];
    case 'boolean':
    case 'text':
    case 'date':
      return autoIncrement ? null : [`op.t.${type.kind}()`, t[type.kind]()];
    case 'decimal':
      return [`op.t.decimal(${type.precision}, ${type.scale})`, t.decimal(type.precision, type.scale)];
    case 'varchar':
    case 'char':
      return [`op.t.${type.kind}(${type.length})`, t[type.kind](type.length)];
    case 'datetime':
    case 'timestamp':
      return [`op.t.${type.kind}(${type.fsp ?? ''})`, t[type.kind](type.fsp)];
    case 'enum':
      return [`op.t.enum(${type.values.map(s).join(', ')})`, t.enum(...type.values)];
    default:
      return null;
  }
}

/**
 * A column as builder calls (`op.nullable(op.t.varchar(15))`) when they build exactly this column, else
 * `op.column({...})` with the whole spec: a charset, a generated expression, ZEROFILL or anything else the
 * short form cannot say is never dropped (checked by building it, not by listing attributes).
 */
export function columnSource(c: Column): string {
  const { name: _name, ...spec } = c;
  const full = `op.column(${json(spec)})`;
  const base = baseType(c.type, Boolean(c.autoIncrement));
  if (base === null) return full;
  let [out, def] = base;
  if (c.nullable) [out, def] = [`op.nullable(${out})`, nullable(def)];
  if (c.default?.kind === 'literal')
    [out, def] = [`op.withDefault(${out}, ${json(c.default.value)})`, withDefault(def, c.default.value)];
  if (c.default?.kind === 'expression')
    [out, def] = [`op.withDefaultSql(${out}, ${s(c.default.sql)})`, withDefaultSql(def, c.default.sql)];
  return sameJson(def.spec, spec) ? out : full;
}

/** An index as written in createTable options: every attribute it has (type, parts, parser, …). */
function indexSource(ix: Index): string {
  const { name, columns, unique, ...rest } = ix;
  const extra = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `, ${k}: ${json(v)}`)
    .join('');
  return `{ name: ${s(name)}, columns: ${arr(columns)}${unique ? ', unique: true' : ''}${extra} }`;
}

/**
 * `op.createTable(...)` with builder calls, proven to rebuild `t` exactly (the same options passed to the
 * same `table()` builder); anything it would not rebuild falls back to `op.raw` of the whole table.
 */
function tableSource(t: Table, indent: string): string {
  const cols = t.columns
    .map((c) => `${indent}    ${/^[A-Za-z_$][\w$]*$/.test(c.name) ? c.name : s(c.name)}: ${columnSource(c)},`)
    .join('\n');
  const autoPk = t.columns.filter((c) => c.autoIncrement).map((c) => c.name);
  const opts: string[] = [];
  const given: TableOptions<string> = {
    ...(json(autoPk) !== json(t.primaryKey) ? { primaryKey: t.primaryKey } : {}),
    ...(t.indexes.length > 0 ? { indexes: t.indexes } : {}),
    ...(t.foreignKeys.length > 0
      ? {
          foreignKeys: t.foreignKeys.map((fk) => ({
            name: fk.name,
            columns: fk.columns,
            references: { table: fk.refTable, columns: fk.refColumns },
            onDelete: fk.onDelete,
            onUpdate: fk.onUpdate,
          })),
        }
      : {}),
    ...(t.comment ? { comment: t.comment } : {}),
    ...(t.checks && t.checks.length > 0 ? { checks: t.checks } : {}),
    ...(t.options ? { options: t.options } : {}),
  };
  const columns = Object.fromEntries(t.columns.map(({ name, ...spec }) => [name, { spec }]));
  if (!sameJson(table(t.name, columns, given).table, t)) return `op.raw(${json({ kind: 'createTable', table: t })})`;
  if (given.primaryKey) opts.push(`primaryKey: ${arr(t.primaryKey)}`);
  if (t.indexes.length > 0) opts.push(`indexes: [${t.indexes.map(indexSource).join(', ')}]`);
  if (t.foreignKeys.length > 0) {
    const fks = t.foreignKeys.map(
      (fk) =>
        `{ name: ${s(fk.name)}, columns: ${arr(fk.columns)}, references: { table: ${s(fk.refTable)}, columns: ${arr(fk.refColumns)} }, onDelete: ${s(fk.onDelete)}, onUpdate: ${s(fk.onUpdate)} }`,
    );
    opts.push(`foreignKeys: [${fks.join(', ')}]`);
  }
  if (t.comment) opts.push(`comment: ${s(t.comment)}`);
  if (given.checks) opts.push(`checks: ${json(t.checks)}`);
  if (given.options) opts.push(`options: ${json(t.options)}`);
  const options = opts.length > 0 ? `, { ${opts.join(', ')} }` : '';
  return `op.createTable(${s(t.name)}, {\n${cols}\n${indent}  }${options})`;
}

/** One operation as a call on the operations API, as a reviewer would write it. */
export function opSource(op: Operation, indent = '    '): string {
  switch (op.kind) {
    case 'createTable':
      return tableSource(op.table, indent);
    case 'dropTable':
      return `op.dropTable(${s(op.table.name)})`;
    case 'renameTable':
      return `op.renameTable(${s(op.from)}, ${s(op.to)})`;
    case 'addColumn':
      if (op.after === null) return `op.raw(${json(op)})`;
      return `op.addColumn(${s(op.table)}, ${s(op.column.name)}, ${columnSource(op.column)}${op.after ? `, { after: ${s(op.after)} }` : ''})`;
    case 'dropColumn':
      return `op.dropColumn(${s(op.table)}, ${s(op.column.name)})`;
    case 'alterColumn':
      return `op.alterColumn(${s(op.table)}, ${s(op.to.name)}, ${columnSource(op.to)})`;
    case 'renameColumn':
      return `op.renameColumn(${s(op.table)}, ${s(op.from)}, ${s(op.to)})`;
    case 'createIndex': {
      const { name, columns, unique, ...rest } = op.index;
      // createIndex() says name, columns and unique; an index with more (type, parts, …) is written whole.
      if (Object.values(rest).some((v) => v !== undefined)) return `op.raw(${json(op)})`;
      return `op.createIndex(${s(op.table)}, ${arr(columns)}, { name: ${s(name)}${unique ? ', unique: true' : ''} })`;
    }
    case 'dropIndex':
      return `op.dropIndex(${s(op.table)}, ${s(op.index.name)})`;
    case 'addForeignKey': {
      const fk = op.foreignKey;
      return `op.addForeignKey(${s(op.table)}, ${arr(fk.columns)}, { table: ${s(fk.refTable)}, columns: ${arr(fk.refColumns)} }, { name: ${s(fk.name)}, onDelete: ${s(fk.onDelete)}, onUpdate: ${s(fk.onUpdate)} })`;
    }
    case 'dropForeignKey':
      return `op.dropForeignKey(${s(op.table)}, ${s(op.foreignKey.name)})`;
    case 'object':
    case 'alterTable':
      return `op.raw(${JSON.stringify(op)})`;
    case 'sql':
      return `op.sql(${s(op.up)}${op.down === undefined && !op.destructive && op.landed === undefined ? '' : `, { ${[op.down === undefined ? '' : `down: ${s(op.down)}`, op.destructive ? 'destructive: true' : '', op.landed === undefined ? '' : `landed: ${s(op.landed)}`].filter(Boolean).join(', ')} }`})`;
    default: {
      const never: never = op;
      return never;
    }
  }
}

/** The source of a migration file. */
export function migrationSource(input: {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly up: readonly Operation[];
  readonly down: readonly Operation[];
  /** Import path of the migrate API from the migrations directory (type-only import). */
  readonly importPath: string;
  readonly header?: string;
}): string {
  const list = (xs: readonly Operation[]) =>
    xs.length === 0 ? '[]' : `[\n${xs.map((o) => `    ${opSource(o)},`).join('\n')}\n  ]`;
  return `import type { MigrationModule } from ${s(input.importPath)};

/**
 * ${input.message.replace(/\*\//g, '* /')}
${input.header ? ` *\n * ${input.header}\n` : ''} */
export default {
  id: ${s(input.id)},
  parents: ${arr(input.parents)},
  message: ${s(input.message)},
  up: (op) => ${list(input.up)},
  down: (op) => ${list(input.down)},
} satisfies MigrationModule;
`;
}
