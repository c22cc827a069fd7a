import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { captureOutput } from '../harness/capture.js';
import {
  carepoolBuilt,
  createMovePair,
  diffSummary,
  EXPECTED,
  type MovePair,
  PLANTED,
  plantFixture,
  run,
} from './helpers.js';

const KEYED = ['p_patients', 'a_visits', 'c_files'];

describe('carepool sync between the sandbox servers', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-sync-'));
    await plantFixture(pair.azure, 400);
    await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'm.json'),
    });
    await run(pair.azure, 'UPDATE p_patients SET score = 0.3e0 WHERE id = 12');
    await run(pair.gcp, 'UPDATE p_patients SET score = 0.3e0 WHERE id = 12');
    await run(pair.gcp, 'SET foreign_key_checks = 0', ...PLANTED, 'SET foreign_key_checks = 1');
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('--dry-run prints the SQL and writes nothing', async () => {
    const printed: string[] = [];
    const result = await syncTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: KEYED,
      dryRun: true,
      onStatement: (s) => printed.push(s),
    });
    expect(result.dryRun).toBe(true);
    expect(result.inserted).toBe(2);
    expect(result.deleted).toBe(3);
    expect(result.replaced).toBe(9);
    // The script means what sync does only under its session settings (UTC TIMESTAMP text; FK checks off
    // so a replaced row's DELETE cannot cascade to child rows): they come first.
    expect(printed.slice(0, 4)).toEqual([
      "SET SESSION time_zone = '+00:00';",
      'SET SESSION foreign_key_checks = 0;',
      'SET SESSION unique_checks = 1;',
      "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES';",
    ]);
    expect(printed.some((s) => s.startsWith('DELETE FROM `p_patients` WHERE `id` IN ('))).toBe(true);
    expect(printed.some((s) => s.startsWith('INSERT INTO `c_files`') && s.includes("X'00ff0a09005c'"))).toBe(
      true,
    );
    // A tab may stand in a quoted literal as it is; newline and backslash are escaped.
    expect(printed.join('\n')).toContain("'tab\there\\nnew \\\\ back 😀'");
    const still = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), { tables: KEYED });
    expect(diffSummary(still.differences)).toEqual(EXPECTED);
  });

  it('repairs every planted difference on the destination only, swapped unique values included', async () => {
    const before = await pair.azure.query(sql`CHECKSUM TABLE p_patients, a_visits, c_files`);
    // One row per transaction: the swapped emails land in different batches and must wait for each other.
    const result = await syncTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: KEYED,
      batchRows: 1,
    });
    expect(result.inserted + result.deleted + result.replaced).toBe(EXPECTED.length);
    expect(result.retried).toBeGreaterThan(0);
    const after = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), { tables: KEYED });
    expect(after.differences).toEqual([]);
    expect(await pair.azure.query(sql`CHECKSUM TABLE p_patients, a_visits, c_files`)).toEqual(before);
    const again = await syncTables(pair.registry.get('azure'), pair.registry.get('gcp'), { tables: KEYED });
    expect(again.statements).toBe(0);
  });

  it('CLI --dry-run prints SQL; the source is never a destination', { timeout: 180_000 }, async () => {
    await run(pair.gcp, 'DELETE FROM p_patients WHERE id = 400');
    const dry = await carepoolBuilt(
      ['sync', '--from', 'azure', '--to', 'gcp', '--tables', 'p_patients', '--dry-run'],
      pair.env,
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('INSERT INTO `p_patients`');
    expect(dry.stdout).toContain('-- dry run: gcp would get 1 inserted, 0 replaced, 0 deleted row(s)');
    const { rows } = await pair.gcp.query(sql`SELECT id FROM p_patients WHERE id = 400`);
    expect(rows).toEqual([]);
  });
});

const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

describe('sync killed with -9 converges when run again', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-sync-kill-'));
    await run(
      pair.azure,
      'CREATE TABLE parent (id INT PRIMARY KEY, label VARCHAR(40) NOT NULL, amount DOUBLE NULL)',
      "INSERT INTO parent SELECT seq, CONCAT('parent ', seq), seq / 3 FROM seq_1_to_30000",
    );
    await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'm.json'),
    });
    await run(
      pair.gcp,
      'DELETE FROM parent WHERE id % 3 = 0',
      "UPDATE parent SET label = 'drift' WHERE id % 5 = 0",
    );
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('through the built CLI', { timeout: 180_000 }, async () => {
    expect(existsSync(BIN), 'npm run build first: this test spawns dist/cli/bin.js').toBe(true);
    const count = async () =>
      Number((await pair.gcp.query<{ n: number }>(sql`SELECT COUNT(*) AS n FROM parent`)).rows[0]?.n);
    const start = await count();
    const args = ['sync', '--from', 'azure', '--to', 'gcp', '--batch-rows', '20'];
    const signal = await new Promise<string | null>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { ...process.env, ...pair.env },
        cwd: dir,
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('error', reject);
      child.once('exit', (_code, sig) => {
        captureOutput(`carepool ${args.join(' ')}`, out);
        resolve(sig);
      });
      void (async () => {
        for (let i = 0; i < 1200; i++) {
          await new Promise((r) => setTimeout(r, 50));
          if ((await count()) >= start + 1000) {
            child.kill('SIGKILL');
            return;
          }
        }
      })();
    });
    expect(signal).toBe('SIGKILL');
    const midway = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'));
    expect(midway.differenceCount).toBeGreaterThan(0);
    const rerun = await syncTables(pair.registry.get('azure'), pair.registry.get('gcp'));
    expect(rerun.statements).toBeGreaterThan(0);
    const after = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'));
    expect(after.identical).toBe(true);
    expect(await count()).toBe(30_000);
  });
});
