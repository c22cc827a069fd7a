import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/db/sql.js';
import {
  diffSchemas,
  introspectSchema,
  loadChain,
  migrateTarget,
  readJournal,
  resolveTarget,
  schemaOf,
  targetDatabase,
} from '../../../src/migrate/index.js';
import { userUrl } from '../../../src/sandbox/index.js';
import {
  createScratchDatabases,
  projectChain,
  type ScratchDatabases,
  tempMigrationsDir,
} from '../../harness/migrate.js';
import { sandboxServers } from '../../harness/targets.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'bin.ts');
const LANDED = `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'big' AND COLUMN_NAME = 'extra'`;
const SLOW = "ALTER TABLE big ADD COLUMN extra VARCHAR(50) NOT NULL DEFAULT 'x', ALGORITHM=COPY";

/** A revision whose second statement is a slow ALTER (a table copy of a million rows), with or without a landed-check. */
const revision = (id: string, parent: string, landed: boolean) => `export default {
  id: '${id}', parents: ['${parent}'], message: 'slow ALTER between two statements',
  up: (op) => [
    op.createTable('visits', { id: op.t.id(), note: op.nullable(op.t.varchar(100)) }),
    op.sql(${JSON.stringify(SLOW)}, { down: 'ALTER TABLE big DROP COLUMN extra'${landed ? `, landed: ${JSON.stringify(LANDED)}` : ''} }),
    op.addColumn('visits', 'room', op.nullable(op.t.varchar(20))),
  ],
  down: (op) => [op.dropColumn('visits', 'room'), op.sql('ALTER TABLE big DROP COLUMN extra', { down: 'SELECT 1' }), op.dropTable('visits')],
};`;

let scratch: ScratchDatabases;
beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_kill');
  // A million rows (MariaDB's sequence engine): an ALTER … ALGORITHM=COPY of it runs for seconds.
  const conn = await scratch.registry.get('gcp').connectMigrator();
  try {
    await conn.query(
      sql.raw(
        'CREATE TABLE big (id INT PRIMARY KEY, v INT) SELECT seq AS id, seq AS v FROM seq_1_to_1000000',
      ),
    );
  } finally {
    await conn.close();
  }
});
afterAll(async () => {
  await scratch?.drop();
});

/**
 * Runs `carepool migrate up` (the real CLI, src/cli/bin.ts under tsx) against the scratch database and
 * SIGKILLs it once the journal shows the slow statement pending. Returns the journaled connection id.
 */
async function killDuringSlowStatement(dir: string): Promise<number> {
  const server = sandboxServers().gcp;
  const env = {
    ...process.env,
    CAREPOOL_TARGETS: 'gcp',
    CAREPOOL_TARGET_GCP_URL: userUrl(server, 'app').replace('/clinic?', `/${scratch.name}?`),
    CAREPOOL_TARGET_GCP_MIGRATE_URL: userUrl(server, 'migrator').replace('/clinic?', `/${scratch.name}?`),
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', BIN, 'migrate', 'up', '--target', 'gcp', '--dir', dir],
    {
      env,
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gcp = scratch.registry.get('gcp');
  const watcher = await gcp.connectMigrator();
  try {
    for (let i = 0; i < 1200; i++) {
      const pending = (await readJournal(watcher)).find((j) => j.seq === 1 && j.status === 'pending');
      // Kill only once the server is executing the ALTER (the journal row is written just before it).
      const busy = pending?.connectionId
        ? (
            await watcher.query<{ info: string | null }>(
              sql`SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE ID = ${pending.connectionId}`,
            )
          ).rows[0]?.info
        : null;
      if (pending?.connectionId && busy?.startsWith('ALTER TABLE big')) {
        child.kill('SIGKILL');
        await exited;
        return pending.connectionId;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new Error('the CLI never reached the slow statement');
  } finally {
    await watcher.close();
  }
}

const reset = async () => {
  const conn = await scratch.registry.get('gcp').connectMigrator();
  try {
    await conn.query(sql.raw('DROP TABLE IF EXISTS `visits`'));
    await conn.query(sql.raw('ALTER TABLE big DROP COLUMN IF EXISTS extra'));
    await conn.query(sql`DELETE FROM carepool_migration_journal`);
    await conn.query(sql`DELETE FROM carepool_migrations WHERE revision LIKE '9%'`);
  } finally {
    await conn.close();
  }
};

describe('kill -9 of the CLI during slow DDL: the server keeps running it', () => {
  it('resolve sees it still running (processlist), refuses, waits for it, then decides from the landed-check', async () => {
    const head = (await projectChain()).heads[0] ?? '';
    const tmp = await tempMigrationsDir({ '9101_slow.ts': revision('9101_slow', head, true) });
    try {
      const gcp = scratch.registry.get('gcp');
      expect((await migrateTarget(gcp, { to: head, chain: await projectChain() })).ok).toBe(true);
      const connectionId = await killDuringSlowStatement(tmp.dir);
      const chain = await loadChain(tmp.dir);
      // Right after the kill the ALTER still runs on the server: resolve refuses, and shows it.
      const refused = await resolveTarget(gcp, 'resume', { chain });
      expect(refused.error?.code).toBe('CAREPOOL_MIGRATE_STATEMENT_RUNNING');
      expect(refused.error?.message).toContain(`connection ${connectionId}`);
      const shown = await resolveTarget(gcp, 'show', { chain });
      if (shown.entries[1]?.running) expect(shown.entries[1].running.connectionId).toBe(connectionId);
      const resumed = await resolveTarget(gcp, 'resume', { chain, running: 'wait' });
      expect(resumed.error).toBeUndefined();
      // The statement landed while nobody watched: it is not run again, only the step after it.
      expect(resumed.entries[1]?.landed).toBe(true);
      expect(resumed.executed).toEqual([
        'ALTER TABLE `visits` ADD COLUMN `room` VARCHAR(20) NULL, ALGORITHM=INSTANT',
      ]);
      const conn = await gcp.connectMigrator();
      try {
        const ops = diffSchemas(
          await introspectSchema(conn, targetDatabase(gcp)),
          schemaOf(chain, new Set(chain.order)),
        );
        // Only the test's own big table (made outside the chain) differs; visits.room is there.
        expect(ops.map((o) => (o.kind === 'dropTable' ? o.table.name : o.kind))).toEqual(['big']);
        expect(await readJournal(conn)).toEqual([]);
      } finally {
        await conn.close();
      }
    } finally {
      await tmp.remove();
    }
  });

  it('--kill stops it; the landed-check says it did not land, so revert undoes only what landed', async () => {
    await reset();
    const head = (await projectChain()).heads[0] ?? '';
    const tmp = await tempMigrationsDir({ '9102_slow.ts': revision('9102_slow', head, true) });
    try {
      const gcp = scratch.registry.get('gcp');
      await killDuringSlowStatement(tmp.dir);
      const chain = await loadChain(tmp.dir);
      const reverted = await resolveTarget(gcp, 'revert', { chain, running: 'kill', waitSeconds: 60 });
      expect(reverted.error).toBeUndefined();
      expect(reverted.entries[1]?.landed).toBe(false);
      expect(reverted.executed).toEqual(['DROP TABLE `visits`']);
    } finally {
      await tmp.remove();
    }
  });

  it('a raw op.sql step without a landed-check is never re-run blindly', async () => {
    await reset();
    const head = (await projectChain()).heads[0] ?? '';
    const tmp = await tempMigrationsDir({ '9103_slow.ts': revision('9103_slow', head, false) });
    try {
      const gcp = scratch.registry.get('gcp');
      await killDuringSlowStatement(tmp.dir);
      const chain = await loadChain(tmp.dir);
      const resumed = await resolveTarget(gcp, 'resume', { chain, running: 'wait' });
      expect(resumed.error?.code).toBe('CAREPOOL_MIGRATE_SQL_NOT_RERUNNABLE');
      expect(resumed.executed).toEqual([]);
      expect((await resolveTarget(gcp, 'mark-applied', { chain, running: 'wait' })).ok).toBe(true);
    } finally {
      await tmp.remove();
    }
  });
});
