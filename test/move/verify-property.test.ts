import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTables } from '../../src/move/index.js';
import { createMovePair, diffSummary, type MovePair, run } from './helpers.js';

/** Source rows: even keys 2..2*ROWS, so odd keys inside the span are free for extra rows. */
const ROWS = 3000;

/**
 * Two shapes: an integer key (range buckets) and a text key (hash buckets), `k` + the number padded to six
 * digits (negative numbers sort first as `k-00050`).
 */
const SHAPES = {
  r_rows: { type: 'INT', sql: (n: number) => String(n), json: (n: number) => String(n), fill: 'seq * 2' },
  h_rows: {
    type: 'VARCHAR(12)',
    sql: (n: number) => `'${textKey(n)}'`,
    json: (n: number) => JSON.stringify(textKey(n)),
    fill: "CONCAT('k', LPAD(seq * 2, 6, '0'))",
  },
} as const;
type Shape = keyof typeof SHAPES;

function textKey(n: number): string {
  return n < 0 ? `k-${String(-n).padStart(5, '0')}` : `k${String(n).padStart(6, '0')}`;
}

const fill = (t: Shape) =>
  `INSERT INTO ${t} SELECT ${SHAPES[t].fill}, IF(seq % 5 = 0, NULL, IF(seq % 7 = 0, '', CONCAT('s', seq))),
    IF(seq % 4 = 0, NULL, seq / 7) FROM seq_1_to_${ROWS}`;

/** One planted difference on the destination and the line verify must print for it. */
type Plant = { kind: 'delete' | 'nullToEmpty' | 'trailingSpace' | 'float' | 'extra'; key: number };

function plantSql(t: Shape, p: Plant): string {
  const key = SHAPES[t].sql(p.key);
  switch (p.kind) {
    case 'delete':
      return `DELETE FROM ${t} WHERE id = ${key}`;
    case 'nullToEmpty':
      return `UPDATE ${t} SET s = IF(s IS NULL, '', NULL) WHERE id = ${key}`;
    case 'trailingSpace':
      return `UPDATE ${t} SET s = CONCAT(IFNULL(s, ''), ' ') WHERE id = ${key}`;
    case 'float':
      return `UPDATE ${t} SET f = IFNULL(f, 0) + 1e-12 WHERE id = ${key}`;
    case 'extra':
      return `INSERT INTO ${t} VALUES (${key}, 'extra', NULL)`;
  }
}

function expected(t: Shape, p: Plant): string {
  const key = `${t} {"id":${SHAPES[t].json(p.key)}}`;
  if (p.kind === 'delete') return `${key} missing`;
  if (p.kind === 'extra') return `${key} extra`;
  return `${key} changed ${p.kind === 'float' ? 'f' : 's'}`;
}

/** Distinct keys: changes and deletes on source keys, extras on odd keys inside and beyond the span. */
const plants = fc
  .uniqueArray(
    fc.oneof(
      fc.record({
        kind: fc.constantFrom('delete', 'nullToEmpty', 'trailingSpace', 'float'),
        key: fc.integer({ min: 1, max: ROWS }).map((n) => n * 2),
      }),
      fc.record({
        kind: fc.constant('extra'),
        key: fc.integer({ min: -50, max: 2 * ROWS + 50 }).map((n) => (n % 2 === 0 ? n + 1 : n)),
      }),
    ),
    { selector: (p) => p.key, minLength: 1, maxLength: 30 },
  )
  .map((ps) => ps as Plant[]);

describe('verify finds random planted differences, and nothing else', () => {
  let pair: MovePair;
  beforeAll(async () => {
    pair = await createMovePair();
    for (const conn of [pair.azure, pair.gcp])
      for (const t of Object.keys(SHAPES) as Shape[])
        await run(conn, `CREATE TABLE ${t} (id ${SHAPES[t].type} PRIMARY KEY, s VARCHAR(20) NULL, f DOUBLE NULL)`, fill(t));
  });
  afterAll(async () => {
    await pair?.drop();
  });

  it('over random key shapes, chunk, bucket and leaf sizes', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Shape>('r_rows', 'h_rows'),
        plants,
        fc.record({
          firstChunkRows: fc.integer({ min: 50, max: 5000 }),
          bucketRows: fc.integer({ min: 0, max: 600 }),
          leafRows: fc.integer({ min: 1, max: 400 }),
        }),
        async (t, planted, options) => {
          await run(pair.gcp, `TRUNCATE ${t}`, fill(t), ...planted.map((p) => plantSql(t, p)));
          const result = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
            tables: [t],
            ...options,
          });
          expect(diffSummary(result.differences)).toEqual(planted.map((p) => expected(t, p)).sort());
          expect(result.differenceCount).toBe(planted.length);
        },
      ),
      { numRuns: 16 },
    );
  });
});
