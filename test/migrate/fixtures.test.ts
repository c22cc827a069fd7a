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

/** Rows in another order: readCatalog asks for no ORDER BY, so the normaliser must not depend on one. */
const reordered = (raw: RawCatalog, shift: number): RawCatalog => {
  const turn = <T>(rows: readonly T[]) => {
    const k = rows.length === 0 ? 0 : shift % rows.length;
    return [...rows.slice(k), ...rows.slice(0, k)].reverse();
  };
  return {
    ...raw,
    tables: turn(raw.tables),
    columns: turn(raw.columns),
    indexes: turn(raw.indexes),
    foreignKeys: turn(raw.foreignKeys),
    checks: turn(raw.checks),
  };
};

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

  it.each(['mysql-8.0.36-head', 'mysql-8.4.3-azure-gipk'])(
    '%s normalises to exactly the recorded schema, in any row order',
    (name) => {
      // *.schema.json were written by the normaliser before it grouped rows in one pass (issue 8): the
      // output must stay the same JSON text, key order included (parse keeps it; Prettier formats the file).
      const recorded = JSON.stringify(
        JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.schema.json`), 'utf8')),
      );
      for (const shift of [0, 1, 3, 7]) {
        expect(JSON.stringify(normalizeCatalog(reordered(fixture(`${name}.json`), shift)))).toBe(recorded);
      }
    },
  );

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
