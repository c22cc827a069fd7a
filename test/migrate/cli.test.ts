import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { sandboxEnv } from '../../src/sandbox/index.js';
import { captureOutput } from '../harness/capture.js';
import { MIGRATIONS_DIR } from '../harness/migrate.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'bin.ts');

/** Runs the CLI (through tsx, so no build is needed) against the test sandbox; never throws on exit codes. */
async function carepool(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ...sandboxEnv(inject('sandbox')), CAREPOOL_HOME: inject('sandboxHome') };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', BIN, ...args, '--dir', MIGRATIONS_DIR],
      {
        env,
        // The project root: `--import tsx` resolves from here.
        cwd: join(import.meta.dirname, '..', '..'),
      },
    );
    captureOutput(`carepool ${args.join(' ')}`, stdout + stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    captureOutput(`carepool ${args.join(' ')}`, `${e.stdout ?? ''}${e.stderr ?? ''}`);
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('carepool migrate / schema CLI', () => {
  it('check exits 0 on the sandbox at head, and the targets have the same schema', async () => {
    const [check, diff] = await Promise.all([
      carepool(['migrate', 'check']),
      carepool(['schema', 'diff', 'azure', 'gcp']),
    ]);
    // With --dir, check compares the targets with that chain (the project's: the same as the models).
    expect(check.stdout).toMatch(/azure: matches chain \(/);
    expect(check.stdout).toMatch(/gcp: matches chain \(/);
    expect(check.code).toBe(0);
    expect(diff.stdout).toContain('azure and gcp have the same schema');
    expect(diff.code).toBe(0);
    const all = `${check.stdout}${check.stderr}${diff.stdout}${diff.stderr}`;
    for (const s of Object.values(inject('sandbox').servers))
      expect(all).not.toContain(s.users.migrator.password);
  });

  it('check and schema diff say which objects they did not compare (the audit triggers raw op.sql made)', async () => {
    const [check, diff, json] = await Promise.all([
      carepool(['migrate', 'check', '--target', 'azure']),
      carepool(['schema', 'diff', 'chain', 'azure']),
      carepool(['schema', 'diff', 'chain', 'azure', '--json']),
    ]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/azure: matches chain \(.*\) in what both sides track; 2 object\(s\) NOT compared:/);
    expect(check.stdout).toMatch(/! trigger carepool_audit_no_update on carepool_audit \(in azure\) not compared: chain .* does not track views, triggers or routines; a raw op.sql step of 0003_security creates it/);
    expect(diff.code).toBe(0);
    expect(diff.stderr).toContain('NOT compared: trigger carepool_audit_no_delete on carepool_audit (in azure)');
    expect(diff.stdout).toContain('have the same schema in what both track (2 object(s) not compared, see above)');
    expect((JSON.parse(json.stdout) as { notCompared: string[] }).notCompared).toHaveLength(2);
  });

  it('up --sql prints the plan offline; a write without --target is a usage error (exit 2)', async () => {
    const [offline, noTarget] = await Promise.all([
      carepool(['migrate', 'up', 'head', '--sql', '--server', 'mysql:8.0.36']),
      carepool(['migrate', 'up', 'head']),
    ]);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('-- rendered for mysql 8.0.36');
    expect(offline.stdout).toContain(
      'ALTER TABLE `patients` ADD COLUMN `is_deceased` TINYINT(1) NOT NULL DEFAULT 0, ALGORITHM=INSTANT;',
    );
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('--target');
  });

  it('schema sources and revision prefixes: unknown source and ambiguous prefix are coded usage errors', async () => {
    const [unknown, ambiguous, models] = await Promise.all([
      carepool(['schema', 'diff', 'gcp', 'no-such-source']),
      carepool(['migrate', 'stamp', '000', '--target', 'gcp']),
      carepool(['migrate', 'check', '--schema', 'models', '--target', 'gcp']),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('CAREPOOL_SCHEMA_UNKNOWN_SOURCE');
    expect(unknown.stderr).toMatch(/targets: azure, gcp/);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('CAREPOOL_MIGRATE_AMBIGUOUS_REVISION');
    expect(ambiguous.stderr).toContain('0001_initial, 0002_appointments');
    expect(models.stdout).toContain('gcp: matches models');
    expect(models.code).toBe(0);
  });

  it('schema diff --sql of two .sql files prints the proven statements: BLOB stays binary, SET stays SET', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carepool-diff-sql-'));
    const a = join(dir, 'a.sql');
    const b = join(dir, 'b.sql');
    await writeFile(a, "CREATE TABLE pics (id INT PRIMARY KEY, picture BLOB, tags SET('x','y') NOT NULL);\n");
    await writeFile(
      b,
      "CREATE TABLE pics (id INT PRIMARY KEY, picture MEDIUMBLOB, tags SET('x','y','z') NOT NULL);\n",
    );
    const diff = await carepool(['schema', 'diff', a, b, '--sql']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/MODIFY (COLUMN )?`picture` MEDIUMBLOB/);
    expect(diff.stdout).not.toContain('MEDIUMTEXT');
    expect(diff.stdout).toMatch(/SET\('x','y','z'\)/);
    expect(diff.stdout).not.toMatch(/ENUM\(/);
    // Proven before shown: replayed on a scratch copy and re-diffed clean.
    expect(diff.stderr).toMatch(/verified on (target|sandbox) \w+: pics/);
  });

  it('schema diff --exclude leaves a partitioned table out, so the rest of the schema can be compared', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carepool-diff-exclude-'));
    const parts =
      'CREATE TABLE parts (id INT NOT NULL, y INT NOT NULL, PRIMARY KEY (id, y)) PARTITION BY RANGE (y) (PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE);\n';
    await writeFile(join(dir, 'a.sql'), `${parts}CREATE TABLE t (id INT PRIMARY KEY);\n`);
    await writeFile(join(dir, 'b.sql'), 'CREATE TABLE t (id INT PRIMARY KEY, n INT NULL);\n');
    const refused = await carepool(['schema', 'diff', join(dir, 'a.sql'), join(dir, 'b.sql')]);
    expect(refused.stderr).toMatch(/CAREPOOL_MIGRATE_UNSUPPORTED_TABLE.*parts.*partitioned/);
    expect(refused.stderr).toContain('--exclude');
    const diff = await carepool(['schema', 'diff', join(dir, 'a.sql'), join(dir, 'b.sql'), '--exclude', 'par*']);
    expect(diff.stdout).toMatch(/1 difference\(s\)[\s\S]*add column t\.n/);
    expect(diff.code).toBe(1);
  });

  it('schema diff: a trigger spelled differently is the same trigger; a changed body is a change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carepool-diff-trigger-'));
    const table = 'CREATE TABLE t (id INT PRIMARY KEY, n INT NOT NULL);\n';
    const files = {
      a: `${table}CREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW SET NEW.n = NEW.n + 1;\n`,
      b: `${table}create trigger \`t_bu\`  before update on \`t\`\n  for each row\n    set new.n=new.n+1 ;\n`,
      c: `${table}CREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW SET NEW.n = NEW.n + 2;\n`,
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, `${name}.sql`), text);
    const [same, changed] = await Promise.all([
      carepool(['schema', 'diff', join(dir, 'a.sql'), join(dir, 'b.sql')]),
      carepool(['schema', 'diff', join(dir, 'a.sql'), join(dir, 'c.sql')]),
    ]);
    expect(same.stdout).toContain('have the same schema');
    expect(same.code).toBe(0);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/trigger t_bu/);
  });

  it('schema dump of a live target is loadable SQL: tables in FK order, the audit triggers, no DEFINER', async () => {
    const dump = await carepool(['schema', 'dump', '--target', 'gcp']);
    expect(dump.code).toBe(0);
    expect(dump.stdout).toMatch(/^-- carepool schema dump of target gcp \(mariadb /);
    expect(dump.stdout.indexOf('CREATE TABLE `patients`')).toBeGreaterThan(0);
    expect(dump.stdout.indexOf('CREATE TABLE `patients`')).toBeLessThan(
      dump.stdout.indexOf('CREATE TABLE `medical_records`'),
    );
    expect(dump.stdout).toContain('CREATE TRIGGER carepool_audit_no_update');
    expect(dump.stdout).not.toContain('DEFINER=');
  });
});
