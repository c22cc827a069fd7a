import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/index.js';
import { copyTables, type RowDifference, verifyTables } from '../../src/move/index.js';
import { captureOutput } from '../harness/capture.js';
import { createMovePair, type MovePair, plantFixture, run } from './helpers.js';

const KEYED = ['p_patients', 'a_visits', 'c_files'];
const ROOT = join(import.meta.dirname, '..', '..');

/** Runs the CLI from source (tsx) against the pair; never throws on exit codes. */
async function carepool(args: readonly string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src', 'cli', 'bin.ts'), ...args],
      { env: { ...process.env, ...env }, cwd: ROOT },
    );
    captureOutput(`carepool ${args.join(' ')}`, stdout + stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    captureOutput(`carepool ${args.join(' ')}`, `${e.stdout ?? ''}${e.stderr ?? ''}`);
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const summary = (diffs: readonly RowDifference[]) =>
  diffs
    .map((d) => `${d.table} ${JSON.stringify(d.key)} ${d.kind}${d.columns ? ` ${d.columns.join(',')}` : ''}`)
    .sort();

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

describe('carepool verify between the sandbox servers', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-verify-'));
    await plantFixture(pair.azure, 400);
    await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'm.json'),
    });
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a fresh copy identical, and refuses a table without a primary key by name', async () => {
    const result = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: KEYED,
    });
    expect(result.identical).toBe(true);
    expect(result.differenceCount).toBe(0);
    const p = result.tables.find((t) => t.table === 'p_patients');
    expect(p?.sourceRows).toBe(400);
    expect(p?.destRows).toBe(400);
    const keyless = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp')).catch(
      (e: unknown) => e,
    );
    expect(isAppError(keyless, 'CAREPOOL_MOVE_NO_PRIMARY_KEY')).toBe(true);
    expect((keyless as Error).message).toContain('b_log');
  });

  it('names every planted difference by table and key, and nothing else', async () => {
    await run(pair.azure, 'UPDATE p_patients SET score = 0.3e0 WHERE id = 12');
    await run(pair.gcp, 'UPDATE p_patients SET score = 0.3e0 WHERE id = 12');
    await run(pair.gcp, 'SET foreign_key_checks = 0', ...PLANTED, 'SET foreign_key_checks = 1');
    for (const options of [{}, { firstChunkRows: 37, leafRows: 4 }, { firstChunkRows: 100_000 }]) {
      const result = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
        tables: KEYED,
        ...options,
      });
      expect(summary(result.differences), JSON.stringify(options)).toEqual(EXPECTED);
      expect(result.identical).toBe(false);
    }
    const bisected = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: ['p_patients'],
      firstChunkRows: 400,
      leafRows: 4,
    });
    expect(bisected.tables[0]?.bisections).toBeGreaterThan(0);
  });

  it('pauses while Threads_running is above the ceiling', async () => {
    let slept = 0;
    const result = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: ['c_files'],
      maxThreadsRunning: 0,
      sleep: async () => {
        slept++;
        if (slept > 3) throw new Error('stop');
      },
    }).catch((e: unknown) => e);
    expect((result as Error).message).toBe('stop');
    expect(slept).toBe(4);
  });

  it('CLI: exit 1 and the rows named when they differ, 0 when the same, 2 on usage errors', async () => {
    const [differ, json] = await Promise.all([
      carepool(['verify', 'azure', 'gcp', '--tables', 'p_patients'], pair.env),
      carepool(['verify', 'azure', 'gcp', '--tables', 'c_files', '--json'], pair.env),
    ]);
    expect(differ.code).toBe(1);
    expect(differ.stdout).toContain('p_patients (id=30): missing on gcp');
    expect(differ.stdout).toContain('p_patients (id=100000): extra on gcp');
    expect(differ.stdout).toContain('p_patients (id=7): differs in email');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).verify.differenceCount).toBe(1);
    await run(pair.gcp, "UPDATE c_files SET body = X'00FF0A09005C' WHERE id = 1");
    const same = await carepool(['verify', 'azure', 'gcp', '--tables', 'c_files'], pair.env);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('azure and gcp hold the same rows');
    const [self, unknown] = await Promise.all([
      carepool(['verify', 'azure', 'azure'], pair.env),
      carepool(['verify', 'azure', 'aws'], pair.env),
    ]);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('CAREPOOL_MOVE_SAME_TARGET');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('CAREPOOL_TARGET_UNKNOWN');
  });
});
