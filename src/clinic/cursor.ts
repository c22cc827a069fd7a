import { validationError } from './validate.js';

/** Orders the patient list can be sorted by. `-` means descending. */
export const PATIENT_SORTS = ['name', '-name', 'id', '-id'] as const;

/** One of {@link PATIENT_SORTS}. */
export type PatientSort = (typeof PATIENT_SORTS)[number];

/** The keyset position after the last row of a page. */
export interface Cursor {
  readonly sort: PatientSort;
  /** `[last_name, first_name, id]` for name sorts, `[id]` for id sorts. */
  readonly key: readonly (string | number)[];
}

/** An opaque, URL-safe cursor string. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, ...cursor.key])).toString('base64url');
}

/**
 * Reads a cursor this API issued for `sort`; anything else is a CAREPOOL_VALIDATION error on `cursor`
 * (a cursor from another sort order would skip or repeat rows).
 */
export function decodeCursor(text: string, sort: PatientSort): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const bad = () => validationError({ cursor: 'is not a cursor from this list; start again without it' });
  if (!Array.isArray(parsed) || parsed[0] !== sort) throw bad();
  const key = parsed.slice(1) as unknown[];
  const byName = sort === 'name' || sort === '-name';
  const ok = byName
    ? key.length === 3 &&
      typeof key[0] === 'string' &&
      typeof key[1] === 'string' &&
      Number.isSafeInteger(key[2])
    : key.length === 1 && Number.isSafeInteger(key[0]);
  if (!ok) throw bad();
  return { sort, key: key as (string | number)[] };
}
