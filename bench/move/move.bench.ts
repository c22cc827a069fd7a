/**
 * Move (issue 17): `carepool copy` vs `mydumper` + `myloader` (Debian 0.10.1), and `carepool verify` vs
 * `pt-table-sync --print` (percona-toolkit 3.2.1) on two databases of the same private server, same data,
 * one run. Writes the `move` section of docs/benchmarks.md. `npx tsx bench/move/run.ts [--full]`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { verifyTables } from '../../src/move/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { COPY_HEADERS, copyRounds, HEAP_CAP_MIB } from './copy-rounds.js';
import { measureCutovers } from './cutover.js';
import { startBenchServer } from '../lib/server.js';

const run = promisify(execFile);

interface Size {
  readonly patients: number;
  readonly records: number;
}

/** Planted differences per kind in the verify comparison (missing, extra, changed). */
const PLANT = 40;

async function fill(admin: SingleConnection, db: string, size: Size): Promise<void> {
  for (const s of [
    `CREATE DATABASE ${db}`,
    `CREATE TABLE ${db}.patients (id INT PRIMARY KEY, first_name VARCHAR(50) NOT NULL, last_name VARCHAR(50) NOT NULL,
       date_of_birth DATE NOT NULL, gender ENUM('M','F','O') NOT NULL, contact_number VARCHAR(20) NULL)`,
    `CREATE TABLE ${db}.medical_records (id INT PRIMARY KEY, patient_id INT NOT NULL, diagnosis VARCHAR(255) NOT NULL,
       treatment TEXT NULL, admission_date DATETIME NOT NULL, discharge_date DATETIME NULL, KEY (patient_id),
       FOREIGN KEY (patient_id) REFERENCES ${db}.patients (id))`,
    `INSERT INTO ${db}.patients SELECT seq, CONCAT('First', seq % 977), CONCAT('Last', seq % 1231),
       '1950-01-01' + INTERVAL (seq % 20000) DAY, ELT(1 + seq % 3, 'M', 'F', 'O'),
       IF(seq % 9 = 0, NULL, CONCAT('+1-555-', LPAD(seq % 10000, 4, '0'))) FROM seq_1_to_${size.patients}`,
    `INSERT INTO ${db}.medical_records SELECT seq, 1 + seq % ${size.patients}, CONCAT('Diagnosis ', seq % 311),
       IF(seq % 4 = 0, NULL, REPEAT(CONCAT('treatment ', seq % 97, ' '), 1 + seq % 5)),
       '2020-01-01' + INTERVAL (seq % 1500) DAY, IF(seq % 6 = 0, NULL, '2020-01-03' + INTERVAL (seq % 1500) DAY)
       FROM seq_1_to_${size.records}`,
  ])
    await admin.query(sql.raw(s));
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** Runs the benchmark and writes its section; returns the Markdown. */
export async function runMoveBench(full: boolean, rounds = full ? 3 : 5): Promise<string> {
  // The peers come from Debian's packages like the rest of the reference stack (installs only what is missing).
  await run('sh', [new URL('../reference/install.sh', import.meta.url).pathname]);
  const sizes: Size[] = full
    ? [
        { patients: 10_000, records: 40_000 },
        { patients: 50_000, records: 200_000 },
        { patients: 250_000, records: 1_000_000 },
      ]
    : [
        { patients: 10_000, records: 40_000 },
        { patients: 50_000, records: 200_000 },
      ];
  const server = await startBenchServer();
  const dir = await mkdtemp(join(tmpdir(), 'carepool-move-bench-'));
  const admin = await connectSingle(
    'bench',
    parseConnectionUrl('bench', userUrl(server.state, 'admin', 'DISABLED')),
    {
      connectTimeoutMs: 5000,
      keepAliveMs: 0,
    },
  );
  const cnf = join(dir, 'my.cnf');
  const u = server.state.users.admin;
  // The password goes in a 0600 defaults file, never on a command line (ps would show it).
  await writeFile(
    cnf,
    ['[client]', '[mydumper]', '[myloader]']
      .map((g) => `${g}\nuser=${u.user}\npassword=${u.password}\nhost=127.0.0.1\nport=${server.state.port}\n`)
      .join(''),
    { mode: 0o600 },
  );
  const copyRows: (readonly (string | number)[])[] = [];
  const verifyRows: (string | number)[][] = [];
  try {
    for (const [i, size] of sizes.entries()) {
      const src = `bsrc${i}`;
      await fill(admin, src, size);
      const urlOf = (db: string) =>
        userUrl(server.state, 'admin', 'DISABLED').replace(/\/clinic\?/, `/${db}?`);
      const copied = await copyRounds({
        admin,
        src,
        index: i,
        label: `${size.patients.toLocaleString('en')} + ${size.records.toLocaleString('en')}`,
        rows: size.patients + size.records,
        rounds: full && size.records >= 1_000_000 ? Math.min(rounds, 3) : rounds,
        cnf,
        dir,
        urlOf,
      });
      copyRows.push(copied.row);
      const dst = copied.keptCopy;
      const registry = new TargetRegistry(
        loadConfig({
          env: {
            CAREPOOL_TARGETS: 'src,dst',
            CAREPOOL_TARGET_SRC_URL: urlOf(src),
            CAREPOOL_TARGET_DST_URL: urlOf(dst),
          },
          dotenv: false,
          cwd: dir,
        }),
      );
      try {
        const s0 = performance.now();
        const same = await verifyTables(registry.get('src'), registry.get('dst'), {
          tables: ['medical_records'],
        });
        const sameMs = performance.now() - s0;
        if (!same.identical) throw new Error('the fresh copy differs from its source');
        // Verify: plant differences on the copy (counted as the server reports them), then both tools compare.
        const step = Math.floor(size.records / PLANT);
        let planted = 0;
        for (const s of [
          `DELETE FROM ${dst}.medical_records WHERE id % ${step} = 1 LIMIT ${PLANT}`,
          `UPDATE ${dst}.medical_records SET diagnosis = CONCAT(diagnosis, ' ') WHERE id % ${step} = 2 LIMIT ${PLANT}`,
          `INSERT INTO ${dst}.medical_records SELECT id + ${size.records}, patient_id, diagnosis, treatment,
             admission_date, discharge_date FROM ${dst}.medical_records WHERE id % ${step} = 3 LIMIT ${PLANT}`,
        ])
          planted += (await admin.query(sql.raw(s))).affectedRows;
        const v0 = performance.now();
        const verified = await verifyTables(registry.get('src'), registry.get('dst'), {
          tables: ['medical_records'],
        });
        const verifyMs = performance.now() - v0;
        const p0 = performance.now();
        // pt-table-sync exits 2 when it found differences (its documented exit status): that is success here.
        const pt = await run(
          'pt-table-sync',
          [
            '--print',
            `h=127.0.0.1,P=${server.state.port},F=${cnf},D=${src},t=medical_records`,
            `D=${dst},t=medical_records`,
          ],
          { maxBuffer: 256 * 2 ** 20 },
        ).catch((error: { code?: number; stdout?: string }) => {
          if (error.code !== 2) throw error;
          return { stdout: error.stdout ?? '' };
        });
        const ptMs = performance.now() - p0;
        const ptStatements = pt.stdout
          .split('\n')
          .filter((l) => /^(INSERT|UPDATE|DELETE|REPLACE)/.test(l)).length;
        verifyRows.push([
          size.records.toLocaleString('en'),
          `${seconds(sameMs)} s, ${Math.round(size.records / (sameMs / 1000))} rows/s, ${same.tables[0]?.chunks} chunks`,
          `${seconds(verifyMs)} s, ${Math.round(size.records / (verifyMs / 1000))} rows/s, found ${verified.differenceCount}/${planted}; ${verified.tables[0]?.chunks} chunks, ${verified.tables[0]?.mismatchedChunks} mismatched, ${verified.tables[0]?.bisections} bisections`,
          `${seconds(ptMs)} s, ${Math.round(size.records / (ptMs / 1000))} rows/s, ${ptStatements} statements`,
          (ptMs / verifyMs).toFixed(2),
        ]);
      } finally {
        await registry.close(1000);
      }
    }
  } finally {
    await admin.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const cutovers = await measureCutovers(full ? 6 : 4);
  const worst = Math.max(...cutovers.map((c) => Math.max(c.reportedMs, c.observedGapMs)));
  const md = [
    '## Move: carepool copy vs mydumper + myloader, carepool verify vs pt-table-sync --print, cutover downtime',
    '',
    machineLine(
      'MariaDB sandbox server (gcp profile, plain TCP), mydumper/myloader 0.10.1, percona-toolkit 3.2.1',
    ),
    '',
    'Copy: two tables shaped like the clinic schema (patients + medical_records with an FK), from one database',
    'to another on the same server, whose binary log is on (ROW format, as every sandbox server now runs).',
    'carepool copy: 4 workers, chunks of 10,000 rows, consistent snapshot, LOAD DATA LOCAL, each row',
    'formatted as a LOAD DATA line by the source server. mydumper -t 4 --trx-consistency-only to files, then',
    'myloader -t 4 into a third database. myloader 0.10.1 turns the binary log off in its sessions',
    '(SQL_LOG_BIN=0) unless -e/--enable-binlog, so the like-for-like pairs are carepool copy vs myloader -e',
    '(both write the rows to the binlog, as a destination with replicas needs) and carepool copy',
    '--skip-binlog vs myloader\'s default (neither does); "binlog bytes" is Binlog_bytes_written over each',
    "tool's run. Every round runs all four, alternating which side goes first; times are median (min–max)",
    'over the rounds, ratio = carepool / (dump + load) taken within each round, median (min–max); below',
    "1.0 carepool is faster. The carepool time is the copy's own clock in its process (not Node/tsx",
    `start-up). Each copy runs in a process of its own (bench/move/copy-child.ts) with its V8 heap capped at ${HEAP_CAP_MIB} MiB`,
    "(--max-old-space-size), which every size must finish within: peak RSS is that process's maxRSS, and (+N)",
    'its growth over the RSS just before the copy started. Other sessions shared the 2 cores during the run,',
    'so absolute times move; the within-round ratios are the comparison.',
    '',
    mdTable(COPY_HEADERS, copyRows),
    '',
    `Verify: ${PLANT} rows deleted, ${PLANT} changed (a trailing space) and ${PLANT} added on the copy of`,
    'medical_records; carepool verify and pt-table-sync --print (no --replicate: two independent databases)',
    'compare the table. Ratio = pt-table-sync time / carepool time (above 1.0 carepool is faster).',
    '',
    mdTable(
      [
        'records',
        'carepool verify, identical copy',
        'carepool verify, planted',
        'pt-table-sync --print, planted',
        'ratio (planted)',
      ],
      verifyRows,
    ),
    '',
    'Cutover (bench/move/cutover.ts): a private carepool sandbox (azure + gcp, binary logs with GTIDs), a',
    '20,000-row table copied azure → gcp and replicated, two writers inserting without pause as the app user',
    'through a registry that follows the cutover record as the web app does; cutovers alternate direction with',
    '--reverse, the final verify (of that table) on and off. "reported" is what cutover prints (source',
    'read-only until the switch is recorded); "seen by writers" is the longest gap between two successful inserts.',
    `Goal: write downtime < 2 s. Worst of this run: ${seconds(worst)} s.`,
    '',
    mdTable(
      ['cutover', 'final verify', 'reported downtime', 'seen by writers', 'writes refused meanwhile'],
      cutovers.map((c) => [
        c.direction,
        c.verify ? 'yes' : 'no',
        `${seconds(c.reportedMs)} s`,
        `${seconds(c.observedGapMs)} s`,
        c.failedWrites,
      ]),
    ),
  ].join('\n');
  await writeSection('move', md);
  return md;
}
