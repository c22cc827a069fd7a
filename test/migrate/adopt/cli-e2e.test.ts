/**
 * A user's path through the built CLI (dist/cli/bin.js, `npm run build`) on the test sandbox: adopt a
 * database SQLAlchemy's create_all made (baseline, autogenerate towards the models, up, check clean); a
 * Sakila dump that round-trips; `schema diff A B --sql` whose printed statements converge.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxServers } from '../../harness/targets.js';
import { type ScratchCli, scratchCli } from './scratch-cli.js';
import { SAKILA_TABLES } from '../fidelity/corpus.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'seeds_models.py');

let sc: ScratchCli;
const cli = (args: readonly string[]) => sc.cli(args);

beforeAll(async () => {
  sc = await scratchCli('clinic_e2e');
});
afterAll(async () => {
  await sc?.remove();
});

describe('the built CLI on a real user’s path', () => {
  it('adopts a create_all database: baseline, autogenerate towards the models, up, check clean', async () => {
    const s = sandboxServers().gcp;
    await promisify(execFile)('/usr/bin/python3', [FIXTURE], {
      env: {
        PATH: process.env.PATH ?? '',
        SA_PORT: String(s.port),
        SA_USER: s.users.migrator.user,
        SA_PASSWORD: s.users.migrator.password,
        SA_DATABASE: sc.scratch.name,
        SA_CA: s.caPath,
      },
    });
    const dir = join(sc.wd.dir, 'migrations');
    await mkdir(dir);
    const baseline = await cli(['migrate', 'baseline', '--from', 'gcp', '--dir', dir]);
    expect(baseline.stdout).toMatch(/wrote .*0001_baseline_of_gcp\.ts .* and stamped gcp at 0001/);
    expect(baseline.code).toBe(0);
    const revision = await cli([
      'migrate',
      'revision',
      '--autogenerate',
      '-m',
      'towards the models',
      '--dir',
      dir,
    ]);
    expect(revision.code).toBe(0);
    expect(revision.stderr).toMatch(/verified on (target|sandbox) \w+/);
    const up = await cli(['migrate', 'up', 'head', '--target', 'gcp', '--dir', dir]);
    expect(up.code).toBe(0);
    const check = await cli(['migrate', 'check', '--target', 'gcp', '--dir', dir, '--schema', 'models']);
    expect(check.stdout).toMatch(/gcp: matches models/);
    expect(check.code).toBe(0);
    // The desired schema may be a .sql file too: the live schema plus a table the models do not have.
    const dump = await cli(['schema', 'dump', '--target', 'gcp']);
    expect(dump.code).toBe(0);
    const want = join(sc.wd.dir, 'want.sql');
    await writeFile(
      want,
      `${dump.stdout}\nCREATE TABLE notes (id INT NOT NULL PRIMARY KEY, code VARCHAR(20) CHARACTER SET ascii NOT NULL, ` +
        `total DECIMAL(8,2) UNSIGNED ZEROFILL NOT NULL, twice INT AS (id * 2) STORED, KEY ix_code (code DESC));\n`,
    );
    const toSql = await cli([
      'migrate',
      'revision',
      '--autogenerate',
      '--to',
      want,
      '-m',
      'notes',
      '--dir',
      dir,
    ]);
    expect(toSql.stdout).toMatch(/\+ create table notes/);
    expect(toSql.stdout).not.toMatch(/drop table/);
    expect((await cli(['migrate', 'up', 'head', '--target', 'gcp', '--dir', dir])).code).toBe(0);
    const again = await cli(['migrate', 'check', '--target', 'gcp', '--dir', dir, '--schema', want]);
    expect(again.stdout).toMatch(/gcp: matches /);
    expect(again.code).toBe(0);
  });

  it('a Sakila dump round-trips, and the statements of schema diff --sql converge', async () => {
    const sakila = join(sc.wd.dir, 'sakila.sql');
    // The file's order has a circular FK: loaded as mysqldump output is, without FK checks.
    const script = (tables: readonly string[]) =>
      `SET FOREIGN_KEY_CHECKS=0;\n${tables.map((t) => `${t};\n`).join('\n')}`;
    await writeFile(sakila, script(SAKILA_TABLES));
    const dump = await cli(['schema', 'dump', '--target', sakila]);
    expect(dump.code).toBe(0);
    const dumped = join(sc.wd.dir, 'dumped.sql');
    await writeFile(dumped, dump.stdout);
    const same = await cli(['schema', 'diff', sakila, dumped]);
    expect(same.stdout).toContain('have the same schema');
    expect(same.code).toBe(0);

    // B: Sakila with a new column, a wider BLOB, one more SET member and a table comment.
    const changed = SAKILA_TABLES.map((t) =>
      /^\s*CREATE TABLE film \(/i.test(t)
        ? `${t
            .replace('description TEXT DEFAULT NULL', 'description MEDIUMTEXT DEFAULT NULL')
            .replace("'Behind the Scenes')", "'Behind the Scenes','Bloopers')")} COMMENT='films'`
        : t,
    );
    expect(changed.join()).toContain("'Bloopers'");
    const b = join(sc.wd.dir, 'b.sql');
    await writeFile(b, script(changed));
    const diff = await cli(['schema', 'diff', sakila, b, '--sql']);
    expect(diff.code).toBe(1);
    expect(diff.stderr).toMatch(/verified on (target|sandbox) \w+: film/);
    const applied = join(sc.wd.dir, 'applied');
    await mkdir(applied);
    await writeFile(join(applied, '1-sakila.sql'), script(SAKILA_TABLES));
    // Applied as printed: with --sql the summary lines are SQL comments.
    expect(diff.stdout).toMatch(/^-- \d+ difference\(s\) from /);
    await writeFile(join(applied, '2-diff.sql'), diff.stdout);
    const converged = await cli(['schema', 'diff', applied, b]);
    expect(converged.stdout).toContain('have the same schema');
    expect(converged.code).toBe(0);
  });
});
