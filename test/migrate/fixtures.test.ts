import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSchemas, normalizeCatalog, type RawCatalog } from '../../src/migrate/index.js';
import { models, schema } from '../../src/schema/index.js';
import { auditEvents } from './fixtures/audit-events.js';

/** The recorded catalogs predate carepool's own security tables: compare them with the clinical models. */
const clinical = schema(
  ...models.tables.filter((x) => !x.name.startsWith('carepool_')).map((x) => ({ table: x })),
);

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as RawCatalog;

describe('recorded MySQL 8 information_schema fixtures', () => {
  it('MySQL 8.0.36 at head reads exactly as the models (no false diff)', () => {
    const live = normalizeCatalog(fixture('mysql-8.0.36-head.json'));
    expect(diffSchemas(live, clinical)).toEqual([]);
    expect(live.tables.map((x) => x.name)).toEqual(['appointments', 'medical_records', 'patients']);
  });

  it('MySQL 8.4 on Azure: GIPK my_row_id, CURRENT_TIMESTAMP(3) ON UPDATE, NO ACTION, FK index, decimal/unsigned/json defaults', () => {
    const live = normalizeCatalog(fixture('mysql-8.4.3-azure-gipk.json'));
    expect(
      diffSchemas(live, schema(...[clinical.tables, [auditEvents.table]].flat().map((x) => ({ table: x })))),
    ).toEqual([]);
    const audit = live.tables.find((x) => x.name === 'audit_events');
    expect(audit?.primaryKey).toEqual([]);
    expect(audit?.columns.map((c) => c.name)).not.toContain('my_row_id');
  });

  it('a real difference is still reported (the normaliser does not hide changes)', () => {
    const raw = fixture('mysql-8.0.36-head.json');
    const changed: RawCatalog = {
      ...raw,
      columns: raw.columns.map((c) =>
        c.column_name === 'gender' ? { ...c, column_type: 'varchar(20)' } : c,
      ),
    };
    const ops = diffSchemas(normalizeCatalog(changed), clinical);
    expect(ops.map((o) => o.kind)).toEqual(['alterColumn']);
  });
});
