/**
 * Drizzle mysql-core schemas as models modules (src/migrate/sources/drizzle.ts), on the test sandbox's
 * MariaDB: the schema file a Drizzle project has (fixtures/drizzle-schema.ts) is created on an empty target
 * by the verified diff, after which the diff is empty; its dump loads back to the same schema; the built
 * CLI autogenerates, applies and checks a revision from it (CAREPOOL_MODELS); refused features are named
 * with their code.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from '../../../src/db/sql.js';
import { isAppError } from '../../../src/errors/index.js';
import { describeOperation, diffSchemas } from '../../../src/migrate/index.js';
import {
  dumpSource,
  loadSource,
  type SourceContext,
  verifyChange,
} from '../../../src/migrate/sources/index.js';
import { BIN, type Workdir, workdir } from '../../cli/e2e.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const SCHEMA = join(FIXTURES, 'drizzle-schema.ts');
const REFUSED = join(FIXTURES, 'drizzle-refused.ts');
const MIXED = join(FIXTURES, 'drizzle-mixed.ts');

let scratch: ScratchDatabases;
let wd: Workdir;
beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_drizzle');
  wd = await workdir('carepool-drizzle');
});
afterAll(async () => {
  await scratch?.drop();
  await wd?.remove();
});

const context = (extra: Partial<SourceContext> = {}): SourceContext => ({
  targets: async () => scratch.registry.list(),
  migrationsDir: join(wd.dir, 'no-migrations'),
  home: inject('sandboxHome'),
  cwd: wd.dir,
  modelsPath: SCHEMA,
  ...extra,
});

describe('Drizzle mysql-core schemas as models', () => {
  it('reads the tables: types, keys, defaults, enum, FKs, checks', async () => {
    const { schema, kind } = await loadSource('models', context());
    expect(kind).toBe('models');
    expect(schema.tables.map((t) => t.name)).toEqual(['admissions', 'audit_log', 'patients', 'wards']);
    const [admissions, audit, patients, wards] = schema.tables;
    const col = (t: typeof patients, name: string) => t?.columns.find((c) => c.name === name);
    expect(col(patients, 'id')).toEqual({
      name: 'id',
      type: { kind: 'int' },
      nullable: false,
      autoIncrement: true,
    });
    expect(col(patients, 'gender')?.type).toEqual({
      kind: 'enum',
      values: ['female', 'male', 'other', "it's complicated"],
    });
    expect(col(patients, 'is_deceased')).toMatchObject({
      type: { kind: 'boolean' },
      default: { value: false },
    });
    // .defaultNow() is DEFAULT (now()); patients has checks, so its texts come back as the server spells them.
    expect(col(patients, 'created_at')?.default).toEqual({ kind: 'expression', sql: 'CURRENT_TIMESTAMP' });
    expect(col(patients, 'updated_at')?.onUpdate).toBe('CURRENT_TIMESTAMP');
    // Checks as the server prints them (spelled in a workspace on the sandbox's MariaDB).
    expect(patients?.checks).toEqual([
      { name: 'ck_patients_height', clause: '`height_cm` < 300' },
      { name: 'ck_patients_name', clause: 'char_length(`first_name`) > 0' },
    ]);
    expect(wards?.primaryKey).toEqual(['code', 'floor']);
    // PRIMARY KEY columns are NOT NULL on the server even when Drizzle does not say .notNull().
    expect(col(wards, 'code')?.nullable).toBe(false);
    expect(col(wards, 'label')?.default).toEqual({ kind: 'literal', value: 'n/a' });
    expect(col(wards, 'opened_on')?.default).toEqual({ kind: 'literal', value: '2020-01-31' });
    expect(admissions?.foreignKeys.map((f) => `${f.name}:${f.onDelete}/${f.onUpdate}`)).toEqual([
      'admissions_patient_id_patients_id_fk:CASCADE/CASCADE',
      'fk_admissions_ward:CASCADE/NO ACTION',
    ]);
    expect(col(patients, 'notes')?.default).toBeUndefined(); // $defaultFn runs in the application
    expect(col(patients, 'profile')?.default).toEqual({ kind: 'literal', value: '{"allergies":[]}' });
    expect(col(patients, 'height_mm')?.generated).toEqual({ expression: '`height_cm` * 10', stored: true });
    expect(audit?.indexes).toEqual([{ name: 'id', columns: ['id'], unique: true }]);
    expect(col(audit, 'id')).toMatchObject({ type: { kind: 'bigint', unsigned: true }, autoIncrement: true });
    expect(admissions?.indexes.find((i) => i.name === 'ix_admissions_status')?.using).toBe('BTREE');
  });

  it('without a reachable server the texts stay as Drizzle wrote them, and a note says so', async () => {
    const notes: string[] = [];
    const ctx = context({
      targets: async () => [],
      home: join(wd.dir, 'no-home'),
      onNote: (m) => notes.push(m),
    });
    const patients = (await loadSource('models', ctx)).schema.tables.find((t) => t.name === 'patients');
    expect(patients?.checks?.map((c) => c.clause)).toEqual([
      '`height_cm` < 300',
      'char_length(first_name)>0',
    ]);
    expect(notes.join('\n')).toMatch(/compared as written \(no server to spell them/);
  });

  it('schema diff against an empty target creates it; after the verified SQL the diff is empty', async () => {
    const [live, models] = await Promise.all([loadSource('gcp', context()), loadSource('models', context())]);
    expect(diffSchemas(live.schema, models.schema).map(describeOperation)).toEqual(
      expect.arrayContaining(['create table admissions', 'create table patients', 'create table wards']),
    );
    const proof = await verifyChange(context(), live.schema, models.schema, live.server);
    if (!proof.verified) throw new Error(proof.reason);
    const conn = await scratch.registry.get('gcp').connectMigrator();
    try {
      for (const st of proof.plan.statements) await conn.query(sql.raw(st.sql));
    } finally {
      await conn.close();
    }
    const after = await loadSource('gcp', context());
    expect(after.schema.tables.every((t) => !t.unsupported)).toBe(true);
    expect(diffSchemas(after.schema, models.schema)).toEqual([]);
    expect(diffSchemas(models.schema, after.schema)).toEqual([]);
  });

  it('schema dump of it loads back to the same schema', async () => {
    const server = (await loadSource('gcp', context())).server;
    const dump = await dumpSource('models', context(server ? { server } : {}));
    expect(dump).toMatch(/CREATE TABLE `wards`/);
    const file = join(wd.dir, 'drizzle-dump.sql');
    await writeFile(file, dump);
    const [back, models] = await Promise.all([
      loadSource('drizzle-dump.sql', context()),
      loadSource('models', context()),
    ]);
    expect(diffSchemas(back.schema, models.schema)).toEqual([]);
  });

  it('refuses what it cannot represent, naming each; a mixed module is refused', async () => {
    const error = await loadSource('models', context({ modelsPath: REFUSED })).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_DRIZZLE_UNSUPPORTED')).toBe(true);
    const message = (error as Error).message;
    for (const named of [
      'odd.amount: REAL',
      'ALGORITHM=inplace',
      'lower(`label`)',
      'SET DEFAULT',
      'export oddView',
      'odd.stamp: DEFAULT (now()) on TIMESTAMP(3)',
      'odd.share: decimal({ scale })',
      'odd.ck_odd_min: a placeholder',
      "archived: in mysqlSchema('archive')",
    ])
      expect(message).toContain(named);
    const mixed = await loadSource('models', context({ modelsPath: MIXED })).catch((e: unknown) => e);
    expect(isAppError(mixed, 'CAREPOOL_DRIZZLE_MIXED')).toBe(true);
  });

  it('the built CLI: autogenerate a revision from CAREPOOL_MODELS, apply it, check it clean', async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
    const env = (models: string) => ({
      CAREPOOL_TARGETS: 'azure',
      CAREPOOL_TARGET_AZURE_URL: scratch.env.CAREPOOL_TARGET_AZURE_URL ?? '',
      CAREPOOL_TARGET_AZURE_MIGRATE_URL: scratch.env.CAREPOOL_TARGET_AZURE_MIGRATE_URL ?? '',
      CAREPOOL_HOME: inject('sandboxHome'),
      CAREPOOL_MODELS: models,
    });
    const cli = (args: readonly string[], models = SCHEMA) => wd.run(args, env(models));
    const dir = join(wd.dir, 'migrations');
    await mkdir(dir);
    const diff = await cli(['schema', 'diff', 'azure', 'models']);
    expect(diff.stdout).toMatch(/create table patients/);
    expect(diff.code).toBe(1);
    const revision = await cli([
      'migrate',
      'revision',
      '--autogenerate',
      '-m',
      'drizzle schema',
      '--dir',
      dir,
    ]);
    expect(revision.code, revision.stderr).toBe(0);
    expect(revision.stderr).toMatch(/verified on (target|sandbox) \w+/);
    const [file] = await readdir(dir);
    expect(await readFile(join(dir, file ?? ''), 'utf8')).toMatch(/op\.createTable\('admissions'/);
    const up = await cli(['migrate', 'up', 'head', '--target', 'azure', '--dir', dir]);
    expect(up.code, up.stderr).toBe(0);
    const check = await cli(['migrate', 'check', '--target', 'azure', '--dir', dir, '--schema', 'models']);
    expect(check.stdout).toMatch(/azure: matches/);
    expect(check.code).toBe(0);
    const same = await cli(['schema', 'diff', 'azure', 'models']);
    expect(same.stdout).toMatch(/same schema/);
    const refused = await cli(['schema', 'diff', 'azure', 'models'], REFUSED);
    expect(refused.code).toBe(2);
    expect(refused.stdout + refused.stderr).toMatch(/CAREPOOL_DRIZZLE_UNSUPPORTED/);
  });
});
