import { describe, expect, it } from 'vitest';
import { diffSchemas, renderOps } from '../../../src/migrate/index.js';
import { dropAll, introspect, run, useScratchPair } from './live-helpers.js';

/**
 * Names that are valid only back-quoted: a space, a leading digit, a dash, non-ASCII letters, a backtick.
 * The renderer refused every change to such tables ("not a valid identifier"), though diff and dump read
 * them fine.
 */
const scratch = useScratchPair('fid_nm');

const BASE = [
  'CREATE TABLE `order items` (`id` INT PRIMARY KEY, `naïve` VARCHAR(10) NULL, `2fa` INT NULL, `a``b` INT NULL, `parent-id` INT NULL)',
  'CREATE TABLE `2nd table` (`id` INT PRIMARY KEY)',
];

describe('identifiers that need quoting', () => {
  it('changes to tables and columns with such names render, apply and converge', async () => {
    const { a, b, dbA, dbB, server } = scratch();
    await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
    await Promise.all([run(a, BASE), run(b, BASE)]);
    await run(b, [
      'ALTER TABLE `order items` ADD COLUMN `ünïcode name` VARCHAR(5) NULL, MODIFY `naïve` VARCHAR(20) NULL',
      'ALTER TABLE `order items` ADD INDEX `by 2fa` (`2fa` DESC), ADD INDEX `by``tick` (`a``b`)',
      'ALTER TABLE `order items` ADD CONSTRAINT `fk-parent` FOREIGN KEY (`parent-id`) REFERENCES `2nd table` (`id`)',
      'RENAME TABLE `2nd table` TO `second table`',
    ]);
    const to = await introspect(b, dbB);
    const ops = diffSchemas(await introspect(a, dbA), to, {
      tables: [{ from: '2nd table', to: 'second table' }],
    });
    const { statements } = renderOps(ops, server, await introspect(a, dbA));
    await run(
      a,
      statements.map((s) => s.sql),
    );
    expect(diffSchemas(await introspect(a, dbA), to)).toEqual([]);
  });
});
