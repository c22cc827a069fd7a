/**
 * A .sql source is loaded into a scratch database on a real server (the test sandbox's MariaDB). A
 * statement qualified with another database of that server (`CREATE TABLE clinic.x`) would change it under
 * a command that only reads: the source is refused by name before anything runs, and the database is
 * untouched. A file that names its own database (`USE db;` then `db.t`) still loads into the scratch copy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from '../../../src/db/sql.js';
import { loadSource, type SourceContext } from '../../../src/migrate/sources/index.js';
import { qualifiersIn } from '../../../src/migrate/sources/scope.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';

let scratch: ScratchDatabases;
let dir: string;

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_otherdb');
  dir = await mkdtemp(join(tmpdir(), 'carepool-otherdb-'));
});
afterAll(async () => {
  await scratch?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const context = (): SourceContext => ({
  targets: async () => scratch.registry.list(),
  migrationsDir: join(dir, 'no-migrations'),
  home: inject('sandboxHome'),
  cwd: dir,
});

async function tablesOfScratch(): Promise<string[]> {
  const conn = await scratch.registry.get('gcp').connectMigrator();
  try {
    const { rows } = await conn.query<{ t: string }>(
      sql`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${scratch.name}`,
    );
    return rows.map((r) => r.t);
  } finally {
    await conn.close();
  }
}

describe('a .sql source naming another database of the server', () => {
  it('is refused before anything runs, and that database is untouched', async () => {
    const file = join(dir, 'qualified.sql');
    await writeFile(
      file,
      `CREATE TABLE t1 (id INT PRIMARY KEY);\nCREATE TABLE \`${scratch.name}\`.zz_probe (id INT PRIMARY KEY);\n`,
    );
    await expect(loadSource(file, context())).rejects.toMatchObject({
      code: 'CAREPOOL_SCHEMA_SQL_OTHER_DATABASE',
      meta: { statement: 2, databases: [scratch.name] },
    });
    expect(await tablesOfScratch()).not.toContain('zz_probe');
  });

  it('loads a file that names its own database (USE it first) into the scratch copy', async () => {
    const file = join(dir, 'own.sql');
    await writeFile(
      file,
      `USE ${scratch.name};\nCREATE TABLE ${scratch.name}.own_t (id INT PRIMARY KEY, note VARCHAR(9) DEFAULT 'x.y');\n`,
    );
    const loaded = await loadSource(file, context());
    expect(loaded.schema.tables.map((t) => t.name)).toEqual(['own_t']);
    expect(await tablesOfScratch()).not.toContain('own_t');
  });

  it('finds qualifiers in code only, not in strings or comments', () => {
    const dbs = new Set(['clinic']);
    expect(qualifiersIn("SELECT 'clinic.x' AS a /* clinic.y */ -- clinic.z\n FROM t", dbs)).toEqual([]);
    expect(qualifiersIn('RENAME TABLE t TO `Clinic`.t', dbs)).toEqual(['Clinic']);
    expect(qualifiersIn('SELECT p.clinic.x FROM p', dbs)).toEqual([]);
  });
});
