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
}

/** A stable key for an object: kind and name (MySQL keeps one namespace per kind). */
export function objectKey(o: Pick<SchemaObject, 'kind' | 'name'>): string {
  return `${o.kind}:${o.name}`;
}
