import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../../src/db/connect.js';
import type { SqlQuery } from '../../../src/db/sql.js';
import { sql } from '../../../src/db/sql.js';
import { type RawCatalog, readCatalog, targetDatabase } from '../../../src/migrate/index.js';
import { inBatches } from '../../../src/migrate/introspect/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';

let scratch: ScratchDatabases;
let plain: SingleConnection;
let multi: SingleConnection;
let database: string;

/** A statement per table kind the catalog reads: FKs with rules, CHECKs, MariaDB JSON, a spatial SRID, comments. */
const DDL = [
  `CREATE TABLE parent (id INT NOT NULL PRIMARY KEY, code CHAR(4) NOT NULL, UNIQUE KEY uq_code (code)) COMMENT='the parent'`,
  `CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT NULL, qty INT NOT NULL CHECK (qty >= 0),
     doc JSON NULL, note VARCHAR(20) NULL COMMENT 'a note', KEY ix_note (note(10) DESC),
     CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL,
     CONSTRAINT ck_child CHECK (qty < 1000))`,
  `CREATE TABLE place (id INT NOT NULL PRIMARY KEY, g POINT REF_SYSTEM_ID=4326 NOT NULL, SPATIAL KEY sp_g (g))`,
];

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_cb');
  const target = scratch.registry.get('azure');
  database = targetDatabase(target);
  const url = scratch.env.CAREPOOL_TARGET_AZURE_MIGRATE_URL as string;
  const spec = parseConnectionUrl('migrator', url);
  plain = await target.connectMigrator();
  multi = await connectSingle(
    'azure',
    spec,
    { connectTimeoutMs: 3000, keepAliveMs: 0 },
    { multipleStatements: true },
  );
  for (const ddl of DDL) await plain.query(sql.raw(ddl));
});
afterAll(async () => {
  await plain?.close();
  await multi?.close();
  await scratch?.drop();
});

/** The catalog with every row list in a fixed order (the queries have no ORDER BY). */
function sorted(raw: RawCatalog): RawCatalog {
  const order = <T>(rows: readonly T[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    ...raw,
    tables: order(raw.tables) as never,
    columns: order(raw.columns) as never,
    indexes: order(raw.indexes) as never,
    foreignKeys: order(raw.foreignKeys) as never,
    checks: order(raw.checks) as never,
  };
}

/** `conn` with its round trips counted. */
function counted(conn: SingleConnection): {
  client: SingleConnection;
  trips: { query: number; batch: number };
} {
  const trips = { query: 0, batch: 0 };
  const batch = conn.queryBatch?.bind(conn);
  return {
    trips,
    client: {
      ...conn,
      query: (q: SqlQuery) => {
        trips.query++;
        return conn.query(q);
      },
      ...(batch
        ? {
            queryBatch: (qs: readonly SqlQuery[]) => {
              trips.batch++;
              return batch(qs);
            },
          }
        : {}),
    } as SingleConnection,
  };
}

describe('readCatalog in batches (one round trip for many statements)', () => {
  it('queryBatch answers each statement with its own rows, in order, and one statement as one set', async () => {
    const batch = multi.queryBatch?.bind(multi);
    expect(batch).toBeTypeOf('function');
    expect(plain.queryBatch).toBeUndefined();
    const sets = await batch!([
      sql`SELECT 1 AS a`,
      sql`SELECT ${'x'} AS b UNION ALL SELECT 'y'`,
      sql.raw('DO 1'),
    ]);
    expect(sets).toEqual([[{ a: 1 }], [{ b: 'x' }, { b: 'y' }], []]);
    expect(await batch!([sql`SELECT 2 AS a`])).toEqual([[{ a: 2 }]]);
  });

  it('sends a long list in round trips of at most 1,000 statements, answers in order', async () => {
    const { client, trips } = counted(multi);
    const queries = Array.from({ length: 2345 }, (_, i) => sql`SELECT ${i} AS n`);
    const sets = await inBatches<{ n: number }>(
      client as Required<Pick<SingleConnection, 'queryBatch'>>,
      queries,
    );
    expect(trips.batch).toBe(3);
    expect(sets.map((rows) => Number(rows[0]?.n))).toEqual(queries.map((_, i) => i));
  });

  it('reads the same catalog on a batching connection (2 round trips + the SRID query), over a pool with a batch for SHOW CREATE, and one statement at a time', async () => {
    const target = scratch.registry.get('azure');
    const reference = await readCatalog(plain, database);
    expect(Object.keys(reference.createStatements ?? {}).sort()).toEqual(['child', 'parent', 'place']);
    expect(reference.columns.find((c) => c.column_name === 'g')?.srs_id).toBe(4326);
    expect(reference.checks.length).toBeGreaterThanOrEqual(3);

    const batched = counted(multi);
    const viaBatch = await readCatalog(batched.client, database);
    expect(batched.trips).toEqual({ batch: 2, query: 1 });
    expect(sorted(viaBatch)).toEqual(sorted(reference));

    const known = counted(multi);
    const withServer = await readCatalog(known.client, database, { server: reference.server });
    expect(known.trips).toEqual({ batch: 2, query: 1 });
    expect(sorted(withServer)).toEqual(sorted(reference));

    const showOnly = counted(multi);
    const pooled = await readCatalog(target.sql, database, {
      batch: showOnly.client as Required<Pick<SingleConnection, 'queryBatch'>>,
    });
    expect(showOnly.trips).toEqual({ batch: 1, query: 0 });
    expect(sorted(pooled)).toEqual(sorted(reference));
  });
});
