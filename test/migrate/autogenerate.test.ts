import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  autogenerate,
  diffSchemas,
  introspectSchema,
  loadChain,
  mergeHeads,
  migrateTarget,
  selectSteps,
  targetDatabase,
  writeRevision,
} from '../../src/migrate/index.js';
import { models, nullable, schema, t, table, withDefault, withDefaultSql } from '../../src/schema/index.js';
import { trigger, view } from '../../src/schema/objects.js';
import { createScratchDatabases, type ScratchDatabases, tempMigrationsDir } from '../harness/migrate.js';

let scratch: ScratchDatabases;
beforeAll(async () => {
  scratch = await createScratchDatabases();
});
afterAll(async () => {
  await scratch?.drop();
});

/** The models after a student's next change: new columns, a widened column, a new table with quirky types. */
const changed = (() => {
  const patients = models.tables.find((x) => x.name === 'patients');
  if (!patients) throw new Error('no patients model');
  const next = {
    ...patients,
    columns: [
      ...patients.columns.map((c) =>
        c.name === 'gender' ? { ...c, type: { kind: 'varchar', length: 20 } as const } : c,
      ),
      { name: 'email', type: { kind: 'varchar', length: 254 } as const, nullable: true },
    ],
    indexes: [...patients.indexes, { name: 'uq_patients_email', columns: ['email'], unique: true }],
  };
  const prescriptions = table(
    'prescriptions',
    {
      id: t.id(),
      record_id: t.int(),
      drug: t.varchar(120),
      dose_mg: withDefault(t.decimal(8, 2), 0),
      active: withDefault(t.boolean(), true),
      issued_at: withDefaultSql(t.datetime(3), 'CURRENT_TIMESTAMP(3)'),
      notes: nullable(t.text()),
    },
    {
      foreignKeys: [
        {
          columns: ['record_id'],
          references: { table: 'medical_records', columns: ['id'] },
          onDelete: 'CASCADE',
        },
      ],
    },
  );
  return schema(
    ...models.tables.filter((x) => x.name !== 'patients').map((x) => ({ table: x })),
    { table: next },
    prescriptions,
  );
})();

describe('revision --autogenerate', () => {
  it('writes a migration from the chain in memory whose up then down returns the live schema exactly', async () => {
    const tmp = await tempMigrationsDir();
    try {
      let chain = await loadChain(tmp.dir);
      const azure = scratch.registry.get('azure');
      expect((await migrateTarget(azure, { to: 'head', chain })).ok).toBe(true);
      const introspect = async () => {
        const conn = await azure.connectMigrator();
        try {
          return await introspectSchema(conn, targetDatabase(azure));
        } finally {
          await conn.close();
        }
      };
      const before = await introspect();
      const written = await autogenerate({
        chain,
        models: changed,
        message: 'patient email and prescriptions',
      });
      expect(written?.id).toMatch(/^\d{4}_patient_email_and_prescriptions$/);
      const source = await readFile(written?.file ?? '', 'utf8');
      expect(source).toContain("op.addColumn('patients', 'email'");
      expect(source).toContain("op.dropTable('prescriptions')");
      chain = await loadChain(tmp.dir);
      expect(chain.revisions.get(written?.id ?? '')?.warnings).toEqual([]);

      const up = await migrateTarget(azure, { to: 'head', chain });
      expect(up.ok).toBe(true);
      expect(diffSchemas(await introspect(), changed)).toEqual([]);
      const down = await migrateTarget(azure, { to: '-1', chain, allowDestructive: true });
      expect(down.ok).toBe(true);
      expect(diffSchemas(await introspect(), before)).toEqual([]);
      // Nothing left to generate once the chain has it.
      expect(await autogenerate({ chain, models: changed, message: 'again' })).toBeNull();
    } finally {
      await tmp.remove();
    }
  });

  it('creates the objects a models module declares; one a raw op.sql step already made is not created twice', async () => {
    const dir = await tempMigrationsDir();
    try {
      const chain = await loadChain(dir.dir);
      const withObjects = {
        ...models,
        objects: [
          view('v_patient_names', 'SELECT id, last_name FROM patients'),
          // 0003_security made this one with op.sql: the chain cannot compare it, so it is left alone.
          trigger('carepool_audit_no_update', {
            table: 'carepool_audit',
            timing: 'BEFORE',
            event: 'UPDATE',
            body: "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'carepool_audit is append-only'",
          }),
        ],
      };
      const written = await autogenerate({ chain, models: withObjects, message: 'a view' });
      expect(written).not.toBeNull();
      const up = (await loadChain(dir.dir)).revisions.get(written?.id ?? '')?.up ?? [];
      expect(up.map((op) => (op.kind === 'object' ? `${op.action} ${op.object.kind} ${op.object.name}` : op.kind))).toEqual(
        ['create view v_patient_names'],
      );
    } finally {
      await dir.remove();
    }
  });

  it('renames only when asked: otherwise drop + add', async () => {
    const tmp = await tempMigrationsDir();
    try {
      const chain = await loadChain(tmp.dir);
      const renamed = schema(
        ...models.tables.map((x) => ({
          table:
            x.name === 'patients'
              ? {
                  ...x,
                  columns: x.columns.map((c) => (c.name === 'contact_number' ? { ...c, name: 'phone' } : c)),
                }
              : x,
        })),
      );
      const guessed = diffSchemas(models, renamed);
      expect(guessed.map((o) => o.kind).sort()).toEqual(['addColumn', 'dropColumn']);
      const asked = diffSchemas(models, renamed, {
        columns: [{ table: 'patients', from: 'contact_number', to: 'phone' }],
      });
      expect(asked).toEqual([
        { kind: 'renameColumn', table: 'patients', from: 'contact_number', to: 'phone' },
      ]);
      const w = await autogenerate({
        chain,
        models: renamed,
        message: 'rename phone',
        renames: { columns: [{ table: 'patients', from: 'contact_number', to: 'phone' }] },
      });
      expect(await readFile(w?.file ?? '', 'utf8')).toContain(
        "op.renameColumn('patients', 'contact_number', 'phone')",
      );
    } finally {
      await tmp.remove();
    }
  });

  it('detects two heads, refuses "head", and merge joins them', async () => {
    const tmp = await tempMigrationsDir();
    try {
      let chain = await loadChain(tmp.dir);
      await writeRevision({ chain, message: 'branch a', up: [], down: [] });
      await writeRevision({ chain, message: 'branch b', up: [], down: [] });
      chain = await loadChain(tmp.dir);
      const n = chain.order.length;
      const pad = (i: number) => String(i).padStart(4, '0');
      const branches = [`${pad(n - 1)}_branch_a`, `${pad(n)}_branch_b`];
      expect(chain.heads).toEqual(branches);
      expect(() => selectSteps(chain, new Set(), 'head', 'up')).toThrow(/2 heads/);
      const merged = await mergeHeads(chain, 'merge branches');
      chain = await loadChain(tmp.dir);
      expect(chain.heads).toEqual([merged.id]);
      expect(chain.revisions.get(merged.id)?.parents).toEqual(branches);
    } finally {
      await tmp.remove();
    }
  });
});
