import { renderObjectOp } from '../objects/render.js';
import type { Check, Column, Schema, StorageOptions } from '../../schema/index.js';
import { applyOp } from '../ops/apply-ops.js';
import { invertOp } from '../ops/invert.js';
import type { Operation, TableAttributes } from '../ops/operation.js';
import type { ServerInfo } from '../server.js';
import { classifyOp, type OnlineDdl } from './online-ddl.js';
import {
  cols,
  indexKeyword,
  indexParts,
  indexTail,
  q,
  renderCheckClause,
  renderColumn,
  renderDefault,
  renderForeignKeyClause,
  renderIndexClause,
  renderTableOptions,
} from './render-column.js';

/** One SQL statement of a migration, ready to run on one server, with what undoes it. */
export interface Statement {
  /** The statement, without a trailing semicolon. */
  readonly sql: string;
  /** The statement that undoes it, or null (raw SQL without `down`). */
  readonly inverse: string | null;
  /** The operation it came from. */
  readonly op: Operation;
  readonly online: OnlineDdl;
}

const alter = (table: string, body: string, online: OnlineDdl): string =>
  `ALTER TABLE ${q(table)} ${body}${online.clause ? `, ${online.clause}` : ''}`;

/** The SQL of one operation on `server`. `before` is the schema it applies to (for classification). */
export function renderOpSql(
  op: Operation,
  server: ServerInfo,
  before?: Schema,
): { sql: string; online: OnlineDdl } {
  const online = classifyOp(op, server, before);
  const sql = (() => {
    switch (op.kind) {
      case 'createTable': {
        const t = op.table;
        const lines = [
          ...t.columns.map((c) => renderColumn(c, server)),
          ...(t.primaryKey.length > 0 ? [`PRIMARY KEY ${cols(t.primaryKey)}`] : []),
          ...t.indexes.map((ix) => renderIndexClause(ix, server)),
          ...t.foreignKeys.map(renderForeignKeyClause),
          ...(t.checks ?? []).map((ck) => renderCheckClause(ck, server)),
        ];
        // Without an opinion in the model: InnoDB and utf8mb4 with the server's default collation.
        const options = renderTableOptions({
          options: { engine: 'InnoDB', charset: 'utf8mb4', ...t.options },
          ...(t.comment ? { comment: t.comment } : {}),
        });
        return `CREATE TABLE ${q(t.name)} (\n  ${lines.join(',\n  ')}\n) ${options.join(' ')}`;
      }
      case 'dropTable':
        return `DROP TABLE ${q(op.table.name)}`;
      case 'renameTable':
        return `RENAME TABLE ${q(op.from)} TO ${q(op.to)}`;
      case 'addColumn':
        return alter(op.table, `ADD COLUMN ${renderColumn(op.column, server)}${position(op.after)}`, online);
      case 'dropColumn':
        return alter(op.table, `DROP COLUMN ${q(op.column.name)}`, online);
      case 'alterColumn': {
        const { from, to } = op;
        const defaultOnly =
          online.algorithm === 'INSTANT' && JSON.stringify(from.type) === JSON.stringify(to.type);
        if (defaultOnly) {
          const body = to.default === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${renderDefault(to.default)}`;
          return alter(op.table, `ALTER COLUMN ${q(to.name)} ${body}`, online);
        }
        if (from.generated && to.generated && from.generated.stored !== to.generated.stored)
          return alter(op.table, regenerate(op.table, to, server, before), online);
        return alter(op.table, `MODIFY COLUMN ${renderColumn(to, server)}`, online);
      }
      case 'renameColumn':
        // RENAME COLUMN: MySQL 8.0+, MariaDB 10.5.2+ (carepool supports MariaDB >= 10.6).
        return alter(op.table, `RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`, online);
      case 'createIndex':
        return alter(
          op.table,
          `ADD ${indexKeyword(op.index)} ${q(op.index.name)} ${indexParts(op.index)}${indexTail(op.index, server)}`,
          online,
        );
      case 'dropIndex':
        return alter(op.table, `DROP INDEX ${q(op.index.name)}`, online);
      case 'addForeignKey':
        return alter(op.table, `ADD ${renderForeignKeyClause(op.foreignKey)}`, online);
      case 'dropForeignKey': {
        // The index InnoDB made for the FK outlives DROP FOREIGN KEY; drop it in the same statement.
        const index = op.implicitIndex ? `, DROP INDEX ${q(op.foreignKey.name)}` : '';
        return alter(op.table, `DROP FOREIGN KEY ${q(op.foreignKey.name)}${index}`, online);
      }
      case 'object':
        return renderObjectOp(op);
      case 'alterTable':
        return alter(op.table, alterTableBody(op.from, op.to, server), online);
      case 'sql':
        return op.up.trim().replace(/;\s*$/, '');
      default: {
        const never: never = op;
        return never;
      }
    }
  })();
  return { sql, online };
}

/** The clauses of an `alterTable` operation: CHECK drops and adds, then the changed options and comment. */
function alterTableBody(from: TableAttributes, to: TableAttributes, server: ServerInfo): string {
  const clauses: string[] = [];
  const before = new Map((from.checks ?? []).map((c) => [c.name, c]));
  const after = new Map((to.checks ?? []).map((c) => [c.name, c]));
  const same = (a: Check, b: Check | undefined) => b !== undefined && JSON.stringify(a) === JSON.stringify(b);
  // DROP CONSTRAINT: MariaDB 10.2+ and MySQL 8.0.19+ (DROP CHECK on MySQL 8.0.16+).
  for (const c of from.checks ?? [])
    if (!same(c, after.get(c.name))) clauses.push(`DROP CONSTRAINT ${q(c.name)}`);
  for (const c of to.checks ?? [])
    if (!same(c, before.get(c.name))) clauses.push(`ADD ${renderCheckClause(c, server)}`);
  const changed: Mutable<StorageOptions> = {};
  // Options are rendered only against known ones: a model without options has no opinion.
  const f = from.options ?? {};
  const o = from.options === undefined ? {} : (to.options ?? {});
  if (o.engine !== undefined && o.engine !== f.engine) changed.engine = o.engine;
  if (o.collation !== undefined && o.collation !== f.collation) {
    changed.charset = o.charset ?? o.collation.split('_')[0] ?? o.collation;
    changed.collation = o.collation;
  } else if (o.charset !== undefined && o.charset !== f.charset) changed.charset = o.charset;
  if (o.createOptions !== undefined && JSON.stringify(o.createOptions) !== JSON.stringify(f.createOptions))
    changed.createOptions = o.createOptions;
  const comment = (to.comment ?? '') !== (from.comment ?? '') ? { comment: to.comment ?? '' } : {};
  clauses.push(...renderTableOptions({ options: changed, ...comment }));
  return clauses.join(', ');
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * VIRTUAL <-> STORED cannot be MODIFYed (MariaDB error 1907, MySQL 3106): the column is dropped and added
 * back in one ALTER at the same position (its values are computed, so nothing is lost); the indexes that
 * hold it (which DROP COLUMN would shrink or drop) are dropped and added back in the same statement.
 */
function regenerate(table: string, to: Column, server: ServerInfo, before: Schema | undefined): string {
  const t = before?.tables.find((x) => x.name === table);
  const at = t?.columns.findIndex((c) => c.name === to.name) ?? -1;
  const after = at < 0 ? undefined : at === 0 ? null : (t?.columns[at - 1]?.name ?? undefined);
  const indexes = (t?.indexes ?? []).filter((ix) => ix.columns.includes(to.name));
  return [
    ...indexes.map((ix) => `DROP INDEX ${q(ix.name)}`),
    `DROP COLUMN ${q(to.name)}`,
    `ADD COLUMN ${renderColumn(to, server)}${position(after)}`,
    ...indexes.map((ix) => `ADD ${renderIndexClause(ix, server)}`),
  ].join(', ');
}

const position = (after: string | null | undefined): string =>
  after === undefined ? '' : after === null ? ' FIRST' : ` AFTER ${q(after)}`;

/**
 * Renders operations for one server, each with its inverse rendered against the schema it produces, and
 * returns the schema after them (pure: the same input always gives the same SQL, which is what makes
 * `--sql` equal to what `up` runs).
 */
export function renderOps(
  ops: readonly Operation[],
  server: ServerInfo,
  before: Schema,
): { statements: Statement[]; schema: Schema } {
  let schema = before;
  const statements: Statement[] = [];
  for (const op of ops) {
    const { sql, online } = renderOpSql(op, server, schema);
    const after = applyOp(schema, op);
    const inverseOp = invertOp(op);
    const inverse = inverseOp === null ? null : renderOpSql(inverseOp, server, after).sql;
    statements.push({ sql, inverse, op, online });
    schema = after;
  }
  return { statements, schema };
}
