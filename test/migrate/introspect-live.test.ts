import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import {
  diffSchemas,
  EMPTY_SCHEMA,
  introspectSchema,
  readCatalog,
  renderOps,
  targetDatabase,
} from '../../src/migrate/index.js';
import { schema } from '../../src/schema/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../harness/migrate.js';
import { auditEvents } from './fixtures/audit-events.js';

let scratch: ScratchDatabases;
beforeAll(async () => {
  scratch = await createScratchDatabases();
});
afterAll(async () => {
  await scratch?.drop();
});

describe('introspection on live MariaDB', () => {
  it('reads quoted defaults, current_timestamp(3) ON UPDATE, unsigned, decimal and JSON (LONGTEXT + CHECK) as the model says', async () => {
    const target = scratch.registry.get('azure');
    const conn = await target.connectMigrator();
    try {
      const wanted = schema(auditEvents);
      const { statements } = renderOps(
        [{ kind: 'createTable', table: auditEvents.table }],
        { flavor: 'mariadb', version: [10, 11, 0] },
        EMPTY_SCHEMA,
      );
      for (const st of statements) await conn.query(sql.raw(st.sql));
      const raw = await readCatalog(conn, targetDatabase(target));
      // MariaDB's own spelling, which the normaliser must absorb.
      const created = raw.columns.find((c) => c.column_name === 'created_at');
      expect(created?.column_default).toBe('current_timestamp(3)');
      expect(raw.columns.find((c) => c.column_name === 'event')?.column_default).toBe("'login'");
      expect(raw.columns.find((c) => c.column_name === 'payload')?.data_type).toBe('longtext');
      expect(diffSchemas(await introspectSchema(conn, targetDatabase(target)), wanted)).toEqual([]);
    } finally {
      await conn.close();
    }
  });

  it('reads foreign keys in two queries exactly as the server-side join of KEY_COLUMN_USAGE and REFERENTIAL_CONSTRAINTS does', async () => {
    // The scratch database sits beside `clinic` (same constraint names): the join must not cross schemas.
    const target = scratch.registry.get('gcp');
    const database = targetDatabase(target);
    const conn = await target.connectMigrator();
    try {
      for (const ddl of [
        'CREATE TABLE fk_parent (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b), KEY ix_ba (b, a))',
        'CREATE TABLE patients (id INT NOT NULL PRIMARY KEY)',
        `CREATE TABLE fk_child (id INT NOT NULL PRIMARY KEY, pa INT NULL, pb INT NULL, patient_id INT NOT NULL,
           CONSTRAINT fk_child_parent FOREIGN KEY (pb, pa) REFERENCES fk_parent (b, a) ON DELETE CASCADE ON UPDATE SET NULL,
           CONSTRAINT fk_medical_records_patient_id FOREIGN KEY (patient_id) REFERENCES patients (id))`,
      ])
        await conn.query(sql.raw(ddl));
      const joined = await conn.query(sql`
        SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name,
          k.ORDINAL_POSITION AS ordinal_position, k.REFERENCED_TABLE_NAME AS referenced_table_name,
          k.REFERENCED_COLUMN_NAME AS referenced_column_name, r.UPDATE_RULE AS update_rule, r.DELETE_RULE AS delete_rule
        FROM information_schema.KEY_COLUMN_USAGE k
        JOIN information_schema.REFERENTIAL_CONSTRAINTS r
          ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
        WHERE k.TABLE_SCHEMA = ${database} AND k.REFERENCED_TABLE_NAME IS NOT NULL`);
      const text = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
      const raw = await readCatalog(conn, database);
      expect(joined.rows).toHaveLength(3);
      expect(text(raw.foreignKeys)).toEqual(text(joined.rows));
      const child = (await introspectSchema(conn, database)).tables.find((t) => t.name === 'fk_child');
      expect(child?.foreignKeys).toEqual([
        {
          name: 'fk_child_parent',
          columns: ['pb', 'pa'],
          refTable: 'fk_parent',
          refColumns: ['b', 'a'],
          onDelete: 'CASCADE',
          onUpdate: 'SET NULL',
        },
        {
          name: 'fk_medical_records_patient_id',
          columns: ['patient_id'],
          refTable: 'patients',
          refColumns: ['id'],
          onDelete: 'RESTRICT',
          onUpdate: 'RESTRICT',
        },
      ]);
    } finally {
      await conn.query(sql`DROP TABLE IF EXISTS fk_child, fk_parent, patients`);
      await conn.close();
    }
  });
});
