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

/** The old-space cap of the copy's process (MiB). */
const HEAP_CAP_MIB = 128;

interface ChildCopy {
  readonly ms: number;
  readonly baselineKiB: number;
  readonly peakKiB: number;
  readonly mode: string;
  readonly methods: readonly string[];
}

/** Runs bench/move/copy-child.ts under tsx with the job on stdin; resolves with what it measured. */
function copyInChild(job: { src: string; dst: string; manifest: string; home: string }): Promise<ChildCopy> {
  const script = new URL('./copy-child.ts', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      // A capped heap: the copy must finish within it at every size (memory bounded by chunk x workers).
      [`--max-old-space-size=${HEAP_CAP_MIB}`, '--import', 'tsx', script],
      { maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`copy child failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as ChildCopy);
      },
    );
    child.stdin?.end(JSON.stringify(job));
  });
}

/** Runs the benchmark and writes its section; returns the Markdown. */
export async function runMoveBench(full: boolean): Promise<string> {
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
  const copyRows: (string | number)[][] = [];
  const verifyRows: (string | number)[][] = [];
  try {
    for (const [i, size] of sizes.entries()) {
      const src = `bsrc${i}`;
      const dst = `bdst${i}`;
      const myd = `bmyd${i}`;
      await fill(admin, src, size);
      await admin.query(sql.raw(`CREATE DATABASE ${dst}`));
      const urlOf = (db: string) =>
        userUrl(server.state, 'admin', 'DISABLED').replace(/\/clinic\?/, `/${db}?`);
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
        const child = await copyInChild({
          src: urlOf(src),
          dst: urlOf(dst),
          manifest: join(dir, `${i}.json`),
          home: dir,
        });
        const copyMs = child.ms;
        const out = join(dir, `dump${i}`);
        const d0 = performance.now();
        await run('mydumper', [
          `--defaults-file=${cnf}`,
          '-B',
          src,
          '-o',
          out,
          '-t',
          '4',
          '--trx-consistency-only',
        ]);
        const dumpMs = performance.now() - d0;
        await admin.query(sql.raw(`CREATE DATABASE ${myd}`));
        const l0 = performance.now();
        await run('myloader', [`--defaults-file=${cnf}`, '-B', myd, '-d', out, '-t', '4', '-o']);
        const loadMs = performance.now() - l0;
        const rows = size.patients + size.records;
        copyRows.push([
          `${size.patients.toLocaleString('en')} + ${size.records.toLocaleString('en')}`,
          `${seconds(copyMs)} s (${child.mode}, ${child.methods.join('/')})`,
          `${seconds(dumpMs)} + ${seconds(loadMs)} = ${seconds(dumpMs + loadMs)} s`,
          (copyMs / (dumpMs + loadMs)).toFixed(2),
          Math.round(rows / (copyMs / 1000)),
          `${Math.round(child.peakKiB / 1024)} MiB (+${Math.round((child.peakKiB - child.baselineKiB) / 1024)} MiB)`,
        ]);
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
    'to another on the same server. carepool copy: 4 workers, chunks of 10,000 rows, consistent snapshot,',
    'LOAD DATA LOCAL. mydumper -t 4 --trx-consistency-only to files, then myloader -t 4 into a third database.',
    'Ratio = carepool / (dump + load); below 1.0 carepool is faster. Each copy runs in a process of its own',
    `(bench/move/copy-child.ts) with its V8 heap capped at ${HEAP_CAP_MIB} MiB (--max-old-space-size), which every size`,
    'must finish within: peak RSS is that process\'s maxRSS, and (+N) its growth over the RSS just before the copy',
    'started (Node, tsx and the loaded modules are the rest; V8 collects lazily, so RSS rises towards the cap).',
    '',
    mdTable(
      ['patients + records', 'carepool copy', 'mydumper + myloader', 'ratio', 'copy rows/s', 'peak RSS'],
      copyRows,
    ),
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
