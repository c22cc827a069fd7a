/**
 * Adopting a database with a table carepool refuses to model (a partitioned one), through the built CLI:
 * `migrate baseline`, `stamp` and `check` take `--exclude` like `schema diff|dump` and autogenerate do.
 * Before, the refusal's hint named --exclude, but baseline, stamp and check had no such option, so such a
 * database could not be brought under migrations at all.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/db/sql.js';
import { adminConnection, sandboxServers } from '../../harness/targets.js';
import { type ScratchCli, scratchCli } from './scratch-cli.js';

let sc: ScratchCli;
const cli = (args: readonly string[]) => sc.cli(args);

beforeAll(async () => {
  sc = await scratchCli('clinic_ex');
  const admin = await adminConnection(sandboxServers().gcp);
  try {
    await admin.query(sql.raw(`USE \`${sc.scratch.name}\``));
    await admin.query(sql.raw('CREATE TABLE visits (id INT PRIMARY KEY, note VARCHAR(20) NULL)'));
    await admin.query(
      sql.raw(`CREATE TABLE events_2024 (id INT NOT NULL, at DATE NOT NULL, PRIMARY KEY (id, at))
        PARTITION BY RANGE (YEAR(at)) (PARTITION p0 VALUES LESS THAN (2020), PARTITION p1 VALUES LESS THAN MAXVALUE)`),
    );
  } finally {
    await admin.close();
  }
});
afterAll(async () => {
  await sc?.remove();
});

describe('adopting a database with a partitioned table', () => {
  it('baseline, check and stamp leave it out with --exclude; without, each names it', async () => {
    const dir = join(sc.wd.dir, 'migrations');
    await mkdir(dir);
    const refused = await cli(['migrate', 'baseline', '--from', 'gcp', '--dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('events_2024');
    expect(refused.stderr).toMatch(/--exclude NAME \([^)]*migrate baseline/);
    expect(await readdir(dir)).toEqual([]);

    const baseline = await cli([
      'migrate',
      'baseline',
      '--from',
      'gcp',
      '--dir',
      dir,
      '--exclude',
      'events_*',
    ]);
    expect(baseline.code, baseline.stdout + baseline.stderr).toBe(0);
    expect(baseline.stdout).toMatch(/and stamped gcp at 0001/);
    expect(baseline.stderr).toMatch(/NOT included: .*table events_2024: left out with --exclude/);
    const [file] = await readdir(dir);
    const text = await readFile(join(dir, file ?? ''), 'utf8');
    expect(text).toContain('visits');
    expect(text).not.toMatch(/createTable\('events_2024'/);

    const unchecked = await cli(['migrate', 'check', '--target', 'gcp', '--dir', dir]);
    expect(unchecked.code).toBe(1);
    expect(unchecked.stdout).toContain('events_2024');
    const check = await cli(['migrate', 'check', '--target', 'gcp', '--dir', dir, '--exclude', 'events_*']);
    expect(check.stdout).toMatch(/gcp: matches/);
    expect(check.code).toBe(0);

    const stampRefused = await cli(['migrate', 'stamp', '0001', '--target', 'gcp', '--dir', dir]);
    expect(stampRefused.code).toBe(1);
    expect(stampRefused.stdout).toContain('events_2024');
    const stamp = await cli([
      'migrate',
      'stamp',
      '0001',
      '--target',
      'gcp',
      '--dir',
      dir,
      '--exclude',
      'events_*',
    ]);
    expect(stamp.stdout).toMatch(/gcp: stamped 0001/);
    expect(stamp.code).toBe(0);
  });
});
