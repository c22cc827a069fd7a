import { describe, expect, it } from 'vitest';
import { isIdent, sql } from '../../src/db/sql.js';

describe('sql.ident quotes any identifier the server accepts, and only those', () => {
  it('back-quotes names with spaces, dashes, leading digits, non-ASCII letters; doubles backticks', () => {
    expect(sql.ident('order items').text).toBe('`order items`');
    expect(sql.ident('2fa-naïve').text).toBe('`2fa-naïve`');
    // A backtick in a name cannot close the quoting: the text stays one identifier.
    expect(sql`SELECT * FROM ${sql.ident('x`; DROP TABLE y; --')}`.text).toBe(
      'SELECT * FROM `x``; DROP TABLE y; --`',
    );
    expect(isIdent('order items')).toBe(true);
  });

  it('refuses what the server would refuse, saying why', () => {
    for (const [bad, why] of [
      ['', /empty/],
      ['a ', /ends with a space/],
      ['x'.repeat(65), /65 characters/],
      ['a\u0000b', /U\+0000/],
      ['smile\u{1F600}', /Basic Multilingual Plane/],
    ] as const) {
      expect(() => sql.ident(bad)).toThrow(why);
      expect(isIdent(bad)).toBe(false);
    }
  });
});
