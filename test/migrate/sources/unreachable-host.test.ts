/**
 * A configured target that is down (listed first, as in CAREPOOL_TARGETS=down,gcp) is one workspace host
 * among others: `schema diff gcp models --sql` and a .sql source still verify / load on the next host that
 * allows a workspace (here the test sandbox's admin), noting the one skipped, and leave no workspace behind.
 * The down target is a real TCP connection refused (a closed port on 127.0.0.1), not a mock.
 */
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/config/index.js';
import { connectSingle } from '../../../src/db/connect.js';
import { sql } from '../../../src/db/sql.js';
import type { Target } from '../../../src/db/targets.js';
import { compareSources, type SourceContext } from '../../../src/migrate/sources/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';
import { expectNoNewWorkspaces, idNoteSchema, workspaces, writeModels } from './fixture.js';

let scratch: ScratchDatabases;
let dir: string;
let closedPort: number;

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_down');
  dir = await mkdtemp(join(tmpdir(), 'carepool-down-'));
  await writeModels(dir, idNoteSchema('down_t'));
  await writeFile(join(dir, 'schema.sql'), 'CREATE TABLE down_t (id INT NOT NULL PRIMARY KEY);\n');
  const conn = await scratch.registry.get('gcp').connectMigrator();
  try {
    await conn.query(sql`CREATE TABLE down_t (id INT NOT NULL PRIMARY KEY)`);
  } finally {
    await conn.close();
  }
  // A port nothing listens on: taken from the OS, then released.
  closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
});
afterAll(async () => {
  await scratch?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A target named `down` whose server refuses the TCP connection. */
const downTarget = (): Target => ({
  ...scratch.registry.get('gcp'),
  name: 'down',
  connectMigrator: (options) =>
    connectSingle(
      'down',
      parseConnectionUrl('test', `mysql://u:p@127.0.0.1:${closedPort}/clinic`),
      { connectTimeoutMs: 2000, keepAliveMs: 0 },
      options ?? {},
    ),
});

describe('a workspace host that cannot be reached', () => {
  it('is skipped (noted): the change is verified and a .sql source loads on the next host', async () => {
    const before = await workspaces();
    const notes: string[] = [];
    const ctx: SourceContext = {
      targets: async () => [downTarget(), scratch.registry.get('gcp')],
      migrationsDir: join(dir, 'no-migrations'),
      home: inject('sandboxHome'),
      cwd: dir,
      modelsPath: join(dir, 'models.mjs'),
      onNote: (m) => notes.push(m),
    };
    const cmp = await compareSources(ctx, 'gcp', 'models', { verify: true });
    expect(cmp.ops).toHaveLength(1);
    if (!cmp.proof?.verified) throw new Error(`not verified: ${JSON.stringify(cmp.proof)}`);
    expect(cmp.proof.plan.host).toMatch(/^sandbox /);
    expect(notes.join('\n')).toMatch(
      /target down: could not connect for a workspace .*trying the next server/,
    );

    const fromSql = await compareSources(ctx, 'gcp', join(dir, 'schema.sql'));
    expect(fromSql.ops).toEqual([]);
    await expectNoNewWorkspaces(before);
  });

  it('is the error when no other host is left', async () => {
    const ctx: SourceContext = {
      targets: async () => [downTarget()],
      migrationsDir: join(dir, 'no-migrations'),
      home: join(dir, 'no-sandbox-here'),
      cwd: dir,
    };
    await expect(compareSources(ctx, join(dir, 'schema.sql'), 'models')).rejects.toMatchObject({
      code: 'CAREPOOL_DB_CONNECT_REFUSED',
    });
  });
});
