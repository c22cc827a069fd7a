import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, readManifest } from '../../src/move/index.js';
import { captureOutput } from '../harness/capture.js';
import { createMovePair, dump, type MovePair, run } from './helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

/** Spawns the built CLI; `onSpawn` may kill it. Resolves with exit code/signal and output. */
function carepool(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  onSpawn?: (pid: number) => void,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      captureOutput(`carepool ${args.join(' ')}`, stdout + stderr);
      resolve({ code, signal, stdout, stderr });
    });
    if (child.pid !== undefined) onSpawn?.(child.pid);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('copy survives kill -9 and --resume converges to an exact copy', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-resume-'));
    await run(
      pair.azure,
      'CREATE TABLE parent (id INT PRIMARY KEY, label VARCHAR(40) NOT NULL, amount DOUBLE NULL)',
      'CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, note VARCHAR(60) NULL, FOREIGN KEY (parent_id) REFERENCES parent (id))',
      "INSERT INTO parent SELECT seq, CONCAT('parent ', seq), seq / 3 FROM seq_1_to_30000",
      "INSERT INTO child SELECT seq, (seq % 30000) + 1, IF(seq % 9 = 0, NULL, CONCAT('n', seq)) FROM seq_1_to_30000",
    );
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'through the built CLI: kill -9 mid-copy, then --resume, then every row exactly once',
    { timeout: 180_000 },
    async () => {
      expect(existsSync(BIN), 'npm run build first: this test spawns dist/cli/bin.js').toBe(true);
      const manifest = join(dir, 'kill.json');
      const args = [
        'copy',
        '--from',
        'azure',
        '--to',
        'gcp',
        '--chunk-rows',
        '300',
        '--parallel',
        '2',
        '--insert',
        '--manifest',
        manifest,
        '--json',
      ];
      let killedAt = -1;
      const first = await carepool(args, pair.env, dir, (pid) => {
        void (async () => {
          for (let i = 0; i < 600; i++) {
            await sleep(50);
            const text = await readFile(manifest, 'utf8').catch(() => '');
            const done = (text.match(/"done": true/g) ?? []).length;
            if (done >= 20) {
              killedAt = done;
              process.kill(pid, 'SIGKILL');
              return;
            }
          }
        })();
      });
      expect(first.signal, first.stderr).toBe('SIGKILL');
      const killed = await readManifest(manifest);
      const done = killed.chunks.filter((c) => c.done).length;
      expect(done).toBeGreaterThanOrEqual(killedAt);
      expect(done).toBeLessThan(killed.chunks.length);
      const second = await carepool([...args, '--resume'], pair.env, dir);
      expect(second.code, second.stderr).toBe(0);
      const report = JSON.parse(second.stdout) as { copy: { resumed: boolean; rows: number } };
      expect(report.copy.resumed).toBe(true);
      expect(report.copy.rows).toBeLessThan(60_000);
      const after = await readManifest(manifest);
      expect(after.runs).toBe(2);
      expect(after.chunks.every((c) => c.done)).toBe(true);
      expect(await dump(pair.gcp, 'parent', 'id')).toBe(await dump(pair.azure, 'parent', 'id'));
      expect(await dump(pair.gcp, 'child', 'id')).toBe(await dump(pair.azure, 'child', 'id'));
    },
  );

  it('a chunk committed but not yet recorded is redone without doubling (its range is deleted first)', async () => {
    const manifestPath = join(dir, 'redo.json');
    const from = pair.registry.get('azure');
    const to = pair.registry.get('gcp');
    await copyTables(from, to, { manifestPath, chunkRows: 5000, existing: 'truncate', tables: ['parent'] });
    // As if killed after the COMMIT of chunks 1 and 3 but before the manifest write; chunk 2 half-written
    // is impossible (one transaction), so it is either all there or absent: make it absent.
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      chunks: { done: boolean }[];
      finishedAt: string | null;
    };
    for (const i of [1, 2, 3]) (m.chunks[i] as { done: boolean }).done = false;
    m.finishedAt = null;
    await writeFile(manifestPath, JSON.stringify(m));
    await run(
      pair.gcp,
      'SET foreign_key_checks = 0',
      'DELETE FROM parent WHERE id > 10000 AND id <= 15000',
      'SET foreign_key_checks = 1',
    );
    const result = await copyTables(from, to, { manifestPath, resume: true });
    expect(result.resumed).toBe(true);
    expect(result.rows).toBe(15_000);
    expect(await dump(pair.gcp, 'parent', 'id')).toBe(await dump(pair.azure, 'parent', 'id'));
  });
});
