import type { Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/index.js';

/** A stored patient. */
export type Patient = Selectable<Database['patients']>;

/** A stored medical record. */
export type MedicalRecord = Selectable<Database['medical_records']>;

/** A stored appointment. */
export type Appointment = Selectable<Database['appointments']>;

/** A patient with their medical records (newest admission first) and appointments (soonest first). */
export type PatientWithRecords = Patient & {
  readonly medical_records: readonly MedicalRecord[];
  readonly appointments: readonly Appointment[];
};

/** One page of a list, with the cursor of the next page (`null` on the last page). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next_cursor: string | null;
  readonly limit: number;
}

/** CAREPOOL_NOT_FOUND for a row of `what` on `target`. */
export function notFound(
  what: 'patient' | 'medical record' | 'appointment',
  id: number,
  target: string,
): AppError {
  return new AppError('CAREPOOL_NOT_FOUND', `${what} ${id} does not exist on target "${target}"`, {
    meta: { target, id },
  });
}
