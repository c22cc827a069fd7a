import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { createMovePair, diffSummary, expectSameRows, type MovePair, run } from './helpers.js';

/**
 * A source server whose global sql_mode has NO_BACKSLASH_ESCAPES and PAD_CHAR_TO_FULL_LENGTH (a DBA's
 * choice carepool does not control). The driver escapes string parameters with backslashes, so under
 * NO_BACKSLASH_ESCAPES a key with a backslash means another key; CHAR values read padded on one side only.
 */
describe('the source server sql_mode', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-move-mode-'));
    await run(
      pair.azure,
      'CREATE TABLE m_keys (k VARCHAR(20) PRIMARY KEY, c CHAR(6) NULL, v INT NOT NULL)',
      "INSERT INTO m_keys SELECT CONCAT('k', seq, IF(seq % 3 = 0, '\\\\\\\\x', IF(seq % 3 = 1, '''q', ''))), 'ab', seq FROM seq_1_to_300",
      'CREATE TABLE m_ints (id INT PRIMARY KEY, k VARCHAR(20) NOT NULL, c CHAR(6) NULL)',
      "INSERT INTO m_ints SELECT seq, CONCAT('a\\\\\\\\', seq), 'x' FROM seq_1_to_300",
    );
    // This test run's own sandbox: new sessions on azure get the mode; restored below.
    await run(
      pair.azure,
      "SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES,PAD_CHAR_TO_FULL_LENGTH')",
    );
  });
  afterAll(async () => {
    await run(
      pair.azure,
      "SET GLOBAL sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION'",
    ).catch(() => undefined);
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copy, verify and sync see the same keys and values on both sides', { timeout: 120_000 }, async () => {
    const azure = pair.registry.get('azure');
    const gcp = pair.registry.get('gcp');
    await copyTables(azure, gcp, { manifestPath: join(dir, 'm.json'), chunkRows: 7, parallel: 2 });
    await expectSameRows(pair, ['m_keys', 'm_ints'], 'k');
    const options = { firstChunkRows: 100, leafRows: 16 };
    expect(diffSummary((await verifyTables(azure, gcp, options)).differences)).toEqual([]);
    await run(
      pair.gcp,
      "UPDATE m_keys SET v = 0 WHERE k IN ('k3\\\\\\\\x', 'k4''q')",
      "DELETE FROM m_keys WHERE k = 'k6\\\\\\\\x'",
    );
    expect(diffSummary((await verifyTables(azure, gcp, options)).differences)).toEqual([
      'm_keys {"k":"k3\\\\\\\\x"} changed v',
      'm_keys {"k":"k4\'q"} changed v',
      'm_keys {"k":"k6\\\\\\\\x"} missing',
    ]);
    await syncTables(azure, gcp, options);
    await expectSameRows(pair, ['m_keys', 'm_ints'], 'k');
    expect((await verifyTables(azure, gcp, options)).differenceCount).toBe(0);
  });
});
