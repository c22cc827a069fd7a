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

describe('the DOT layout', () => {
  it('labels a parent column once when several foreign keys leave it, and leaves slack after long types', async () => {
    const { renderDot } = await import('../../src/erd/index.js');
    const dot = renderDot(withoutInternal(buildErdModel(models, 'models')));
    const fromPatients = dot.split('\n').filter((l) => l.includes('"patients":"id.e":e ->'));
    expect(fromPatients.length).toBeGreaterThanOrEqual(2);
    expect(fromPatients.filter((l) => l.includes('taillabel=')).length).toBe(1);
    expect(dot).toMatch(/enum\('scheduled'[^<]*\)(&#160;){4,}<\/TD>/);
  });
});

describe('compact layout', () => {
  it('packs tables that are not linked in a grid instead of one tall column', async () => {
    const { renderDot, dotToSvg } = await import('../../src/erd/index.js');
    const svg = await dotToSvg(renderDot(buildErdModel(models, 'models')));
    const [, , width, height] = (/viewBox="([^"]+)"/.exec(svg)?.[1] ?? '').split(' ').map(Number);
    // 8 tables, 4 of them unconnected: stacked in one column this was 1200 x 1960 pt.
    expect(height).toBeLessThan((width ?? 0) * 1.2);
  });
});
