import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATE_SIZES, MIGRATE_TABLES } from '../../bench/sizes.js';

// bench/migrate is maintained by the migration work and keeps its sizes as literals; the header states them
// from bench/sizes.ts, so this keeps the two in step (a change there fails here until sizes.ts follows).
describe('benchmark header sizes', () => {
  const source = readFileSync(new URL('../../bench/migrate/migrate.bench.ts', import.meta.url), 'utf8');

  it('states the migrate bench rounds its code runs', () => {
    const literal = (name: string) => {
      const m = new RegExp(`const ${name} = full \\? (\\d+) : (\\d+);`).exec(source);
      expect(m, `const ${name} = full ? N : M; in migrate.bench.ts`).not.toBeNull();
      return { full: Number(m?.[1]), short: Number(m?.[2]) };
    };
    for (const key of ['rounds', 'genRounds', 'genWarmup', 'cliRounds'] as const) {
      expect(literal(key)).toEqual({ full: MIGRATE_SIZES.full[key], short: MIGRATE_SIZES.short[key] });
    }
  });

  it('states the number of tables the migrate bench autogenerates', () => {
    expect(source).toContain(`const TABLES = ${MIGRATE_TABLES};`);
  });
});
