import type { Column, ColumnType, Table } from '../../schema/index.js';
import type { Operation } from '../ops/operation.js';

/** A single-quoted TypeScript string literal. */
const s = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const arr = (xs: readonly string[]): string => `[${xs.map(s).join(', ')}]`;
const json = (v: unknown): string => JSON.stringify(v);

function baseType(type: ColumnType, autoIncrement: boolean): string | null {
  switch (type.kind) {
    case 'int':
      if (type.unsigned) return null;
      return autoIncrement ? 'op.t.id()' : 'op.t.int()';
    case 'bigint':
    case 'smallint':
      return type.unsigned || autoIncrement ? null : `op.t.${type.kind}()`;
    case 'boolean':
    case 'text':
    case 'date':
      return autoIncrement ? null : `op.t.${type.kind}()`;
    case 'decimal':
      return `op.t.decimal(${type.precision}, ${type.scale})`;
    case 'varchar':
    case 'char':
      return `op.t.${type.kind}(${type.length})`;
    case 'datetime':
    case 'timestamp':
      return `op.t.${type.kind}(${type.fsp ?? ''})`;
    case 'enum':
      return `op.t.enum(${type.values.map(s).join(', ')})`;
    default:
      return null;
  }
}

/** A column as builder calls (`op.nullable(op.t.varchar(15))`), or `op.column({...})` when builders cannot say it. */
export function columnSource(c: Column): string {
  const base = baseType(c.type, Boolean(c.autoIncrement));
  const idLike = c.type.kind === 'int' && c.autoIncrement && !c.nullable;
  if (base === null || c.onUpdate || c.comment || (c.autoIncrement && !idLike)) {
    const { name: _name, ...spec } = c;
    return `op.column(${json(spec)})`;
  }
  let out = base;
  if (c.nullable) out = `op.nullable(${out})`;
  if (c.default?.kind === 'literal') out = `op.withDefault(${out}, ${json(c.default.value)})`;
  if (c.default?.kind === 'expression') out = `op.withDefaultSql(${out}, ${s(c.default.sql)})`;
  return out;
}

function tableSource(t: Table, indent: string): string {
  const cols = t.columns
    .map((c) => `${indent}    ${/^[A-Za-z_$][\w$]*$/.test(c.name) ? c.name : s(c.name)}: ${columnSource(c)},`)
    .join('\n');
  const autoPk = t.columns.filter((c) => c.autoIncrement).map((c) => c.name);
  const opts: string[] = [];
  if (json(autoPk) !== json(t.primaryKey)) opts.push(`primaryKey: ${arr(t.primaryKey)}`);
  if (t.indexes.length > 0) {
    opts.push(
      `indexes: [${t.indexes.map((ix) => `{ name: ${s(ix.name)}, columns: ${arr(ix.columns)}${ix.unique ? ', unique: true' : ''} }`).join(', ')}]`,
    );
  }
  if (t.foreignKeys.length > 0) {
    const fks = t.foreignKeys.map(
      (fk) =>
        `{ name: ${s(fk.name)}, columns: ${arr(fk.columns)}, references: { table: ${s(fk.refTable)}, columns: ${arr(fk.refColumns)} }, onDelete: ${s(fk.onDelete)}, onUpdate: ${s(fk.onUpdate)} }`,
    );
    opts.push(`foreignKeys: [${fks.join(', ')}]`);
  }
  if (t.comment) opts.push(`comment: ${s(t.comment)}`);
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
    case 'createIndex':
      return `op.createIndex(${s(op.table)}, ${arr(op.index.columns)}, { name: ${s(op.index.name)}${op.index.unique ? ', unique: true' : ''} })`;
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
