import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { createMovePair, dump, type MovePair, run } from './helpers.js';

/**
 * Spatial columns through copy, verify and sync: the driver hands their values over as the server's own
 * bytes (SRID + WKB), so they are written back unchanged (they used to be parsed into {x, y} objects,
 * which lost the SRID and failed with error 1416 on the way back).
 */
describe('spatial columns between the sandbox servers', () => {
  let pair: MovePair;
  let dir: string;
  beforeAll(async () => {
    pair = await createMovePair();
    dir = await mkdtemp(join(tmpdir(), 'carepool-spatial-'));
    await run(
      pair.azure,
      'CREATE TABLE places (id INT NOT NULL PRIMARY KEY, at POINT REF_SYSTEM_ID=4326 NOT NULL, area GEOMETRY NULL, name VARCHAR(20) NOT NULL)',
      "INSERT INTO places VALUES (1, ST_GeomFromText('POINT(1.5 2.25)', 4326), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), 'a'), (2, ST_GeomFromText('POINT(-3 4)', 4326), NULL, 'b')",
    );
  });
  afterAll(async () => {
    await pair?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('are copied byte for byte, verified equal, and a changed point is found and synced', async () => {
    const [azure, gcp] = [pair.registry.get('azure'), pair.registry.get('gcp')];
    await copyTables(azure, gcp, { manifestPath: join(dir, 'm.json') });
    expect(await dump(pair.gcp, 'places', 'id')).toBe(await dump(pair.azure, 'places', 'id'));
    const { rows } = await pair.gcp.query<{ t: string; s: number }>(
      sql`SELECT ST_AsText(at) AS t, ST_SRID(at) AS s FROM places WHERE id = 1`,
    );
    expect(rows[0]).toEqual({ t: 'POINT(1.5 2.25)', s: 4326 });
    expect((await verifyTables(azure, gcp, {})).differences).toEqual([]);
    await run(pair.gcp, "UPDATE places SET at = ST_GeomFromText('POINT(9 9)', 4326) WHERE id = 2");
    const found = await verifyTables(azure, gcp, {});
    expect(found.differences.map((d) => `${d.table}:${d.kind}:${JSON.stringify(d.key)}`)).toEqual([
      'places:changed:{"id":2}',
    ]);
    await syncTables(azure, gcp, {});
    expect((await verifyTables(azure, gcp, {})).differences).toEqual([]);
    expect(await dump(pair.gcp, 'places', 'id')).toBe(await dump(pair.azure, 'places', 'id'));
  });
});
