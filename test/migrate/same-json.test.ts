import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSchema } from '../../src/migrate/index.js';
import { sameJson } from '../../src/migrate/diff/same-json.js';
import type { Column, Schema } from '../../src/schema/index.js';

/** JSON-ish values with the awkward members JSON.stringify treats specially. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constantFrom(undefined, null, Number.NaN, 0, -0, 1, Number.POSITIVE_INFINITY, '', '1', true, false),
    fc.integer({ min: -3, max: 3 }),
    fc.string({ maxLength: 3 }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'kind', 'name'), tie('node'), { maxKeys: 3 }),
  ),
})).node;

/** Pairs that are often equal or nearly so (a shared value, a copy, a reordered copy). */
const pair = fc.oneof(
  fc.tuple(value, value),
  value.map((v) => [v, v] as const),
  value.map((v) => [v, structuredClone(v)] as const),
  value.map((v) => {
    const flip = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(flip)
        : typeof x === 'object' && x !== null
          ? Object.fromEntries(
              Object.entries(x)
                .reverse()
                .map(([k, y]) => [k, flip(y)]),
            )
          : x;
    return [v, flip(v)] as const;
  }),
);

describe('sameJson (the diff’s equality)', () => {
  it('agrees with comparing JSON.stringify texts', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
      { numRuns: 5000 },
    );
  });
});

/** Expressions where one canonical pass is not the last: nested parentheses, `()`, NULL in brackets. */
const expression = fc.constantFrom(
  'CURRENT_TIMESTAMP',
  'now()',
  '(current_timestamp(3))',
  '((uuid()))',
  '(((1 + 2)))',
  '((null))',
  '(null)',
  '()',
  '(a) + (b)',
  'rand()',
);

const column = fc.record({
  name: fc.constantFrom('a', 'b', 'c'),
  kind: fc.constantFrom('int', 'boolean', 'decimal', 'varchar', 'datetime'),
  nullable: fc.boolean(),
  def: fc.option(
    fc.oneof(
      expression.map((sql) => ({ kind: 'expression' as const, sql })),
      fc.constantFrom(0, 1, '1.5', 'x', null, true).map((value) => ({ kind: 'literal' as const, value })),
    ),
  ),
  onUpdate: fc.option(expression),
});

type ColumnSpec = typeof column extends fc.Arbitrary<infer T> ? T : never;

const schemaOf = (cols: readonly (readonly ColumnSpec[])[]): Schema => ({
  tables: cols.map((cs, i) => ({
    name: `t${i}`,
    columns: cs.map((c): Column => ({
      name: c.name,
      type:
        c.kind === 'decimal'
          ? { kind: 'decimal', precision: 8, scale: 2 }
          : c.kind === 'varchar'
            ? { kind: 'varchar', length: 10 }
            : { kind: c.kind },
      nullable: c.nullable,
      ...(c.def ? { default: c.def } : {}),
      ...(c.onUpdate === null ? {} : { onUpdate: c.onUpdate }),
    })),
    primaryKey: [],
    indexes: [],
    foreignKeys: [],
  })),
});

describe('canonicalSchema on its own result', () => {
  it('returns what a fresh pass over a copy returns (the fixed-point shortcut changes nothing)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(column, { maxLength: 3 }), { maxLength: 3 }), (cols) => {
        const once = canonicalSchema(schemaOf(cols));
        const fresh = canonicalSchema(structuredClone(once));
        expect(JSON.stringify(canonicalSchema(once))).toBe(JSON.stringify(fresh));
      }),
      { numRuns: 2000 },
    );
  });
});
