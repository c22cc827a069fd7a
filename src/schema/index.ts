export {
  type ColumnDef,
  nullable,
  type RowOf,
  schema,
  type TableModel,
  type TableOptions,
  t,
  table,
  withDefault,
  withDefaultSql,
} from './builders.js';
export {
  type AppointmentRow,
  type AppointmentStatus,
  appointments,
  type MedicalRecordRow,
  medicalRecords,
  models,
  type PatientRow,
  patients,
} from './models.js';
export {
  type AuditRow,
  apiTokens,
  auditEvents,
  idempotencyKeys,
  type TokenRow,
  type UserRow,
  users,
} from './security.js';
export type {
  Column,
  ColumnDefault,
  ColumnType,
  FkAction,
  ForeignKey,
  Index,
  Schema,
  Table,
} from './types.js';
