import type { SqlClient } from '../../db/client.js';
import type { SingleConnection } from '../../db/connect.js';
import { type SqlQuery, sql } from '../../db/sql.js';
import { type Schema, SPATIAL_KINDS } from '../../schema/index.js';
import { hiddenRoutines, readObjects } from '../objects/introspect.js';
import { parseServer } from '../server.js';
import { catalogQueries } from './catalog-queries.js';
import { type NormalizeOptions, normalizeCatalog } from './normalize.js';
import type {
  RawCatalog,
  RawCheck,
  RawColumn,
  RawForeignKeyPart,
  RawIndexPart,
  RawTable,
} from './raw-catalog.js';

export { BOOKKEEPING_TABLES, type NormalizeOptions, normalizeCatalog, toDefault } from './normalize.js';
export { parseColumnType } from './parse-type.js';
export type {
  RawCatalog,
  RawCheck,
  RawColumn,
  RawForeignKeyPart,
  RawIndexPart,
  RawTable,
} from './raw-catalog.js';

/** One row of information_schema.REFERENTIAL_CONSTRAINTS: the rules of one foreign key. */
interface RawRule {
  readonly table_name: string;
  readonly constraint_name: string;
  readonly update_rule: string;
  readonly delete_rule: string;
}

/**
 * A connection that answers several statements in one round trip: a {@link SingleConnection} opened with
 * `multipleStatements` has `queryBatch`.
 */
export type BatchClient = Required<Pick<SingleConnection, 'queryBatch'>>;

const canBatch = (c: unknown): c is BatchClient =>
  typeof (c as Partial<BatchClient> | undefined)?.queryBatch === 'function';

/**
 * Statements per round trip: a query text must fit the server's max_allowed_packet (16 MiB by default on
 * MariaDB 10.11, 64 MiB on MySQL 8; at least 1 MiB anywhere), and a SHOW CREATE statement is ~60-200 bytes.
 */
const BATCH_SIZE = 1000;

/** `queries` in batches of {@link BATCH_SIZE}, one after another: each statement's rows, in order. */
export async function inBatches<Row>(batch: BatchClient, queries: readonly SqlQuery[]): Promise<Row[][]> {
  const out: Row[][] = [];
  for (let i = 0; i < queries.length; i += BATCH_SIZE)
    out.push(...(await batch.queryBatch<Row>(queries.slice(i, i + BATCH_SIZE))));
  return out;
}

/** The rows of answer `i` of a batch, as the shape its statement selects. */
const rowsOf = <T>(sets: readonly (readonly unknown[])[], i: number): T[] => (sets[i] ?? []) as T[];

/**
 * Reads one database's catalog in batched information_schema queries however many tables it has: the
 * server version, tables, FK columns and FK rules; columns, index parts and CHECKs (their columns differ
 * by flavour); and each table's SHOW CREATE TABLE, kept for the fidelity check (the model rendered back
 * must equal it). The statements are in ./catalog-queries.ts.
 *
 * How they travel depends on the client. A client with `queryBatch` (a dedicated connection opened with
 * `multipleStatements`) gets them in two round trips, the SHOW CREATEs in the second. Otherwise they are
 * issued together (over a pool on parallel connections, over one connection queued), each SHOW CREATE
 * on its own as soon as the table list is in, unless `options.batch` is given: then those go in one round
 * trip there. One round trip per table was most of a 200-table read (9 of 19 ms over a pool of 20, 19 ms
 * on one connection; 4 ms in one batch: docs/benchmarks.md, migrate section). Where a pool exists, the
 * pool plus `batch` is the faster of the two (at load ~2.5: 29 ms against 36 ms all on the connection):
 * over a pool the server runs the information_schema queries on parallel threads.
 */
export async function readCatalog(
  client: SqlClient,
  database: string,
  options: {
    /** VERSION() and @@version_comment when the caller read them already (a workspace did): not asked again. */
    readonly server?: RawCatalog['server'];
    /** A connection to the same server for the SHOW CREATE statements, in one round trip. */
    readonly batch?: BatchClient;
    /**
     * With a batching `client`: a second batching connection to the same server (same user), which
     * reads half of the catalog while `client` reads the other (see {@link readSplit}).
     */
    readonly second?: SqlClient & BatchClient;
  } = {},
): Promise<RawCatalog> {
  if (canBatch(client) && options.second) return readSplit(client, options.second, database, options.server);
  if (canBatch(client)) return readBatched(client, client, database, options.server);
  const q = catalogQueries;
  // The queries that read the same on both flavours start at once, beside the version query; only the
  // COLUMNS, STATISTICS and CHECK queries wait for the flavour (their columns differ).
  const known = options.server;
  const serverQuery = known
    ? Promise.resolve({ rows: [known] })
    : client.query<{ version: string; comment: string }>(q.version());
  const tablesQuery = client.query<RawTable>(q.tables(database));
  const shown = tablesQuery.then((tables) => showCreates(options.batch ?? client, database, tables.rows));
  const fkQuery = client.query<Omit<RawForeignKeyPart, 'update_rule' | 'delete_rule'>>(q.fkColumns(database));
  const rulesQuery = client.query<RawRule>(q.fkRules(database));
  // Awaited below; a failure there must not also surface as an unhandled rejection.
  for (const p of [shown, tablesQuery, fkQuery, rulesQuery]) p.catch(() => undefined);
  const server = (await serverQuery).rows[0] ?? { version: '', comment: '' };
  const mariadb = isMariaDb(server);
  const [tables, columns, indexes, fkColumns, rules, checks] = await Promise.all([
    tablesQuery,
    client.query<RawColumn>(q.columns(database, mariadb)),
    client.query<RawIndexPart>(q.indexes(database, mariadb)),
    fkQuery,
    rulesQuery,
    client.query<RawCheck>(q.checks(database, mariadb)),
  ]);
  return {
    server,
    tables: tables.rows,
    columns: mariadb ? await withMariaDbSrids(client, database, columns.rows) : columns.rows,
    indexes: indexes.rows,
    foreignKeys: joinRules(fkColumns.rows, rules.rows),
    checks: checks.rows,
    createStatements: await shown,
  };
}

const isMariaDb = (server: RawCatalog['server']) =>
  parseServer(server.version, server.comment)?.flavor === 'mariadb';

/** SHOW CREATE TABLE of each table, by name: in one round trip on a batch client, else one query each. */
async function showCreates(
  client: SqlClient | BatchClient,
  database: string,
  tables: readonly RawTable[],
): Promise<Record<string, string>> {
  const queries = tables.map((t) => catalogQueries.showCreate(database, t.table_name));
  const sets = canBatch(client)
    ? await inBatches<Record<string, string>>(client, queries)
    : await Promise.all(
        queries.map(async (query) => (await client.query<Record<string, string>>(query)).rows),
      );
  const out: Record<string, string> = {};
  tables.forEach((t, i) => {
    const row = sets[i]?.[0];
    if (row) out[t.table_name] = row['Create Table'] ?? '';
  });
  return out;
}

/**
 * {@link readCatalog} on a connection that batches: the version (unless known), tables and FK parts in
 * one round trip, then the flavour's columns, index parts and CHECKs with every table's SHOW CREATE in a
 * second (when the version is known, those three ride in the first).
 */
async function readBatched(
  client: SqlClient,
  batch: BatchClient,
  database: string,
  known: RawCatalog['server'] | undefined,
): Promise<RawCatalog> {
  const q = catalogQueries;
  const byFlavour = (mariadb: boolean) => [
    q.columns(database, mariadb),
    q.indexes(database, mariadb),
    q.checks(database, mariadb),
  ];
  const first = [
    ...(known ? [] : [q.version()]),
    q.tables(database),
    q.fkColumns(database),
    q.fkRules(database),
    ...(known ? byFlavour(isMariaDb(known)) : []),
  ];
  const one = await batch.queryBatch(first);
  const server = known ??
    (one.shift()?.[0] as RawCatalog['server'] | undefined) ?? { version: '', comment: '' };
  const mariadb = isMariaDb(server);
  const tables = rowsOf<RawTable>(one, 0);
  const shows = tables.map((t) => q.showCreate(database, t.table_name));
  const two = await inBatches<Record<string, unknown>>(batch, [
    ...(known ? [] : byFlavour(mariadb)),
    ...shows,
  ]);
  // The flavour's three sets follow the FK parts in the first answer, or open the second.
  const flavoured = known ? one.slice(3) : two.splice(0, 3);
  const columns = rowsOf<RawColumn>(flavoured, 0);
  const createStatements: Record<string, string> = {};
  tables.forEach((t, i) => {
    const row = two[i]?.[0];
    if (row) createStatements[t.table_name] = String(row['Create Table'] ?? '');
  });
  return {
    server,
    tables,
    columns: mariadb ? await withMariaDbSrids(client, database, columns) : columns,
    indexes: rowsOf<RawIndexPart>(flavoured, 1),
    foreignKeys: joinRules(rowsOf(one, 1), rowsOf<RawRule>(one, 2)),
    checks: rowsOf<RawCheck>(flavoured, 2),
    createStatements,
  };
}

/**
 * {@link readCatalog} on two batching connections at once, two round trips each: the server runs each
 * connection's statements on its own thread, and a catalog read is server work the client only waits for
 * (on 200 tables the information_schema queries and the SHOW CREATEs are ~15 ms of it in one thread).
 * `a` reads the version, tables and FK parts, then the CHECKs and every SHOW CREATE TABLE; `b`, once `a`
 * has the version, the columns and index parts (the heaviest two), after whatever else the caller sent it
 * (the object listing of {@link introspectSchema}).
 */
async function readSplit(
  a: SqlClient & BatchClient,
  b: SqlClient & BatchClient,
  database: string,
  known: RawCatalog['server'] | undefined,
): Promise<RawCatalog> {
  const q = catalogQueries;
  // `b` asks no version of its own: `a`'s first answer has it, and `b` is busy meanwhile with what the
  // caller sent it first (the object listing), so its flavoured queries lose no time waiting.
  let versionOf: (server: RawCatalog['server']) => void = () => undefined;
  const version = known
    ? Promise.resolve(known)
    : new Promise<RawCatalog['server']>((resolve) => {
        versionOf = resolve;
      });
  const flavoured = version.then(async (server) => {
    const mariadb = isMariaDb(server);
    const sets = await b.queryBatch([q.columns(database, mariadb), q.indexes(database, mariadb)]);
    return { columns: rowsOf<RawColumn>(sets, 0), indexes: rowsOf<RawIndexPart>(sets, 1) };
  });
  flavoured.catch(() => undefined); // awaited below, after `a`'s reads (which may throw first)
  const one = await a.queryBatch([
    ...(known ? [] : [q.version()]),
    q.tables(database),
    q.fkColumns(database),
    q.fkRules(database),
  ]);
  const server = known ??
    (one.shift()?.[0] as RawCatalog['server'] | undefined) ?? { version: '', comment: '' };
  versionOf(server);
  const mariadb = isMariaDb(server);
  const tables = rowsOf<RawTable>(one, 0);
  const two = await inBatches<Record<string, unknown>>(a, [
    q.checks(database, mariadb),
    ...tables.map((t) => q.showCreate(database, t.table_name)),
  ]);
  const shown = two.slice(1);
  const createStatements: Record<string, string> = {};
  tables.forEach((t, i) => {
    const row = shown[i]?.[0];
    if (row) createStatements[t.table_name] = String(row['Create Table'] ?? '');
  });
  const { columns, indexes } = await flavoured;
  return {
    server,
    tables,
    columns: mariadb ? await withMariaDbSrids(a, database, columns) : columns,
    indexes,
    foreignKeys: joinRules(rowsOf(one, 1), rowsOf<RawRule>(one, 2)),
    checks: rowsOf<RawCheck>(two, 0),
    createStatements,
  };
}

const SPATIAL = new Set<string>(SPATIAL_KINDS);

/**
 * MariaDB keeps a spatial column's SRID (`REF_SYSTEM_ID=n`) but prints it neither in COLUMNS nor in SHOW
 * CREATE TABLE; information_schema.GEOMETRY_COLUMNS has it (0 = none). Read only when the schema has a
 * spatial column, so other schemas pay no extra query.
 */
async function withMariaDbSrids(
  client: SqlClient,
  database: string,
  columns: readonly RawColumn[],
): Promise<readonly RawColumn[]> {
  if (!columns.some((c) => SPATIAL.has(c.data_type.toLowerCase()))) return columns;
  const { rows } = await client.query<{ table_name: string; column_name: string; srid: number | string }>(sql`
    SELECT G_TABLE_NAME AS table_name, G_GEOMETRY_COLUMN AS column_name, SRID AS srid
    FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA = ${database} AND SRID <> 0`);
  if (rows.length === 0) return columns;
  const srid = new Map(rows.map((r) => [`${r.table_name}\u0000${r.column_name}`, Number(r.srid)]));
  return columns.map((c) => {
    const found = srid.get(`${c.table_name}\u0000${c.column_name}`);
    return found === undefined ? c : { ...c, srs_id: found };
  });
}

/**
 * KEY_COLUMN_USAGE rows of foreign keys with their constraint's rules (an inner join on table and
 * constraint name, as the server's join did: a column without its constraint row is left out).
 */
function joinRules(
  parts: readonly Omit<RawForeignKeyPart, 'update_rule' | 'delete_rule'>[],
  rules: readonly RawRule[],
): RawForeignKeyPart[] {
  const byKey = new Map<string, RawRule>();
  for (const r of rules) byKey.set(`${r.table_name}\u0000${r.constraint_name}`, r);
  const out: RawForeignKeyPart[] = [];
  for (const p of parts) {
    const r = byKey.get(`${p.table_name}\u0000${p.constraint_name}`);
    if (r) out.push({ ...p, update_rule: r.update_rule, delete_rule: r.delete_rule });
  }
  return out;
}

/**
 * The live schema of `database`, normalised so MySQL 8 and MariaDB read the same and compare equal to the
 * models when they mean the same. carepool's bookkeeping tables are left out.
 */
export async function introspectSchema(
  client: SqlClient,
  database: string,
  options: NormalizeOptions & {
    /** A second batching connection to the same server: the read is split over both (readCatalog). */
    readonly second?: SqlClient & BatchClient;
  } = {},
): Promise<Schema> {
  const { second, ...normalize } = options;
  // Views, triggers and routines (src/migrate/objects): one more information_schema query, SHOW CREATE each.
  // Whether routines may be hidden is asked beside the catalog read (only when none was listed).
  const objectsOn = second ?? client;
  // The normaliser runs as soon as the catalog is in, while the object queries may still be answered.
  const [schema, { objects, events, hidden }] = await Promise.all([
    readCatalog(client, database, second ? { second } : {}).then((c) => normalizeCatalog(c, normalize)),
    readObjects(objectsOn, database).then(async ({ objects, events }) => ({
      objects,
      events,
      hidden: objects.some((o) => o.kind === 'procedure' || o.kind === 'function')
        ? undefined
        : await hiddenRoutines(objectsOn, database),
    })),
  ]);
  return {
    ...schema,
    ...(objects.length > 0 ? { objects } : {}),
    ...(hidden ? { hiddenObjects: { kinds: ['procedure', 'function'] as const, reason: hidden } } : {}),
    ...(events.length > 0 ? { events } : {}),
  };
}
