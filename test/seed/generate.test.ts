import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medicalRecords, patients } from '../../src/schema/index.js';
import { isoDate } from '../../src/seed/generate.js';
import { patientAt, recordsOf } from '../../src/seed/index.js';
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
