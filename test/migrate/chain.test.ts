import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diffSchemas,
  introspectSchema,
  migrateFleet,
  readRevision,
  schemaOf,
  targetDatabase,
} from '../../src/migrate/index.js';
import { models } from '../../src/schema/index.js';
import { createScratchDatabases, projectChain, type ScratchDatabases } from '../harness/migrate.js';

describe('the shipped chain on both sandbox servers', () => {
  let scratch: ScratchDatabases;
  beforeAll(async () => {
    scratch = await createScratchDatabases();
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  const liveDiffs = async () =>
    Promise.all(
      scratch.registry.list().map(async (t) => {
        const conn = await t.connectMigrator();
        try {
          return diffSchemas(await introspectSchema(conn, targetDatabase(t)), models);
        } finally {
          await conn.close();
        }
      }),
    );

  it('goes up to head, down to base and up again, equal to the models each time', async () => {
    const chain = await projectChain();
    const targets = scratch.registry.list();
    const up1 = await migrateFleet(targets, { to: 'head', chain });
    expect(up1.map((r) => [r.target, r.ok, r.error?.message])).toEqual([
      ['azure', true, undefined],
      ['gcp', true, undefined],
    ]);
    expect(await liveDiffs()).toEqual([[], []]);
    expect(await readRevision(scratch.registry.get('azure'))).toBe(chain.heads[0]);

    const down = await migrateFleet(targets, {
      to: 'base',
      direction: 'down',
      chain,
      allowDestructive: true,
    });
    expect(down.every((r) => r.ok)).toBe(true);
    expect(down[0]?.after).toEqual([]);
    const empty = await liveDiffs();
    expect(empty.every((ops) => ops.every((op) => op.kind === 'createTable'))).toBe(true);
    expect(await readRevision(scratch.registry.get('gcp'))).toBeNull();

    const up2 = await migrateFleet(targets, { to: 'head', chain });
    expect(up2.every((r) => r.ok)).toBe(true);
    expect(await liveDiffs()).toEqual([[], []]);
    // The chain replayed in memory says the same as the live servers.
    expect(diffSchemas(schemaOf(chain, new Set(chain.order)), models)).toEqual([]);
  });
});
