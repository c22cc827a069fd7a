import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTablesOf } from './live-helpers.js';

/** Sakila (datacharmer/test_db `sakila/sakila-mv-schema.sql`, New BSD, see corpus/README.md): tables only. */
export const SAKILA_TABLES: readonly string[] = createTablesOf(
  readFileSync(join(import.meta.dirname, 'corpus', 'sakila-mv-schema.sql'), 'utf8'),
);

/** employees (datacharmer/test_db `employees.sql`, CC BY-SA 3.0): tables only. */
export const EMPLOYEES_TABLES: readonly string[] = createTablesOf(
  readFileSync(join(import.meta.dirname, 'corpus', 'employees-tables.sql'), 'utf8'),
);

/**
 * A synthetic schema with every feature of the table model (docs/schema-model.md) that MariaDB 10.11
 * stores: each integer width, UNSIGNED/ZEROFILL, BIT, DECIMAL, FLOAT(M,D), every string, TEXT and BLOB
 * kind, ENUM/SET with quotes, temporal types with fsp, YEAR, JSON, spatial types, UUID/INET4/INET6,
 * column charset/collation, generated VIRTUAL/STORED, INVISIBLE, comments, literal and expression defaults,
 * ON UPDATE with fsp; prefix, DESC, FULLTEXT, SPATIAL, IGNORED, commented and USING indexes; CHECKs; FKs
 * with every action and a cycle; engine, row format, collation, comment and other create options.
 */
export const SYNTHETIC_TABLES: readonly string[] = [
  `CREATE TABLE every_type (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'surrogate ''key''',
    ti TINYINT, si SMALLINT(3), mi MEDIUMINT UNSIGNED, i INT ZEROFILL, bi BIGINT NOT NULL DEFAULT -5,
    b1 BIT(1) NOT NULL DEFAULT b'0', b9 BIT(9) DEFAULT b'101',
    d DECIMAL(10,2) DEFAULT 1.5, du DECIMAL(5,0) UNSIGNED, f FLOAT, f73 FLOAT(7,3), db DOUBLE DEFAULT 2.25,
    flag BOOLEAN NOT NULL DEFAULT TRUE,
    c CHAR(3) CHARACTER SET latin1 COLLATE latin1_bin, vc VARCHAR(200) NOT NULL DEFAULT '',
    vq VARCHAR(20) DEFAULT 'it''s \\\\ here', bn BINARY(16), vb VARBINARY(255),
    tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT COLLATE utf8mb4_bin,
    tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
    e ENUM('a','b''c','') NOT NULL DEFAULT 'a', st SET('x','y','z') DEFAULT 'x,z',
    dt DATE DEFAULT '2020-01-31', tm TIME(3), dtm DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    ts TIMESTAMP NULL, ts2 TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, yr YEAR DEFAULT 2024,
    js JSON, js2 JSON NOT NULL DEFAULT ('{}'),
    g GEOMETRY, pt POINT NOT NULL, ls LINESTRING, pg POLYGON, mpt MULTIPOINT, mls MULTILINESTRING, mpg MULTIPOLYGON, gc GEOMETRYCOLLECTION,
    u UUID, v4 INET4, v6 INET6,
    gen_v INT AS (i + 1) VIRTUAL, gen_s VARCHAR(210) AS (CONCAT(vc, 'x')) STORED COMMENT 'generated',
    hid INT INVISIBLE DEFAULT 3, expr_def INT DEFAULT (bi * 2), txt_def TEXT DEFAULT ('abc'),
    pos INT CHECK (pos >= 0),
    PRIMARY KEY (id),
    UNIQUE KEY uq_vc_prefix (vc(10), bi),
    KEY ix_desc (bi DESC, ti) COMMENT 'newest first',
    KEY ix_ignored (si) IGNORED,
    KEY ix_using (mi) USING BTREE,
    FULLTEXT KEY ft_text (tx, mt),
    SPATIAL KEY sp_pt (pt),
    CONSTRAINT ck_range CHECK (bi < 1000000),
    CONSTRAINT ck_pair CHECK (ti IS NULL OR si IS NOT NULL)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC COMMENT='every column type'`,
  `CREATE TABLE parent_a (
    id INT NOT NULL, b_id INT NULL, code VARCHAR(10) NOT NULL COMMENT 'two\\nlines, a \\\\ and a tab\t',
    PRIMARY KEY (id), UNIQUE KEY uq_code (code)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci STATS_PERSISTENT=1`,
  `CREATE TABLE child_b (
    id INT NOT NULL, a_id INT NOT NULL, a_code VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,
    a2 INT NULL, a3 INT NULL,
    PRIMARY KEY (id),
    KEY ix_a (a_id),
    CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES parent_a (id) ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT fk_b_code FOREIGN KEY (a_code) REFERENCES parent_a (code) ON DELETE SET NULL ON UPDATE NO ACTION,
    CONSTRAINT fk_b_a2 FOREIGN KEY (a2) REFERENCES parent_a (id) ON DELETE RESTRICT,
    CONSTRAINT fk_b_a3 FOREIGN KEY (a3) REFERENCES parent_a (id)
  ) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci`,
  // The cycle: parent_a.b_id → child_b.id, added after both exist.
  `ALTER TABLE parent_a ADD CONSTRAINT fk_a_b FOREIGN KEY (b_id) REFERENCES child_b (id)`,
  `CREATE TABLE legacy_myisam (
    id INT NOT NULL AUTO_INCREMENT, body TEXT, PRIMARY KEY (id), FULLTEXT KEY ft_body (body)
  ) ENGINE=MyISAM DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci CHECKSUM=1 COMMENT='MyISAM, FULLTEXT'`,
  `CREATE TABLE compressed (id INT NOT NULL PRIMARY KEY, v VARCHAR(10)) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8`,
  `CREATE TABLE no_pk (a INT, b VARCHAR(5))`,
];

/** Tables the model refuses, each with the reason it must give. */
export const REFUSED_TABLES: readonly {
  readonly ddl: string;
  readonly name: string;
  readonly reason: RegExp;
}[] = [
  {
    name: 'parted',
    ddl: 'CREATE TABLE parted (id INT NOT NULL, PRIMARY KEY (id)) PARTITION BY HASH (id) PARTITIONS 2',
    reason: /partitioned/,
  },
  {
    name: 'desc_pk',
    ddl: 'CREATE TABLE desc_pk (id INT NOT NULL, PRIMARY KEY (id DESC))',
    reason: /PRIMARY KEY \(`id` DESC\)/,
  },
  {
    name: 'versioned',
    ddl: 'CREATE TABLE versioned (id INT NOT NULL PRIMARY KEY) WITH SYSTEM VERSIONING',
    reason: /SYSTEM VERSIONED/,
  },
  {
    name: 'seq',
    ddl: 'CREATE SEQUENCE seq',
    reason: /SEQUENCE/,
  },
];
