import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import {
  acquireLock,
  diffSchemas,
  introspectSchema,
  loadChain,
  migrateTarget,
  offlinePlan,
  offlineSql,
  parseServer,
  resolveTarget,
  schemaOf,
  stampTarget,
  targetDatabase,
  targetStatus,
} from '../../src/migrate/index.js';
import { models } from '../../src/schema/index.js';
import {
  createScratchDatabases,
  projectChain,
  type ScratchDatabases,
  tempMigrationsDir,
} from '../harness/migrate.js';

let scratch: ScratchDatabases;
beforeAll(async () => {
  scratch = await createScratchDatabases();
});
afterAll(async () => {
  await scratch?.drop();
});

const live = async (name: 'azure' | 'gcp') => {
  const t = scratch.registry.get(name);
  const conn = await t.connectMigrator();
  try {
    return await introspectSchema(conn, targetDatabase(t));
  } finally {
    await conn.close();
  }
};

describe('apply on a live target', () => {
  it('--sql output equals exactly what up executes on that server', async () => {
    const chain = await projectChain();
    const azure = scratch.registry.get('azure');
    const result = await migrateTarget(azure, { to: 'head', chain });
    expect(result.ok).toBe(true);
    const server = parseServer(result.server?.replace(' ', ':') ?? '');
    expect(server?.flavor).toBe('mariadb');
    const offline = offlinePlan(chain, {
      to: 'head',
      direction: 'up',
      server: server ?? { flavor: 'mariadb', version: [10, 11, 0] },
    });
    const executed = result.steps.flatMap((s) => s.statements.map((st) => st.sql));
    expect(offline.flatMap((s) => s.statements.map((st) => st.sql))).toEqual(executed);
    const text = offlineSql(chain, {
      to: 'head',
      direction: 'up',
      server: server ?? { flavor: 'mariadb', version: [10, 11, 0] },
    });
    for (const statement of executed) expect(text).toContain(`${statement};`);
    expect(executed.length).toBeGreaterThan(2);
  });

  it('two concurrent up runs apply each revision once', async () => {
    const chain = await projectChain();
    const gcp = scratch.registry.get('gcp');
    const [a, b] = await Promise.all([
      migrateTarget(gcp, { to: 'head', chain }),
      migrateTarget(gcp, { to: 'head', chain }),
    ]);
    expect(a.ok && b.ok).toBe(true);
    const applied = [...a.steps, ...b.steps].map((s) => s.revision).sort();
    expect(applied).toEqual([...chain.order].sort());
    const status = await targetStatus(gcp, chain, models);
    expect(status.history.map((h) => h.revision)).toEqual([...chain.order]);
    expect(status.drift).toEqual([]);
    expect(status.history[0]?.appliedBy).toMatch(/@.* as carepool_migrator@/);
  });

  it('reports drift when someone changes a target by hand', async () => {
    const chain = await projectChain();
    const gcp = scratch.registry.get('gcp');
    const conn = await gcp.connectMigrator();
    try {
      await conn.query(sql`ALTER TABLE patients ADD COLUMN nickname VARCHAR(20) NULL`);
      const status = await targetStatus(gcp, chain, models);
      expect(status.drift?.map((o) => o.kind)).toEqual(['dropColumn']);
    } finally {
      await conn.query(sql`ALTER TABLE patients DROP COLUMN nickname`);
      await conn.close();
    }
  });

  it('a taken lock times out with the holder shown, and GET_LOCK’s result is checked', async () => {
    const chain = await projectChain();
    const gcp = scratch.registry.get('gcp');
    const holderConn = await gcp.connectMigrator();
    const lock = await acquireLock(holderConn, targetDatabase(gcp), 1);
    // The run opens its DDL connection while it waits for the lock: a refused run must close it too.
    const sessions = async () =>
      Number(
        (
          await holderConn.query<{ n: number | string }>(
            sql`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ${targetDatabase(gcp)}`,
          )
        ).rows[0]?.n,
      );
    const before = await sessions();
    try {
      const r = await migrateTarget(gcp, { to: 'head', chain, lockTimeoutSeconds: 1 });
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('CAREPOOL_MIGRATE_LOCKED');
      expect(r.error?.message).toContain(`connection ${holderConn.threadId}`);
      expect(r.error?.message).toContain('carepool_migrator');
      // COM_QUIT is answered before the server drops the session: allow it a moment.
      for (let i = 0; i < 50 && (await sessions()) > before; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await sessions()).toBe(before);
    } finally {
      await lock.release();
    }
  });

  it('refuses destructive plans without allowDestructive, and an edited applied migration is reported', async () => {
    const tmp = await tempMigrationsDir();
    try {
      const gcp = scratch.registry.get('gcp');
      let chain = await loadChain(tmp.dir);
      const refused = await migrateTarget(gcp, { to: '0001_initial', direction: 'down', chain });
      expect(refused.error?.code).toBe('CAREPOOL_MIGRATE_DESTRUCTIVE');
      expect(refused.error?.message).toContain('drops column patients.is_deceased');
      // Edit an applied migration (a different length) and look again.
      const file = join(tmp.dir, '0002_appointments.ts');
      const { readFile } = await import('node:fs/promises');
      await writeFile(file, (await readFile(file, 'utf8')).replace('op.t.varchar(200)', 'op.t.varchar(250)'));
      chain = await loadChain(tmp.dir);
      const status = await targetStatus(gcp, chain);
      expect(status.edited).toEqual(['0002_appointments']);
      const r = await migrateTarget(gcp, { to: 'head', chain });
      expect(r.error?.code).toBe('CAREPOOL_MIGRATE_CHECKSUM_MISMATCH');
    } finally {
      await tmp.remove();
    }
  });

  it('a statement failing half-way is journaled; revert restores the prior schema', async () => {
    const bad = `export default {
      id: '9003_bad', parents: ['__HEAD__'], message: 'fails on its third statement',
      up: (op) => [
        op.addColumn('patients', 'email', op.nullable(op.t.varchar(254))),
        op.createIndex('patients', ['email'], { name: 'uq_patients_email', unique: true }),
        op.sql('ALTER TABLE patients ADD COLUMN broken NOSUCHTYPE', { down: 'SELECT 1' }),
      ],
      down: (op) => [op.dropIndex('patients', 'uq_patients_email'), op.dropColumn('patients', 'email')],
    };`;
    const tmp = await tempMigrationsDir({
      '9003_bad.ts': bad.replace('__HEAD__', (await projectChain()).heads[0] ?? ''),
    });
    try {
      const azure = scratch.registry.get('azure');
      const chain = await loadChain(tmp.dir);
      const before = await live('azure');
      const r = await migrateTarget(azure, { to: 'head', chain });
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('CAREPOOL_MIGRATE_STATEMENT_FAILED');
      expect(r.steps.at(-1)?.statements).toHaveLength(2);
      const shown = await resolveTarget(azure, 'show', { chain });
      expect(shown.revision).toBe('9003_bad');
      expect(shown.entries.map((e) => e.status)).toEqual(['done', 'done', 'failed']);
      // One row per statement (the upsert that marks one done and journals the next adds no duplicates).
      expect(shown.entries.map((e) => e.seq)).toEqual([0, 1, 2]);
      expect(shown.entries.slice(0, 2).map((e) => e.statement)).toEqual(
        r.steps.at(-1)?.statements.map((st) => st.sql),
      );
      // Another run refuses until it is resolved.
      expect((await migrateTarget(azure, { to: 'head', chain })).error?.code).toBe(
        'CAREPOOL_MIGRATE_INCOMPLETE',
      );
      const reverted = await resolveTarget(azure, 'revert', { chain });
      expect(reverted.ok).toBe(true);
      expect(reverted.executed).toHaveLength(2);
      expect(diffSchemas(await live('azure'), before)).toEqual([]);
      const status = await targetStatus(azure, chain);
      expect(status.journal).toEqual([]);
      expect(status.applied).toEqual((await projectChain()).order);
    } finally {
      await tmp.remove();
    }
  });

  it('stamp adopts a database made outside the chain only when it matches', async () => {
    const chain = await projectChain();
    const azure = scratch.registry.get('azure');
    const conn = await azure.connectMigrator();
    try {
      // Forget the history, as a database made by the seeds' create_all would have none.
      await conn.query(sql`DROP TABLE carepool_migrations`);
    } finally {
      await conn.close();
    }
    const wrong = await stampTarget(azure, '0001_initial', { chain });
    expect(wrong.ok).toBe(false);
    expect(wrong.error?.code).toBe('CAREPOOL_MIGRATE_STAMP_MISMATCH');
    const right = await stampTarget(azure, 'head', { chain });
    expect(right.ok).toBe(true);
    expect(right.applied).toEqual([...chain.order]);
    expect(diffSchemas(schemaOf(chain, new Set(chain.order)), await live('azure'))).toEqual([]);
    expect((await migrateTarget(azure, { to: 'head', chain })).steps).toEqual([]);
  });
});
