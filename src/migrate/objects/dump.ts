import { excludeNames } from '../sources/exclude.js';
import { AppError } from '../../errors/index.js';
import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import type { Schema, Table } from '../../schema/index.js';
import type { SchemaObject } from '../../schema/objects.js';
import { diffSchemas } from '../diff/diff-schemas.js';
import { introspectSchema } from '../introspect/index.js';
import { EMPTY_SCHEMA } from '../ops/apply-ops.js';
import { renderOps } from '../render/render-op.js';
import { type ServerInfo, serverLabel } from '../server.js';
import { EVENTS_NOT_MODELLED, hiddenKindsName } from './introspect.js';
import { creationOrder } from './normalize.js';
import { quoteName } from './quote.js';
import { createSql } from './render.js';
import { scriptStatement } from './session.js';

/** Options of the dump functions. */
export interface DumpOptions {
  /** What was dumped, for the header (`target azure`, `models`, `schema/*.sql`). */
  readonly source: string;
  /** Render each object's recorded DEFINER (off: objects belong to whoever loads the dump). */
  readonly definer?: boolean;
  /** Told what the dump leaves out and why (e.g. routines the user cannot see); also a comment in the dump. */
  readonly onNote?: (message: string) => void;
  /** `--exclude`: tables and objects left out of a live database's dump (see excludeNames). */
  readonly exclude?: readonly RegExp[];
}

/**
 * Tables in an order where every referenced table comes first; `late` holds the FKs of reference cycles,
 * which are added by ALTER TABLE once every table exists (self-references stay inline).
 */
export function foreignKeyOrder(tables: readonly Table[]): { order: Table[]; late: Map<string, string[]> } {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const order: Table[] = [];
  const late = new Map<string, string[]>();
  const visit = (t: Table, path: Set<string>) => {
    if (done.has(t.name)) return;
    path.add(t.name);
    for (const fk of t.foreignKeys) {
      const ref = byName.get(fk.refTable);
      if (!ref || ref.name === t.name || done.has(ref.name)) continue;
      if (path.has(ref.name)) late.set(t.name, [...(late.get(t.name) ?? []), fk.name]);
      else visit(ref, path);
    }
    path.delete(t.name);
    done.add(t.name);
    order.push(t);
  };
  for (const t of [...tables].sort((a, b) => (a.name < b.name ? -1 : 1))) visit(t, new Set());
  return { order, late };
}

const header = (options: DumpOptions, server: ServerInfo | undefined) => [
  `-- carepool schema dump of ${options.source}${server ? ` (${serverLabel(server)})` : ''}`,
  '-- load with: mysql DB < this-file   (or carepool schema diff this-file TARGET)',
  'SET NAMES utf8mb4;',
  '',
];

/**
 * Closing comments (and notes) naming what the dump could not include: object kinds the user cannot list,
 * and events (not modelled).
 */
function notIncluded(schema: Schema, options: DumpOptions): string[] {
  const lines = [
    ...(schema.hiddenObjects
      ? [`NOT included: ${hiddenKindsName(schema.hiddenObjects)}: ${schema.hiddenObjects.reason}`]
      : []),
    ...(schema.events ?? []).map((name) => `NOT included: event ${name}: ${EVENTS_NOT_MODELLED}`),
  ];
  for (const line of lines) options.onNote?.(line);
  return lines.length === 0 ? [] : ['', ...lines.map((line) => `-- ${line}`)];
}

/**
 * Object statements (creation order) as script text, with their sql_mode, charset and delimiters. An object
 * that could not be read (e.g. a routine whose body the user may not see) gets a `-- NOT included` line and
 * a note instead of a statement: the dump never pretends to hold it.
 */
function objectScript(objects: readonly SchemaObject[], options: DumpOptions): string[] {
  return creationOrder(objects).map((o) => {
    if (o.unsupported) {
      const line = `NOT included: ${o.kind} ${o.name}: ${o.unsupported}`;
      options.onNote?.(line);
      return `-- ${line}`;
    }
    return scriptStatement({
      sql: createSql(o, { definer: options.definer ?? false }),
      op: { kind: 'object', action: 'create', object: o },
    });
  });
}

/**
 * A faithful, loadable dump of a live database (a target or a workspace holding a .sql source): each
 * table's own SHOW CREATE TABLE text (without the AUTO_INCREMENT counter), tables in FK-safe order with
 * cyclic FKs moved to trailing ALTERs, then functions, procedures, views in dependency order and triggers,
 * each under its sql_mode and character set, compound bodies in DELIMITER ;; blocks.
 */
export async function dumpDatabase(
  conn: SqlClient,
  database: string,
  server: ServerInfo | undefined,
  options: DumpOptions,
): Promise<string> {
  const schema = excludeNames(await introspectSchema(conn, database), options.exclude ?? []);
  const { order, late } = foreignKeyOrder(schema.tables);
  const out = header(options, server);
  const alters: string[] = [];
  const sequences: string[] = [];
  const tables: string[] = [];
  for (const t of order) {
    const { rows } = await conn.query<Record<string, string>>(
      sql.raw(`SHOW CREATE TABLE ${quoteName(database)}.${quoteName(t.name)}`),
    );
    const created = rows[0]?.['Create Table'] ?? '';
    if (SEQUENCE_TABLE.test(created)) {
      sequences.push(`${await showCreateSequence(conn, database, t.name)};`, '');
      continue;
    }
    let text = withRefSystemIds(ownSequences(created.replace(/ AUTO_INCREMENT=\d+/, ''), database), t);
    // Bytes that are not UTF-8 (a BINARY default) arrive as U+FFFD: the dump would load other bytes, or not at all.
    if (text.includes('\uFFFD'))
      throw new AppError(
        'CAREPOOL_SCHEMA_DUMP_NOT_TEXT',
        `table ${t.name}: its SHOW CREATE TABLE holds bytes that are not UTF-8 (${text
          .split('\n')
          .find((l) => l.includes('\uFFFD'))
          ?.trim()}), which a text dump cannot carry`,
        { meta: { table: t.name } },
      );
    for (const fk of late.get(t.name) ?? []) {
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.trimStart().startsWith(`CONSTRAINT ${quoteName(fk)} FOREIGN KEY`));
      if (at < 0) continue;
      const clause = (lines[at] as string).trim().replace(/,$/, '');
      lines.splice(at, 1);
      // The definition before it may now be the last one: no trailing comma before ")".
      const prev = lines[at - 1];
      if (prev !== undefined && lines[at]?.startsWith(')')) lines[at - 1] = prev.replace(/,$/, '');
      text = lines.join('\n');
      alters.push(`ALTER TABLE ${quoteName(t.name)} ADD ${clause};`);
    }
    tables.push(`${text};`, '');
  }
  // Sequences first: CREATE TABLE checks that a DEFAULT NEXTVAL(seq) names an existing sequence.
  out.push(...sequences, ...tables);
  if (alters.length > 0) out.push('-- foreign keys of reference cycles', ...alters, '');
  out.push(...objectScript(schema.objects ?? [], options));
  out.push(...notIncluded(schema, options));
  return `${out.join('\n').trimEnd()}\n`;
}

/** SHOW CREATE TABLE of a MariaDB sequence: its columns and `SEQUENCE=1`, without its definition. */
const SEQUENCE_TABLE = /\bSEQUENCE=1\s*$/;

/**
 * A MariaDB sequence's own definition (start, increment, bounds, cache, cycle), which SHOW CREATE TABLE
 * leaves out: loading that text makes a sequence starting at 1. Its next value is data (like an
 * AUTO_INCREMENT counter) and is not dumped.
 */
async function showCreateSequence(conn: SqlClient, database: string, name: string): Promise<string> {
  const { rows } = await conn.query<Record<string, string>>(
    sql.raw(`SHOW CREATE SEQUENCE ${quoteName(database)}.${quoteName(name)}`),
  );
  return rows[0]?.['Create Table'] ?? '';
}

/**
 * MariaDB writes the database into a sequence default (DEFAULT nextval(clinic.seq), back-quoted): a dump
 * loaded into another database would draw from the old one (or fail to load). The dumped database's own
 * name is left out, so the default names the sequence of whichever database loads it.
 */
function ownSequences(text: string, database: string): string {
  const qualifier = `${quoteName(database)}.`;
  return text.replace(/\b(nextval|lastval)\((`(?:[^`]|``)+`)\.(?=`)/gi, (all, fn: string, db: string) =>
    `${db}.` === qualifier ? `${fn}(` : all,
  );
}

/**
 * MariaDB keeps a spatial column's SRID but SHOW CREATE TABLE does not print it (MySQL prints
 * `/*!80003 SRID n *\/`): put `REF_SYSTEM_ID=n` back after the type, from the introspected model
 * (information_schema.GEOMETRY_COLUMNS), so the dump loads with the SRID.
 */
function withRefSystemIds(text: string, table: Table): string {
  let out = text;
  for (const c of table.columns) {
    const srid = 'srid' in c.type ? c.type.srid : undefined;
    if (srid === undefined) continue;
    const head = `  ${quoteName(c.name)} `;
    out = out
      .split('\n')
      .map((line) =>
        line.startsWith(head) && !/ (REF_SYSTEM_ID=|\/\*!80003 SRID )/.test(line)
          ? line.replace(/^(\s*`(?:[^`]|``)+` \w+)/, `$1 REF_SYSTEM_ID=${srid}`)
          : line,
      )
      .join('\n');
  }
  return out;
}

/**
 * A dump of a schema given as a model (`models`, `chain`): the statements that create it from nothing,
 * rendered for `server` (FK-safe order, cyclic FKs added afterwards), then its objects.
 */
export function dumpModel(schema: Schema, server: ServerInfo, options: DumpOptions): string {
  const tablesOnly: Schema = { tables: schema.tables };
  const statements = renderOps(diffSchemas(EMPTY_SCHEMA, tablesOnly), server, EMPTY_SCHEMA).statements;
  const out = header(options, server);
  for (const st of statements) out.push(`${st.sql};`, '');
  out.push(...objectScript(schema.objects ?? [], options));
  out.push(...notIncluded(schema, options));
  return `${out.join('\n').trimEnd()}\n`;
}
