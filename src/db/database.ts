import type { Generated } from 'kysely';
import type { MedicalRecordRow, PatientRow } from '../schema/index.js';

type WithGeneratedId<Row extends { id: number }> = Omit<Row, 'id'> & { id: Generated<number> };

/** The Kysely database interface, derived from the models (auto-increment ids are generated). */
export interface Database {
  patients: WithGeneratedId<PatientRow>;
  medical_records: WithGeneratedId<MedicalRecordRow>;
}
