import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SingleConnection } from '../../../src/db/connect.js';
import { diffSchemas } from '../../../src/migrate/index.js';
import {
  nullable,
  schema,
  t,
  table,
  withDefault,
  withDefaultSql,
  withOptions,
} from '../../../src/schema/index.js';
import { dropAll, introspect, openScratchPair, run, type ScratchPair } from './live-helpers.js';

let pair: ScratchPair;
let a: SingleConnection;
let dbA: string;

beforeAll(async () => {
  pair = await openScratchPair('fid_bu');
  ({ a, dbA } = pair);
});
afterAll(() => pair?.close());

/** The TypeScript builders say every type and attribute of the model: the same table written as SQL by hand. */
const written = table(
  'every_kind',
  {
    id: withOptions(t.bigint({ unsigned: true }), { autoIncrement: true, comment: "surrogate 'key'" }),
    ti: nullable(t.tinyint()),
    si: nullable(t.smallint({ width: 3 })),
    mi: nullable(t.mediumint({ unsigned: true })),
    zf: nullable(t.int({ zerofill: true })),
    b1: withDefaultSql(t.bit(1), "b'0'"),
    d: withDefault(nullable(t.decimal(10, 2)), '1.50'),
    f73: nullable(t.float({ precision: 7, scale: 3 })),
    db: nullable(t.double()),
    flag: withDefault(t.boolean(), true),
    c: withOptions(nullable(t.char(3)), { charset: 'latin1', collation: 'latin1_bin' }),
    bn: nullable(t.binary(16)),
    vb: nullable(t.varbinary(255)),
    tt: nullable(t.tinytext()),
    mt: nullable(t.mediumtext()),
    lb: nullable(t.longblob()),
    mb: nullable(t.mediumblob()),
    st: withDefault(nullable(t.set('x', 'y', 'z')), 'x,z'),
    e: withDefault(t.enum('a', "b'c"), 'a'),
    tm: nullable(t.time(3)),
    yr: nullable(t.year()),
    ts: withOptions(withDefaultSql(t.datetime(6), 'CURRENT_TIMESTAMP(6)'), {
      onUpdate: 'CURRENT_TIMESTAMP(6)',
    }),
    js: nullable(t.json()),
    pt: t.point(),
    gc: nullable(t.geometrycollection()),
    u: nullable(t.uuid()),
    v4: nullable(t.inet4()),
    v6: nullable(t.inet6()),
    gen: withOptions(nullable(t.int()), { generated: { expression: '`ti` + 1', stored: true } }),
    hid: withOptions(withDefault(nullable(t.int()), 3), { invisible: true }),
    pos: withOptions(nullable(t.int()), { check: '`pos` >= 0' }),
  },
  {
    indexes: [
      {
        name: 'ix_prefix',
        columns: ['tt', 'ti'],
        parts: [
          { column: 'tt', length: 10 },
          { column: 'ti', desc: true },
        ],
      },
      { name: 'ft_mt', columns: ['mt'], type: 'fulltext' },
      { name: 'sp_pt', columns: ['pt'], type: 'spatial' },
      { name: 'ix_ignored', columns: ['si'], invisible: true, comment: 'not used' },
      { name: 'ix_using', columns: ['mi'], using: 'BTREE' },
    ],
    checks: [{ name: 'ck_range', clause: '`ti` < 100' }],
    options: {
      engine: 'InnoDB',
      charset: 'utf8mb4',
      collation: 'utf8mb4_unicode_ci',
      createOptions: ['row_format=DYNAMIC'],
    },
    comment: 'written with the builders',
  },
);

const SQL = `CREATE TABLE every_kind (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'surrogate ''key''',
  ti TINYINT, si SMALLINT(3), mi MEDIUMINT UNSIGNED, zf INT ZEROFILL, b1 BIT(1) NOT NULL DEFAULT b'0',
  d DECIMAL(10,2) DEFAULT 1.5, f73 FLOAT(7,3), db DOUBLE, flag BOOLEAN NOT NULL DEFAULT TRUE,
  c CHAR(3) CHARACTER SET latin1 COLLATE latin1_bin, bn BINARY(16), vb VARBINARY(255), tt TINYTEXT, mt MEDIUMTEXT,
  lb LONGBLOB, mb MEDIUMBLOB, st SET('x','y','z') DEFAULT 'x,z', e ENUM('a','b''c') NOT NULL DEFAULT 'a',
  tm TIME(3), yr YEAR, ts DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  js JSON, pt POINT NOT NULL, gc GEOMETRYCOLLECTION, u UUID, v4 INET4, v6 INET6,
  gen INT AS (ti + 1) STORED, hid INT INVISIBLE DEFAULT 3, pos INT CHECK (pos >= 0),
  PRIMARY KEY (id), KEY ix_prefix (tt(10), ti DESC), FULLTEXT KEY ft_mt (mt), SPATIAL KEY sp_pt (pt),
  KEY ix_ignored (si) COMMENT 'not used' IGNORED, KEY ix_using (mi) USING BTREE,
  CONSTRAINT ck_range CHECK (ti < 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC COMMENT='written with the builders'`;

describe('the TypeScript builders can express every type and attribute of the model', () => {
  it('a table written with t.* and withOptions equals the same table written as SQL, on live MariaDB', async () => {
    await dropAll(a, dbA);
    await run(a, [SQL]);
    const live = await introspect(a, dbA);
    expect(live.tables[0]?.unsupported).toBeUndefined();
    expect(diffSchemas(live, schema(written))).toEqual([]);
    expect(diffSchemas(schema(written), live)).toEqual([]);
  });
});
