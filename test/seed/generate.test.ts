import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medicalRecords, patients } from '../../src/schema/index.js';
import { isoDate } from '../../src/seed/generate.js';
import { appointmentsOf, patientAt, recordsOf, type SeedPatient } from '../../src/seed/index.js';
import { patientLine, recordLine, tsvField } from '../../src/seed/tsv.js';

const maxLength = (table: typeof patients.table | typeof medicalRecords.table, column: string) => {
  const type = table.columns.find((c) => c.name === column)?.type;
  return type && 'length' in type ? type.length : Number.POSITIVE_INFINITY;
};

describe('sample data generation', () => {
  it('is a pure function of (seed, id): the same rows every time, different rows for another seed', () => {
    expect(patientAt(7, 42)).toEqual(patientAt(7, 42));
    expect(patientAt(7, 42)).not.toEqual(patientAt(8, 42));
    const p = patientAt(7, 42);
    expect(recordsOf(7, p, 100, 3)).toEqual(recordsOf(7, p, 100, 3));
  });

  it('always fits the models and is realistic: admission after birth, discharge never before admission', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (seed, id) => {
          const p = patientAt(seed, id);
          expect(p.first_name.length).toBeLessThanOrEqual(maxLength(patients.table, 'first_name'));
          expect(p.last_name.length).toBeLessThanOrEqual(maxLength(patients.table, 'last_name'));
          expect(p.gender.length).toBeLessThanOrEqual(maxLength(patients.table, 'gender'));
          expect((p.contact_number ?? '').length).toBeLessThanOrEqual(
            maxLength(patients.table, 'contact_number'),
          );
          expect(p.date_of_birth).toMatch(/^(19[3-9]\d|20[0-2]\d)-\d\d-\d\d$/);
          for (const r of recordsOf(seed, p, 1, 4)) {
            expect(r.diagnosis.length).toBeLessThanOrEqual(maxLength(medicalRecords.table, 'diagnosis'));
            expect((r.treatment ?? '').length).toBeLessThanOrEqual(
              maxLength(medicalRecords.table, 'treatment'),
            );
            expect(r.admission_date >= p.date_of_birth).toBe(true);
            if (r.discharge_date !== null) expect(r.discharge_date >= r.admission_date).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('formats dates exactly as toISOString does, for every day 1900-2100', () => {
    for (let ms = Date.UTC(1900, 0, 1); ms <= Date.UTC(2100, 11, 31); ms += 86_400_000) {
      if (isoDate(ms) !== new Date(ms).toISOString().slice(0, 10)) {
        expect(isoDate(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
      }
    }
  });

  it('writes LOAD DATA lines: tab-separated, \\N for NULL, special characters escaped', () => {
    expect(tsvField(null)).toBe('\\N');
    expect(tsvField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(
      patientLine({
        id: 7,
        first_name: 'Ada',
        last_name: 'Lovelace',
        date_of_birth: '1915-12-10',
        gender: 'Female',
        contact_number: null,
      }),
    ).toBe('7\tAda\tLovelace\t1915-12-10\tFemale\t\\N\n');
    const [r] = recordsOf(1, patientAt(1, 1), 5, 1);
    expect(recordLine(r as NonNullable<typeof r>).split('\t')).toHaveLength(6);
  });
});

describe('sample data a clinician would believe', () => {
  const MALE_ONLY = ['Liam', 'Noah', 'James', 'Muhammad', 'Diego'];
  const FEMALE_ONLY = ['Olivia', 'Emma', 'Fatima', 'Priya', 'Ingrid'];
  const patients = Array.from({ length: 3000 }, (_, i) => patientAt(11, i + 1));

  it('gives genders that fit the first names', () => {
    for (const p of patients) {
      if (p.gender === 'Female') expect(MALE_ONLY).not.toContain(p.first_name);
      if (p.gender === 'Male') expect(FEMALE_ONLY).not.toContain(p.first_name);
      if (p.gender === 'Other')
        expect(['Avery', 'Riley', 'Kai', 'Wei', 'Oluwaseun', 'Harper', 'Nova']).toContain(p.first_name);
    }
    expect(new Set(patients.map((p) => p.gender))).toEqual(new Set(['Female', 'Male', 'Other']));
  });

  it("has no open admission older than three weeks before the sample data's today (2026-10-31)", () => {
    const open = patients.flatMap((p) => recordsOf(11, p, 1, 4)).filter((r) => r.discharge_date === null);
    expect(open.length).toBeGreaterThan(0);
    for (const r of open) expect(r.admission_date >= '2026-10-10').toBe(true);
  });

  it('books appointments past and upcoming in every status, the same for the same seed', () => {
    const all = patients.flatMap((p) => appointmentsOf(11, p));
    expect(appointmentsOf(11, patients[5] as SeedPatient)).toEqual(
      appointmentsOf(11, patients[5] as SeedPatient),
    );
    expect(new Set(all.map((a) => a.status))).toEqual(
      new Set(['scheduled', 'completed', 'cancelled', 'no_show']),
    );
    const past = all.filter((a) => a.scheduled_at < '2026-10-31 23:59');
    const upcoming = all.filter((a) => a.scheduled_at > '2026-11-01');
    expect(past.length).toBeGreaterThan(100);
    expect(upcoming.length).toBeGreaterThan(100);
    // Nothing in the past is still "scheduled"; nothing upcoming is completed or missed.
    for (const a of past) expect(a.status).not.toBe('scheduled');
    for (const a of upcoming) expect(['scheduled', 'cancelled']).toContain(a.status);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    for (const a of all) expect(a.scheduled_at).toMatch(/^\d{4}-\d\d-\d\d (0[89]|1[0-7]):(00|30):00$/);
  });
});
