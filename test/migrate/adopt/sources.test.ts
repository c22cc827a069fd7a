import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { parseConnectionUrl } from '../../../src/config/index.js';
import { connectSingle } from '../../../src/db/connect.js';
import { sql } from '../../../src/db/sql.js';
import { userUrl } from '../../../src/sandbox/index.js';
import { isAppError } from '../../../src/errors/index.js';
import { describeOperation, diffSchemas, migrateTarget } from '../../../src/migrate/index.js';
import { dumpSource, loadSource, type SourceContext } from '../../../src/migrate/sources/index.js';
import { models } from '../../../src/schema/index.js';
import { routine, trigger, view } from '../../../src/schema/objects.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../../harness/migrate.js';

let scratch: ScratchDatabases;
let dir: string;
beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_src');
  dir = await mkdtemp(join(tmpdir(), 'carepool-sources-'));
});
afterAll(async () => {
  await scratch?.drop();
  await rm(dir, { recursive: true, force: true });
});

const context = (extra: Partial<SourceContext> = {}): SourceContext => ({
  targets: async () => scratch.registry.list(),
  migrationsDir: MIGRATIONS_DIR,
  home: inject('sandboxHome'),
  cwd: dir,
  ...extra,
});

const SQL = `-- a schema as a .sql file, with a view and a routine
CREATE TABLE patients (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, last_name VARCHAR(50) NOT NULL);
CREATE VIEW v_names AS SELECT last_name FROM patients;
DELIMITER $$
CREATE FUNCTION f_one() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END$$
DELIMITER ;
`;

describe('schema sources', () => {
  it('a .sql file is normalised in a workspace (the sandbox when the target user may not create one)', async () => {
    await writeFile(join(dir, 'schema.sql'), SQL);
    const notes: string[] = [];
    const s = await loadSource('schema.sql', context({ onNote: (m) => notes.push(m) }));
    expect(s.kind).toBe('sql');
    expect(s.server?.flavor).toBe('mariadb');
    expect(s.schema.tables.map((t) => t.name)).toEqual(['patients']);
    expect(s.schema.objects?.map((o) => `${o.kind}:${o.name}`)).toEqual(['function:f_one', 'view:v_names']);
    expect(notes.join('\n')).toMatch(/no CREATE DATABASE grant/);
  });

  it('a directory of .sql files loads in name order; the dump of it is loadable and complete', async () => {
    const sub = join(dir, 'parts');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, '01_tables.sql'), 'CREATE TABLE a (id INT PRIMARY KEY);\n');
    await writeFile(
      join(sub, '02_more.sql'),
      'CREATE TABLE b (id INT PRIMARY KEY, a_id INT, FOREIGN KEY (a_id) REFERENCES a (id));\n',
    );
    const dump = await dumpSource('parts', context());
    expect(dump.indexOf('CREATE TABLE `a`')).toBeLessThan(dump.indexOf('CREATE TABLE `b`'));
    const again = join(dir, 'again.sql');
    await writeFile(again, dump);
    const [x, y] = await Promise.all([loadSource('parts', context()), loadSource('again.sql', context())]);
    expect(diffSchemas(x.schema, y.schema)).toEqual([]);
  });

  it('a target and a .sql file compare, objects included', async () => {
    const gcp = scratch.registry.get('gcp');
    await writeFile(join(dir, 'want.sql'), SQL);
    const before = await loadSource('gcp', context());
    expect(before.kind).toBe('target');
    const ops = diffSchemas(before.schema, (await loadSource('want.sql', context())).schema);
    expect(ops.map(describeOperation)).toEqual(
      expect.arrayContaining(['create function f_one', 'create view v_names']),
    );
    expect(gcp.name).toBe('gcp');
  });

  it('a schema loaded by the mariadb client equals the same .sql file: objects keep the server sql_mode', async () => {
    // mysql2 asks for CLIENT_IGNORE_SPACE by default; a trigger created through it stored IGNORE_SPACE in its
    // sql_mode and every trigger/routine loaded by the mysql/mariadb clients diffed as changed.
    const own = await createScratchDatabases('clinic_cli');
    try {
      const text = `CREATE TABLE orders (id INT PRIMARY KEY, total INT NOT NULL);
DELIMITER ;;
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW BEGIN
  IF NEW.total < 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'negative'; END IF;
END;;
DELIMITER ;
`;
      await writeFile(join(dir, 'client.sql'), text);
      const url = new URL(own.env['CAREPOOL_TARGET_GCP_MIGRATE_URL'] ?? '');
      const client = spawnSync(
        'mariadb',
        ['-h', url.hostname, '-P', url.port, '-u', decodeURIComponent(url.username), '--skip-ssl', own.name],
        {
          input: text,
          env: { ...process.env, MYSQL_PWD: decodeURIComponent(url.password) },
          encoding: 'utf8',
        },
      );
      expect(client.status, client.stderr).toBe(0);
      const ctx = context({ targets: async () => own.registry.list() });
      const live = await loadSource('gcp', ctx);
      expect(live.schema.objects?.map((o) => o.name)).toEqual(['orders_bi']);
      const ops = diffSchemas(live.schema, (await loadSource('client.sql', ctx)).schema);
      expect(ops.map(describeOperation)).toEqual([]);
      const conn = await own.registry.get('gcp').connectMigrator();
      try {
        const { rows } = await conn.query<{ s: string; g: string }>(
          sql`SELECT @@SESSION.sql_mode AS s, @@GLOBAL.sql_mode AS g`,
        );
        expect(rows[0]?.s).toBe(rows[0]?.g);
        expect(rows[0]?.s).not.toMatch(/IGNORE_SPACE/);
      } finally {
        await conn.close();
      }
    } finally {
      await own.drop();
    }
  });

  it('a dump that creates and uses its own database is loaded into the workspace, never beside it', async () => {
    // The shape of Sakila's own sakila-schema.sql and of mysqldump --databases.
    const file = `SET NAMES utf8mb4;
DROP SCHEMA IF EXISTS sak_src;
CREATE SCHEMA \`sak_src\` DEFAULT CHARACTER SET latin1;
USE sak_src;
CREATE TABLE actor (id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(45) NOT NULL);
CREATE VIEW actor_names AS SELECT a.name FROM sak_src.actor a WHERE a.name <> 'sak_src.actor';
DELIMITER ;;
CREATE TRIGGER actor_bi BEFORE INSERT ON \`sak_src\`.actor FOR EACH ROW BEGIN
  SET NEW.name = TRIM(NEW.name); -- sak_src.actor in a comment
END;;
DELIMITER ;
`;
    await writeFile(join(dir, 'own-db.sql'), file);
    const notes: string[] = [];
    const s = await loadSource('own-db.sql', context({ onNote: (m) => notes.push(m) }));
    expect(s.schema.tables.map((t) => t.name)).toEqual(['actor']);
    // Names qualified with the file's own database (Sakila's actor_info view has `FROM sakila.actor`) point
    // at the workspace; string literals and comments keep their text.
    const view = s.schema.objects?.find((o) => o.name === 'actor_names');
    expect(view?.create).toMatch(/from `actor` `a` where `a`.`name` <> 'sak_src.actor'/);
    expect(s.schema.objects?.find((o) => o.name === 'actor_bi')?.create).toMatch(
      /-- sak_src.actor in a comment/,
    );
    // CREATE SCHEMA's options became the workspace's: the table took latin1 as its default.
    expect(s.schema.tables[0]?.options?.charset).toBe('latin1');
    expect(notes.join('\n')).toMatch(
      /USE\/CREATE\/DROP DATABASE of `sak_src` and names qualified with it apply to the scratch database/,
    );
    for (const server of Object.values(inject('sandbox').servers)) {
      const conn = await connectSingle('sandbox', parseConnectionUrl('admin', userUrl(server, 'admin')), {
        connectTimeoutMs: 5000,
        keepAliveMs: 0,
      });
      try {
        const { rows } = await conn.query(sql`SHOW DATABASES LIKE 'sak\_src'`);
        expect(rows).toEqual([]);
      } finally {
        await conn.close();
      }
    }
    await writeFile(
      join(dir, 'two-dbs.sql'),
      'USE one_db;\nCREATE TABLE a (id INT PRIMARY KEY);\nUSE other_db;\n',
    );
    const two = await loadSource('two-dbs.sql', context()).catch((e: unknown) => e);
    expect(isAppError(two, 'CAREPOOL_SCHEMA_SQL_MANY_DATABASES')).toBe(true);
  });

  it('chain honours the migrations folder; models can come from a module', async () => {
    const chain = await loadSource('chain', context({ migrationsDir: dir }));
    expect(chain.schema.tables).toEqual([]);
    await writeFile(join(dir, 'my-models.mjs'), 'export default { tables: [] };\n');
    const mine = await loadSource('models', context({ modelsPath: 'my-models.mjs' }));
    expect(mine.schema.tables).toEqual([]);
    expect((await loadSource('models', context())).schema).toBe(models);
    const bad = await loadSource('models', context({ modelsPath: 'nope.mjs' })).catch((e: unknown) => e);
    expect(isAppError(bad, 'CAREPOOL_SCHEMA_MODELS_INVALID')).toBe(true);
  });

  it('an unknown source is a coded error listing what is accepted and the targets', async () => {
    const error = await loadSource('nowhere', context()).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_SCHEMA_UNKNOWN_SOURCE')).toBe(true);
    expect((error as Error).message).toMatch(/a target name, `models`.*targets: azure, gcp/);
  });

  it('a migrated target equals the chain it was migrated with', async () => {
    const gcp = scratch.registry.get('gcp');
    expect((await migrateTarget(gcp, { to: 'heads', migrationsDir: MIGRATIONS_DIR })).ok).toBe(true);
    const [live, chain] = await Promise.all([loadSource('gcp', context()), loadSource('chain', context())]);
    expect(diffSchemas(live.schema, chain.schema)).toEqual([]);
  });

  it('a models module may declare views, triggers and routines; they are normalised on a server', async () => {
    await writeFile(
      join(dir, 'objects.sql'),
      [
        'CREATE TABLE patients (id INT NOT NULL PRIMARY KEY, last_name VARCHAR(50) NOT NULL);',
        'CREATE FUNCTION f_one() RETURNS INT DETERMINISTIC RETURN 1;',
        'CREATE VIEW v_names AS SELECT last_name, f_one() AS one FROM patients;',
        // The server keeps a trigger's text as written (views and routines it re-prints): same spelling here.
        'CREATE TRIGGER `trg_p` BEFORE INSERT ON `patients` FOR EACH ROW SET NEW.last_name = UPPER(NEW.last_name);',
      ].join('\n'),
    );
    const fromSql = await loadSource('objects.sql', context());
    const mine = {
      tables: fromSql.schema.tables,
      objects: [
        view('v_names', 'SELECT last_name, f_one() AS one FROM patients'),
        routine('function', 'f_one', '() RETURNS INT DETERMINISTIC RETURN 1'),
        trigger('trg_p', {
          table: 'patients',
          timing: 'BEFORE',
          event: 'INSERT',
          body: 'SET NEW.last_name = UPPER(NEW.last_name)',
        }),
      ],
    };
    await writeFile(join(dir, 'with-objects.mjs'), `export default ${JSON.stringify(mine)};\n`);
    const models = await loadSource('models', context({ modelsPath: 'with-objects.mjs' }));
    expect(models.schema.objects?.map((o) => o.create)).toEqual(fromSql.schema.objects?.map((o) => o.create));
    expect(diffSchemas(models.schema, fromSql.schema)).toEqual([]);
    // A changed view in the models is a replace.
    const changed = {
      ...mine,
      objects: [view('v_names', 'SELECT last_name FROM patients'), ...mine.objects.slice(1)],
    };
    await writeFile(join(dir, 'changed.mjs'), `export default ${JSON.stringify(changed)};\n`);
    const next = await loadSource('models', context({ modelsPath: 'changed.mjs' }));
    expect(diffSchemas(fromSql.schema, next.schema).map(describeOperation)).toEqual(['replace view v_names']);
  });
});
