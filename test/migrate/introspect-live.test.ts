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
});
