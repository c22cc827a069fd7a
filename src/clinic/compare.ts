import type { AppError } from '../errors/index.js';
import type { PatientWithRecords } from './rows.js';

/** The patient as one target holds it (or why it could not be read). */
export type TargetCopy =
  | { readonly target: string; readonly status: 'ok'; readonly patient: PatientWithRecords }
  | { readonly target: string; readonly status: 'missing' }
  | {
      readonly target: string;
      readonly status: 'error';
      readonly error: { readonly code: string; readonly message: string; readonly hint: string };
    };

/** One field whose value is not the same on every target that has the row. */
export interface Difference {
  /** `first_name`, `medical_records[12].diagnosis`, or `appointments[3]` for a row one target lacks. */
  readonly path: string;
  readonly field: string;
  /** `medical_records` or `appointments`, when the difference is inside a child row. */
  readonly collection?: ChildCollection;
  /** Id of that child row. */
  readonly recordId?: number;
  /** target → value; `undefined` targets do not hold the row (shown as absent). */
  readonly values: Readonly<Record<string, string | number | boolean | null>>;
}

/** The patient on every target, side by side, with field-level differences. */
export interface PatientComparison {
  readonly id: number;
  readonly targets: readonly TargetCopy[];
  readonly differences: readonly Difference[];
  /** True when every target answered, holds the patient, and all copies are equal. */
  readonly identical: boolean;
}

type Scalar = string | number | boolean | null;

/** The child collections compared row by row (matched by id). */
export const CHILDREN = ['medical_records', 'appointments'] as const;

/** One of {@link CHILDREN}. */
export type ChildCollection = (typeof CHILDREN)[number];

type ChildRow = { readonly id: number } & Readonly<Record<string, unknown>>;

/** Turns what each target answered into a {@link TargetCopy}. */
export function toCopy(target: string, outcome: PromiseSettledResult<PatientWithRecords>): TargetCopy {
  if (outcome.status === 'fulfilled') return { target, status: 'ok', patient: outcome.value };
  const e = outcome.reason as AppError;
  if (e?.code === 'CAREPOOL_NOT_FOUND') return { target, status: 'missing' };
  return {
    target,
    status: 'error',
    error: {
      code: e?.code ?? 'CAREPOOL_DB_QUERY_FAILED',
      message: String(e?.message ?? e),
      hint: e?.hint ?? '',
    },
  };
}

/**
 * Field-level differences between the copies (pure): patient fields, then records matched by id. A target
 * that answered "not found" counts as a difference on `patient`; a target that failed is left out.
 */
export function comparePatients(id: number, copies: readonly TargetCopy[]): PatientComparison {
  const differences: Difference[] = [];
  const answered = copies.filter((c) => c.status !== 'error');
  const present = copies.filter((c): c is Extract<TargetCopy, { status: 'ok' }> => c.status === 'ok');
  if (present.length > 0 && present.length < answered.length) {
    differences.push({
      path: 'patient',
      field: 'patient',
      values: Object.fromEntries(answered.map((c) => [c.target, c.status === 'ok' ? 'present' : 'missing'])),
    });
  }
  const patientFields = new Set(
    present.flatMap((c) =>
      Object.keys(c.patient).filter((k) => !(CHILDREN as readonly string[]).includes(k)),
    ),
  );
  for (const field of patientFields) {
    const values = Object.fromEntries(
      present.map((c) => [c.target, scalar(c.patient[field as keyof typeof c.patient])]),
    );
    if (!allEqual(Object.values(values))) differences.push({ path: field, field, values });
  }
  for (const collection of CHILDREN) {
    const ids = [...new Set(present.flatMap((c) => c.patient[collection].map((r) => r.id)))].sort(
      (a, b) => a - b,
    );
    for (const childId of ids) {
      const byTarget = present.map((c) => ({
        target: c.target,
        row: (c.patient[collection] as readonly ChildRow[]).find((r) => r.id === childId),
      }));
      if (byTarget.some((b) => b.row === undefined)) {
        differences.push({
          path: `${collection}[${childId}]`,
          field: 'row',
          collection,
          recordId: childId,
          values: Object.fromEntries(byTarget.map((b) => [b.target, b.row ? 'present' : 'missing'])),
        });
        continue;
      }
      for (const field of Object.keys(byTarget[0]?.row ?? {})) {
        const values = Object.fromEntries(byTarget.map((b) => [b.target, scalar(b.row?.[field])]));
        if (!allEqual(Object.values(values))) {
          differences.push({
            path: `${collection}[${childId}].${field}`,
            field,
            collection,
            recordId: childId,
            values,
          });
        }
      }
    }
  }
  const identical = differences.length === 0 && present.length === copies.length && copies.length > 0;
  return { id, targets: copies, differences, identical };
}

function scalar(value: unknown): Scalar {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

function allEqual(values: readonly Scalar[]): boolean {
  return values.every((v) => v === values[0]);
}
