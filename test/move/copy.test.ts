import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { isAppError } from '../../src/errors/index.js';
import { copyTables, readManifest } from '../../src/move/index.js';
import { createMovePair, dump, type MovePair, plantFixture, run } from './helpers.js';

const TABLES: Record<string, string> = {
  p_patients: 'id',
  a_visits: 'patient_id, label',
  b_log: 'line, n',
  c_files: 'id',
};

async function expectSame(pair: MovePair): Promise<void> {
  for (const [table, order] of Object.entries(TABLES)) {
    expect(await dump(pair.gcp, table, order), table).toBe(await dump(pair.azure, table, order));
  }
}

describe('carepool copy (library) between the sandbox servers', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-'));
    await plantFixture(pair.azure);
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the schema on an empty destination and copies every row exactly', async () => {
    const manifestPath = join(dir, 'first.json');
    const result = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath,
      chunkRows: 64,
      parallel: 3,
    });
    expect(result.schemaVia).toBe('show-create');
    expect(result.rows).toBe(300 + 300 + 4 + 3);
    // The migrator has no LOCK TABLES or RELOAD on this database: one reader holds the snapshot.
    expect(result.snapshot.mode).toBe('single-snapshot');
    expect(result.snapshot.readers).toBe(1);
    expect(result.snapshot.refused.length).toBeGreaterThan(0);
    const byTable = Object.fromEntries(result.tables.map((t) => [t.table, t]));
    expect(byTable.p_patients?.method).toBe('load-data');
    expect(byTable.c_files?.method).toBe('insert');
    expect(byTable.b_log?.singleStream).toBe(true);
    expect(byTable.p_patients?.chunks).toBe(5);
    // FK-safe order: the parent before the child although the child sorts first by name.
    const manifest = await readManifest(manifestPath);
    expect(manifest.tables.indexOf('p_patients')).toBeLessThan(manifest.tables.indexOf('a_visits'));
    expect(manifest.chunks.every((c) => c.done)).toBe(true);
    expect(manifest.finishedAt).not.toBeNull();
    expect(JSON.parse(await readFile(manifestPath, 'utf8')).snapshot.mode).toBe('single-snapshot');
    await expectSame(pair);
    const { rows } = await pair.gcp.query<{ n: number }>(
      sql.raw(
        "SELECT COUNT(*) AS n FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_TYPE = 'FOREIGN KEY'",
      ),
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('refuses a destination with rows unless --truncate or --append', async () => {
    const from = pair.registry.get('azure');
    const to = pair.registry.get('gcp');
    const error = await copyTables(from, to, { manifestPath: join(dir, 'again.json') }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(error, 'CAREPOOL_MOVE_TARGET_NOT_EMPTY')).toBe(true);
    expect((error as Error).message).toContain('p_patients');
    await run(
      pair.gcp,
      "UPDATE p_patients SET name = 'drift' WHERE id = 3",
      'DELETE FROM a_visits WHERE patient_id = 5',
    );
    const result = await copyTables(from, to, {
      manifestPath: join(dir, 'again.json'),
      existing: 'truncate',
      method: 'insert',
    });
    expect(result.tables.every((t) => t.method === 'insert')).toBe(true);
    await expectSame(pair);
  });

  it('--append keeps destination rows and fails when a key exists on both sides', async () => {
    const from = pair.registry.get('azure');
    const to = pair.registry.get('gcp');
    const error = await copyTables(from, to, {
      manifestPath: join(dir, 'append.json'),
      existing: 'append',
      tables: ['b_log', 'p_patients'],
    }).catch((e: unknown) => e);
    // p_patients rows are all on both sides: LOAD DATA skips duplicates, and copy says so instead of guessing.
    expect(isAppError(error, 'CAREPOOL_MOVE_ROWS_LOST')).toBe(true);
  });

  it('names the problem: same target, unknown table, schema mismatch', async () => {
    const azure = pair.registry.get('azure');
    const gcp = pair.registry.get('gcp');
    const same = await copyTables(azure, azure, { manifestPath: join(dir, 'x.json') }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(same, 'CAREPOOL_MOVE_SAME_TARGET')).toBe(true);
    const unknown = await copyTables(azure, gcp, {
      manifestPath: join(dir, 'x.json'),
      tables: ['nope'],
    }).catch((e: unknown) => e);
    expect(isAppError(unknown, 'CAREPOOL_MOVE_UNKNOWN_TABLE')).toBe(true);
    expect((unknown as Error).message).toContain('"nope"');
    await run(pair.gcp, 'ALTER TABLE b_log ADD COLUMN extra INT NULL');
    const mismatch = await copyTables(azure, gcp, {
      manifestPath: join(dir, 'x.json'),
      tables: ['b_log'],
      existing: 'truncate',
    }).catch((e: unknown) => e);
    expect(isAppError(mismatch, 'CAREPOOL_MOVE_SCHEMA_MISMATCH')).toBe(true);
    expect((mismatch as Error).message).toContain('extra');
    await run(pair.gcp, 'ALTER TABLE b_log DROP COLUMN extra');
  });

  it('through the schema model (different flavours) refuses by name what it cannot represent', async () => {
    // Generated columns are refused by name (the model's types grow with SCHEMA-TABLES' work; this does not).
    await run(pair.azure, 'CREATE TABLE g_gen (id INT PRIMARY KEY, a INT NULL, b INT AS (a * 2) VIRTUAL)');
    const error = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'model.json'),
      tables: ['g_gen'],
      schemaVia: 'model',
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_MOVE_UNREPRESENTABLE')).toBe(true);
    expect((error as Error).message).toContain('g_gen.b (generated column)');
    const { rows } = await pair.gcp.query(sql.raw("SHOW TABLES LIKE 'g_gen'"));
    expect(rows).toEqual([]);
    await run(
      pair.azure,
      'CREATE TABLE m_plain (id INT PRIMARY KEY, v VARCHAR(10) NULL, d DECIMAL(8,2) NOT NULL DEFAULT 0)',
    );
    await run(pair.azure, "INSERT INTO m_plain VALUES (1, 'a', 1.5), (2, NULL, 0)");
    const ok = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'model2.json'),
      tables: ['m_plain'],
      schemaVia: 'model',
    });
    expect(ok.schemaVia).toBe('model');
    expect(await dump(pair.gcp, 'm_plain', 'id')).toBe(await dump(pair.azure, 'm_plain', 'id'));
  });
});

describe('snapshot modes', () => {
  it('uses LOCK TABLES when the user may, BACKUP STAGE when it has RELOAD, with parallel readers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carepool-move-'));
    for (const [options, mode] of [
      [{ lockTables: true }, 'lock-tables'],
      [{ adminMigrator: true }, 'backup-stage'],
    ] as const) {
      const pair = await createMovePair(options);
      try {
        await plantFixture(pair.azure, 50);
        const result = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
          manifestPath: join(dir, `${mode}.json`),
          parallel: 3,
          chunkRows: 20,
        });
        expect(result.snapshot.mode).toBe(mode);
        expect(result.snapshot.readers).toBe(3);
        await expectSame(pair);
      } finally {
        await pair.drop();
      }
    }
    await rm(dir, { recursive: true, force: true });
  });
});
