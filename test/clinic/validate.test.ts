import { describe, expect, it } from 'vitest';
import {
  APPOINTMENT_FIELDS,
  isRealDate,
  PATIENT_FIELDS,
  parseInput,
  RECORD_FIELDS,
} from '../../src/clinic/index.js';

const today = '2025-06-15';

describe('fields derived from the models', () => {
  it('carry lengths, NULL-ability and defaults from the columns', () => {
    const byName = Object.fromEntries(PATIENT_FIELDS.map((f) => [f.name, f]));
    expect(byName.first_name).toMatchObject({
      kind: 'string',
      maxLength: 50,
      required: true,
      nullable: false,
    });
    expect(byName.contact_number).toMatchObject({ maxLength: 15, required: false, nullable: true });
    expect(byName.date_of_birth).toMatchObject({ kind: 'date', notFuture: true });
    expect(byName.is_deceased).toMatchObject({ kind: 'boolean', required: false });
    expect(byName.id).toBeUndefined();
    expect(RECORD_FIELDS.map((f) => f.name)).toEqual([
      'diagnosis',
      'treatment',
      'admission_date',
      'discharge_date',
    ]);
    expect(APPOINTMENT_FIELDS.find((f) => f.name === 'status')).toMatchObject({
      kind: 'enum',
      required: false,
    });
  });
});

describe('parseInput', () => {
  const valid = { first_name: ' Ana ', last_name: 'García', date_of_birth: '1984-02-29', gender: 'Female' };

  it('trims, accepts leap days and multi-byte names, and turns "" into NULL for nullable columns', () => {
    const r = parseInput(PATIENT_FIELDS, { ...valid, contact_number: '' }, { today });
    expect(r).toEqual({ ok: true, values: { ...valid, first_name: 'Ana', contact_number: null } });
  });

  it('reports every bad field with a message quoting the rule', () => {
    const r = parseInput(
      PATIENT_FIELDS,
      {
        first_name: 'é'.repeat(51),
        date_of_birth: '1985-02-29',
        gender: 42,
        contact_number: 'abc',
        is_deceased: 'maybe',
      },
      { today },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fields).toEqual({
      first_name: 'First name must be at most 50 characters (got 51)',
      last_name: 'Last name is required',
      date_of_birth: 'Date of birth must be a real date as YYYY-MM-DD',
      gender: 'Gender must be text',
      contact_number: 'Contact number may hold digits, spaces, + ( ) - . only',
      is_deceased: 'Is deceased must be true or false',
    });
  });

  it('refuses a birth date in the future and dates outside MySQL DATE range', () => {
    expect(parseInput(PATIENT_FIELDS, { ...valid, date_of_birth: '2025-06-16' }, { today }).ok).toBe(false);
    expect(parseInput(PATIENT_FIELDS, { ...valid, date_of_birth: '0999-12-31' }, { today }).ok).toBe(false);
    expect(parseInput(PATIENT_FIELDS, { ...valid, date_of_birth: today }, { today }).ok).toBe(true);
  });

  it('partial input checks only what is present; forms send an unchecked box as false', () => {
    expect(parseInput(PATIENT_FIELDS, { gender: 'Male' }, { partial: true })).toEqual({
      ok: true,
      values: { gender: 'Male' },
    });
    const form = parseInput(PATIENT_FIELDS, valid, { source: 'form', today });
    expect(form.ok && form.values.is_deceased).toBe(false);
    const checked = parseInput(PATIENT_FIELDS, { ...valid, is_deceased: 'true' }, { source: 'form', today });
    expect(checked.ok && checked.values.is_deceased).toBe(true);
  });

  it('normalises a datetime-local value to MySQL DATETIME and checks enums', () => {
    const r = parseInput(APPOINTMENT_FIELDS, {
      scheduled_at: '2025-07-01T09:05',
      reason: 'Review',
      status: 'completed',
    });
    expect(r).toEqual({
      ok: true,
      values: { scheduled_at: '2025-07-01 09:05:00', reason: 'Review', status: 'completed' },
    });
    const bad = parseInput(APPOINTMENT_FIELDS, {
      scheduled_at: '2025-07-01 24:00',
      reason: 'R',
      status: 'late',
    });
    expect(bad.ok ? [] : Object.keys(bad.fields)).toEqual(['scheduled_at', 'status']);
  });

  it('text fields take JSON strings only, never C0 controls or lone surrogates (issue 14 item 6)', () => {
    const bad = (input: Record<string, unknown>, options = {}) => {
      const r = parseInput(PATIENT_FIELDS, { ...valid, ...input }, { today, ...options });
      return r.ok ? {} : r.fields;
    };
    expect(bad({ first_name: true })).toEqual({ first_name: 'First name must be text' });
    expect(bad({ first_name: 12 })).toEqual({ first_name: 'First name must be text' });
    expect(bad({ first_name: 'A\u0000b' }).first_name).toMatch(/control characters/);
    expect(bad({ first_name: 'A\nb' }).first_name).toMatch(/line breaks/);
    expect(bad({ first_name: 'A\u001bb' }).first_name).toMatch(/control characters/);
    expect(bad({ last_name: 'A\ud800b' }).last_name).toMatch(/unpaired UTF-16 surrogate/);
    expect(bad({ last_name: 'A\udc00' }).last_name).toMatch(/unpaired UTF-16 surrogate/);
    expect(bad({ last_name: 'Emoji \ud83d\ude00 ok' })).toEqual({});
    expect(bad({ is_deceased: 'true' })).toEqual({ is_deceased: 'Is deceased must be true or false' });
    expect(bad({ is_deceased: 'true' }, { source: 'form' })).toEqual({});
    // Multi-line fields (a textarea in the forms) take line breaks and tabs, but not other controls.
    const rec = { diagnosis: 'Gout', admission_date: '2024-01-01' };
    expect(parseInput(RECORD_FIELDS, { ...rec, treatment: 'a\r\n\tb' }).ok).toBe(true);
    expect(parseInput(RECORD_FIELDS, { ...rec, treatment: 'a\u0007b' }).ok).toBe(false);
    expect(parseInput(RECORD_FIELDS, { ...rec, diagnosis: 'a\nb' }).ok).toBe(false);
  });

  it('a change naming no known field is refused, listing the fields it can take', () => {
    const r = parseInput(PATIENT_FIELDS, { nickname: 'x' }, { partial: true });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.fields['(body)']).toBe(
      `send at least one field to change: ${PATIENT_FIELDS.map((f) => f.name).join(', ')}`,
    );
  });

  it('isRealDate knows the calendar', () => {
    expect(['2024-02-29', '2000-02-29', '1999-12-31', '9999-12-31'].every(isRealDate)).toBe(true);
    expect(
      ['2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-1-01', '24-01-01', ''].some(isRealDate),
    ).toBe(false);
  });
});
