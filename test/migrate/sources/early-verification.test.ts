/**
 * The verification workspace started beside the live read (src/migrate/sources/verify-change.ts:
 * startVerification, used by `schema diff --sql` through compareSources and by `migrate revision
 * --autogenerate`), on the test sandbox's MariaDB: it proves the change on the host a late start would
 * have chosen, falls back (or refuses) when the host it opened early is of another server than the live
 * target's, and leaves no connection and no `_carepool_ws_*` database behind on any path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type SqlQuery, sql } from '../../../src/db/sql.js';
import type { Target } from '../../../src/db/targets.js';
import { leaseVerification } from '../../../src/migrate/diff/verify.js';
import { diffSchemas, type ServerInfo } from '../../../src/migrate/index.js';
import {
  compareSources,
  loadSource,
  type SourceContext,
  startVerification,
  verifyChange,
} from '../../../src/migrate/sources/index.js';
import { sandboxHosts, type WorkspaceHost } from '../../../src/migrate/workspace/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';
import { expectNoNewWorkspaces, idNoteSchema, workspaces, writeModels } from './fixture.js';

let scratch: ScratchDatabases;
const to = idNoteSchema('early_t');
let dir: string;
let models: string;
/** Migrator connections the context's targets opened and closed (the early workspace's among them). */
const counts = { opened: 0, closed: 0 };

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_early');
  dir = await mkdtemp(join(tmpdir(), 'carepool-early-'));
  models = await writeModels(dir, to);
  const conn = await scratch.registry.get('gcp').connectMigrator();
  try {
    await conn.query(sql`CREATE TABLE early_t (id INT NOT NULL PRIMARY KEY)`);
  } finally {
    await conn.close();
  }
});
afterAll(async () => {
  await scratch?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The scratch targets, counting each migrator connection opened and closed. */
const counted = (t: Target): Target => ({
  ...t,
  connectMigrator: async (options) => {
    const conn = await t.connectMigrator(options);
    counts.opened++;
    return {
      ...conn,
      close: async () => {
        counts.closed++;
        await conn.close();
      },
    };
  },
});

const context = (): SourceContext => ({
  targets: async () => scratch.registry.list().map(counted),
  migrationsDir: join(dir, 'no-migrations'),
  home: inject('sandboxHome'),
  cwd: dir,
  modelsPath: models,
});

/** Every migrator connection the test opened is closed again. */
const expectAllClosed = () => expect(counts.closed).toBe(counts.opened);

beforeEach(() => {
  counts.opened = 0;
  counts.closed = 0;
});

describe('a verification workspace started beside the live read', () => {
  it('proves the change on the host a late start would choose and leaves nothing behind', async () => {
    const before = await workspaces();
    const cmp = await compareSources(context(), 'gcp', 'models', { verify: true });
    expect(cmp.ops).toHaveLength(1);
    if (!cmp.proof?.verified) throw new Error(`not verified: ${JSON.stringify(cmp.proof)}`);
    // The targets' migrator may not create databases here: the sandbox's admin made it, as without a start.
    expect(cmp.proof.plan.host).toMatch(/^sandbox /);
    expect(cmp.proof.plan.tables).toEqual(['early_t']);
    expectAllClosed();
    await expectNoNewWorkspaces(before);
  });

  it('is released when a source fails to load (no connection, no database left)', async () => {
    const before = await workspaces();
    await expect(compareSources(context(), 'gcp', 'no_such_source', { verify: true })).rejects.toMatchObject({
      code: 'CAREPOOL_SCHEMA_UNKNOWN_SOURCE',
    });
    expectAllClosed();
    await expectNoNewWorkspaces(before);
  });

  it('is dropped when the change does not converge', async () => {
    const before = await workspaces();
    const ctx = context();
    const live = await loadSource('gcp', ctx);
    const start = startVerification(ctx);
    try {
      // A plan for another change than the one asked (what a wrong renderer would produce): refused.
      const wrong = diffSchemas(live.schema, {
        tables: live.schema.tables.map((t) => ({ ...t, comment: 'not the change' })),
      });
      await expect(
        verifyChange(ctx, live.schema, to, live.server, {}, { start, ops: wrong }),
      ).rejects.toMatchObject({ code: 'CAREPOOL_MIGRATE_NOT_CONVERGED' });
    } finally {
      await start.release();
    }
    expectAllClosed();
    await expectNoNewWorkspaces(before);
  });

  it('refuses a host of another server: no workspace when none matches, said and not called verified', async () => {
    const before = await workspaces();
    const ctx = context();
    const live = await loadSource('gcp', ctx);
    const other: ServerInfo = { flavor: 'mariadb', version: [10, 6, 0] };
    const start = startVerification(ctx);
    try {
      const proof = await verifyChange(ctx, live.schema, to, other, {}, { start });
      expect(proof).toMatchObject({ verified: false, reason: /for mariadb 10\.6/ });
    } finally {
      await start.release();
    }
    expectAllClosed();
    await expectNoNewWorkspaces(before);
  });

  it('falls back past an early host whose server does not match, closing its connection', async () => {
    const [real] = await sandboxHosts(inject('sandboxHome'), inject('sandbox'));
    if (!real) throw new Error('no sandbox host');
    let closed = 0;
    // The same server, reporting itself as MariaDB 10.6 (only MariaDB 10.11 runs here): the early lease
    // opens it first, not knowing yet which server verification needs.
    const older: WorkspaceHost = {
      label: 'older server',
      connect: async () => {
        const conn = await real.connect();
        return {
          ...conn,
          query: async <Row>(q: SqlQuery) => {
            const res = await conn.query<Row>(q);
            if (!/VERSION\(\)/.test(q.text)) return res;
            const rows = res.rows.map((r) => {
              const row = r as Record<string, unknown>;
              return (row.v ? { ...row, v: '10.6.99-MariaDB' } : row) as Row;
            });
            return { ...res, rows };
          },
          close: async () => {
            closed++;
            await conn.close();
          },
        };
      },
    };
    const server = (await loadSource('gcp', context())).server;
    if (!server) throw new Error('no server read');
    const lease = leaseVerification([older, stripServer(real)]);
    try {
      const host = await lease.use(async (ws) => ws.host, { server });
      expect(host).toBe(real.label);
      expect(closed).toBe(1);
    } finally {
      await lease.release();
    }
  });
});

/** A host whose server must be read from it (sandbox hosts know theirs without connecting). */
function stripServer(h: WorkspaceHost): WorkspaceHost {
  return { label: h.label, connect: () => h.connect() };
}
