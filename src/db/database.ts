import type { Generated } from 'kysely';
import type { AppointmentRow, MedicalRecordRow, PatientRow } from '../schema/index.js';

/** Columns the server fills when an INSERT leaves them out (AUTO_INCREMENT ids, columns with defaults). */
type WithGenerated<Row, K extends keyof Row> = Omit<Row, K> & { [P in K]: Generated<Row[P]> };

/** The Kysely database interface, derived from the models (auto-increment ids and defaults are generated). */
export interface Database {
  /** `is_deceased` (migration 0002) defaults to false, so inserts may leave it out. */
  patients: WithGenerated<PatientRow, 'id' | 'is_deceased'>;
  medical_records: WithGenerated<MedicalRecordRow, 'id'>;
  /** Added by migration 0002; `status` defaults to 'scheduled'. */
  appointments: WithGenerated<AppointmentRow, 'id' | 'status'>;
}
