import { AppError } from '../errors/index.js';
import type { FieldSpec } from './fields.js';

/** A checked value ready for the query layer. */
export type FieldValue = string | number | boolean | null;

/** Options for {@link parseInput}. */
export interface ParseOptions {
  /** PATCH: absent fields stay as they are; present ones are checked. */
  readonly partial?: boolean;
  /** `form`: values arrive as strings from an HTML form (a missing checkbox means false). */
  readonly source?: 'json' | 'form';
  /** Today as `YYYY-MM-DD` (injected by tests); defaults to the UTC date now. */
  readonly today?: string;
}

/** The outcome of {@link parseInput}: checked values, or one message per bad field. */
export type ParseResult =
  | { readonly ok: true; readonly values: Readonly<Record<string, FieldValue>> }
  | { readonly ok: false; readonly fields: Readonly<Record<string, string>> };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Checks raw input against the model's fields: types, lengths, NULL-ability, real calendar dates within
 * MySQL's DATE range, and the overlay rules. Text fields take strings only (JSON `true` is not "true"), never
 * C0 control characters (line breaks and tabs only in multi-line fields) or unpaired surrogates; whole
 * numbers are decimal digits or JSON numbers. Unknown keys are ignored, but a change (`partial`) that names no
 * known field is refused, listing the fields it can take. Strings are trimmed; an empty string means NULL for
 * a nullable column (that is what an empty form input means).
 */
export function parseInput(
  fields: readonly FieldSpec[],
  input: Readonly<Record<string, unknown>>,
  options: ParseOptions = {},
): ParseResult {
  const values: Record<string, FieldValue> = {};
  const errors: Record<string, string> = {};
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (options.partial && !fields.some((f) => input[f.name] !== undefined)) {
    // A change that names no field this resource has would silently do nothing: say what it can take.
    return { ok: false, fields: { '(body)': noKnownField(fields) } };
  }
  for (const field of fields) {
    let raw = input[field.name];
    if (field.kind === 'boolean' && options.source === 'form' && !options.partial && raw === undefined)
      raw = false;
    if (raw === undefined) {
      if (!options.partial && field.required) errors[field.name] = `${field.label} is required`;
      continue;
    }
    const checked = checkField(field, raw, today, options.source);
    if ('error' in checked) errors[field.name] = checked.error;
    else values[field.name] = checked.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, fields: errors } : { ok: true, values };
}

/** The message for a change that names none of `fields`. */
export function noKnownField(fields: readonly FieldSpec[]): string {
  return `send at least one field to change: ${fields.map((f) => f.name).join(', ')}`;
}

/** C0 controls and DEL, except TAB, LF and CR (allowed in multi-line fields only). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** TAB, LF and CR: allowed in multi-line fields. */
const LINE_BREAK = /[\t\n\r]/;
/** A UTF-16 surrogate without its pair: not a character, and MySQL would store U+FFFD instead. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `text` cannot be stored as given (control characters, lone surrogates), or undefined when it can.
 * @param multiline the field takes line breaks and tabs (long free text).
 */
export function textProblem(text: string, multiline: boolean): string | undefined {
  if (CONTROL.test(text) || (!multiline && LINE_BREAK.test(text)))
    return multiline ? 'has control characters' : 'has control characters or line breaks';
  if (LONE_SURROGATE.test(text)) return 'has an unpaired UTF-16 surrogate (not a character)';
  return undefined;
}

/** {@link parseInput} that throws CAREPOOL_VALIDATION with the field messages. */
export function requireValid(
  fields: readonly FieldSpec[],
  input: Readonly<Record<string, unknown>>,
  options: ParseOptions = {},
): Readonly<Record<string, FieldValue>> {
  const result = parseInput(fields, input, options);
  if (!result.ok) throw validationError(result.fields);
  return result.values;
}

/** CAREPOOL_VALIDATION naming every bad field. */
export function validationError(fields: Readonly<Record<string, string>>): AppError {
  const names = Object.keys(fields);
  return new AppError(
    'CAREPOOL_VALIDATION',
    `invalid ${names.join(', ')}: ${Object.values(fields).join('; ')}`,
    {
      fields,
    },
  );
}

function checkField(
  field: FieldSpec,
  raw: unknown,
  today: string,
  source: ParseOptions['source'],
): { value: FieldValue } | { error: string } {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  if (text === null || text === '') {
    if (field.nullable) return { value: null };
    if (field.kind === 'boolean') return { value: false };
    return { error: `${field.label} is required` };
  }
  switch (field.kind) {
    case 'string': {
      if (typeof text !== 'string') return { error: `${field.label} must be text` };
      const problem = textProblem(text, field.multiline === true);
      if (problem !== undefined) return { error: `${field.label} ${problem}` };
      const length = [...text].length;
      if (field.maxLength !== undefined && length > field.maxLength) {
        return { error: `${field.label} must be at most ${field.maxLength} characters (got ${length})` };
      }
      if (field.pattern && !new RegExp(field.pattern.source).test(text)) {
        return { error: `${field.label} ${field.pattern.message}` };
      }
      return { value: text };
    }
    case 'enum':
      if (typeof text !== 'string' || !field.values?.includes(text)) {
        return { error: `${field.label} must be one of ${field.values?.join(', ')}` };
      }
      return { value: text };
    case 'date': {
      if (typeof text !== 'string' || !isRealDate(text)) {
        return { error: `${field.label} must be a real date as YYYY-MM-DD` };
      }
      if (field.notFuture && text > today) return { error: `${field.label} cannot be in the future` };
      return { value: text };
    }
    case 'datetime': {
      const m = typeof text === 'string' ? DATETIME.exec(text) : null;
      if (!m || !isRealDate(m[1] ?? '') || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) {
        return { error: `${field.label} must be a date and time as YYYY-MM-DD HH:MM` };
      }
      return { value: `${m[1]} ${m[2]}:${m[3]}:${m[4] ?? '00'}` };
    }
    case 'int': {
      // Forms send digits as text; JSON must send a number. No hex, exponents, signs or spaces.
      const n =
        typeof raw === 'number'
          ? raw
          : typeof text === 'string' && /^-?[0-9]{1,10}$/.test(text)
            ? Number(text)
            : Number.NaN;
      if (!Number.isSafeInteger(n) || n < -2_147_483_648 || n > 2_147_483_647) {
        return { error: `${field.label} must be a whole number` };
      }
      return { value: n };
    }
    case 'boolean':
      if (typeof text === 'boolean') return { value: text };
      if (source !== 'form') return { error: `${field.label} must be true or false` };
      if (text === 'true' || text === 'on' || text === '1') return { value: true };
      if (text === 'false' || text === 'off' || text === '0') return { value: false };
      return { error: `${field.label} must be true or false` };
  }
}

/** A calendar date that exists (no 30 February) within MySQL's DATE range 1000-01-01..9999-12-31. */
export function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1000 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}
