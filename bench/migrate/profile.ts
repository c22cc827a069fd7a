/**
 * The "where the time goes" half of the migrate benchmark: each catalog query of readCatalog timed alone,
 * the foreign-key join it replaced, and the statements and connections each run costs a server. Measured
 * on every run, so the profile paragraph of docs/benchmarks.md never drifts from the code.
 */
import type { SqlClient } from '../../src/db/client.js';
import type { SingleConnection } from '../../src/db/connect.js';
import type { QueryResult } from '../../src/db/driver.js';
import { type SqlQuery, sql } from '../../src/db/sql.js';
import { readCatalog } from '../../src/migrate/index.js';
import type { BatchClient } from '../../src/migrate/introspect/index.js';
import { catalogQueries } from '../../src/migrate/introspect/catalog-queries.js';
import { median } from '../lib/measure.js';

/** One catalog query timed alone: median milliseconds and rows. */
export interface QueryTiming {
  readonly label: string;
  readonly ms: number;
  readonly rows: number;
}

/** What a SqlClient saw: each statement's label, time and rows. */
interface Seen {
  readonly label: string;
  readonly ms: number;
  readonly rows: number;
}

/** The information_schema table a catalog query reads (or its first words). */
function labelOf(text: string): string {
  return /information_schema\.(\w+)/i.exec(text)?.[1] ?? text.trim().split(/\s+/).slice(0, 2).join(' ');
}

/**
 * Runs readCatalog's statements one at a time on one connection, so each is timed alone (readCatalog issues
 * them together; over a pool they overlap, over one connection they queue).
 */
class SerialTimingClient implements SqlClient {
  readonly seen: Seen[] = [];
  readonly #inner: SqlClient;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(inner: SqlClient) {
    this.#inner = inner;
  }

  query<Row>(q: SqlQuery): Promise<QueryResult<Row>> {
    const run = this.#tail.then(async () => {
      const t0 = performance.now();
      const result = await this.#inner.query<Row>(q);
      this.seen.push({ label: labelOf(q.text), ms: performance.now() - t0, rows: result.rows.length });
      return result;
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  transaction<T>(): Promise<T> {
    return Promise.reject(new Error('not used by readCatalog'));
  }
}

/**
 * The foreign-key query readCatalog ran before issue 8: KEY_COLUMN_USAGE ⋈ REFERENTIAL_CONSTRAINTS on the
 * server (same rows as the two queries it runs now; test/migrate/introspect-live.test.ts checks that).
 */
const formerForeignKeyJoin = (database: string) => sql`
  SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name,
    k.ORDINAL_POSITION AS ordinal_position, k.REFERENCED_TABLE_NAME AS referenced_table_name,
    k.REFERENCED_COLUMN_NAME AS referenced_column_name, r.UPDATE_RULE AS update_rule, r.DELETE_RULE AS delete_rule
  FROM information_schema.KEY_COLUMN_USAGE k
  JOIN information_schema.REFERENTIAL_CONSTRAINTS r
    ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
  WHERE k.TABLE_SCHEMA = ${database} AND r.CONSTRAINT_SCHEMA = ${database} AND k.REFERENCED_TABLE_NAME IS NOT NULL
  ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/** How the catalog read travels: medians of whole readCatalog calls, interleaved (issue 16). */
export interface CatalogTransport {
  /** Over the pool, one SHOW CREATE per table (the read before issue 16). */
  readonly pool: number;
  /** Over the pool, the SHOW CREATEs in one round trip on a catalog connection opened on the clock. */
  readonly poolAndBatch: number;
  /** All on a catalog connection opened on the clock: two round trips. */
  readonly batched: number;
  /** Only the SHOW CREATE TABLE statements: one per table in sequence, and in one round trip. */
  readonly showCreateEach: number;
  readonly showCreateBatch: number;
}

/**
 * Each readCatalog query alone on `conn` (median of `rounds`; the SHOW CREATEs of a round summed), then
 * the former FK join the same way; and the read as a whole by transport, rounds interleaved: over `pool`
 * (one SHOW CREATE per table), and on a catalog connection from `openBatch` (two round trips).
 */
export async function profileCatalog(
  conn: SqlClient,
  database: string,
  rounds: number,
  transports: { readonly pool: SqlClient; readonly openBatch: () => Promise<SingleConnection> },
): Promise<{
  readonly queries: readonly QueryTiming[];
  readonly formerJoin: QueryTiming;
  readonly transport: CatalogTransport;
}> {
  const byLabel = new Map<string, Seen[]>();
  const join: Seen[] = [];
  const whole = { pool: [] as number[], poolAndBatch: [] as number[], batched: [] as number[] };
  const shows = { each: [] as number[], batch: [] as number[] };
  const batch = await transports.openBatch();
  try {
    for (let round = 0; round < rounds; round++) {
      const client = new SerialTimingClient(conn);
      const raw = await readCatalog(client, database);
      const perLabel = new Map<string, Seen>();
      for (const s of client.seen) {
        const had = perLabel.get(s.label);
        perLabel.set(s.label, had ? { ...s, ms: had.ms + s.ms, rows: had.rows + s.rows } : s);
      }
      for (const [label, s] of perLabel) byLabel.set(label, [...(byLabel.get(label) ?? []), s]);
      shows.each.push(client.seen.filter((s) => s.label === 'SHOW CREATE').reduce((n, s) => n + s.ms, 0));
      const t0 = performance.now();
      const { rows } = await conn.query(formerForeignKeyJoin(database));
      join.push({ label: 'former join', ms: performance.now() - t0, rows: rows.length });
      const t1 = performance.now();
      await batch.queryBatch?.(raw.tables.map((t) => catalogQueries.showCreate(database, t.table_name)));
      shows.batch.push(performance.now() - t1);
      const steps: [keyof typeof whole, () => Promise<unknown>][] = [
        ['pool', () => readCatalog(transports.pool, database)],
        [
          'poolAndBatch',
          async () => {
            const c = await transports.openBatch();
            await readCatalog(transports.pool, database, { batch: c as BatchClient }).finally(() =>
              c.close(),
            );
          },
        ],
        [
          'batched',
          async () => {
            const c = await transports.openBatch();
            await readCatalog(c, database).finally(() => c.close());
          },
        ],
      ];
      for (const [key, fn] of round % 2 ? steps.reverse() : steps) {
        const t = performance.now();
        await fn();
        whole[key].push(performance.now() - t);
      }
    }
  } finally {
    await batch.close();
  }
  const summary = (label: string, seen: readonly Seen[]): QueryTiming => ({
    label,
    ms: median(seen.map((s) => s.ms)),
    rows: seen[0]?.rows ?? 0,
  });
  return {
    queries: [...byLabel].map(([label, seen]) => summary(label, seen)),
    formerJoin: summary('KEY_COLUMN_USAGE ⋈ REFERENTIAL_CONSTRAINTS', join),
    transport: {
      pool: median(whole.pool),
      poolAndBatch: median(whole.poolAndBatch),
      batched: median(whole.batched),
      showCreateEach: median(shows.each),
      showCreateBatch: median(shows.batch),
    },
  };
}

/** Statements and connections a server received while `fn` ran (its own status query left out). */
export async function serverWork(
  admin: SqlClient,
  fn: () => Promise<unknown>,
): Promise<{ readonly statements: number; readonly connections: number }> {
  const read = async () => {
    const { rows } = await admin.query<{ name: string; value: string }>(
      sql`SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_STATUS
        WHERE VARIABLE_NAME IN ('QUESTIONS', 'CONNECTIONS')`,
    );
    const get = (n: string) => Number(rows.find((r) => r.name.toUpperCase() === n)?.value ?? 0);
    return { questions: get('QUESTIONS'), connections: get('CONNECTIONS') };
  };
  const before = await read();
  await fn();
  const after = await read();
  return {
    statements: after.questions - before.questions - 1,
    connections: after.connections - before.connections,
  };
}

/** Milliseconds for prose: one decimal under 10 ms. */
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));

/** The measured profile paragraph of the migrate section. */
export function profileText(p: {
  readonly tables: number;
  readonly catalog: Awaited<ReturnType<typeof profileCatalog>>;
  /** Medians of the autogenerate rounds: catalog read over the pool, normaliser, diff, client CPU. */
  readonly read: number;
  readonly normalize: number;
  readonly diff: number;
  readonly cpuMs: number;
  readonly chain: {
    readonly carepool: { readonly statements: number; readonly connections: number };
    readonly ddl: number;
    readonly alembic?: { readonly statements: number; readonly connections: number };
  };
}): string {
  const { queries, formerJoin, transport: tr } = p.catalog;
  const sum = queries.reduce((s, q) => s + q.ms, 0);
  const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;
  const list = queries
    .map((q) =>
      q.label === 'SHOW CREATE'
        ? `SHOW CREATE TABLE × ${q.rows} ${ms(q.ms)} ms`
        : `${q.label} ${ms(q.ms)} ms (${rows(q.rows)})`,
    )
    .join(', ');
  const checks = queries.some((q) => q.label === 'CHECK_CONSTRAINTS');
  const { carepool, alembic, ddl } = p.chain;
  return [
    `**Profile, measured this run.** Autogenerate on ${p.tables} tables: the catalog read (queries over the`,
    `pool, the SHOW CREATEs batched on a catalog connection) ${ms(p.read)} ms, the normaliser ${ms(p.normalize)} ms, the diff`,
    `${ms(p.diff)} ms; ${ms(p.cpuMs)} ms of client CPU in all. Each catalog query timed alone on one`,
    `connection (median of the rounds): ${list}; ${ms(sum)} ms in sequence.`,
    `The ${queries.find((q) => q.label === 'SHOW CREATE')?.rows ?? p.tables} SHOW CREATE TABLE statements (the fidelity check's input) take ${ms(tr.showCreateEach)} ms one per`,
    `round trip, ${ms(tr.showCreateBatch)} ms in one. The whole read, interleaved: over the pool of 20 with one SHOW CREATE`,
    `per table (the read before issue 16's batching) ${ms(tr.pool)} ms; over the pool with the SHOW CREATEs in one round`,
    `trip on a catalog connection opened for it (what autogenerate does here) ${ms(tr.poolAndBatch)} ms; everything on that`,
    `connection in two round trips ${ms(tr.batched)} ms (the server then runs the information_schema work in one thread).`,
    checks
      ? 'CHECK_CONSTRAINTS was read: a LONGTEXT column could be MariaDB JSON.'
      : 'CHECK_CONSTRAINTS was not read: no LONGTEXT column, so no MariaDB JSON column to recognise.',
    `The KEY_COLUMN_USAGE ⋈ REFERENTIAL_CONSTRAINTS join that read the foreign keys before issue 8 takes`,
    `${ms(formerJoin.ms)} ms alone (${rows(formerJoin.rows)}) where its two halves take`,
    `${ms(queries.filter((q) => /KEY_COLUMN_USAGE|REFERENTIAL/.test(q.label)).reduce((s, q) => s + q.ms, 0))} ms.`,
    `Chain up: each target's server counted ${carepool.statements} statements (Questions, COM_QUIT`,
    `included) on ${carepool.connections} connections per run, ${ddl} of them DDL; the rest are GET_LOCK, the`,
    'version, the history and journal reads, a lock check per revision, a journal row before each DDL and',
    'its outcome after (one upsert between two DDL), BEGIN/INSERT history/DELETE journal/COMMIT per',
    `revision and RELEASE_LOCK${
      alembic
        ? `. Alembic's upgrade counted ${alembic.statements} on ${alembic.connections} connection(s), its DDL included (indexes as separate CREATE INDEX).`
        : '.'
    }`,
  ].join('\n');
}

/**
 * Recorded once (issue 8, 2026-12-02) with /tmp harnesses that loaded src/migrate before (commit 3fcc72b)
 * and after side by side in one process, rounds interleaved with Alembic's. Not re-measured by each run:
 * the old code is not in the tree any more.
 */
export const BEFORE_AFTER = `**Profile: before/after (issue 8).** src/migrate before (3fcc72b) and after, loaded side by side in one
process against the same servers, rounds interleaved with Alembic's (ranges over 4 autogenerate runs of
15 rounds at load averages 7-10, and 2 chain runs of 41 rounds at 7-8, on the 2 cores):

| | before | after |
| --- | --- | --- |
| autogenerate, 200 tables: carepool | 42-53 ms | 28-44 ms (1.5-1.65x faster, per round) |
| … catalog / normalise / diff | 21-29 / 12-18 / 7-11 ms | 14-22 / 5-9 / 4-6 ms |
| … client CPU | 21-24 ms | 15-18 ms |
| … speedup vs Alembic (485-685 ms): medians / per round | 9.2-16.2x / 8.6-14.3x | **11.7-19.8x / 13.0-21.5x** |
| chain up, 2 targets ÷ Alembic: medians / per round | 0.90-1.10 / 0.98-1.19 | **0.82-1.06 / 0.87-0.96** |
| … before vs after alone (200 rounds, paired) | | 0.94 (down 0.93) |
| … statements per target per run (server's Questions, 2 COM_QUIT included) | 31 | 27 |
| … client CPU per run | 11-12 ms | 8 ms |

At load ~5 (two earlier runs, before the last two client-side changes) autogenerate went from 39-55 ms
to 18-25 ms, 9.1-12.8x to 20.4-27.1x.

- Causes found. (1) Server: the foreign-key query. MariaDB fills an information_schema table by opening
  the tables of every schema it cannot rule out; in the KEY_COLUMN_USAGE ⋈ REFERENTIAL_CONSTRAINTS join
  it loses the constant schema for REFERENTIAL_CONSTRAINTS (EXPLAIN: "Open_full_table; Scanned all
  databases", block-nested-loop join), so the join cost 8-29 ms on 200 tables while each half filtered by
  \`= database\` costs 1.1-2.5 ms. The \`r.CONSTRAINT_SCHEMA\` pin suggested earlier was already in the
  query; EXPLAIN shows it does not stop the scan (it saved ~5 %). The queries were already issued
  together over the pool, so a second connection was not the missing piece. TABLES read TABLE_ROWS
  (unused), which forces Open_full_table instead of reading definitions; every query sorted with ORDER BY
  though the normaliser sorts anyway; CHECK_CONSTRAINTS (Open_full_table) was read with no LONGTEXT
  column to explain. (2) Client: the normaliser filtered all 1,600 column rows (and 800 index rows) once
  per table, O(tables × rows); the diff serialised every column, index and FK of both sides with
  JSON.stringify and canonicalised the live schema three times. (3) Chain: per target two CREATE TABLE IF
  NOT EXISTS every run, the two connections opened one after the other, and two journal writes per DDL.
- Changes: FK columns and rules as two schema-filtered queries joined in the client; no TABLE_ROWS, no
  ORDER BY, CHECK_CONSTRAINTS only with a LONGTEXT column; rows grouped by table in one pass, each column
  type parsed once; a structural equality that falls back to JSON.stringify; canonical tables remembered.
  Chain: the lock and DDL connections opened together and the version read while GET_LOCK runs; the
  ledger read first and created only when missing; "statement k done" and "statement k+1 pending" in one
  INSERT … ON DUPLICATE KEY UPDATE. The lock, its check before each revision, a journal row before and
  its outcome after every statement, and the atomic history + journal-clear commit are unchanged.
- Why goal A sits at parity rather than clearly below: each target runs 4 DDL (CREATE TABLE 3-8 ms each,
  ADD COLUMN 3-11 ms under this load, about half the wall time) on servers that share these 2 cores with
  each other and with Alembic's, plus 21 other statements, nearly all of them the safety design (GET_LOCK,
  a lock check per revision, the journal, BEGIN/history/journal-clear/COMMIT per revision, RELEASE_LOCK).
  The server counts 24 for Alembic's run of the same chain (one connection), 6 of them DDL. One cost lies outside
  src/migrate: mysql2 allocates a 16,000-slot prepared-statement cache for every connection (lru.min
  \`createLRU\`, 0.9 ms of CPU each; a fleet run opens 4). carepool never prepares statements; with
  \`maxPreparedStatements: 1\` in src/db/driver.ts the chain took 0.92x the time (paired, 80 rounds) and
  4.7 instead of 5.9 ms of CPU. That change belongs to the db layer and is not made here.
- Also fixed: the Alembic reference crashed on 2 of 6 autogenerate runs (RecursionError while reflecting
  the 200-table FK chain, surfacing as PyMySQL "Packet sequence number wrong"); it now raises Python's
  recursion limit.`;
