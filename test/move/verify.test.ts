import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/index.js';
import { copyTables, verifyTables } from '../../src/move/index.js';
import {
  carepoolBuilt as carepool,
  createMovePair,
  diffSummary,
  EXPECTED,
  type MovePair,
  PLANTED,
  plantFixture,
  run,
} from './helpers.js';

const KEYED = ['p_patients', 'a_visits', 'c_files'];
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

  it('compares by column name: another column order or character set on the destination is no difference', async () => {
    await run(
      pair.azure,
      'CREATE TABLE o_order (id INT PRIMARY KEY, x VARCHAR(10) NULL, y INT NULL) CHARACTER SET utf8mb4',
    );
    await run(
      pair.gcp,
      'CREATE TABLE o_order (id INT PRIMARY KEY, y INT NULL, x VARCHAR(10) NULL) CHARACTER SET latin1',
    );
    for (const conn of [pair.azure, pair.gcp])
      await run(conn, "INSERT INTO o_order (id, x, y) VALUES (1, 'é', 1), (2, NULL, NULL)");
    const same = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: ['o_order'],
    });
    expect(same.identical).toBe(true);
    await run(pair.gcp, "UPDATE o_order SET x = 'e' WHERE id = 1");
    const differ = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: ['o_order'],
    });
    expect(diffSummary(differ.differences)).toEqual(['o_order {"id":1} changed x']);
  });

  it('names every planted difference by table and key, and nothing else', async () => {
    await run(pair.azure, 'UPDATE p_patients SET score = 0.3e0 WHERE id = 12');
    await run(pair.gcp, 'UPDATE p_patients SET score = 0.3e0 WHERE id = 12');
    await run(pair.gcp, 'SET foreign_key_checks = 0', ...PLANTED, 'SET foreign_key_checks = 1');
    for (const options of [
      {},
      { firstChunkRows: 37, leafRows: 4 },
      { firstChunkRows: 100_000 },
      // Bisection only (as for composite keys), one-row buckets, buckets wider than chunks.
      { bucketRows: 0 },
      { bucketRows: 1, firstChunkRows: 50 },
      { bucketRows: 5000, leafRows: 2 },
    ]) {
      const result = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
        tables: KEYED,
        ...options,
      });
      expect(diffSummary(result.differences), JSON.stringify(options)).toEqual(EXPECTED);
      expect(result.identical).toBe(false);
    }
    const bisected = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: ['p_patients'],
      firstChunkRows: 400,
      leafRows: 4,
    });
    expect(bisected.tables[0]?.bisections).toBeGreaterThan(0);
    // An integer key is cut into buckets in the first pass: the differing ones are read without bisecting.
    const bucketed = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: ['p_patients'],
    });
    expect(bucketed.tables[0]).toMatchObject({ bisections: 0, differences: 11 });
  });

  it('tells apart rows whose texts only differ in where a separator or NULL sits', async () => {
    await run(pair.azure, 'CREATE TABLE t_text (id INT PRIMARY KEY, x VARCHAR(10) NULL, y VARCHAR(10) NULL)');
    await run(pair.gcp, 'CREATE TABLE t_text (id INT PRIMARY KEY, x VARCHAR(10) NULL, y VARCHAR(10) NULL)');
    await run(
      pair.azure,
      "INSERT INTO t_text VALUES (1, 'a#', 'b'), (2, '', NULL), (3, 'a#1', 'b'), (4, '#', '')",
    );
    await run(
      pair.gcp,
      "INSERT INTO t_text VALUES (1, 'a', '#b'), (2, NULL, ''), (3, 'a', '1#b'), (4, '', '#')",
    );
    for (const options of [{}, { bucketRows: 0 }]) {
      const differ = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
        tables: ['t_text'],
        ...options,
      });
      expect(diffSummary(differ.differences)).toEqual(
        [1, 2, 3, 4].map((id) => `t_text {"id":${id}} changed x,y`),
      );
    }
  });

  it('buckets an UNSIGNED key with destination rows below the first source key, and hashes nullability by the union', async () => {
    // NOT NULL on the source, NULL allowed on the destination: the same values are no difference.
    await run(
      pair.azure,
      'CREATE TABLE u_unsigned (id INT UNSIGNED PRIMARY KEY, s VARCHAR(20) NOT NULL, n INT NULL)',
    );
    await run(
      pair.gcp,
      'CREATE TABLE u_unsigned (id INT UNSIGNED PRIMARY KEY, s VARCHAR(20) NULL, n INT NULL)',
    );
    for (const conn of [pair.azure, pair.gcp])
      await run(
        conn,
        "INSERT INTO u_unsigned SELECT seq, CONCAT('v', seq), IF(seq % 3 = 0, NULL, seq) FROM seq_10_to_2000",
      );
    const same = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      tables: ['u_unsigned'],
      firstChunkRows: 300,
    });
    expect(same.identical).toBe(true);
    await run(
      pair.gcp,
      "INSERT INTO u_unsigned VALUES (0, 'zero', NULL), (3, 'three', 3), (5000, 'far', NULL)",
      'UPDATE u_unsigned SET n = 0 WHERE id = 12',
      "UPDATE u_unsigned SET s = 'v1000 ' WHERE id = 1000",
      'DELETE FROM u_unsigned WHERE id IN (10, 2000)',
    );
    for (const options of [{}, { firstChunkRows: 100, bucketRows: 7 }, { bucketRows: 0 }]) {
      const differ = await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
        tables: ['u_unsigned'],
        ...options,
      });
      expect(diffSummary(differ.differences), JSON.stringify(options)).toEqual(
        [
          'u_unsigned {"id":0} extra',
          'u_unsigned {"id":3} extra',
          'u_unsigned {"id":5000} extra',
          'u_unsigned {"id":12} changed n',
          'u_unsigned {"id":1000} changed s',
          'u_unsigned {"id":10} missing',
          'u_unsigned {"id":2000} missing',
        ].sort(),
      );
    }
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

  it(
    'CLI: exit 1 and the rows named when they differ, 0 when the same, 2 on usage errors',
    { timeout: 180_000 },
    async () => {
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
      // copy and sync take --from/--to: verify takes them too.
      const named = await carepool(
        ['verify', '--from', 'azure', '--to', 'gcp', '--tables', 'c_files'],
        pair.env,
      );
      expect(named.code, named.stderr).toBe(0);
      const [self, unknown, twice, half] = await Promise.all([
        carepool(['verify', 'azure', 'azure'], pair.env),
        carepool(['verify', 'azure', 'aws'], pair.env),
        carepool(['verify', 'azure', 'gcp', '--from', 'gcp'], pair.env),
        carepool(['verify', 'azure'], pair.env),
      ]);
      expect(twice.code).toBe(2);
      expect(twice.stderr).toMatch(/CAREPOOL_USAGE: verify got two sources/);
      expect(half.code).toBe(2);
      expect(half.stderr).toMatch(/CAREPOOL_USAGE: verify needs a destination/);
      expect(self.code).toBe(2);
      expect(self.stderr).toContain('CAREPOOL_MOVE_SAME_TARGET');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('CAREPOOL_TARGET_UNKNOWN');
    },
  );
});
