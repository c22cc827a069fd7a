/**
 * The copy half of the move benchmark: interleaved rounds of `carepool copy` (binary log written, and
 * --skip-binlog) against `mydumper` + `myloader -e` (binary log written) and `myloader` (its default: no
 * binary log), same source, same server, with the destination's binary-log bytes each one wrote.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';

const run = promisify(execFile);

/** The old-space cap of the copy's process (MiB). */
export const HEAP_CAP_MIB = 128;

interface ChildCopy {
  readonly ms: number;
  readonly cpuMs: number;
  readonly baselineKiB: number;
  readonly peakKiB: number;
  readonly mode: string;
  readonly methods: readonly string[];
  readonly binlog: string;
}

/** Runs bench/move/copy-child.ts under tsx with the job on stdin; resolves with what it measured. */
function copyInChild(job: {
  src: string;
  dst: string;
  manifest: string;
  home: string;
  skipBinlog: boolean;
}): Promise<ChildCopy> {
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

/** What one size's rounds need. */
export interface CopyRoundsJob {
  readonly admin: SingleConnection;
  /** Source database (filled). */
  readonly src: string;
  /** Size index, for database names. */
  readonly index: number;
  /** `patients + records`. */
  readonly label: string;
  readonly rows: number;
  readonly rounds: number;
  /** Defaults file with the admin's credentials for mydumper/myloader. */
  readonly cnf: string;
  readonly dir: string;
  readonly urlOf: (db: string) => string;
}

/** One size's figures. */
export interface CopyRoundsResult {
  /** Table row: see {@link COPY_HEADERS}. */
  readonly row: readonly (string | number)[];
  /** The last round's `carepool copy` destination, left in place for verify. */
  readonly keptCopy: string;
}

export const COPY_HEADERS = [
  'patients + records',
  'carepool copy, binlog written',
  'mydumper + myloader -e, binlog written',
  'ratio',
  'carepool copy --skip-binlog',
  'mydumper + myloader (default: no binlog)',
  'ratio',
  'binlog bytes: carepool / myloader -e',
  'copy rows/s, CPU of the copy process',
  'peak RSS',
] as const;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const secs = (xs: readonly number[]) =>
  `${(median(xs) / 1000).toFixed(2)} s (${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)})`;
const ratio = (xs: readonly number[]) =>
  `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

async function binlogBytes(admin: SingleConnection): Promise<number> {
  const { rows } = await admin.query<{ Value: string }>(sql`SHOW GLOBAL STATUS LIKE 'Binlog_bytes_written'`);
  return Number(rows[0]?.Value ?? 0);
}

/**
 * Runs `job.rounds` rounds for one size. Each round runs all four, alternating who goes first; ratios are
 * taken within a round (side by side) and reported as median (min–max).
 */
export async function copyRounds(job: CopyRoundsJob): Promise<CopyRoundsResult> {
  const { admin, src, index: i } = job;
  const times = {
    cw: [] as number[],
    cs: [] as number[],
    dump: [] as number[],
    le: [] as number[],
    ld: [] as number[],
  };
  const ratios = { write: [] as number[], skip: [] as number[] };
  const bytes = { cw: 0, cs: 0, le: 0, ld: 0 };
  const cpu: number[] = [];
  let child: ChildCopy | undefined;
  let keptCopy = '';
  const measured = async (fn: () => Promise<void>): Promise<{ ms: number; bytes: number }> => {
    const b0 = await binlogBytes(admin);
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    return { ms, bytes: (await binlogBytes(admin)) - b0 };
  };
  for (let r = 0; r < job.rounds; r++) {
    const db = { cw: `bcw${i}_${r}`, cs: `bcs${i}_${r}`, le: `bme${i}_${r}`, ld: `bml${i}_${r}` };
    for (const d of Object.values(db)) await admin.query(sql.raw(`CREATE DATABASE ${d}`));
    const out = join(job.dir, `dump${i}_${r}`);
    const round: Record<string, number> = {};
    const carepool = async () => {
      for (const skip of [false, true]) {
        let result: ChildCopy | undefined;
        const m = await measured(async () => {
          result = await copyInChild({
            src: job.urlOf(src),
            dst: job.urlOf(skip ? db.cs : db.cw),
            manifest: join(job.dir, `${i}-${r}-${skip}.json`),
            home: job.dir,
            skipBinlog: skip,
          });
        });
        const c = result as ChildCopy;
        if (c.binlog !== (skip ? 'skip' : 'write')) throw new Error(`carepool copy binlog ${c.binlog}`);
        // The copy's own clock (the child's start-up, tsx compiling the sources, is not the copy).
        round[skip ? 'cs' : 'cw'] = c.ms;
        bytes[skip ? 'cs' : 'cw'] = m.bytes;
        cpu.push(c.cpuMs);
        if (!skip) child = c;
      }
    };
    const peers = async () => {
      round.dump = (
        await measured(async () => {
          await run('mydumper', [
            `--defaults-file=${job.cnf}`,
            '-B',
            src,
            '-o',
            out,
            '-t',
            '4',
            '--trx-consistency-only',
          ]);
        })
      ).ms;
      for (const e of [true, false]) {
        const m = await measured(async () => {
          await run('myloader', [
            `--defaults-file=${job.cnf}`,
            '-B',
            e ? db.le : db.ld,
            '-d',
            out,
            '-t',
            '4',
            '-o',
            ...(e ? ['-e'] : []),
          ]);
        });
        round[e ? 'le' : 'ld'] = m.ms;
        bytes[e ? 'le' : 'ld'] = m.bytes;
      }
    };
    if (r % 2 === 0) {
      await carepool();
      await peers();
    } else {
      await peers();
      await carepool();
    }
    for (const k of ['cw', 'cs', 'dump', 'le', 'ld'] as const) times[k].push(round[k] as number);
    ratios.write.push((round.cw as number) / ((round.dump as number) + (round.le as number)));
    ratios.skip.push((round.cs as number) / ((round.dump as number) + (round.ld as number)));
    // Keep the disk small: only the last round's carepool copy stays (verify compares it).
    const last = r === job.rounds - 1;
    for (const d of [db.cs, db.le, db.ld, ...(last ? [] : [db.cw])])
      await admin.query(sql.raw(`DROP DATABASE ${d}`));
    await rm(out, { recursive: true, force: true });
    keptCopy = db.cw;
  }
  const c = child as ChildCopy;
  const peer = (k: 'le' | 'ld') => times.dump.map((d, n) => d + (times[k][n] as number));
  return {
    keptCopy,
    row: [
      `${job.label} (${job.rounds} rounds)`,
      `${secs(times.cw)} (${c.mode}, ${c.methods.join('/')})`,
      secs(peer('le')),
      ratio(ratios.write),
      secs(times.cs),
      secs(peer('ld')),
      ratio(ratios.skip),
      `${mb(bytes.cw)} / ${mb(bytes.le)} (skip: ${mb(bytes.cs)}, myloader: ${mb(bytes.ld)})`,
      `${Math.round(job.rows / (median(times.cw) / 1000))}, ${(median(cpu) / 1000).toFixed(2)} s`,
      `${Math.round(c.peakKiB / 1024)} MiB (+${Math.round((c.peakKiB - c.baselineKiB) / 1024)} MiB)`,
    ],
  };
}
