import { type SchemaObject, SERVER_SQL_MODE } from '../../schema/objects.js';
import { quoteName } from './quote.js';
import { definerClause } from './normalize.js';
import type { ObjectOperation } from './operation.js';

/** Options of {@link createSql}. */
export interface CreateOptions {
  /** Render the recorded DEFINER (off by default: the object then belongs to whoever creates it). */
  readonly definer?: boolean;
  /** CREATE OR REPLACE (views). */
  readonly replace?: boolean;
}

/** The object's CREATE statement (one statement, no delimiter). */
export function createSql(o: SchemaObject, options: CreateOptions = {}): string {
  let text = o.create;
  if (options.definer && o.definer) {
    const clause = definerClause(o.definer);
    text =
      o.kind === 'view' && /\sSQL SECURITY\s/i.test(text)
        ? text.replace(/\sSQL SECURITY\s/i, (m) => ` ${clause}${m}`)
        : text.replace(/^CREATE\s/i, `CREATE ${clause} `);
  }
  if (options.replace) text = text.replace(/^CREATE\s/i, 'CREATE OR REPLACE ');
  return text;
}

/** DROP … IF EXISTS (idempotent, so a resumed run can repeat it safely). */
export function dropSql(o: Pick<SchemaObject, 'kind' | 'name'>): string {
  return `DROP ${o.kind.toUpperCase()} IF EXISTS ${quoteName(o.name)}`;
}

/** The one statement an {@link ObjectOperation} runs. */
export function renderObjectOp(op: ObjectOperation): string {
  if (op.action === 'drop') return dropSql(op.object);
  return createSql(op.object, { replace: op.action === 'replace' });
}

/**
 * The sql_mode and character set an object must be created under (triggers and routines keep the
 * session's sql_mode; every object keeps character_set_client), or null for a drop.
 */
export function objectSession(
  op: ObjectOperation,
): { sqlMode: string | null; charset: SchemaObject['charset'] } | null {
  if (op.action === 'drop') return null;
  const mode = op.object.sqlMode;
  // Views store no sql_mode; a model object declared without one takes the session's (the server's).
  return {
    sqlMode: op.object.kind === 'view' || mode === SERVER_SQL_MODE ? null : mode,
    charset: op.object.charset,
  };
}
