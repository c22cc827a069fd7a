import type { SeedPatient, SeedRecord } from './generate.js';

/**
 * LOAD DATA's default text format (FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'):
 * NULL is `\N`, and a backslash, tab, newline or carriage return inside a value is backslash-escaped.
 * https://mariadb.com/kb/en/load-data-infile/
 */
export function tsvField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  // The vocabulary has none of these, so the common case skips the replace.
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) =>
        c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\',
      )
    : value;
}

/** Column order of {@link patientLine}. */
export const PATIENT_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'date_of_birth',
  'gender',
  'contact_number',
] as const;

/** Column order of {@link recordLine}. */
export const RECORD_COLUMNS = [
  'id',
  'patient_id',
  'diagnosis',
  'treatment',
  'admission_date',
  'discharge_date',
] as const;

/** One patient as a LOAD DATA line (with its newline), columns in {@link PATIENT_COLUMNS} order. */
export function patientLine(p: SeedPatient): string {
  return `${p.id}\t${tsvField(p.first_name)}\t${tsvField(p.last_name)}\t${p.date_of_birth}\t${tsvField(p.gender)}\t${tsvField(p.contact_number)}\n`;
}

/** One medical record as a LOAD DATA line (with its newline), columns in {@link RECORD_COLUMNS} order. */
export function recordLine(r: SeedRecord): string {
  return `${r.id}\t${r.patient_id}\t${tsvField(r.diagnosis)}\t${tsvField(r.treatment)}\t${r.admission_date}\t${tsvField(r.discharge_date)}\n`;
}
