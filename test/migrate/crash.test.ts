import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import {
  acquireLock,
  diffSchemas,
  introspectSchema,
  loadChain,
  migrateTarget,
  readJournal,
  resolveTarget,
  schemaOf,
  targetDatabase,
} from '../../src/migrate/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import {
  createScratchDatabases,
  projectChain,
  type ScratchDatabases,
  tempMigrationsDir,
} from '../harness/migrate.js';
import { sandboxServers } from '../harness/targets.js';

const slow = `export default {
  id: '9003_slow', parents: ['__HEAD__'], message: 'slow data step between two DDL statements',
  up: (op) => [
    op.createTable('visits', { id: op.t.id(), note: op.nullable(op.t.varchar(100)) }),
    // The landed-check finds no row, so resume runs the step again (without one, resume would refuse).
    op.sql('SELECT SLEEP(3)', { down: 'SELECT 1', landed: 'SELECT 1 FROM DUAL WHERE FALSE' }),
    op.addColumn('visits', 'room', op.nullable(op.t.varchar(20))),
  ],
  down: (op) => [op.dropTable('visits')],
};`;

let scratch: ScratchDatabases;
beforeAll(async () => {
  scratch = await createScratchDatabases();
});
afterAll(async () => {
  await scratch?.drop();
});

describe('a process killed mid-migration', () => {
  it('leaves the lock free and resolve --resume converges', async () => {
    const projectHead = (await projectChain()).heads[0] ?? '';
    const tmp = await tempMigrationsDir({ '9003_slow.ts': slow.replace('__HEAD__', projectHead) });
    try {
      const gcp = scratch.registry.get('gcp');
      const base = await migrateTarget(gcp, { to: projectHead, chain: await projectChain() });
      expect(base.ok).toBe(true);
      const server = sandboxServers().gcp;
      const env = {
        ...process.env,
        CAREPOOL_TARGETS: 'gcp',
        CAREPOOL_TARGET_GCP_URL: userUrl(server, 'app').replace('/clinic?', `/${scratch.name}?`),
        CAREPOOL_TARGET_GCP_MIGRATE_URL: userUrl(server, 'migrator').replace('/clinic?', `/${scratch.name}?`),
      };
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'child-migrate.mts'), tmp.dir],
        {
          env,
          stdio: 'ignore',
        },
      );
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Wait until the child is inside the slow statement, then kill it without warning.
      const watcher = await gcp.connectMigrator();
      try {
        for (let i = 0; i < 1200; i++) {
          const journal = await readJournal(watcher);
          if (journal.some((j) => j.seq === 1 && j.status === 'pending')) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        child.kill('SIGKILL');
        await exited;
        // The lock lived on the child's own connection: it frees as soon as the server reaps that session
        // (MariaDB notices the dead client only when the running statement ends).
        const lock = await acquireLock(watcher, targetDatabase(gcp), 15);
        await lock.release();
      } finally {
        await watcher.close().catch(() => undefined);
      }

      const chain = await loadChain(tmp.dir);
      const shown = await resolveTarget(gcp, 'show', { chain });
      expect(shown.revision).toBe('9003_slow');
      expect(shown.entries.map((e) => e.status)).toEqual(['done', 'pending']);
      // The killed client's SLEEP may still be running on the server: wait for it (resolve refuses otherwise).
      const resumed = await resolveTarget(gcp, 'resume', { chain, running: 'wait' });
      expect(resumed.ok).toBe(true);
      expect(resumed.executed).toEqual([
        'SELECT SLEEP(3)',
        'ALTER TABLE `visits` ADD COLUMN `room` VARCHAR(20) NULL, ALGORITHM=INSTANT',
      ]);
      const conn = await gcp.connectMigrator();
      try {
        const liveSchema = await introspectSchema(conn, targetDatabase(gcp));
        expect(diffSchemas(liveSchema, schemaOf(chain, new Set(chain.order)))).toEqual([]);
        const { rows } = await conn.query<{ revision: string }>(
          sql`SELECT revision FROM carepool_migrations ORDER BY revision`,
        );
        expect(rows.map((r) => r.revision)).toEqual([...(await projectChain()).order, '9003_slow']);
      } finally {
        await conn.close();
      }
    } finally {
      await tmp.remove();
    }
  });
});
