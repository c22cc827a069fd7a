import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { createMovePair, diffSummary, expectSameRows, type MovePair, run } from './helpers.js';

/**
 * Values the driver would change if copy or sync let it parse them: FLOAT comes back rounded to 6
 * significant digits (0.1234567 → 0.123457, 16777217 → 16777200), TINYINT(1) as a boolean (2, -1, 255 → 0),
 * YEAR 0000 as the number 0, which LOAD DATA's text reads as 2000. Each table takes another way: lines
 * encoded in Node (a FLOAT/DOUBLE column), multi-row INSERTs (a byte column), lines formatted by the server.
 */
const LATIN1 = `CONVERT(UNHEX('${Array.from({ length: 224 }, (_, i) => (i + 32).toString(16).padStart(2, '0')).join('')}') USING latin1)`;
const TABLES = {
  v_node:
    'f FLOAT NULL, d DOUBLE NULL, b TINYINT(1) NULL, bu TINYINT(1) UNSIGNED NULL, y YEAR NULL, dm DECIMAL(65,30) NULL',
  v_insert: 'f FLOAT NULL, b TINYINT(1) NULL, y YEAR NULL, bits BIT(64) NULL, raw VARBINARY(8) NULL',
  v_lines: 'b TINYINT(1) NULL, bu TINYINT(1) UNSIGNED NULL, y YEAR NULL, tm TIME(6) NULL',
  // Every latin1 byte (0x80-0x9F are cp1252 on MariaDB, five of them undefined), UTF-16 and UCS-2 text.
  v_charsets:
    'l TEXT CHARACTER SET latin1 NULL, w VARCHAR(300) CHARACTER SET utf16 NULL, u VARCHAR(300) CHARACTER SET ucs2 NULL',
  v_charsets_node:
    'l TEXT CHARACTER SET latin1 NULL, w VARCHAR(300) CHARACTER SET utf16 NULL, u VARCHAR(300) CHARACTER SET ucs2 NULL, f FLOAT NULL',
} as const;
const ROWS = {
  v_node: [
    "1, 0.1234567, 0.1e0 + 0.2e0, 2, 255, 0, '12345678901234567890123456789012345.123456789012345678901234567891'",
    "2, 3.4028234e38, 1e308, -1, 7, 2155, '-0.000000000000000000000000000001'",
    '3, 1.4e-45, 4.9e-324, 1, 0, 1901, 0',
    '4, 16777217, -2.2250738585072014e-308, 100, 1, NULL, NULL',
    '5, -0.333333333, 123456789.123456789, 0, 2, 2000, 1',
  ],
  v_insert: [
    "1, 0.1234567, 2, 0, b'1111111111111111111111111111111111111111111111111111111111111111', X'00'",
    "2, 16777217, -1, 2155, b'0', X'0000FF'",
    '3, -0.333333333, 127, 1901, NULL, NULL',
  ],
  v_lines: ["1, 2, 255, 0, '-838:59:59.999999'", "2, -128, 2, 2155, '838:59:59'", '3, 1, 1, 1901, NULL'],
  v_charsets: [`1, ${LATIN1}, '😀 é ß', 'é ß ĳ'`, "2, '', '', ''"],
  v_charsets_node: [`1, ${LATIN1}, '😀 é ß', 'é ß ĳ', 0.5`, "2, '', '', '', NULL"],
} as const;
const NAMES = Object.keys(TABLES) as (keyof typeof TABLES)[];

describe('copy and sync keep every value exactly', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-values-'));
    for (const t of NAMES) {
      await run(pair.azure, `CREATE TABLE ${t} (id INT PRIMARY KEY, ${TABLES[t]})`);
      await run(pair.azure, `INSERT INTO ${t} VALUES ${ROWS[t].map((r) => `(${r})`).join(', ')}`);
    }
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const same = async () => {
    await expectSameRows(pair, NAMES, 'id');
  };

  it('copy (LOAD DATA lines from Node or the server, and INSERTs), then verify finds nothing', async () => {
    const copied = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'a.json'),
    });
    expect(Object.fromEntries(copied.tables.map((t) => [t.table, t.method]))).toEqual({
      v_charsets: 'load-data',
      v_charsets_node: 'load-data',
      v_insert: 'insert',
      v_lines: 'load-data',
      v_node: 'load-data',
    });
    await same();
    const again = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'b.json'),
      existing: 'truncate',
      method: 'insert',
    });
    expect(again.rows).toBe(15);
    await same();
    const verified = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'));
    expect(diffSummary(verified.differences)).toEqual([]);
  });

  it('sync puts back the exact values', async () => {
    await run(
      pair.gcp,
      'UPDATE v_node SET f = 0, b = 0, bu = 0, y = 1999, d = 0',
      'UPDATE v_insert SET f = 0, b = 0, y = 1999',
      'UPDATE v_lines SET b = 0, bu = 0, y = 1999',
    );
    const found = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'));
    expect(found.differenceCount).toBe(11);
    const synced = await syncTables(pair.registry.get('azure'), pair.registry.get('gcp'));
    expect(synced.replaced).toBe(11);
    await same();
    const after = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'));
    expect(diffSummary(after.differences)).toEqual([]);
  });
});
