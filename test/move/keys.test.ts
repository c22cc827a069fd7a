import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { createMovePair, diffSummary, expectSameRows, type MovePair, run } from './helpers.js';

/**
 * Primary keys of every awkward kind, 250 rows each so chunks and buckets have bounds inside them. The
 * destination gets one changed row, one missing and one extra; verify must name exactly those three (by
 * kind), and sync must make the tables equal, value for value.
 */
interface Spec {
  readonly key: string;
  /** The key of row `seq` (1..250). */
  readonly fill: string;
  readonly changed: string;
  readonly missing: string;
  /** A new key only the destination gets. */
  readonly extra: string;
}
const SPECS: Record<string, Spec> = {
  k_bool: { key: 'TINYINT(1)', fill: 'seq - 125', changed: '2', missing: '3', extra: '-128' },
  k_float: {
    key: 'FLOAT',
    fill: 'seq / 7',
    changed: 'CAST(2/7 AS FLOAT)',
    missing: 'CAST(3/7 AS FLOAT)',
    extra: '1e30',
  },
  k_double: { key: 'DOUBLE', fill: 'seq / 7e0', changed: '2/7e0', missing: '3/7e0', extra: '1e300' },
  k_year: { key: 'YEAR', fill: 'IF(seq = 1, 0, 1900 + seq)', changed: '0', missing: '1910', extra: '2155' },
  k_ubig: {
    key: 'BIGINT UNSIGNED',
    fill: '18446744073709551615 - seq * 2',
    changed: '18446744073709551613',
    missing: '18446744073709551611',
    extra: '18446744073709551614',
  },
  k_sbig: {
    key: 'BIGINT',
    fill: 'IF(seq % 2, -9223372036854775807 - 1 + seq, 9223372036854775807 - seq)',
    changed: '-9223372036854775807',
    missing: '9223372036854775805',
    extra: '0',
  },
  // A bucketable span (safe integers, some negative) with destination keys at both ends of BIGINT.
  k_span: {
    key: 'BIGINT',
    fill: 'seq - 1000',
    changed: '-999',
    missing: '-800',
    extra: '9223372036854775807',
  },
  k_dec: {
    key: 'DECIMAL(65,30)',
    fill: "CAST(CONCAT('1.', LPAD(seq, 30, '0')) AS DECIMAL(65,30))",
    changed: "'1.000000000000000000000000000002'",
    missing: "'1.000000000000000000000000000003'",
    extra: "'1.000000000000000000000000000002000000000000000000000000000001' + 0",
  },
  k_dt: {
    key: 'DATETIME(6)',
    fill: "'2024-01-01 00:00:00' + INTERVAL seq MICROSECOND",
    changed: "'2024-01-01 00:00:00.000002'",
    missing: "'2024-01-01 00:00:00.000003'",
    extra: "'2024-01-01 00:00:00'",
  },
  k_vbin: {
    key: 'VARBINARY(8)',
    fill: "IF(seq < 9, REPEAT(X'00', seq - 1), CONCAT(X'00', CHAR(seq), X'00'))",
    changed: "X'00'",
    missing: "X'0000'",
    extra: "X'0000000000000000'",
  },
  k_bin: {
    key: 'BINARY(4)',
    fill: "CONCAT(CHAR(seq), X'00')",
    changed: "X'02000000'",
    missing: "X'03000000'",
    extra: "X'00'",
  },
  k_ci: {
    key: 'VARCHAR(20) COLLATE utf8mb4_unicode_ci',
    fill: "CONCAT('k', seq, IF(seq % 3, ' é', ' 😀'))",
    changed: "'k2 é'",
    missing: "'k3 😀'",
    extra: "'K0'",
  },
  k_bin_text: {
    key: 'VARCHAR(20) COLLATE utf8mb4_bin',
    fill: "CONCAT(IF(seq % 2, 'a', 'A'), seq, IF(seq % 5, '', ' '))",
    changed: "'A2'",
    missing: "'a3'",
    extra: "'a2'",
  },
};

describe('verify and sync over awkward primary keys', () => {
  let pair: MovePair;
  beforeAll(async () => {
    pair = await createMovePair();
    for (const conn of [pair.azure, pair.gcp])
      for (const [t, s] of Object.entries(SPECS))
        await run(
          conn,
          `CREATE TABLE ${t} (k ${s.key} NOT NULL PRIMARY KEY, v VARCHAR(10) NOT NULL)`,
          `INSERT INTO ${t} SELECT ${s.fill}, 'same' FROM (SELECT CAST(seq AS SIGNED) AS seq FROM seq_1_to_250) s`,
        );
  });
  afterAll(async () => {
    await pair?.drop();
  });

  for (const [t, s] of Object.entries(SPECS))
    for (const bucketRows of [256, 0])
      it(`${t} (${s.key}), ${bucketRows ? 'buckets' : 'bisection'}: one changed, one missing, one extra; sync converges`, async () => {
        await run(
          pair.gcp,
          `DELETE FROM ${t}`,
          `INSERT INTO ${t} SELECT ${s.fill}, 'same' FROM (SELECT CAST(seq AS SIGNED) AS seq FROM seq_1_to_250) s`,
          `UPDATE ${t} SET v = 'other' WHERE k = ${s.changed}`,
          `DELETE FROM ${t} WHERE k = ${s.missing}`,
          `INSERT INTO ${t} VALUES (${s.extra}, 'extra')`,
        );
        const options = { tables: [t], bucketRows, firstChunkRows: 100, leafRows: 16 };
        const azure = pair.registry.get('azure');
        const gcp = pair.registry.get('gcp');
        const found = await verifyTables(azure, gcp, options);
        expect(
          found.differences.map((d) => `${d.kind}${d.columns ? ` ${d.columns.join(',')}` : ''}`).sort(),
        ).toEqual(['changed v', 'extra', 'missing']);
        await syncTables(azure, gcp, options);
        await expectSameRows(pair, [t], 'k');
        expect((await verifyTables(azure, gcp, options)).differenceCount).toBe(0);
      });

  it('copy plans chunks over every such key and copies each row once', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carepool-move-keys-'));
    try {
      const copied = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
        manifestPath: join(dir, 'm.json'),
        existing: 'truncate',
        chunkRows: 7,
        parallel: 2,
      });
      expect(copied.rows).toBe(250 * Object.keys(SPECS).length);
      await expectSameRows(pair, Object.keys(SPECS), 'k');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a key changed only in case or trailing spaces (the same key to the collation) is replaced by sync', async () => {
    const azure = pair.registry.get('azure');
    const gcp = pair.registry.get('gcp');
    // Start from an empty destination: sync fills it.
    for (const t of ['k_ci', 'k_bin_text']) await run(pair.gcp, `DELETE FROM ${t}`);
    const options = { tables: ['k_ci', 'k_bin_text'], firstChunkRows: 100 };
    await syncTables(azure, gcp, options);
    await run(
      pair.gcp,
      "UPDATE k_ci SET k = 'K4 É' WHERE k = 'k4 é'",
      "UPDATE k_ci SET k = 'k7 é ' WHERE k = 'k7 é'",
      "UPDATE k_bin_text SET k = 'A4 ' WHERE k = 'A4'",
    );
    const found = await verifyTables(azure, gcp, options);
    expect(diffSummary(found.differences)).toEqual([
      'k_bin_text {"k":"A4 "} extra',
      'k_bin_text {"k":"A4"} missing',
      'k_ci {"k":"K4 É"} extra',
      'k_ci {"k":"k4 é"} missing',
      'k_ci {"k":"k7 é "} extra',
      'k_ci {"k":"k7 é"} missing',
    ]);
    await syncTables(azure, gcp, options);
    await expectSameRows(pair, ['k_ci', 'k_bin_text'], 'k');
  });
});
