import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BucketPlan,
  type BucketSum,
  bucketColumn,
  bucketRange,
  differingBuckets,
  planBuckets,
} from '../../src/move/buckets.js';
import type { MoveColumn, MoveTable } from '../../src/move/catalog.js';
import type { KeyRange } from '../../src/move/keys.js';

/** The bucket the server computes for `key` (the SQL of bucketSums, in JS). */
const bucketOf = (plan: BucketPlan, key: number) =>
  key < plan.start ? 0 : Math.min(plan.count - 1, Math.floor((key - plan.start) / plan.width));

const inRange = (range: KeyRange, key: number) =>
  (range.lo === null || key > Number(range.lo[0])) && (range.hi === null || key <= Number(range.hi[0]));

const column = (name: string, dataType: string): MoveColumn => ({
  name,
  dataType,
  columnType: dataType,
  nullable: false,
  charset: null,
  collation: null,
  generated: false,
});

describe('key buckets', () => {
  it('buckets only tables with a single integer key', () => {
    const table = (pk: string[], type: string): MoveTable => ({
      name: 't',
      columns: [column('id', type), column('b', 'int')],
      primaryKey: pk,
      parents: [],
    });
    expect(bucketColumn(table(['id'], 'int'))).toBe('id');
    expect(bucketColumn(table(['id'], 'bigint'))).toBe('id');
    expect(bucketColumn(table(['id'], 'varchar'))).toBeNull();
    expect(bucketColumn(table(['id'], 'decimal'))).toBeNull();
    expect(bucketColumn(table(['id', 'b'], 'int'))).toBeNull();
    expect(bucketColumn(table([], 'int'))).toBeNull();
  });

  it('refuses bounds beyond 2^53 (BIGINT keys arrive as text)', () => {
    const span = { min: 1, max: 10 };
    expect(planBuckets('id', { lo: ['18446744073709551614'], hi: null }, span, 10, 2)).toBeNull();
    expect(planBuckets('id', { lo: ['5'], hi: ['9'] }, span, 4, 2)).toMatchObject({ start: 6 });
    expect(planBuckets('id', { lo: [9], hi: null }, { min: 1, max: 9 }, 0, 2)).toBeNull();
  });

  it('every key of the chunk, inside or outside the source span, is in exactly the bucket the server puts it in', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 500_000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 300_000 }),
        fc.integer({ min: 1, max: 2048 }),
        fc.array(fc.integer({ min: -2_000_000, max: 2_000_000 }), { maxLength: 40 }),
        (lo, length, ends, rows, bucketRows, probes) => {
          // ends: bit 1 = the first chunk (open below), bit 2 = the last (open above).
          const span = { min: lo + 1, max: lo + length };
          const range: KeyRange = { lo: ends & 1 ? null : [lo], hi: ends & 2 ? null : [lo + length] };
          const plan = planBuckets('id', range, span, rows, bucketRows);
          expect(plan).not.toBeNull();
          if (plan === null) return;
          expect(plan.count).toBeGreaterThanOrEqual(1);
          expect(plan.count).toBeLessThanOrEqual(4096);
          // The buckets tile the chunk: each starts where the one before ends, the ends keep the chunk's.
          expect(bucketRange(plan, 0).lo).toEqual(range.lo);
          expect(bucketRange(plan, plan.count - 1).hi).toEqual(range.hi);
          let gaps = 0;
          for (let i = 1; i < plan.count; i++)
            if (bucketRange(plan, i).lo?.[0] !== bucketRange(plan, i - 1).hi?.[0]) gaps++;
          expect(gaps).toBe(0);
          for (const key of [...probes, lo, lo + 1, lo + length, lo + length + 1, plan.start + plan.width]) {
            if (!inRange(range, key)) continue;
            const at = bucketOf(plan, key);
            expect(inRange(bucketRange(plan, at), key), `key ${key} in bucket ${at}`).toBe(true);
          }
        },
      ),
    );
  });

  it('names the buckets whose count or fold differ, in key order', () => {
    const sums = (entries: [number, number, string][]) =>
      new Map<number, BucketSum>(entries.map(([i, count, sum]) => [i, { count, sum }]));
    const a = sums([
      [0, 3, '7'],
      [2, 1, '5'],
      [5, 2, '9'],
    ]);
    const b = sums([
      [0, 3, '7'],
      [2, 1, '6'],
      [4, 1, '1'],
      [5, 1, '9'],
    ]);
    expect(differingBuckets(a, b)).toEqual([2, 4, 5]);
    expect(differingBuckets(a, a)).toEqual([]);
  });
});
