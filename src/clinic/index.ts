/** The patient-records service both the web app and the CLI call. */
export {
  type AccessAction,
  type AccessContext,
  type AccessEntity,
  type AccessEvent,
  type AccessGuard,
  type AccessIds,
  type AccessScope,
  type Actor,
  allowAll,
  LOCAL_ACTOR,
  OPEN_SCOPE,
  type Role,
} from './access.js';
export { APPOINTMENT_FIELDS } from './appointments.js';
export { Clinic, type ClinicOptions } from './clinic.js';
export { comparePatients, type Difference, type PatientComparison, type TargetCopy } from './compare.js';
export { type Cursor, decodeCursor, encodeCursor, PATIENT_SORTS, type PatientSort } from './cursor.js';
export { type FieldSpec, fieldsOf, humanize } from './fields.js';
export { type IdempotencyRequest, idempotent, type WriteOptions } from './idempotent.js';
export { fieldSchema, inputSchema, type JsonSchema, rowSchema } from './json-schema.js';
export { APPOINTMENT_COLUMNS, getPatient, RECORD_COLUMNS } from './patient-detail.js';
export { type DeletedPatient, type ListPatientsOptions, PATIENT_FIELDS } from './patients.js';
export { RECORD_FIELDS } from './records.js';
export type { Appointment, MedicalRecord, Page, Patient, PatientWithRecords } from './rows.js';
export {
  type FieldValue,
  isRealDate,
  type ParseOptions,
  type ParseResult,
  parseInput,
  validationError,
} from './validate.js';
