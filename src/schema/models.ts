import { nullable, type RowOf, schema, t, table, withDefault } from './builders.js';
import { fleetInstances } from './fleet.js';
import { apiTokens, auditEvents, idempotencyKeys, loginThrottle, users } from './security.js';

/**
 * The seeds' patient-records schema: the source of truth. Changes to these models reach databases only
 * through migrations (`carepool migrate revision --autogenerate`).
 */
export const patients = table(
  'patients',
  {
    id: t.id(),
    first_name: t.varchar(50),
    last_name: t.varchar(50),
    date_of_birth: t.date(),
    gender: t.varchar(10),
    contact_number: nullable(t.varchar(15)),
    /** Added by migration 0002 (the change a student made in the seeds). */
    is_deceased: withDefault(t.boolean(), false),
  },
  { indexes: [{ columns: ['last_name', 'first_name'] }] },
);

/** Medical records: many per patient. */
export const medicalRecords = table(
  'medical_records',
  {
    id: t.id(),
    patient_id: t.int(),
    diagnosis: t.varchar(100),
    treatment: nullable(t.varchar(200)),
    admission_date: t.date(),
    discharge_date: nullable(t.date()),
  },
  {
    foreignKeys: [{ columns: ['patient_id'], references: { table: 'patients', columns: ['id'] } }],
  },
);

/** Appointments: many per patient (migration 0002). */
export const appointments = table(
  'appointments',
  {
    id: t.id(),
    patient_id: t.int(),
    scheduled_at: t.datetime(),
    reason: t.varchar(200),
    status: withDefault(t.enum('scheduled', 'completed', 'cancelled', 'no_show'), 'scheduled'),
  },
  {
    indexes: [{ columns: ['patient_id', 'scheduled_at'] }],
    foreignKeys: [{ columns: ['patient_id'], references: { table: 'patients', columns: ['id'] } }],
  },
);

/**
 * The whole model schema at head: the clinical tables and carepool's own security tables (./security.ts).
 */
export const models = schema(
  patients,
  medicalRecords,
  appointments,
  users,
  apiTokens,
  auditEvents,
  idempotencyKeys,
  loginThrottle,
  fleetInstances,
);

/** A row of `patients`. */
export type PatientRow = RowOf<typeof patients>;
/** A row of `medical_records`. */
export type MedicalRecordRow = RowOf<typeof medicalRecords>;
/** A row of `appointments`. */
export type AppointmentRow = RowOf<typeof appointments>;
/** The values `appointments.status` may take. */
export type AppointmentStatus = AppointmentRow['status'];
