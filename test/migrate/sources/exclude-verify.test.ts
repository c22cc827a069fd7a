/**
 * `schema diff --sql --exclude T` where the change adds a view that reads T: the scratch copy cannot hold
 * T (it was never read), so the change is said NOT verified, naming T, instead of failing as if it did not
 * converge; without such a read the change is verified as before. On private databases of the test
 * sandbox's two MariaDB servers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from '../../../src/db/sql.js';
import { compareSources, type SourceContext } from '../../../src/migrate/sources/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';

let scratch: ScratchDatabases;

async function run(target: 'azure' | 'gcp', statements: readonly string[]): Promise<void> {
  const conn = await scratch.registry.get(target).connectMigrator();
  try {
    for (const s of statements) await conn.query(sql.raw(s));
  } finally {
    await conn.close();
  }
}

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_exv');
  const table = 'CREATE TABLE ex_t (id INT NOT NULL PRIMARY KEY, n INT NULL)';
  await run('azure', [table]);
  await run('gcp', [table, 'CREATE VIEW ex_v AS SELECT id, n FROM ex_t']);
});
afterAll(async () => {
  await scratch?.drop();
});

const context = (exclude: RegExp[]): SourceContext => ({
  targets: async () => scratch.registry.list(),
  migrationsDir: join(inject('sandboxHome'), 'no-migrations'),
  home: inject('sandboxHome'),
  cwd: inject('sandboxHome'),
  exclude,
});

describe('verification of a change whose view reads an excluded table', () => {
  it('says NOT verified and names the table, instead of failing as not converged', async () => {
    const cmp = await compareSources(context([/^ex_t$/]), 'azure', 'gcp', { verify: true });
    expect(cmp.ops.map((op) => op.kind)).toEqual(['object']);
    expect(cmp.proof?.verified).toBe(false);
    if (cmp.proof?.verified === false) expect(cmp.proof.reason).toMatch(/name ex_t, left out with --exclude/);
  });

  it('is verified as before when nothing excluded is read', async () => {
    const cmp = await compareSources(context([/^not_here$/]), 'azure', 'gcp', { verify: true });
    expect(cmp.proof?.verified).toBe(true);
  });
});
