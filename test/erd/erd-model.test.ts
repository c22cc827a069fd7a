import { describe, expect, it } from 'vitest';
import {
  buildErdModel,
  compareErdModels,
  erdFor,
  listDifferences,
  mermaidType,
  renderDot,
  renderMarkdown,
  renderMermaid,
} from '../../src/erd/index.js';
import { models, nullable, schema, t, table } from '../../src/schema/index.js';
import { checkMermaidErd } from './mermaid-check.js';

// The seeds' two tables as they were first specified: fixed here so the tests do not follow model changes.
const patients = table(
  'patients',
  {
    id: t.id(),
    first_name: t.varchar(50),
    last_name: t.varchar(50),
    date_of_birth: t.date(),
    gender: t.varchar(10),
    contact_number: nullable(t.varchar(15)),
  },
  { indexes: [{ columns: ['last_name', 'first_name'] }] },
);
const medicalRecords = table(
  'medical_records',
  {
    id: t.id(),
    patient_id: t.int(),
    diagnosis: t.varchar(100),
    treatment: nullable(t.varchar(200)),
    admission_date: t.date(),
    discharge_date: nullable(t.date()),
  },
  { foreignKeys: [{ columns: ['patient_id'], references: { table: 'patients', columns: ['id'] } }] },
);
const seeds = schema(patients, medicalRecords);

const audit = table(
  'audit_log',
  {
    id: t.id(),
    patient_id: nullable(t.int()),
    amount: t.decimal(10, 2),
    kind: t.enum('read', 'write'),
    counter: t.bigint(),
  },
  {
    indexes: [{ columns: ['counter'], unique: true }],
    foreignKeys: [
      { columns: ['patient_id'], references: { table: 'patients', columns: ['id'] }, onDelete: 'SET NULL' },
    ],
  },
);
const profile = table(
  'patient_profiles',
  { patient_id: t.int(), notes: t.text() },
  {
    primaryKey: ['patient_id'],
    foreignKeys: [{ columns: ['patient_id'], references: { table: 'patients', columns: ['id'] } }],
  },
);

describe("ERD model of the seeds' schema", () => {
  const model = buildErdModel(seeds, 'seeds');

  it('has both tables with PK/FK markers and the index', () => {
    expect(model.entities.map((e) => e.name)).toEqual(['medical_records', 'patients']);
    const records = model.entities.find((e) => e.name === 'medical_records');
    expect(records?.attributes.find((a) => a.name === 'id')?.keys).toEqual(['PK']);
    expect(records?.attributes.find((a) => a.name === 'patient_id')?.keys).toEqual(['FK']);
    expect(records?.attributes.find((a) => a.name === 'treatment')).toMatchObject({
      type: 'varchar(200)',
      nullable: true,
    });
    const patientsEntity = model.entities.find((e) => e.name === 'patients');
    expect(patientsEntity?.indexes).toEqual([
      { name: 'ix_patients_last_name_first_name', columns: ['last_name', 'first_name'], unique: false },
    ]);
  });

  it('derives patients 1 — 0..* medical_records from the NOT NULL, non-unique FK', () => {
    expect(model.relationships).toEqual([
      expect.objectContaining({
        child: 'medical_records',
        parent: 'patients',
        parentCardinality: 'exactly-one',
        childCardinality: 'zero-or-more',
        identifying: false,
      }),
    ]);
  });

  it("draws the FK edge with crow's-foot arrows in DOT", () => {
    const dot = renderDot(model);
    expect(dot).toMatch(
      /"patients":"id\.e":e -> "medical_records":"patient_id\.w":w \[dir=both, arrowtail=teetee, arrowhead=crowodot/,
    );
    expect(dot).toContain('style=dashed');
  });

  it('writes Mermaid that parses, with ||..o{ between the tables', () => {
    const parsed = checkMermaidErd(renderMermaid(model));
    expect(parsed.errors).toEqual([]);
    expect(parsed.relationships).toEqual([
      { left: 'patients', card: '||..o{', right: 'medical_records', label: '"patient_id references id"' },
    ]);
    expect(parsed.entities.get('medical_records')?.map((a) => a.name)).toEqual([
      'id',
      'patient_id',
      'diagnosis',
      'treatment',
      'admission_date',
      'discharge_date',
    ]);
  });

  it('documents every table in Markdown with a column table and the Mermaid diagram', () => {
    const md = renderMarkdown(model);
    expect(md).toContain('## patients');
    expect(md).toContain('| patient_id | int | NO | FK |');
    expect(md).toContain('patients 1 — 0..* medical_records');
    expect(checkMermaidErd(/```mermaid\n([\s\S]*?)```/.exec(md)?.[1] ?? '').errors).toEqual([]);
  });
});

describe('cardinality from constraints', () => {
  const model = buildErdModel(schema(patients, audit, profile));

  it('a nullable FK gives zero-or-one parent; a PK FK gives a one-to-one identifying relationship', () => {
    const byChild = Object.fromEntries(model.relationships.map((r) => [r.child, r]));
    expect(byChild.audit_log).toMatchObject({
      parentCardinality: 'zero-or-one',
      childCardinality: 'zero-or-more',
      identifying: false,
    });
    expect(byChild.patient_profiles).toMatchObject({
      parentCardinality: 'exactly-one',
      childCardinality: 'zero-or-one',
      identifying: true,
    });
    const text = renderMermaid(model);
    expect(text).toContain('patients |o..o{ audit_log');
    expect(text).toContain('patients ||--o| patient_profiles');
  });

  it('keeps Mermaid valid for types it cannot spell, and keeps the exact type in the comment', () => {
    expect(mermaidType('decimal(10,2)')).toBe('decimal(10-2)');
    expect(mermaidType("enum('read','write')")).toBe('enum');
    const parsed = checkMermaidErd(renderMermaid(model));
    expect(parsed.errors).toEqual([]);
    expect(parsed.entities.get('audit_log')?.find((a) => a.name === 'counter')?.keys).toEqual(['UK']);
    expect(renderMermaid(model)).toContain('"decimal(10,2), NOT NULL"');
  });
});

describe('comparing two schemas', () => {
  const wider = table('patients', {
    id: t.id(),
    first_name: t.varchar(80),
    last_name: t.varchar(50),
    date_of_birth: t.date(),
    gender: t.varchar(10),
    contact_number: nullable(t.varchar(15)),
  });
  const left = { name: 'azure', schema: seeds };
  const right = { name: 'gcp', schema: schema(medicalRecords, wider, audit) };

  it('lists every difference in plain words', () => {
    const model = erdFor([left, right]);
    expect(model.compared).toEqual({ left: 'azure', right: 'gcp' });
    expect(listDifferences(model)).toEqual([
      'table audit_log: only on gcp',
      'column patients.first_name: azure varchar(50) NOT NULL; gcp varchar(80) NOT NULL',
      'index patients.ix_patients_last_name_first_name: only on azure',
      'relationship audit_log.fk_audit_log_patient_id: only on gcp',
    ]);
  });

  it('highlights them in DOT and Mermaid, and two equal schemas have none', () => {
    const model = erdFor([left, right]);
    const dot = renderDot(model);
    expect(dot).toContain('only on gcp');
    expect(dot).toContain('azure: varchar(50) NOT NULL');
    expect(dot).toContain('"legend"');
    expect(checkMermaidErd(renderMermaid(model)).errors).toEqual([]);
    expect(listDifferences(compareErdModels(buildErdModel(models, 'a'), buildErdModel(models, 'b')))).toEqual(
      [],
    );
  });
});

describe('ERD of the current models', () => {
  it('has patients 1 — 0..* medical_records and valid Mermaid, whatever tables migrations added', () => {
    const model = buildErdModel(models, 'models');
    const names = model.entities.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['patients', 'medical_records']));
    expect(model.relationships.find((r) => r.child === 'medical_records')).toMatchObject({
      parent: 'patients',
      parentCardinality: 'exactly-one',
      childCardinality: 'zero-or-more',
    });
    const parsed = checkMermaidErd(renderMermaid(model));
    expect(parsed.errors).toEqual([]);
    expect([...parsed.entities.keys()].sort()).toEqual([...names].sort());
  });
});
