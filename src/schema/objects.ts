/**
 * Views, triggers, stored procedures and functions as tracked schema objects. Their bodies are SQL that
 * carepool does not parse: each object keeps the CREATE statement the server itself prints (SHOW CREATE),
 * with the DEFINER clause and the qualifier of its own database taken out, so the same object read from
 * two databases or two servers of one flavor compares equal. Desired objects written by hand are
 * normalised the same way, by creating them in a workspace and reading them back.
 */

/** The kinds of tracked objects. */
export type ObjectKind = 'view' | 'trigger' | 'procedure' | 'function';

/** One view, trigger, procedure or function. */
export interface SchemaObject {
  readonly kind: ObjectKind;
  readonly name: string;
  /** Triggers: the table they belong to. */
  readonly table?: string;
  /**
   * The server's CREATE statement without `DEFINER=…` and without `` `own_database`. `` qualifiers, e.g.
   * ``CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select `t`.`id` AS `id` from `t` ``.
   */
  readonly create: string;
  /** The sql_mode the object was created under (triggers and routines run with it); views: ''. */
  readonly sqlMode: string;
  /** character_set_client / collation_connection recorded with the object, when the server has them. */
  readonly charset?: { readonly client: string; readonly collation: string };
  /** `user@host` as the server recorded it; never compared, rendered only when asked. */
  readonly definer?: string;
  /** Other views and functions of the schema this object reads (views: for dependency order). */
  readonly dependsOn?: readonly string[];
  /** Set when the object could not be read faithfully: no DDL is ever generated for it. */
  readonly unsupported?: string;
  /**
   * Triggers read from a server: their timing and event (`BEFORE INSERT`) and their place among the table's
   * triggers of that timing and event (the server's ACTION_ORDER, from 1; several triggers of one slot run
   * in that order, set by FOLLOWS/PRECEDES or by creation order). Absent elsewhere (models): then the order
   * is not compared.
   */
  readonly slot?: string;
  readonly position?: number;
}

/** A stable key for an object: kind and name (MySQL keeps one namespace per kind). */
export function objectKey(o: Pick<SchemaObject, 'kind' | 'name'>): string {
  return `${o.kind}:${o.name}`;
}

/** Options of {@link view}. */
export interface ViewOptions {
  readonly algorithm?: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE';
  readonly security?: 'DEFINER' | 'INVOKER';
  readonly checkOption?: 'CASCADED' | 'LOCAL';
}

const q = (name: string) => `\`${name.replaceAll('`', '``')}\``;

/**
 * A view for a models module: `view('v_active', 'SELECT id FROM patients WHERE is_deceased = 0')`. The text
 * is what you write; carepool normalises it on a server (a workspace) before comparing, so it matches the
 * server's own spelling of the same view.
 */
export function view(name: string, select: string, options: ViewOptions = {}): SchemaObject {
  const create = [
    'CREATE',
    options.algorithm ? `ALGORITHM=${options.algorithm}` : '',
    options.security ? `SQL SECURITY ${options.security}` : '',
    `VIEW ${q(name)} AS ${select}`,
    options.checkOption ? `WITH ${options.checkOption} CHECK OPTION` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { kind: 'view', name, create, sqlMode: '' };
}

/**
 * A trigger for a models module. `body` is one statement or a `BEGIN … END` block; `sqlMode` is the mode it
 * is created (and runs) under (default: the server's).
 */
export function trigger(
  name: string,
  spec: {
    readonly table: string;
    readonly timing: 'BEFORE' | 'AFTER';
    readonly event: 'INSERT' | 'UPDATE' | 'DELETE';
    readonly body: string;
    readonly sqlMode?: string;
  },
): SchemaObject {
  return {
    kind: 'trigger',
    name,
    table: spec.table,
    create: `CREATE TRIGGER ${q(name)} ${spec.timing} ${spec.event} ON ${q(spec.table)} FOR EACH ROW ${spec.body}`,
    sqlMode: spec.sqlMode ?? SERVER_SQL_MODE,
  };
}

/**
 * A stored procedure or function for a models module: `definition` is everything after the name, e.g.
 * `'(x INT) RETURNS INT DETERMINISTIC RETURN x * 2'`.
 */
export function routine(
  kind: 'procedure' | 'function',
  name: string,
  definition: string,
  options: { readonly sqlMode?: string } = {},
): SchemaObject {
  return {
    kind,
    name,
    create: `CREATE ${kind.toUpperCase()} ${q(name)}${definition}`,
    sqlMode: options.sqlMode ?? SERVER_SQL_MODE,
  };
}

/** sqlMode of a model object that takes the server's default mode (resolved when normalised on a server). */
export const SERVER_SQL_MODE = '@@GLOBAL';
