import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/index.js';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { createMovePair, expectSameRows, type MovePair, run } from './helpers.js';

/**
 * Values of several MB, up to what the sandbox's max_allowed_packet (16 MiB) lets the source hold: a 9 MB
 * BLOB (18 MB as a hex literal) and many rows of 600 KB (one 500-row statement would be 300 MB). Copy's
 * INSERTs and sync's must each fit in one packet.
 */
describe('copy and sync of values near max_allowed_packet', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-large-'));
    await run(
      pair.azure,
      'CREATE TABLE l_blob (id INT PRIMARY KEY, b LONGBLOB NULL, t LONGTEXT NULL)',
      "INSERT INTO l_blob SELECT seq, RANDOM_BYTES(1) , REPEAT('é\\\\\\t', 100000) FROM seq_1_to_40",
      "UPDATE l_blob SET b = REPEAT(CONCAT(X'00FF5C0A27', RANDOM_BYTES(16)), 28500) WHERE id <= 20",
      "UPDATE l_blob SET b = REPEAT(X'00FF5C0A27', 1800000), t = NULL WHERE id = 40",
    );
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copy (INSERTs) carries them whole', { timeout: 120_000 }, async () => {
    const copied = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'm.json'),
    });
    expect(copied.tables[0]?.method).toBe('insert');
    await expectSameRows(pair, ['l_blob'], 'id');
  });

  it('sync rewrites 40 large rows', { timeout: 120_000 }, async () => {
    await run(pair.gcp, "UPDATE l_blob SET b = X'00', t = 'x'");
    const synced = await syncTables(pair.registry.get('azure'), pair.registry.get('gcp'));
    expect(synced.replaced).toBe(40);
    await expectSameRows(pair, ['l_blob'], 'id');
    expect((await verifyTables(pair.registry.get('azure'), pair.registry.get('gcp'))).differenceCount).toBe(
      0,
    );
  });

  it(
    'a destination whose max_allowed_packet cannot hold a value is named, not written as NULL',
    { timeout: 120_000 },
    async () => {
      // The test run's own sandbox: new sessions on gcp get the smaller limit; restored below.
      await run(pair.gcp, 'SET GLOBAL max_allowed_packet = 4194304');
      try {
        const error = await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
          manifestPath: join(dir, 'small.json'),
          existing: 'truncate',
        }).catch((e: unknown) => e);
        expect(isAppError(error, 'CAREPOOL_MOVE_ROWS_LOST'), String(error)).toBe(true);
        expect((error as Error).message).toContain(
          "key [40]: column b holds NULL of the value's 9000000 bytes",
        );
      } finally {
        await run(pair.gcp, 'SET GLOBAL max_allowed_packet = 16777216');
      }
    },
  );

  it("a LONGTEXT longer than the reader's max_allowed_packet arrives whole (CONCAT of one argument)", async () => {
    await run(
      pair.azure,
      'CREATE TABLE l_json (id INT PRIMARY KEY, j LONGTEXT NULL, f FLOAT NULL)',
      "INSERT INTO l_json VALUES (1, REPEAT('j', 2000000), 1), (2, NULL, 2)",
      'SET GLOBAL max_allowed_packet = 1048576',
    );
    try {
      await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
        manifestPath: join(dir, 'json.json'),
        tables: ['l_json'],
      });
    } finally {
      await run(pair.azure, 'SET GLOBAL max_allowed_packet = 16777216');
    }
    await expectSameRows(pair, ['l_json'], 'id');
  });

  it('a row of twelve 720 KB values (together over the packet, each under a quarter of it)', async () => {
    await run(
      pair.azure,
      'CREATE TABLE l_wide (id INT PRIMARY KEY, b0 LONGBLOB NULL, b1 LONGBLOB NULL, b2 LONGBLOB NULL, b3 LONGBLOB NULL, b4 LONGBLOB NULL, b5 LONGBLOB NULL, b6 LONGBLOB NULL, b7 LONGBLOB NULL, b8 LONGBLOB NULL, b9 LONGBLOB NULL, b10 LONGBLOB NULL, b11 LONGBLOB NULL)',
      'INSERT INTO l_wide (id) VALUES (1), (2)',
      "UPDATE l_wide SET b0 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b1 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b2 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b3 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b4 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b5 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b6 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b7 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b8 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b9 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b10 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000), b11 = REPEAT(CONCAT(X'00', RANDOM_BYTES(15)), 45000)",
    );
    await copyTables(pair.registry.get('azure'), pair.registry.get('gcp'), {
      manifestPath: join(dir, 'wide.json'),
      tables: ['l_wide'],
    });
    await expectSameRows(pair, ['l_wide'], 'id');
    await run(pair.gcp, 'UPDATE l_wide SET b0 = NULL');
    await syncTables(pair.registry.get('azure'), pair.registry.get('gcp'), { tables: ['l_wide'] });
    await expectSameRows(pair, ['l_wide'], 'id');
  });
});
