import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/index.js';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { createMovePair, type MovePair, run } from './helpers.js';

/**
 * Generated columns are computed by each server, so copy never writes them and verify never hashes them. A
 * destination that computed one otherwise (or lacked it) held other values in it while verify said both
 * sides held the same rows: the definitions are now part of the shape both sides must share.
 */
describe('generated columns are compared by definition', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-generated-'));
    await run(
      pair.azure,
      'CREATE TABLE g_same (id INT PRIMARY KEY, v INT NOT NULL, twice INT AS (v * 2) VIRTUAL)',
    );
    await run(
      pair.gcp,
      'CREATE TABLE g_same (id INT PRIMARY KEY, v INT NOT NULL, twice INT AS (v * 2) VIRTUAL)',
    );
    await run(
      pair.azure,
      'CREATE TABLE g_other (id INT PRIMARY KEY, v INT NOT NULL, twice INT AS (v * 2) STORED)',
    );
    await run(
      pair.gcp,
      'CREATE TABLE g_other (id INT PRIMARY KEY, v INT NOT NULL, twice INT AS (v * 3) STORED)',
    );
    await run(
      pair.azure,
      'CREATE TABLE g_gone (id INT PRIMARY KEY, v INT NOT NULL, twice INT AS (v * 2) VIRTUAL)',
    );
    await run(pair.gcp, 'CREATE TABLE g_gone (id INT PRIMARY KEY, v INT NOT NULL)');
    for (const conn of [pair.azure, pair.gcp])
      for (const t of ['g_same', 'g_other', 'g_gone'])
        await run(conn, `INSERT INTO ${t} (id, v) VALUES (1, 10), (2, 20)`);
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const azure = () => pair.registry.get('azure');
  const gcp = () => pair.registry.get('gcp');

  it('the same expression on both sides verifies identical', async () => {
    expect((await verifyTables(azure(), gcp(), { tables: ['g_same'] })).identical).toBe(true);
  });

  it('another expression, or a missing generated column, is a schema mismatch naming it', async () => {
    const other = await verifyTables(azure(), gcp(), { tables: ['g_other'] }).catch((e: unknown) => e);
    expect(isAppError(other, 'CAREPOOL_MOVE_SCHEMA_MISMATCH'), String(other)).toBe(true);
    expect((other as Error).message).toMatch(
      /generated column twice is computed as .*v.* \* 2.* on the source but .*v.* \* 3/,
    );
    const gone = await verifyTables(azure(), gcp(), { tables: ['g_gone'] }).catch((e: unknown) => e);
    expect(isAppError(gone, 'CAREPOOL_MOVE_SCHEMA_MISMATCH')).toBe(true);
    expect((gone as Error).message).toContain('generated columns twice are missing on the destination');
    const synced = await syncTables(azure(), gcp(), { tables: ['g_other'] }).catch((e: unknown) => e);
    expect(isAppError(synced, 'CAREPOOL_MOVE_SCHEMA_MISMATCH')).toBe(true);
    const copied = await copyTables(azure(), gcp(), {
      manifestPath: join(dir, 'm.json'),
      tables: ['g_other'],
      existing: 'truncate',
    }).catch((e: unknown) => e);
    expect(isAppError(copied, 'CAREPOOL_MOVE_SCHEMA_MISMATCH')).toBe(true);
  });
});
