import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, inject } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { type ServerState, userUrl } from '../../src/sandbox/index.js';
import type { RowDifference } from '../../src/move/index.js';
import { captureOutput } from '../harness/capture.js';
import { adminConnection, sandboxServers } from '../harness/targets.js';

/** Two scratch databases (one per sandbox server) reachable as targets `azure` and `gcp`. */
export interface MovePair {
  readonly name: string;
  readonly registry: TargetRegistry;
  /** The env that points carepool at the pair (for spawning the built CLI). */
  readonly env: Record<string, string>;
  /** Admin sessions with the scratch database selected. */
  readonly azure: SingleConnection;
  readonly gcp: SingleConnection;
  drop(): Promise<void>;
}

/** Options of {@link createMovePair}. */
export interface MovePairOptions {
  /** Grant the migrator LOCK TABLES on the scratch database (the `lock-tables` snapshot mode). */
  readonly lockTables?: boolean;
  /** Use the admin user as azure's migrator (RELOAD: the `backup-stage` snapshot mode). */
  readonly adminMigrator?: boolean;
}

const swapDatabase = (url: string, db: string) => url.replace(/\/clinic\?/, `/${db}?`);

/** Creates `move_<random>` on both sandbox servers with the grants the move commands need. */
export async function createMovePair(options: MovePairOptions = {}): Promise<MovePair> {
  const name = `move_${randomBytes(4).toString('hex')}`;
  const servers = sandboxServers();
  const all: ServerState[] = [servers.azure, servers.gcp];
  const admins: SingleConnection[] = [];
  for (const s of all) {
    const admin = await adminConnection(s);
    admins.push(admin);
    await admin.query(
      sql.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
    );
    const privileges = `SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES${options.lockTables ? ', LOCK TABLES' : ''}`;
    await admin.query(sql.raw(`GRANT ${privileges} ON \`${name}\`.* TO '${s.users.migrator.user}'@'%'`));
    await admin.query(
      sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${name}\`.* TO '${s.users.app.user}'@'%'`),
    );
    await admin.query(sql.raw(`USE \`${name}\``));
  }
  const env: Record<string, string> = { CAREPOOL_TARGETS: 'azure,gcp' };
  for (const s of all) {
    const prefix = `CAREPOOL_TARGET_${s.name.toUpperCase()}_`;
    env[`${prefix}URL`] = swapDatabase(userUrl(s, 'app'), name);
    const migrator = options.adminMigrator && s.name === 'azure' ? 'admin' : 'migrator';
    env[`${prefix}MIGRATE_URL`] = swapDatabase(userUrl(s, migrator), name);
  }
  const registry = new TargetRegistry(loadConfig({ env, dotenv: false, cwd: inject('sandboxHome') }));
  const [azure, gcp] = admins as [SingleConnection, SingleConnection];
  return {
    name,
    registry,
    env,
    azure,
    gcp,
    async drop() {
      await registry.close(1000);
      for (const admin of admins) {
        await admin.query(sql.raw(`DROP DATABASE IF EXISTS \`${name}\``)).catch(() => undefined);
        await admin.close();
      }
    },
  };
}

/** Runs several `;`-free statements on one session. */
export async function run(conn: SingleConnection, ...statements: string[]): Promise<void> {
  for (const s of statements) await conn.query(sql.raw(s));
}

/**
 * Every row of `table` ordered by `order`, for comparing the two sides: {@link exactDump}. (It read rows
 * through the driver before, which reads TINYINT(1) as a boolean and FLOAT as 6-digit text, so a 2 copied
 * as 0 or a FLOAT rounded on the way compared equal.)
 */
export async function dump(conn: SingleConnection, table: string, order: string): Promise<string> {
  return exactDump(conn, table, order);
}

/**
 * A small schema with what copy and verify must survive: FKs (parents after children by name), a composite
 * string key, a table without a primary key, byte columns, floats, NULLs, empty strings, trailing spaces,
 * tabs/newlines/backslashes and 4-byte UTF-8.
 */
export async function plantFixture(conn: SingleConnection, patients = 300): Promise<void> {
  await run(
    conn,
    `CREATE TABLE p_patients (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL, email VARCHAR(80) NULL,
       code CHAR(6) NULL, weight FLOAT NULL, score DOUBLE NULL, balance DECIMAL(12,2) NULL,
       born DATE NULL, seen DATETIME(3) NULL, stamp TIMESTAMP NULL DEFAULT NULL, active TINYINT(1) NOT NULL DEFAULT 1,
       kind ENUM('in','out') NULL, UNIQUE KEY uq_email (email))`,
    `CREATE TABLE a_visits (patient_id INT NOT NULL, label VARCHAR(20) NOT NULL, note TEXT NULL,
       PRIMARY KEY (patient_id, label), CONSTRAINT fk_visit_patient FOREIGN KEY (patient_id) REFERENCES p_patients (id))`,
    `CREATE TABLE b_log (line VARCHAR(40) NULL, n INT NULL)`,
    `CREATE TABLE c_files (id BIGINT UNSIGNED PRIMARY KEY, body BLOB NULL, tag VARBINARY(8) NULL)`,
  );
  const rows: string[] = [];
  for (let i = 1; i <= patients; i++) {
    const email = i % 7 === 0 ? 'NULL' : `'p${i}@example.org'`;
    const name =
      i % 11 === 0 ? `'tab\\there\\nnew \\\\ back 😀'` : i % 13 === 0 ? `'trailing  '` : `'Patient ${i}'`;
    rows.push(
      `(${i}, ${name}, ${email}, ${i % 5 === 0 ? 'NULL' : `'C${i}'`}, ${i % 3 === 0 ? 'NULL' : `${i}.25`}, ${i / 7}, ${i * 3}.50,
        '1990-01-${String((i % 28) + 1).padStart(2, '0')}', '2024-05-06 07:08:09.${String(i % 1000).padStart(3, '0')}',
        ${i % 4 === 0 ? 'NULL' : "'2024-01-02 03:04:05'"}, ${i % 2}, ${i % 6 === 0 ? 'NULL' : i % 2 ? "'in'" : "'out'"})`,
    );
  }
  await run(conn, `INSERT INTO p_patients VALUES ${rows.join(',')}`);
  const visits: string[] = [];
  for (let i = 1; i <= patients; i += 2) visits.push(`(${i}, 'first', NULL)`, `(${i}, 'second', '')`);
  await run(conn, `INSERT INTO a_visits VALUES ${visits.join(',')}`);
  await run(conn, `INSERT INTO b_log VALUES ('x', 1), ('x', 1), (NULL, NULL), ('', 0)`);
  await run(
    conn,
    `INSERT INTO c_files VALUES (1, X'00FF0A09005C', X'0102'), (2, NULL, ''), (18446744073709551615, X'', NULL)`,
  );
}

/** The planted differences and how verify must name each. */
export const PLANTED = [
  // NULL on the source, '' on the destination.
  "UPDATE p_patients SET email = '' WHERE id = 7",
  // A trailing space in a VARCHAR (PAD SPACE collations compare it equal with =).
  "UPDATE p_patients SET name = 'Patient 8 ' WHERE id = 8",
  // FLOAT and DOUBLE changed below their printed precision.
  'UPDATE p_patients SET weight = 10.250001 WHERE id = 10',
  // 0.1e0 + 0.2e0 is 0.30000000000000004: equal to the source's 0.3 in 15 significant digits, not in 17.
  'UPDATE p_patients SET score = 0.1e0 + 0.2e0 WHERE id = 12',
  // Swapped unique values.
  "UPDATE p_patients SET email = 'tmp' WHERE id = 20",
  "UPDATE p_patients SET email = 'p20@example.org' WHERE id = 22",
  "UPDATE p_patients SET email = 'p22@example.org' WHERE id = 20",
  // A missing row, extra rows below and above the source's key span.
  'DELETE FROM p_patients WHERE id = 30',
  "INSERT INTO p_patients (id, name) VALUES (-5, 'below'), (100000, 'above')",
  // Fractional seconds, TIMESTAMP, DECIMAL, ENUM, bytes.
  "UPDATE p_patients SET seen = '2024-05-06 07:08:09.999', stamp = '2024-01-02 03:04:06' WHERE id = 33",
  "UPDATE p_patients SET balance = 99.51, kind = 'out' WHERE id = 35",
  "UPDATE c_files SET body = X'00FF0A09005D' WHERE id = 1",
  // A trailing space in a composite VARCHAR key: another key, not the same row.
  "UPDATE a_visits SET label = 'first ' WHERE patient_id = 11 AND label = 'first'",
  // A trailing space stored in a CHAR column is stripped on read (CHAR pad semantics): not a difference.
  "UPDATE p_patients SET code = 'C9 ' WHERE id = 9",
];

export const EXPECTED = [
  'a_visits {"patient_id":11,"label":"first "} extra',
  'a_visits {"patient_id":11,"label":"first"} missing',
  'c_files {"id":"1"} changed body',
  'p_patients {"id":-5} extra',
  'p_patients {"id":10} changed weight',
  'p_patients {"id":100000} extra',
  'p_patients {"id":12} changed score',
  'p_patients {"id":20} changed email',
  'p_patients {"id":22} changed email',
  'p_patients {"id":30} missing',
  'p_patients {"id":33} changed seen,stamp',
  'p_patients {"id":35} changed balance,kind',
  'p_patients {"id":7} changed email',
  'p_patients {"id":8} changed name',
].sort();

const ROOT = join(import.meta.dirname, '..', '..');

/** The built CLI the CLI tests spawn. */
export const BUILT_CLI = join(ROOT, 'dist', 'cli', 'bin.js');

/** Runs the built CLI against the pair; never throws on exit codes. */
export async function carepoolBuilt(args: readonly string[], env: Record<string, string>) {
  try {
    // The built CLI (npm run build): tsx compiles on every start, which took 40 s on the busy CI machine.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BUILT_CLI, ...args], {
      env: { ...process.env, ...env },
      cwd: ROOT,
    });
    captureOutput(`carepool ${args.join(' ')}`, stdout + stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    captureOutput(`carepool ${args.join(' ')}`, `${e.stdout ?? ''}${e.stderr ?? ''}`);
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Asserts each of `tables` holds the same rows on gcp as on azure ({@link exactDump}, ordered by `order`). */
export async function expectSameRows(
  pair: MovePair,
  tables: readonly string[],
  order: string,
): Promise<void> {
  for (const t of tables)
    expect(await exactDump(pair.gcp, t, order), t).toBe(await exactDump(pair.azure, t, order));
}

export const diffSummary = (diffs: readonly RowDifference[]) =>
  diffs
    .map((d) => `${d.table} ${JSON.stringify(d.key)} ${d.kind}${d.columns ? ` ${d.columns.join(',')}` : ''}`)
    .sort();

/**
 * Every row of `table` ordered by `order`, each value as the server's own exact text (FLOAT widened to
 * DOUBLE, byte types as hex, everything else through CONCAT), never through the driver's conversions
 * (which read TINYINT(1) as a boolean and FLOAT rounded to 6 digits, and would hide a changed value).
 */
export async function exactDump(conn: SingleConnection, table: string, order: string): Promise<string> {
  const { rows: cols } = await conn.query<{ name: string; type: string }>(
    sql`SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${table} ORDER BY COLUMN_NAME`,
  );
  const bytes = /binary|blob|bit|geometry|point|linestring|polygon/;
  const exprs = cols.map(({ name, type }) => {
    const id = `\`${name}\``;
    const text = type === 'float' ? `CAST(${id} AS DOUBLE)` : bytes.test(type) ? `HEX(${id})` : id;
    return `IFNULL(QUOTE(CONVERT(CONCAT(${text}) USING utf8mb4)), 'NULL')`;
  });
  const { rows } = await conn.query<{ r: string }>(
    sql.raw(`SELECT CONCAT_WS(' | ', ${exprs.join(', ')}) AS r FROM \`${table}\` ORDER BY ${order}`),
  );
  return `${cols.map((c) => c.name).join(' | ')}\n${rows.map((r) => r.r).join('\n')}`;
}
