import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { sqlClientOf } from '../db/kysely.js';
import type { AccessScope } from './access.js';
import { notFound } from './rows.js';
import { retryOnConflict } from '../galera/retry.js';

const NOUN = { medical_records: 'medical record', appointments: 'appointment' } as const;

/**
 * Deletes one row of a patient's child table (a medical record or an appointment) in one transaction. The row
 * is read and locked first, so the audit event names its patient and a missing row is CAREPOOL_NOT_FOUND.
 */
export async function deleteChild(
  db: Kysely<Database>,
  table: keyof typeof NOUN,
  target: string,
  id: number,
  scope: AccessScope,
): Promise<{ id: number }> {
  return retryOnConflict(target, () =>
    db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom(table)
        .select('patient_id')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw notFound(NOUN[table], id, target);
      await tx.deleteFrom(table).where('id', '=', id).execute();
      await scope.beforeCommit(sqlClientOf<Database>(tx), { id, patientId: row.patient_id });
      return { id };
    }),
  );
}
