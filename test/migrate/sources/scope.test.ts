import { describe, expect, it } from 'vitest';
import { requalify } from '../../../src/migrate/sources/scope.js';

describe("requalify: a script's own database qualifier points at the workspace", () => {
  const ws = '_carepool_ws_x';
  it('rewrites bare and quoted qualifiers of that database only', () => {
    expect(requalify('SELECT * FROM sakila.actor JOIN `sakila`.`film` f', 'sakila', ws)).toBe(
      'SELECT * FROM `_carepool_ws_x`.actor JOIN `_carepool_ws_x`.`film` f',
    );
    expect(requalify('SELECT * FROM other.actor, mysakila.t, sakila_x.t', 'sakila', ws)).toBe(
      'SELECT * FROM other.actor, mysakila.t, sakila_x.t',
    );
    // A column qualified by a table alias that happens to follow a dot is not a database qualifier.
    expect(requalify('SELECT t.sakila.x', 'sakila', ws)).toBe('SELECT t.sakila.x');
  });

  it('leaves strings and comments as they are, but rewrites inside executed /*!…*/ comments', () => {
    expect(
      requalify(
        'SELECT \'sakila.actor\', "sakila.x" -- sakila.y\n/* sakila.z */ FROM sakila.t',
        'sakila',
        ws,
      ),
    ).toBe('SELECT \'sakila.actor\', "sakila.x" -- sakila.y\n/* sakila.z */ FROM `_carepool_ws_x`.t');
    expect(requalify('/*!50705 SELECT sakila.t */', 'sakila', ws)).toBe(
      '/*!50705 SELECT `_carepool_ws_x`.t */',
    );
    expect(requalify("SELECT 'it''s sakila.t', `a``b`.c FROM sakila.t", 'sakila', ws)).toBe(
      "SELECT 'it''s sakila.t', `a``b`.c FROM `_carepool_ws_x`.t",
    );
  });
});
