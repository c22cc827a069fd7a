import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { sqlClientOf } from '../db/kysely.js';
import { appointments } from '../schema/index.js';
import { type AccessScope, OPEN_SCOPE } from './access.js';
import { deleteChild } from './delete-child.js';
import { fieldsOf } from './fields.js';
import type { WriteOptions } from './idempotent.js';
import { insertRow } from './insert-row.js';
import { type Appointment, notFound } from './rows.js';
import { type ParseOptions, requireValid } from './validate.js';
import { retryOnConflict } from '../galera/retry.js';

/** The writable appointment fields (derived from the model, migration 0002). */
export const APPOINTMENT_FIELDS = fieldsOf(appointments.table);

type AppointmentValues = Omit<Appointment, 'id' | 'patient_id'>;

/** One appointment, or CAREPOOL_NOT_FOUND. */
export async function getAppointment(db: Kysely<Database>, target: string, id: number): Promise<Appointment> {
  const row = await db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('appointment', id, target);
  return row;
}

/** Checks and books an appointment for `patientId` in one transaction; a missing patient is CAREPOOL_NOT_FOUND. */
export function createAppointment(
  db: Kysely<Database>,
  target: string,
  patientId: number,
  input: Readonly<Record<string, unknown>>,
  options: WriteOptions = {},
  scope: AccessScope = OPEN_SCOPE,
): Promise<Appointment> {
  const values = requireValid(APPOINTMENT_FIELDS, input, options);
  return insertRow(db, 'appointments', target, { ...values, patient_id: patientId }, options, scope);
}

/** Checks and applies changes to an appointment in one transaction; returns the stored row. */
export async function updateAppointment(
  db: Kysely<Database>,
  target: string,
  id: number,
  input: Readonly<Record<string, unknown>>,
  options: ParseOptions = { partial: true },
  scope: AccessScope = OPEN_SCOPE,
): Promise<Appointment> {
  const values = requireValid(APPOINTMENT_FIELDS, input, options) as Partial<AppointmentValues>;
  return retryOnConflict(target, () =>
    db.transaction().execute(async (tx) => {
      if (Object.keys(values).length > 0)
        await tx.updateTable('appointments').set(values).where('id', '=', id).execute();
      const row = await tx.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('appointment', id, target);
      await scope.beforeCommit(sqlClientOf<Database>(tx), { id, patientId: row.patient_id });
      return row;
    }),
  );
}

/** Cancels (deletes) one appointment; CAREPOOL_NOT_FOUND when absent. */
export function deleteAppointment(
  db: Kysely<Database>,
  target: string,
  id: number,
  scope: AccessScope = OPEN_SCOPE,
): Promise<{ id: number }> {
  return deleteChild(db, 'appointments', target, id, scope);
}
