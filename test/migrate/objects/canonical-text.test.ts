import { describe, expect, it } from 'vitest';
import { canonicalBody } from '../../../src/migrate/objects/canonical-text.js';

describe('canonicalBody (trigger and routine text compared as the server keeps it)', () => {
  it('spacing, back-quotes on plain names, keyword case and a trailing ; are not differences', () => {
    const a = 'CREATE TRIGGER `t_bu` BEFORE UPDATE ON `t` FOR EACH ROW SET NEW.n = NEW.n + 1';
    const b = 'create trigger t_bu  before update on t\n  for each row\n    set new.n=NEW.n + 1 ;';
    expect(canonicalBody(a)).toBe(canonicalBody(b));
    expect(canonicalBody('BEGIN\n  IF NEW.x IS NULL THEN\n    SET NEW.x = 0;\n  END IF;\nEND')).toBe(
      canonicalBody('begin if new.x is null then set new.x=0; end if; end'),
    );
  });

  it('literals, other names’ case, needed quotes and real changes stay different', () => {
    const base = "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW INSERT INTO Log VALUES ('x  y')";
    expect(canonicalBody(base)).not.toBe(canonicalBody(base.replace("'x  y'", "'x y'")));
    expect(canonicalBody(base)).not.toBe(canonicalBody(base.replace('Log', 'log')));
    expect(canonicalBody(base)).not.toBe(canonicalBody(base.replace('BEFORE', 'AFTER')));
    expect(canonicalBody('SELECT `end` FROM x')).not.toBe(canonicalBody('SELECT end FROM x'));
    expect(canonicalBody('SELECT `a b` FROM x')).toBe('SELECT `a b` FROM x');
  });

  it('comments are spelling (the mysql client strips them), but /*!…*/ is code', () => {
    // Sakila's inventory_in_stock, as its file has it and as `mariadb < file` stores it (no --comments).
    const written = `BEGIN
    DECLARE v_rentals INT;
    #AN ITEM IS IN-STOCK IF THERE ARE EITHER NO ROWS IN THE rental TABLE
    SELECT COUNT(*) INTO v_rentals FROM rental -- the rentals
    /* of this item */ WHERE inventory_id = p_inventory_id;
END`;
    const stripped = `BEGIN
    DECLARE v_rentals INT;

    SELECT COUNT(*) INTO v_rentals FROM rental
     WHERE inventory_id = p_inventory_id;
END`;
    expect(canonicalBody(written)).toBe(canonicalBody(stripped));
    expect(canonicalBody('SELECT 1 /*!50700 + 1 */')).not.toBe(canonicalBody('SELECT 1'));
    expect(canonicalBody("SELECT '-- not a comment'")).not.toBe(canonicalBody("SELECT ''"));
  });
});
