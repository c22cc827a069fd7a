import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTables } from '../../src/move/index.js';
import { createMovePair, diffSummary, type MovePair, run } from './helpers.js';

/** Source rows: even keys 2..2*ROWS, so odd keys inside the span are free for extra rows. */
const ROWS = 3000;
const FILL = `INSERT INTO r_rows SELECT seq * 2, IF(seq % 5 = 0, NULL, IF(seq % 7 = 0, '', CONCAT('s', seq))),
  IF(seq % 4 = 0, NULL, seq / 7) FROM seq_1_to_${ROWS}`;

/** One planted difference on the destination and the line verify must print for it. */
type Plant = { kind: 'delete' | 'nullToEmpty' | 'trailingSpace' | 'float' | 'extra'; key: number };

function plantSql(p: Plant): string {
  switch (p.kind) {
    case 'delete':
      return `DELETE FROM r_rows WHERE id = ${p.key}`;
    case 'nullToEmpty':
      return `UPDATE r_rows SET s = IF(s IS NULL, '', NULL) WHERE id = ${p.key}`;
    case 'trailingSpace':
      return `UPDATE r_rows SET s = CONCAT(IFNULL(s, ''), ' ') WHERE id = ${p.key}`;
    case 'float':
      return `UPDATE r_rows SET f = IFNULL(f, 0) + 1e-12 WHERE id = ${p.key}`;
    case 'extra':
      return `INSERT INTO r_rows VALUES (${p.key}, 'extra', NULL)`;
  }
}

function expected(p: Plant): string {
  if (p.kind === 'delete') return `r_rows {"id":${p.key}} missing`;
  if (p.kind === 'extra') return `r_rows {"id":${p.key}} extra`;
  return `r_rows {"id":${p.key}} changed ${p.kind === 'float' ? 'f' : 's'}`;
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
      await run(conn, 'CREATE TABLE r_rows (id INT PRIMARY KEY, s VARCHAR(20) NULL, f DOUBLE NULL)', FILL);
  });
  afterAll(async () => {
    await pair?.drop();
  });

  it('over random chunk, bucket and leaf sizes', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        plants,
        fc.record({
          firstChunkRows: fc.integer({ min: 50, max: 5000 }),
          bucketRows: fc.integer({ min: 0, max: 600 }),
          leafRows: fc.integer({ min: 1, max: 400 }),
        }),
        async (planted, options) => {
          await run(pair.gcp, 'TRUNCATE r_rows', FILL, ...planted.map(plantSql));
          const result = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
            tables: ['r_rows'],
            ...options,
          });
          expect(diffSummary(result.differences)).toEqual(planted.map(expected).sort());
          expect(result.differenceCount).toBe(planted.length);
        },
      ),
      { numRuns: 12 },
    );
  });
});
