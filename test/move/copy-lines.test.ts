import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { copyTables, readMoveCatalog } from '../../src/move/index.js';
import { serverLine } from '../../src/move/rows.js';
import { createMovePair, dump, type MovePair, run } from './helpers.js';

/**
 * Tables without FLOAT/DOUBLE or byte columns travel as lines the source server formats (src/move/rows.ts
 * serverLine): every value must arrive byte for byte, whatever it holds.
 */
describe('carepool copy: rows formatted by the source server', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-lines-'));
    await run(
      pair.azure,
      `CREATE TABLE s_text (id BIGINT UNSIGNED PRIMARY KEY, t TEXT NULL, v VARCHAR(40) NULL,
         l VARCHAR(20) CHARACTER SET latin1 NULL, c CHAR(5) NULL, d DECIMAL(20,6) NULL, b TINYINT(1) NULL,
         y YEAR NULL, tm TIME(3) NULL, dt DATETIME(6) NULL, ts TIMESTAMP(2) NULL DEFAULT NULL,
         e ENUM('a','b c','tab\\there') NULL, st SET('x','y','z') NULL, j JSON NULL, n INT NULL)`,
    );
    const tricky = [
      "'back\\\\slash \\\\N \\\\t'",
      "'tab\\there\\nnew\\rcr'",
      "CONCAT('nul', CHAR(0), 'byte')",
      "'\\\\N'",
      "'NULL'",
      "''",
      'NULL',
      "'trailing  '",
      "'four-byte 😀 and é'",
      "'\"quoted\" ''single'''",
    ];
    const rows = tricky.map(
      (value, i) =>
        `(${i + 1}, ${value}, ${value}, ${i % 2 ? "'café'" : 'NULL'}, ${i % 3 ? "'ab'" : 'NULL'},
          ${i % 2 ? '-12345678901234.123456' : 'NULL'}, ${i % 3}, ${i % 2 ? 2024 : 'NULL'},
          ${i % 2 ? "'-838:59:59.125'" : "'00:00:01.5'"}, '2024-05-06 07:08:09.${String(i).padStart(6, '0')}',
          ${i % 2 ? "'2024-01-02 03:04:05.25'" : 'NULL'}, ${['NULL', "'a'", "'b c'", "'tab\\there'"][i % 4]},
          ${i % 2 ? "'x,z'" : "''"}, ${i % 2 ? '\'{"k": "a\\\\\\\\b\\\\nc", "n": [1, 2.5]}\'' : 'NULL'}, ${i % 2 ? -i : 'NULL'})`,
    );
    await run(pair.azure, `INSERT INTO s_text VALUES ${rows.join(',')}`);
    await run(pair.azure, "INSERT INTO s_text (id, v) VALUES (18446744073709551615, 'max key')");
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is the path such a table takes, and every value arrives unchanged', async () => {
    const catalog = await readMoveCatalog(pair.azure, pair.name);
    const table = catalog.tables.find((t) => t.name === 's_text');
    expect(table && serverLine(table.columns)).not.toBeNull();
    const result = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'lines.json'),
      chunkRows: 4,
      parallel: 2,
    });
    expect(result.tables[0]?.method).toBe('load-data');
    expect(result.rows).toBe(11);
    expect(await dump(pair.gcp, 's_text', 'id')).toBe(await dump(pair.azure, 's_text', 'id'));
  });

  it('encodes a chunk in Node when a value is too long for the server to escape, in packets under max_allowed_packet', async () => {
    const { rows } = await pair.azure.query<{ p: number | string }>(
      sql.raw('SELECT @@max_allowed_packet AS p'),
    );
    // Backslashes double when escaped: the line is longer than the packet limit, the value itself is not.
    const size = Math.floor(Number(rows[0]?.p) * 0.6);
    await run(pair.azure, `CREATE TABLE s_big (id INT PRIMARY KEY, t LONGTEXT NULL)`);
    await run(pair.azure, `INSERT INTO s_big VALUES (1, REPEAT('\\\\', ${size})), (2, 'small'), (3, NULL)`);
    const result = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'big.json'),
      tables: ['s_big'],
    });
    expect(result.rows).toBe(3);
    const check = sql.raw('SELECT id, LENGTH(t) AS n, MD5(t) AS h FROM s_big ORDER BY id');
    const [a, b] = await Promise.all([pair.azure.query(check), pair.gcp.query(check)]);
    expect(b.rows).toEqual(a.rows);
    expect(Number((a.rows[0] as { n: number | string }).n)).toBe(size);
  });
});
