import { describe, expect, it } from 'vitest';
import {
  APPOINTMENT_COLUMNS,
  comparePatients,
  decodeCursor,
  encodeCursor,
  type PatientWithRecords,
  RECORD_COLUMNS,
} from '../../src/clinic/index.js';
import { isAppError } from '../../src/errors/index.js';
import { appointments, medicalRecords } from '../../src/schema/index.js';

describe('cursors', () => {
  it('round-trip and refuse cursors of another sort or shape', () => {
    const c = { sort: 'name', key: ['García', 'Ana', 7] } as const;
    expect(decodeCursor(encodeCursor(c), 'name')).toEqual(c);
    const refuse = (text: string, sort: 'name' | 'id') => {
      try {
        decodeCursor(text, sort);
        return null;
      } catch (e) {
        return e;
      }
    };
    expect(isAppError(refuse(encodeCursor(c), 'id'), 'CAREPOOL_VALIDATION')).toBe(true);
    expect(isAppError(refuse('!!not-base64', 'name'), 'CAREPOOL_VALIDATION')).toBe(true);
    expect(
      isAppError(refuse(Buffer.from('["id","1"]').toString('base64url'), 'id'), 'CAREPOOL_VALIDATION'),
    ).toBe(true);
  });
});

describe('the query layer reads every model column', () => {
  it('RECORD_COLUMNS and APPOINTMENT_COLUMNS cover the models (a new column must be added there)', () => {
    expect([...RECORD_COLUMNS].sort()).toEqual(medicalRecords.table.columns.map((c) => c.name).sort());
    expect([...APPOINTMENT_COLUMNS].sort()).toEqual(appointments.table.columns.map((c) => c.name).sort());
  });
});

describe('comparePatients', () => {
  const base: PatientWithRecords = {
    id: 1,
    first_name: 'Ana',
    last_name: 'Ruiz',
    date_of_birth: '1980-01-01',
    gender: 'Female',
    contact_number: null,
    is_deceased: false,
    medical_records: [
      {
        id: 5,
        patient_id: 1,
        diagnosis: 'Flu',
        treatment: null,
        admission_date: '2024-01-01',
        discharge_date: null,
      },
    ],
    appointments: [],
  };

  it('is identical when every target holds the same copy', () => {
    const cmp = comparePatients(1, [
      { target: 'azure', status: 'ok', patient: base },
      { target: 'gcp', status: 'ok', patient: base },
    ]);
    expect(cmp).toMatchObject({ identical: true, differences: [] });
  });

  it('lists field differences, records one target lacks, and ignores targets that failed', () => {
    const other: PatientWithRecords = {
      ...base,
      first_name: 'Anna',
      medical_records: [
        { ...(base.medical_records[0] as PatientWithRecords['medical_records'][number]), treatment: 'Rest' },
      ],
      appointments: [
        { id: 9, patient_id: 1, scheduled_at: '2025-01-01 10:00:00', reason: 'Review', status: 'scheduled' },
      ],
    };
    const cmp = comparePatients(1, [
      { target: 'azure', status: 'ok', patient: base },
      { target: 'gcp', status: 'ok', patient: other },
      {
        target: 'aws',
        status: 'error',
        error: { code: 'CAREPOOL_DB_UNAVAILABLE', message: 'down', hint: '' },
      },
    ]);
    expect(cmp.identical).toBe(false);
    expect(cmp.differences.map((d) => d.path)).toEqual([
      'first_name',
      'medical_records[5].treatment',
      'appointments[9]',
    ]);
    expect(cmp.differences[0]?.values).toEqual({ azure: 'Ana', gcp: 'Anna' });
    expect(cmp.differences[2]?.values).toEqual({ azure: 'missing', gcp: 'present' });
  });

  it('reports a patient missing on one target', () => {
    const cmp = comparePatients(1, [
      { target: 'azure', status: 'ok', patient: base },
      { target: 'gcp', status: 'missing' },
    ]);
    expect(cmp.differences[0]).toMatchObject({
      path: 'patient',
      values: { azure: 'present', gcp: 'missing' },
    });
  });
});
