import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SingleConnection } from '../../../src/db/connect.js';
import { diffSchemas, renderOps, type ServerInfo } from '../../../src/migrate/index.js';
import { columnChangeLoss } from '../../../src/migrate/render/destructive.js';
import { introspect, openScratchPair, plantChange, run, type ScratchPair } from './live-helpers.js';

let pair: ScratchPair;
let a: SingleConnection;
let b: SingleConnection;
let dbA: string;
let dbB: string;
let server: ServerInfo;

beforeAll(async () => {
  pair = await openScratchPair('fid_mu');
  ({ a, b, dbA, dbB, server } = pair);
});
afterAll(() => pair?.close());

const BASE = [
  `CREATE TABLE film (
    id INT NOT NULL, tags SET('a','b') NOT NULL DEFAULT 'a', kind ENUM('x','y') NOT NULL DEFAULT 'x',
    picture BLOB, loc GEOMETRY NOT NULL, name VARCHAR(50) NOT NULL, notes TEXT, qty INT NOT NULL DEFAULT 0,
    store_id INT NULL, PRIMARY KEY (id), KEY ix_name (name)
  ) COMMENT='base'`,
  'CREATE TABLE store (id INT NOT NULL PRIMARY KEY, film_id INT NULL)',
  'CREATE TABLE doc (id INT NOT NULL PRIMARY KEY, body VARCHAR(200) NOT NULL, extra INT NULL, FULLTEXT KEY ft_body (body))',
  'CREATE TABLE packed (id INT NOT NULL PRIMARY KEY, n INT NULL) ROW_FORMAT=COMPRESSED',
  'CREATE TABLE gen (id INT NOT NULL PRIMARY KEY, qty INT NOT NULL, v INT AS (qty + 1) VIRTUAL, pt POINT NULL, KEY ix_v (v, id))',
];

/** One change made on B; the diff A→B must detect it, and its SQL applied to A must make the diff empty. */
interface Mutation {
  readonly name: string;
  readonly ddl: string;
  /** What the generated SQL must contain (the right type, never a neighbour). */
  readonly sql?: RegExp;
  /** Expected online-DDL algorithm of the first statement. */
  readonly algorithm?: 'INSTANT' | 'INPLACE' | 'COPY' | null;
  /** Whether the change may lose data (columnChangeLoss of the alterColumn op). */
  readonly destructive?: boolean;
}

const MUTATIONS: readonly Mutation[] = [
  // The wrong-DDL examples.
  {
    name: 'one more SET member stays a SET (was rendered ENUM)',
    ddl: "ALTER TABLE film MODIFY tags SET('a','b','c') NOT NULL DEFAULT 'a'",
    sql: /MODIFY COLUMN `tags` SET\('a','b','c'\)/,
    algorithm: 'INSTANT',
    destructive: false,
  },
  {
    name: 'BLOB -> MEDIUMBLOB stays binary (was rendered MEDIUMTEXT)',
    ddl: 'ALTER TABLE film MODIFY picture MEDIUMBLOB',
    sql: /MODIFY COLUMN `picture` MEDIUMBLOB NULL/,
    algorithm: 'COPY',
    destructive: false,
  },
  {
    name: 'MEDIUMBLOB <- BLOB the other way narrows',
    ddl: 'ALTER TABLE film MODIFY picture TINYBLOB',
    sql: /TINYBLOB/,
    destructive: true,
  },
  {
    name: 'BLOB -> TEXT reinterprets bytes',
    ddl: 'ALTER TABLE film MODIFY picture TEXT',
    sql: /MODIFY COLUMN `picture` TEXT/,
    algorithm: 'COPY',
    destructive: true,
  },
  // The missed changes.
  {
    name: 'GEOMETRY -> POINT',
    ddl: 'ALTER TABLE film MODIFY loc POINT NOT NULL',
    sql: /POINT NOT NULL/,
    algorithm: 'COPY',
    destructive: true,
  },
  {
    name: 'a POINT column gains an SRID: detected, not destructive (no value changes)',
    ddl: 'ALTER TABLE gen MODIFY pt POINT REF_SYSTEM_ID=4326 NULL',
    sql: /MODIFY COLUMN `pt` POINT REF_SYSTEM_ID=4326 NULL/,
    destructive: false,
  },
  {
    name: 'a column collation',
    ddl: 'ALTER TABLE film MODIFY name VARCHAR(50) COLLATE utf8mb4_bin NOT NULL',
    sql: /COLLATE utf8mb4_bin/,
    algorithm: 'COPY',
    destructive: false,
  },
  {
    name: 'a CHECK',
    ddl: 'ALTER TABLE film ADD CONSTRAINT ck_qty CHECK (qty >= 0)',
    sql: /ADD CONSTRAINT `ck_qty` CHECK/,
  },
  { name: 'a table COMMENT', ddl: "ALTER TABLE film COMMENT='changed'", sql: /COMMENT='changed'/ },
  // ENUM/SET: reorder or removal is a copy; removal loses data.
  {
    name: 'ENUM members reordered',
    ddl: "ALTER TABLE film MODIFY kind ENUM('y','x') NOT NULL DEFAULT 'x'",
    algorithm: 'COPY',
    destructive: false,
  },
  {
    name: 'ENUM member removed',
    ddl: "ALTER TABLE film MODIFY kind ENUM('x') NOT NULL DEFAULT 'x'",
    algorithm: 'COPY',
    destructive: true,
  },
  {
    name: 'a column charset',
    ddl: 'ALTER TABLE film MODIFY notes TEXT CHARACTER SET latin1',
    destructive: true,
  },
  { name: 'VARCHAR narrowed', ddl: 'ALTER TABLE film MODIFY name VARCHAR(20) NOT NULL', destructive: true },
  {
    name: 'INT -> BIGINT UNSIGNED',
    ddl: 'ALTER TABLE film MODIFY qty BIGINT UNSIGNED NOT NULL DEFAULT 0',
    destructive: true,
  },
  { name: 'INT -> BIGINT', ddl: 'ALTER TABLE film MODIFY qty BIGINT NOT NULL DEFAULT 0', destructive: false },
  {
    name: 'a default expression',
    ddl: 'ALTER TABLE film ALTER qty SET DEFAULT (1 + 1)',
    algorithm: 'INSTANT',
  },
  {
    name: 'FULLTEXT index',
    ddl: 'ALTER TABLE film ADD FULLTEXT INDEX ft_notes (notes)',
    sql: /ADD FULLTEXT INDEX/,
  },
  {
    name: 'prefix DESC index',
    ddl: 'ALTER TABLE film ADD INDEX ix_pref (name(10) DESC, qty)',
    sql: /`name`\(10\) DESC/,
  },
  { name: 'SPATIAL index', ddl: 'ALTER TABLE film ADD SPATIAL INDEX sp_loc (loc)', sql: /ADD SPATIAL INDEX/ },
  { name: 'IGNORED index', ddl: 'ALTER TABLE film ALTER INDEX ix_name IGNORED', sql: /IGNORED/ },
  {
    name: 'index comment',
    ddl: "ALTER TABLE film DROP INDEX ix_name, ADD INDEX ix_name (name) COMMENT 'c'",
    sql: /COMMENT 'c'/,
  },
  {
    name: 'generated STORED column',
    ddl: 'ALTER TABLE film ADD COLUMN q2 INT AS (qty * 2) STORED',
    sql: /GENERATED ALWAYS AS/,
  },
  {
    // MODIFY cannot change VIRTUAL <-> STORED (MariaDB 1907): dropped and added back, its index with it.
    name: 'generated VIRTUAL -> STORED, indexed',
    ddl: 'ALTER TABLE gen DROP INDEX ix_v, DROP COLUMN v, ADD COLUMN v INT AS (qty + 1) STORED AFTER qty, ADD KEY ix_v (v, id)',
    sql: /DROP INDEX `ix_v`, DROP COLUMN `v`, ADD COLUMN `v` INT GENERATED ALWAYS AS \(`qty` \+ 1\) STORED AFTER `qty`, ADD KEY `ix_v` \(`v`, `id`\)/,
    destructive: false,
  },
  {
    // MariaDB refuses INSTANT (1845) and LOCK=NONE (1846) beside an indexed VIRTUAL column.
    name: 'ADD COLUMN on a table with an indexed VIRTUAL column is not INSTANT',
    ddl: 'ALTER TABLE gen ADD COLUMN note INT NULL',
    sql: /^ALTER TABLE `gen` ADD COLUMN `note` INT NULL$/,
    algorithm: 'COPY',
  },
  {
    // Neither INSTANT (1845) nor LOCK=NONE (1846 "Fulltext index creation requires a lock").
    name: 'DROP COLUMN on a table with a FULLTEXT index is not INSTANT',
    ddl: 'ALTER TABLE doc DROP COLUMN extra',
    sql: /^ALTER TABLE `doc` DROP COLUMN `extra`$/,
    algorithm: 'INPLACE',
  },
  {
    name: 'ADD COLUMN on a ROW_FORMAT=COMPRESSED table is INPLACE, not INSTANT',
    ddl: 'ALTER TABLE packed ADD COLUMN more INT NULL',
    sql: /ADD COLUMN `more` INT NULL, ALGORITHM=INPLACE, LOCK=NONE$/,
    algorithm: 'INPLACE',
  },
  { name: 'INVISIBLE column', ddl: 'ALTER TABLE film ADD COLUMN secret INT INVISIBLE', sql: /INVISIBLE/ },
  { name: 'column comment', ddl: "ALTER TABLE film MODIFY qty INT NOT NULL DEFAULT 0 COMMENT 'how many'" },
  {
    name: 'ON UPDATE with fsp',
    ddl: 'ALTER TABLE film ADD COLUMN upd DATETIME(3) NULL ON UPDATE CURRENT_TIMESTAMP(3)',
  },
  { name: 'row format', ddl: 'ALTER TABLE film ROW_FORMAT=COMPACT', sql: /ROW_FORMAT=COMPACT/ },
  { name: 'table collation', ddl: 'ALTER TABLE store COLLATE utf8mb4_bin', sql: /COLLATE=utf8mb4_bin/ },
  { name: 'engine', ddl: 'ALTER TABLE store ENGINE=MyISAM', sql: /ENGINE=MyISAM/ },
  {
    name: 'FK cycle added',
    ddl: 'ALTER TABLE film ADD CONSTRAINT fk_film_store FOREIGN KEY (store_id) REFERENCES store (id) ON DELETE SET NULL',
    sql: /ON DELETE SET NULL/,
  },
  {
    name: 'YEAR and BIT columns',
    ddl: "ALTER TABLE film ADD COLUMN y YEAR, ADD COLUMN bits BIT(3) DEFAULT b'101'",
  },
  { name: 'table dropped', ddl: 'DROP TABLE store' },
  {
    name: 'table created',
    ddl: "CREATE TABLE extra (id INT UNSIGNED ZEROFILL NOT NULL, s SET('p') , PRIMARY KEY (id))",
  },
];

describe('mutations on live MariaDB: each detected by the diff and converged by its SQL', () => {
  it.each(MUTATIONS)('$name', async (m) => {
    const { from, to } = await plantChange({ a, b, dbA, dbB }, BASE, m.ddl);
    const ops = diffSchemas(from, to);
    expect(ops.length, 'the change is detected').toBeGreaterThan(0);
    const { statements } = renderOps(ops, server, from);
    const text = statements.map((s) => s.sql).join(';\n');
    if (m.sql) expect(text).toMatch(m.sql);
    if (m.algorithm !== undefined) expect(statements[0]?.online.algorithm).toBe(m.algorithm);
    if (m.destructive !== undefined) {
      const alter = ops.find((o) => o.kind === 'alterColumn');
      if (alter?.kind !== 'alterColumn') throw new Error('expected a column change');
      expect(columnChangeLoss(alter.table, alter.from, alter.to) !== null).toBe(m.destructive);
    }
    await run(a, ['SET FOREIGN_KEY_CHECKS=0', ...statements.map((s) => s.sql), 'SET FOREIGN_KEY_CHECKS=1']);
    expect(diffSchemas(await introspect(a, dbA), to), text).toEqual([]);
  });
});
