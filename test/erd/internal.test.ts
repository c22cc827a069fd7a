import { describe, expect, it } from 'vitest';
import { buildErdModel, internalCount, withoutInternal } from '../../src/erd/index.js';
import { models } from '../../src/schema/index.js';

describe("carepool's internal tables in the ERD", () => {
  const full = buildErdModel(models, 'models');

  it('come after the clinical tables, which lead the layout', () => {
    const names = full.entities.map((e) => e.name);
    const firstInternal = names.findIndex((n) => n.startsWith('carepool_'));
    expect(firstInternal).toBeGreaterThan(0);
    expect(names.slice(0, firstInternal)).toEqual(
      expect.arrayContaining(['patients', 'medical_records', 'appointments']),
    );
    expect(names.slice(firstInternal).every((n) => n.startsWith('carepool_'))).toBe(true);
  });

  it('are left out, with their relationships, unless asked for', () => {
    const clinical = withoutInternal(full);
    expect(internalCount(full)).toBeGreaterThan(0);
    expect(clinical.entities.some((e) => e.name.startsWith('carepool_'))).toBe(false);
    for (const r of clinical.relationships) {
      expect(r.child.startsWith('carepool_') || r.parent.startsWith('carepool_')).toBe(false);
    }
    expect(clinical.relationships.map((r) => r.child)).toContain('medical_records');
  });
});
