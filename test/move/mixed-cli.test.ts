import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carepoolBuilt as carepool, createMovePair, expectSameRows, type MovePair, run } from './helpers.js';

/**
 * One mixed table per copy path (Node-encoded lines: it has a FLOAT; lines the server formats: it has not)
 * through the built CLI, with the two servers in different time zones: zero and invalid dates (stored under
 * a lax sql_mode), TIMESTAMPs, STORED and VIRTUAL generated columns, an INVISIBLE column, JSON as written,
 * NULL vs '' vs 'NULL' vs '\N'. copy, verify (exit 0), a planted change (exit 1, named), sync, verify (0).
 */
const COLUMNS = `id INT PRIMARY KEY, d DATE NULL, dt DATETIME NULL, ts TIMESTAMP NULL DEFAULT NULL,
  g INT AS (id * 2) STORED, vg VARCHAR(20) AS (CONCAT('v', id)) VIRTUAL, hidden INT NULL INVISIBLE,
  j JSON NULL, tx TEXT NULL`;
const ROWS = `(1, '0000-00-00', '0000-00-00 00:00:00', '2024-03-31 01:30:00', 1, '{"b": 1,  "a": [1, 2]}', NULL),
  (2, '2024-00-15', '2024-02-30 10:00:00', '1970-01-01 00:00:01', 2, '{}', ''),
  (3, '2024-02-30', '2024-11-03 01:30:00', NULL, NULL, NULL, 'NULL'),
  (4, NULL, NULL, '2038-01-19 03:14:07', 4, '[]', '\\\\N')`;

describe('copy, verify and sync of mixed tables through the built CLI', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-mixed-'));
    await run(pair.azure, "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'", "SET SESSION time_zone = '-03:00'");
    for (const [t, extra] of [
      ['x_node', ', f FLOAT NULL'],
      ['x_lines', ''],
    ] as const) {
      await run(pair.azure, `CREATE TABLE ${t} (${COLUMNS}${extra})`);
      await run(pair.azure, `INSERT INTO ${t} (id, d, dt, ts, hidden, j, tx) VALUES ${ROWS}`);
    }
    await run(pair.azure, 'SET SESSION sql_mode = DEFAULT', 'UPDATE x_node SET f = id / 3');
    // Each server in another time zone for every new session (this test run's own sandbox; restored below).
    await run(pair.azure, "SET GLOBAL time_zone = '-03:00'");
    await run(pair.gcp, "SET GLOBAL time_zone = '+05:30'");
  });
  afterAll(async () => {
    await run(pair.azure, 'SET GLOBAL time_zone = SYSTEM').catch(() => undefined);
    await run(pair.gcp, 'SET GLOBAL time_zone = SYSTEM').catch(() => undefined);
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const same = async () => {
    // TIMESTAMPs as UTC text on both sides (the admin sessions keep the zone they were opened with).
    for (const conn of [pair.azure, pair.gcp]) await run(conn, "SET SESSION time_zone = '+00:00'");
    await expectSameRows(pair, ['x_node', 'x_lines'], 'id');
  };

  it(
    'copy, verify identical, verify a planted change, sync, verify identical',
    { timeout: 180_000 },
    async () => {
      const copied = await carepool(
        ['copy', '--from', 'azure', '--to', 'gcp', '--manifest', join(dir, 'm.json'), '--json'],
        pair.env,
      );
      expect(copied.code, copied.stderr).toBe(0);
      await same();
      const identical = await carepool(['verify', 'azure', 'gcp'], pair.env);
      expect(identical.code, identical.stdout + identical.stderr).toBe(0);
      await run(
        pair.gcp,
        "UPDATE x_lines SET d = '2024-02-29', hidden = 7 WHERE id = 3",
        'UPDATE x_node SET ts = NULL, f = 0.5 WHERE id = 1',
      );
      const found = await carepool(['verify', 'azure', 'gcp'], pair.env);
      expect(found.code).toBe(1);
      expect(found.stdout).toContain('x_lines (id=3): differs in d, hidden');
      expect(found.stdout).toContain('x_node (id=1): differs in ts, f');
      const synced = await carepool(['sync', '--from', 'azure', '--to', 'gcp'], pair.env);
      expect(synced.code, synced.stdout + synced.stderr).toBe(0);
      await same();
      const after = await carepool(['verify', 'azure', 'gcp', '--json'], pair.env);
      expect(after.code, after.stdout).toBe(0);
      expect(JSON.parse(after.stdout)).toMatchObject({ verify: { identical: true, differenceCount: 0 } });
    },
  );

  it('a destination column that cannot hold the source values: exit 1, the code, the column and what to do', async () => {
    await run(pair.azure, 'CREATE TABLE x_narrow (id INT PRIMARY KEY, v VARCHAR(20) NULL)');
    await run(pair.gcp, 'CREATE TABLE x_narrow (id INT PRIMARY KEY, v VARCHAR(10) NULL)');
    const refused = await carepool(
      ['copy', '--from', 'azure', '--to', 'gcp', '--tables', 'x_narrow', '--manifest', join(dir, 'n.json')],
      pair.env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CAREPOOL_MOVE_SCHEMA_MISMATCH');
    expect(refused.stderr).toContain(
      'x_narrow: column v is varchar(20) on the source but varchar(10) on the destination',
    );
    expect(refused.stderr).toContain('Bring both targets to the same schema first');
  });
});
