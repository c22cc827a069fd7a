import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SingleConnection } from '../../../src/db/connect.js';
import { diffSchemas, EMPTY_SCHEMA, renderOps, type ServerInfo } from '../../../src/migrate/index.js';
import type { Column, ColumnDefault, ColumnType, Index, Table } from '../../../src/schema/index.js';
import { dropAll, introspect, openScratchPair, run, type ScratchPair } from './live-helpers.js';

let pair: ScratchPair;
let a: SingleConnection;
let dbA: string;
let server: ServerInfo;

beforeAll(async () => {
  pair = await openScratchPair('fid_pr');
  ({ a, dbA, server } = pair);
});
afterAll(() => pair?.close());

/** A column type of the model with, when it has one, a default that fits it. */
interface Gen {
  readonly type: ColumnType;
  readonly def?: ColumnDefault;
  /** Can be a plain index part; 'prefix' needs a prefix length. */
  readonly index: 'plain' | 'prefix' | 'no';
}

const lit = (value: string | number | boolean): ColumnDefault => ({ kind: 'literal', value });
// No trailing spaces: CHAR strips them (a model asking for one never converges, which verification reports).
const word = fc.stringMatching(/^[a-z][a-z0-9 ']{0,6}$/).map((s) => s.trimEnd());
const members = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9']{0,5}$/), { minLength: 1, maxLength: 5 });

const genType: fc.Arbitrary<Gen> = fc.oneof(
  fc
    .record({
      kind: fc.constantFrom('tinyint', 'smallint', 'mediumint', 'int', 'bigint') as fc.Arbitrary<'int'>,
      unsigned: fc.boolean(),
      d: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    })
    .map(({ kind, unsigned, d }) => ({
      type: unsigned ? { kind, unsigned: true } : { kind },
      ...(d === undefined ? {} : { def: lit(d) }),
      index: 'plain' as const,
    })),
  fc.boolean().map((d) => ({ type: { kind: 'boolean' as const }, def: lit(d), index: 'plain' as const })),
  fc
    .integer({ min: 1, max: 64 })
    .map((length) => ({ type: { kind: 'bit' as const, length }, index: 'plain' as const })),
  fc
    .integer({ min: 1, max: 30 })
    .chain((precision) =>
      fc.record({
        precision: fc.constant(precision),
        scale: fc.integer({ min: 0, max: Math.min(precision, 6) }),
      }),
    )
    .map(({ precision, scale }) => ({
      type: { kind: 'decimal' as const, precision, scale },
      def: lit('0'),
      index: 'plain' as const,
    })),
  fc
    .constantFrom('float', 'double')
    .map((kind) => ({ type: { kind } as ColumnType, index: 'plain' as const })),
  fc
    .record({
      kind: fc.constantFrom<'varchar' | 'char'>('varchar', 'char'),
      length: fc.integer({ min: 8, max: 255 }),
      d: fc.option(word, { nil: undefined }),
    })
    .map(({ kind, length, d }) => ({
      type: {
        kind: kind === 'char' ? 'char' : 'varchar',
        length: kind === 'char' ? Math.min(length, 100) : length,
      } as ColumnType,
      ...(d === undefined ? {} : { def: lit(d) }),
      index: 'plain' as const,
    })),
  fc
    .record({
      kind: fc.constantFrom('binary', 'varbinary') as fc.Arbitrary<'binary'>,
      length: fc.integer({ min: 1, max: 200 }),
    })
    .map(({ kind, length }) => ({ type: { kind, length }, index: 'plain' as const })),
  fc
    .constantFrom('tinytext', 'text', 'mediumtext', 'longtext', 'tinyblob', 'blob', 'mediumblob', 'longblob')
    .map((kind) => ({ type: { kind } as ColumnType, index: 'prefix' as const })),
  fc
    .record({ kind: fc.constantFrom('enum', 'set') as fc.Arbitrary<'enum'>, values: members })
    .map(({ kind, values }) => ({
      type: { kind, values },
      def: lit(values[0] ?? ''),
      index: 'plain' as const,
    })),
  fc.constant({ type: { kind: 'date' as const }, def: lit('2020-02-29'), index: 'plain' as const }),
  fc.constant({ type: { kind: 'year' as const }, index: 'plain' as const }),
  fc
    .record({
      kind: fc.constantFrom('time', 'datetime', 'timestamp') as fc.Arbitrary<'time'>,
      fsp: fc.integer({ min: 0, max: 6 }),
    })
    .map(({ kind, fsp }) => ({ type: fsp ? { kind, fsp } : { kind }, index: 'plain' as const })),
  fc.constant({ type: { kind: 'json' as const }, index: 'no' as const }),
  fc
    .constantFrom(
      'geometry',
      'point',
      'linestring',
      'polygon',
      'multipoint',
      'multilinestring',
      'multipolygon',
      'geometrycollection',
    )
    .map((kind) => ({ type: { kind } as ColumnType, index: 'no' as const })),
  fc
    .constantFrom('uuid', 'inet4', 'inet6')
    .map((kind) => ({ type: { kind } as ColumnType, index: 'plain' as const })),
);

const genColumn = fc.record({
  gen: genType,
  nullable: fc.boolean(),
  comment: fc.option(word, { nil: undefined }),
  invisible: fc.boolean(),
  latin1: fc.boolean(),
});

const TEXTUAL = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set']);
const FULLTEXT_OK = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext']);

/**
 * A random table within the model: an INT primary key, 1-8 columns (some latin1), maybe a generated column,
 * 0-3 indexes over them (plain, unique, prefix, DESC, FULLTEXT), maybe a CHECK, a table collation and row format.
 */
const genTable: fc.Arbitrary<Table> = fc
  .record({
    cols: fc.array(genColumn, { minLength: 1, maxLength: 8 }),
    picks: fc.array(
      fc.record({ at: fc.nat(), desc: fc.boolean(), unique: fc.boolean(), fulltext: fc.boolean() }),
      {
        maxLength: 3,
      },
    ),
    comment: fc.option(word, { nil: undefined }),
    generated: fc.option(fc.boolean(), { nil: undefined }),
    check: fc.boolean(),
    collation: fc.constantFrom('utf8mb4_unicode_ci', 'utf8mb4_bin', 'utf8mb4_general_ci'),
    rowFormat: fc.option(fc.constantFrom('DYNAMIC', 'COMPACT'), { nil: undefined }),
  })
  .map(({ cols, picks, comment, generated, check, collation, rowFormat }) => {
    const columns: Column[] = [
      { name: 'id', type: { kind: 'int' }, nullable: false },
      ...cols.map((c, i): Column => {
        // TIMESTAMP NOT NULL without a default gets one from the server: keep those NULL-able.
        const nullable = c.nullable || c.gen.type.kind === 'timestamp' || (c.invisible && !c.gen.def);
        return {
          name: `c${i}`,
          type: c.gen.type,
          nullable,
          ...(c.gen.def ? { default: c.gen.def } : {}),
          ...(c.comment ? { comment: c.comment } : {}),
          ...(c.invisible ? { invisible: true } : {}),
          ...(c.latin1 && TEXTUAL.has(c.gen.type.kind) ? { charset: 'latin1', collation: 'latin1_bin' } : {}),
        };
      }),
      ...(generated === undefined
        ? []
        : [
            {
              name: 'g',
              type: { kind: 'int' },
              nullable: true,
              generated: { expression: '`id` + 1', stored: generated },
            } as Column,
          ]),
    ];
    const indexes: Index[] = [];
    picks.forEach((p, k) => {
      const i = p.at % cols.length;
      const g = cols[i]?.gen;
      if (!g || g.index === 'no' || indexes.some((ix) => ix.columns[0] === `c${i}`)) return;
      // ROW_FORMAT=COMPACT keys a column by at most 767 bytes (error 1709): a utf8mb4 CHAR/VARCHAR over 191
      // characters cannot be a whole index part there.
      const wide = (g.type.kind === 'varchar' || g.type.kind === 'char') && g.type.length > 191;
      if (rowFormat === 'COMPACT' && wide && !(p.fulltext && FULLTEXT_OK.has(g.type.kind))) return;
      if (p.fulltext && FULLTEXT_OK.has(g.type.kind)) {
        indexes.push({ name: `ix${k}`, columns: [`c${i}`], unique: false, type: 'fulltext' });
        return;
      }
      const unique = p.unique && g.index === 'plain';
      const part = {
        column: `c${i}`,
        ...(g.index === 'prefix' ? { length: 10 } : {}),
        ...(p.desc ? { desc: true } : {}),
      };
      indexes.push({
        name: `ix${k}`,
        columns: [`c${i}`],
        unique,
        ...(part.length || part.desc ? { parts: [part] } : {}),
      });
    });
    return {
      name: 'prop',
      columns,
      primaryKey: ['id'],
      indexes,
      foreignKeys: [],
      ...(comment ? { comment } : {}),
      ...(check ? { checks: [{ name: 'ck_id', clause: '`id` >= 0' }] } : {}),
      options: {
        engine: 'InnoDB',
        charset: 'utf8mb4',
        collation,
        ...(rowFormat ? { createOptions: [`row_format=${rowFormat}`] } : {}),
      },
    };
  });

describe('property: random tables within the model survive render → apply → introspect unchanged', () => {
  it('40 random tables on live MariaDB', async () => {
    await fc.assert(
      fc.asyncProperty(genTable, async (table) => {
        await dropAll(a, dbA);
        const ops = diffSchemas(EMPTY_SCHEMA, { tables: [table] });
        await run(
          a,
          renderOps(ops, server, EMPTY_SCHEMA).statements.map((s) => s.sql),
        );
        const live = await introspect(a, dbA);
        const got = live.tables[0];
        expect(got?.unsupported?.reason).toBeUndefined();
        expect(diffSchemas({ tables: [table] }, live)).toEqual([]);
        expect(diffSchemas(live, { tables: [table] })).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
