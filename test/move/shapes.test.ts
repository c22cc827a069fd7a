import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/index.js';
import { isGenerated, type MoveTable, tableMismatch } from '../../src/move/catalog.js';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { createMovePair, exactDump, type MovePair, run } from './helpers.js';

/**
 * Destination tables that are not quite the source's: a narrower or otherwise different column type, a
 * character set that cannot hold the source's text, a key under another collation. Copy and sync must
 * refuse them by name before writing (the loading session is not strict and LOAD DATA LOCAL implies
 * IGNORE: the server would truncate, clamp or replace with '?' and only warn).
 */
const CASES = {
  narrower: ['v VARCHAR(20) NULL', 'v VARCHAR(10) NULL', "'twenty characters!!'"],
  sign: ['v INT NULL', 'v INT UNSIGNED NULL', '-5'],
  scale: ['v DECIMAL(10,4) NULL', 'v DECIMAL(10,2) NULL', '1.2345'],
  fraction: ['v DATETIME(6) NULL', 'v DATETIME NULL', "'2024-01-02 03:04:05.678901'"],
  members: ["v ENUM('a','b','c') NULL", "v ENUM('a','b') NULL", "'c'"],
  charset: [
    'v VARCHAR(20) CHARACTER SET utf8mb4 NULL',
    'v VARCHAR(20) CHARACTER SET latin1 NULL',
    "'emoji 😀'",
  ],
  padding: ['v BINARY(4) NULL', 'v BINARY(8) NULL', "X'01'"],
} as const;

describe('copy and sync refuse destination columns that cannot hold the source values', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-shapes-'));
    for (const [t, [src, dst, value]] of Object.entries(CASES)) {
      await run(
        pair.azure,
        `CREATE TABLE s_${t} (id INT PRIMARY KEY, ${src})`,
        `INSERT INTO s_${t} VALUES (1, ${value})`,
      );
      await run(pair.gcp, `CREATE TABLE s_${t} (id INT PRIMARY KEY, ${dst})`);
    }
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  for (const t of Object.keys(CASES))
    it(`${t}: copy and sync refuse by name, nothing is written`, async () => {
      const azure = pair.registry.get('azure');
      const gcp = pair.registry.get('gcp');
      const copied = await copyTables(azure, gcp, {
        manifestPath: join(dir, `${t}.json`),
        tables: [`s_${t}`],
      }).catch((e: unknown) => e);
      expect(isAppError(copied, 'CAREPOOL_MOVE_SCHEMA_MISMATCH'), String(copied)).toBe(true);
      expect((copied as Error).message).toContain(`s_${t}: column v is`);
      const synced = await syncTables(azure, gcp, { tables: [`s_${t}`] }).catch((e: unknown) => e);
      expect(isAppError(synced, 'CAREPOOL_MOVE_SCHEMA_MISMATCH'), String(synced)).toBe(true);
      expect(await exactDump(pair.gcp, `s_${t}`, 'id')).toBe('id | v\n');
      // verify compares the values' text: it runs and finds the missing row, unless the types print equal
      // values differently (DECIMAL scale, fraction digits), which it refuses too.
      const verified = await verifyTables(azure, gcp, { tables: [`s_${t}`] }).catch((e: unknown) => e);
      if (t === 'scale' || t === 'fraction' || t === 'padding')
        expect(isAppError(verified, 'CAREPOOL_MOVE_SCHEMA_MISMATCH')).toBe(true);
      else expect((verified as { differenceCount: number }).differenceCount).toBe(1);
    });

  it('a key under another collation: verify, copy and sync refuse by name (ranges and matches differ)', async () => {
    for (const [conn, collation] of [
      [pair.azure, 'utf8mb4_bin'],
      [pair.gcp, 'utf8mb4_unicode_ci'],
    ] as const)
      await run(
        conn,
        `CREATE TABLE s_collation (k VARCHAR(10) COLLATE ${collation} PRIMARY KEY, v INT NOT NULL)`,
        "INSERT INTO s_collation SELECT CONCAT(IF(seq % 2, 'a', 'B'), seq), seq FROM seq_1_to_400",
      );
    const azure = pair.registry.get('azure');
    const gcp = pair.registry.get('gcp');
    const options = { tables: ['s_collation'], firstChunkRows: 100 };
    const verified = await verifyTables(azure, gcp, options).catch((e: unknown) => e);
    expect(
      isAppError(verified, 'CAREPOOL_MOVE_SCHEMA_MISMATCH'),
      JSON.stringify(verified).slice(0, 300),
    ).toBe(true);
    expect((verified as Error).message).toContain('s_collation: key column k is collated utf8mb4_bin');
    const synced = await syncTables(azure, gcp, options).catch((e: unknown) => e);
    expect(isAppError(synced, 'CAREPOOL_MOVE_SCHEMA_MISMATCH')).toBe(true);
  });
});

describe('column types across flavours', () => {
  const table = (columnType: string, dataType: string): MoveTable => ({
    name: 't',
    primaryKey: ['id'],
    parents: [],
    columns: [
      {
        name: 'id',
        dataType: 'int',
        columnType: 'int',
        nullable: false,
        charset: null,
        collation: null,
        generated: false,
      },
      { name: 'v', dataType, columnType, nullable: true, charset: null, collation: null, generated: false },
    ],
  });
  it("display widths are not types (MySQL 8's int and year against MariaDB's int(11) and year(4)); TINYINT(1) is", () => {
    expect(tableMismatch(table('int', 'int'), table('int(11)', 'int'), 'write')).toBeUndefined();
    expect(tableMismatch(table('year', 'year'), table('year(4)', 'year'), 'write')).toBeUndefined();
    expect(
      tableMismatch(table('bigint unsigned', 'bigint'), table('bigint(20) unsigned', 'bigint'), 'write'),
    ).toBeUndefined();
    expect(tableMismatch(table('tinyint(1)', 'tinyint'), table('tinyint(4)', 'tinyint'), 'write')).toContain(
      'column v is',
    );
  });
});

describe('generated columns by information_schema EXTRA', () => {
  it("computed columns of MariaDB and MySQL, not MySQL 8's DEFAULT_GENERATED (an expression default)", () => {
    for (const extra of [
      'VIRTUAL GENERATED',
      'STORED GENERATED',
      'PERSISTENT GENERATED',
      'VIRTUAL',
      'PERSISTENT',
    ])
      expect(isGenerated(extra), extra).toBe(true);
    // MySQL 8: `created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP [ON UPDATE CURRENT_TIMESTAMP]`, `DEFAULT (uuid())`.
    for (const extra of [
      'DEFAULT_GENERATED',
      'DEFAULT_GENERATED on update CURRENT_TIMESTAMP',
      '',
      'auto_increment',
      'INVISIBLE',
    ])
      expect(isGenerated(extra), extra).toBe(false);
  });
});

describe('data that is not a base table', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-versioned-'));
    for (const conn of [pair.azure, pair.gcp]) await run(conn, 'CREATE TABLE plain (id INT PRIMARY KEY)');
    await run(
      pair.azure,
      'CREATE TABLE history (id INT PRIMARY KEY, v INT NOT NULL) WITH SYSTEM VERSIONING',
      'INSERT INTO history VALUES (1, 1)',
      'UPDATE history SET v = 2',
      'CREATE SEQUENCE ids START WITH 100',
    );
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a system-versioned table and a sequence are refused by name, not passed over', async () => {
    const azure = pair.registry.get('azure');
    const gcp = pair.registry.get('gcp');
    // Before: verify compared `plain` only and called the two databases identical.
    const verified = await verifyTables(azure, gcp).catch((e: unknown) => e);
    expect(isAppError(verified, 'CAREPOOL_MOVE_UNREPRESENTABLE'), String(verified)).toBe(true);
    expect((verified as Error).message).toContain('history (system-versioned), ids (a sequence)');
    const copied = await copyTables(azure, gcp, {
      manifestPath: join(dir, 'm.json'),
      tables: ['history'],
    }).catch((e: unknown) => e);
    expect(isAppError(copied, 'CAREPOOL_MOVE_UNREPRESENTABLE')).toBe(true);
    // Named around, the rest is moved and compared.
    expect((await verifyTables(azure, gcp, { tables: ['plain'] })).identical).toBe(true);
  });
});

describe('destination triggers that fire on the rows copy and sync write', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-triggers-'));
    for (const conn of [pair.azure, pair.gcp])
      await run(conn, 'CREATE TABLE t_names (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)');
    await run(pair.azure, "INSERT INTO t_names VALUES (1, 'mixed Case')");
    await run(
      pair.gcp,
      'CREATE TRIGGER t_names_upper BEFORE INSERT ON t_names FOR EACH ROW SET NEW.v = UPPER(NEW.v)',
    );
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('an INSERT trigger on a destination table is refused by name before any row is written', async () => {
    const azure = pair.registry.get('azure');
    const gcp = pair.registry.get('gcp');
    // Before: the copy "succeeded" and stored 'MIXED CASE'.
    const copied = await copyTables(azure, gcp, { manifestPath: join(dir, 'm.json') }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(copied, 'CAREPOOL_MOVE_UNREPRESENTABLE'), String(copied)).toBe(true);
    expect((copied as Error).message).toContain('t_names (trigger t_names_upper, BEFORE INSERT)');
    const synced = await syncTables(azure, gcp).catch((e: unknown) => e);
    expect(isAppError(synced, 'CAREPOOL_MOVE_UNREPRESENTABLE')).toBe(true);
    expect(await exactDump(pair.gcp, 't_names', 'id')).toBe('id | v\n');
  });
});
