import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { sqlClientOf } from '../db/kysely.js';
import { medicalRecords } from '../schema/index.js';
import { type AccessScope, OPEN_SCOPE } from './access.js';
import { deleteChild } from './delete-child.js';
import { fieldsOf } from './fields.js';
import type { WriteOptions } from './idempotent.js';
import { insertRow } from './insert-row.js';
import { type MedicalRecord, notFound } from './rows.js';
import { type ParseOptions, requireValid, validationError } from './validate.js';
import { retryOnConflict } from '../galera/retry.js';

/** The writable medical-record fields (derived from the model). */
export const RECORD_FIELDS = fieldsOf(medicalRecords.table);

type RecordValues = Omit<MedicalRecord, 'id' | 'patient_id'>;

/** One medical record, or CAREPOOL_NOT_FOUND. */
export async function getRecord(db: Kysely<Database>, target: string, id: number): Promise<MedicalRecord> {
  const row = await db.selectFrom('medical_records').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('medical record', id, target);
  return row;
}

/**
 * Checks and inserts a record for `patientId` in one transaction. A missing patient is CAREPOOL_NOT_FOUND:
 * the foreign key refuses the row (errno 1452), so existence costs no extra query.
 */
export function createRecord(
  db: Kysely<Database>,
  target: string,
  patientId: number,
  input: Readonly<Record<string, unknown>>,
  options: WriteOptions = {},
  scope: AccessScope = OPEN_SCOPE,
): Promise<MedicalRecord> {
  const values = requireValid(RECORD_FIELDS, input, options) as unknown as RecordValues;
  checkDates(values);
  return insertRow(db, 'medical_records', target, { ...values, patient_id: patientId }, options, scope);
}

/**
 * Checks and applies changes to a record in one transaction; the row is locked (FOR UPDATE) while the
 * merged dates are checked, so a concurrent edit cannot slip a discharge before the admission.
 */
export async function updateRecord(
  db: Kysely<Database>,
  target: string,
  id: number,
  input: Readonly<Record<string, unknown>>,
  options: ParseOptions = { partial: true },
  scope: AccessScope = OPEN_SCOPE,
): Promise<MedicalRecord> {
  const values = requireValid(RECORD_FIELDS, input, options) as Partial<RecordValues>;
  return retryOnConflict(target, () =>
    db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('medical_records')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw notFound('medical record', id, target);
      const merged = { ...row, ...values };
      checkDates(merged);
      if (Object.keys(values).length > 0)
        await tx.updateTable('medical_records').set(values).where('id', '=', id).execute();
      await scope.beforeCommit(sqlClientOf<Database>(tx), { id, patientId: row.patient_id });
      return merged;
    }),
  );
}

/** Deletes one medical record; CAREPOOL_NOT_FOUND when absent. */
export function deleteRecord(
  db: Kysely<Database>,
  target: string,
  id: number,
  scope: AccessScope = OPEN_SCOPE,
): Promise<{ id: number }> {
  return deleteChild(db, 'medical_records', target, id, scope);
}

function checkDates(values: Pick<RecordValues, 'admission_date' | 'discharge_date'>): void {
  if (values.discharge_date !== null && values.discharge_date < values.admission_date) {
    throw validationError({
      discharge_date: `Discharge date (${values.discharge_date}) cannot be before the admission date (${values.admission_date})`,
    });
  }
}
