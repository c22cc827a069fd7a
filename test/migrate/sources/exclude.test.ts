import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/errors/index.js';
import { excludeNames, parseExclude } from '../../../src/migrate/sources/exclude.js';
import type { Schema } from '../../../src/schema/index.js';

const table = (name: string) => ({ name, columns: [], primaryKey: [], indexes: [], foreignKeys: [] });

describe('--exclude', () => {
  it('matches whole names with * and ?, and takes the triggers of an excluded table with it', () => {
    const schema: Schema = {
      tables: ['audit_2024', 'audit', 'tmp1', 'tmp12', 'patients'].map(table),
      objects: [
        { kind: 'trigger', name: 'tr_a', table: 'audit_2024', create: '', sqlMode: '' },
        { kind: 'view', name: 'tmp_view', create: '', sqlMode: '' },
        { kind: 'view', name: 'v_patients', create: '', sqlMode: '' },
      ],
    } as Schema;
    const left = excludeNames(schema, parseExclude('audit_*, tmp?,tmp_view'));
    expect(left.tables.map((t) => t.name)).toEqual(['audit', 'tmp12', 'patients']);
    expect(left.objects?.map((o) => o.name)).toEqual(['v_patients']);
    expect(excludeNames(schema, [])).toBe(schema);
  });

  it('an empty list is a usage error; regex characters are literal', () => {
    expect(
      isAppError(
        (() => {
          try {
            parseExclude(' , ');
          } catch (e) {
            return e;
          }
        })(),
        'CAREPOOL_USAGE',
      ),
    ).toBe(true);
    expect(parseExclude('a.b')[0]?.test('axb')).toBe(false);
    expect(parseExclude('a.b')[0]?.test('a.b')).toBe(true);
  });
});
