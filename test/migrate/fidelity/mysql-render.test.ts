import { describe, expect, it } from 'vitest';
import { diffSchemas, normalizeCatalog, type RawCatalog } from '../../../src/migrate/index.js';
import type { RawColumn, RawIndexPart } from '../../../src/migrate/introspect/raw-catalog.js';

/**
 * MySQL 8 cannot run here: this catalog is written in the shape of readCatalog() from MySQL 8.0.36's
 * documented and commonly seen output (widths gone except tinyint(1), literal defaults quoted, upper-case
 * CURRENT_TIMESTAMP, DEFAULT_GENERATED in EXTRA, `/*!80023 INVISIBLE *\/`, `/*!80003 SRID … *\/`,
 * `/*!80000 INVISIBLE *\/` indexes, functional key parts, CHECK clauses in double parentheses, NO ACTION
 * omitted and RESTRICT printed, no DEFAULT NULL on TEXT/BLOB). It checks MySQL-flavoured rendering and the
 * I_S reading of MySQL rows; it is not a recording of a live server (test/migrate/fixtures/README.md).
 */
const col = (ordinal: number, name: string, columnType: string, o: Partial<RawColumn> = {}): RawColumn => ({
  table_name: 'film',
  column_name: name,
  ordinal_position: ordinal,
  column_default: null,
  is_nullable: 'YES',
  data_type: columnType.replace(/[( ].*$/, ''),
  column_type: columnType,
  extra: '',
  column_comment: '',
  character_set_name: null,
  collation_name: null,
  generation_expression: '',
  srs_id: null,
  ...o,
});

const part = (
  index: string,
  seq: number,
  column: string | null,
  o: Partial<RawIndexPart> = {},
): RawIndexPart => ({
  table_name: 'film',
  index_name: index,
  non_unique: 1,
  seq_in_index: seq,
  column_name: column,
  sub_part: null,
  collation: 'A',
  index_type: 'BTREE',
  index_comment: '',
  is_visible: 'YES',
  expression: null,
  ...o,
});

const SHOW_CREATE = `CREATE TABLE \`film\` (
  \`film_id\` smallint unsigned NOT NULL AUTO_INCREMENT,
  \`title\` varchar(128) NOT NULL,
  \`description\` text,
  \`release_year\` year DEFAULT NULL,
  \`language_id\` tinyint unsigned NOT NULL,
  \`rating\` enum('G','PG','PG-13','R','NC-17') DEFAULT 'G',
  \`special_features\` set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes') DEFAULT NULL,
  \`rental_rate\` decimal(4,2) NOT NULL DEFAULT '4.99',
  \`is_new\` tinyint(1) NOT NULL DEFAULT '0',
  \`code\` char(3) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT NULL,
  \`loc\` point NOT NULL /*!80003 SRID 4326 */,
  \`doc\` json DEFAULT NULL,
  \`title_lc\` varchar(128) GENERATED ALWAYS AS (lower(\`title\`)) VIRTUAL,
  \`last_update\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  \`seen_at\` datetime(3) DEFAULT NULL,
  PRIMARY KEY (\`film_id\`),
  KEY \`idx_title\` (\`title\`(10)),
  KEY \`idx_year_desc\` (\`release_year\` DESC),
  KEY \`idx_lower\` ((lower(\`title\`))),
  KEY \`idx_rating\` (\`rating\`) /*!80000 INVISIBLE */,
  KEY \`fk_film_language\` (\`language_id\`),
  SPATIAL KEY \`idx_loc\` (\`loc\`),
  FULLTEXT KEY \`idx_ft\` (\`title\`,\`description\`),
  CONSTRAINT \`fk_film_language\` FOREIGN KEY (\`language_id\`) REFERENCES \`language\` (\`language_id\`) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT \`film_chk_1\` CHECK ((\`rental_rate\` >= 0))
) ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='films'`;

const catalog: RawCatalog = {
  server: { version: '8.0.36', comment: 'MySQL Community Server - GPL' },
  tables: [
    {
      table_name: 'film',
      table_comment: 'films',
      table_type: 'BASE TABLE',
      engine: 'InnoDB',
      table_collation: 'utf8mb4_0900_ai_ci',
      create_options: '',
    },
  ],
  columns: [
    col(1, 'film_id', 'smallint unsigned', { is_nullable: 'NO', extra: 'auto_increment' }),
    col(2, 'title', 'varchar(128)', { is_nullable: 'NO', collation_name: 'utf8mb4_0900_ai_ci' }),
    col(3, 'description', 'text', { collation_name: 'utf8mb4_0900_ai_ci' }),
    col(4, 'release_year', 'year'),
    col(5, 'language_id', 'tinyint unsigned', { is_nullable: 'NO' }),
    col(6, 'rating', "enum('G','PG','PG-13','R','NC-17')", {
      column_default: 'G',
      collation_name: 'utf8mb4_0900_ai_ci',
    }),
    col(7, 'special_features', "set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes')", {
      collation_name: 'utf8mb4_0900_ai_ci',
    }),
    col(8, 'rental_rate', 'decimal(4,2)', { is_nullable: 'NO', column_default: '4.99' }),
    col(9, 'is_new', 'tinyint(1)', { is_nullable: 'NO', column_default: '0' }),
    col(10, 'code', 'char(3)', { character_set_name: 'latin1', collation_name: 'latin1_bin' }),
    col(11, 'loc', 'point', { is_nullable: 'NO', srs_id: 4326 }),
    col(12, 'doc', 'json'),
    col(13, 'title_lc', 'varchar(128)', {
      extra: 'VIRTUAL GENERATED',
      generation_expression: 'lower(`title`)',
      collation_name: 'utf8mb4_0900_ai_ci',
    }),
    col(14, 'last_update', 'timestamp', {
      is_nullable: 'NO',
      column_default: 'CURRENT_TIMESTAMP',
      extra: 'DEFAULT_GENERATED on update CURRENT_TIMESTAMP',
    }),
    col(15, 'seen_at', 'datetime(3)'),
  ],
  indexes: [
    part('PRIMARY', 1, 'film_id', { non_unique: 0 }),
    part('idx_title', 1, 'title', { sub_part: 10 }),
    part('idx_year_desc', 1, 'release_year', { collation: 'D' }),
    part('idx_lower', 1, null, { expression: 'lower(`title`)' }),
    part('idx_rating', 1, 'rating', { is_visible: 'NO' }),
    part('fk_film_language', 1, 'language_id'),
    part('idx_loc', 1, 'loc', { index_type: 'SPATIAL', sub_part: 32, collation: null }),
    part('idx_ft', 1, 'title', { index_type: 'FULLTEXT', collation: null }),
    part('idx_ft', 2, 'description', { index_type: 'FULLTEXT', collation: null }),
  ],
  foreignKeys: [
    {
      table_name: 'film',
      constraint_name: 'fk_film_language',
      column_name: 'language_id',
      ordinal_position: 1,
      referenced_table_name: 'language',
      referenced_column_name: 'language_id',
      update_rule: 'CASCADE',
      delete_rule: 'RESTRICT',
    },
  ],
  checks: [
    {
      table_name: 'film',
      constraint_name: 'film_chk_1',
      check_clause: '(`rental_rate` >= 0)',
      enforced: 'YES',
    },
  ],
  createStatements: { film: SHOW_CREATE },
};

describe('MySQL 8 rendering against SHOW CREATE TABLE text written from MySQL 8.0.36 output', () => {
  it('the model rendered for MySQL equals the server text: the table is supported', () => {
    const film = normalizeCatalog(catalog).tables[0];
    expect(film?.unsupported).toBeUndefined();
    expect(film?.columns.find((c) => c.name === 'loc')?.type).toEqual({ kind: 'point', srid: 4326 });
    expect(film?.indexes.find((i) => i.name === 'idx_lower')?.parts).toEqual([
      { expression: 'lower(`title`)' },
    ]);
    expect(film?.indexes.find((i) => i.name === 'idx_rating')?.invisible).toBe(true);
    expect(film?.checks).toEqual([{ name: 'film_chk_1', clause: '(`rental_rate` >= 0)' }]);
  });

  it('an attribute the model does not read shows up as a difference: unsupported, with the fragment', () => {
    const compressed = {
      ...catalog,
      createStatements: {
        film: SHOW_CREATE.replace("COMMENT='films'", "COMPRESSION='zlib' COMMENT='films'"),
      },
    };
    const film = normalizeCatalog(compressed).tables[0];
    expect(film?.unsupported?.reason).toMatch(/COMPRESSION='zlib'/);
    expect(() => diffSchemas(normalizeCatalog(compressed), { tables: [] })).toThrow(
      /no DDL generated for table film/,
    );
  });

  it('GIPK on MySQL 8.4: my_row_id rendered back, left out of the model and never diffed', () => {
    const gipk: RawCatalog = {
      server: { version: '8.4.3', comment: '' },
      tables: [
        {
          table_name: 't',
          table_comment: '',
          engine: 'InnoDB',
          table_collation: 'utf8mb4_0900_ai_ci',
          create_options: '',
        },
      ],
      columns: [
        col(1, 'my_row_id', 'bigint unsigned', {
          table_name: 't',
          is_nullable: 'NO',
          extra: 'auto_increment INVISIBLE',
        }),
        col(2, 'a', 'int', { table_name: 't' }),
      ],
      indexes: [part('PRIMARY', 1, 'my_row_id', { table_name: 't', non_unique: 0 })],
      foreignKeys: [],
      checks: [],
      createStatements: {
        t: 'CREATE TABLE `t` (\n  `my_row_id` bigint unsigned NOT NULL AUTO_INCREMENT /*!80023 INVISIBLE */,\n  `a` int DEFAULT NULL,\n  PRIMARY KEY (`my_row_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
      },
    };
    const t = normalizeCatalog(gipk).tables[0];
    expect(t?.unsupported).toBeUndefined();
    expect(t?.gipk).toBe(true);
    expect(t?.columns.map((c) => c.name)).toEqual(['a']);
    // A model of the same table without the server-managed key: no difference.
    const { gipk: _managed, ...model } = t as NonNullable<typeof t>;
    expect(diffSchemas(normalizeCatalog(gipk), { tables: [model] })).toEqual([]);
  });
});
