import { inputSchema, type JsonSchema, PATIENT_SORTS, rowSchema } from '../../clinic/index.js';
import { appointments, medicalRecords, patients } from '../../schema/index.js';

/**
 * The JSON Schemas the API routes validate and serialise with; @fastify/swagger turns the same objects into
 * the OpenAPI document at /docs. Row and input shapes are derived from the models.
 */
const id = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;

/** `:target` path parameter. */
export const targetParams = {
  type: 'object',
  properties: { target: { type: 'string', maxLength: 32, description: 'Target name, e.g. azure' } },
  required: ['target'],
} as const;

/** `:target` + `:id`. */
export const targetIdParams = {
  type: 'object',
  properties: { ...targetParams.properties, id },
  required: ['target', 'id'],
} as const;

/** `:id` alone (compare). */
export const idParams = { type: 'object', properties: { id }, required: ['id'] } as const;

/** Query of the patient list. */
export const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 25 },
    cursor: { type: 'string', maxLength: 512, description: 'next_cursor of the previous page' },
    q: { type: 'string', maxLength: 100, description: 'Name search: each word starts a first or last name' },
    sort: { type: 'string', enum: [...PATIENT_SORTS], default: 'name' },
  },
  additionalProperties: false,
} as const;

/** A stored patient. */
export const patientRow: JsonSchema = rowSchema(patients.table);
/** A stored medical record. */
export const recordRow: JsonSchema = rowSchema(medicalRecords.table);

/** A stored appointment. */
export const appointmentRow: JsonSchema = rowSchema(appointments.table);

/** A patient with their records and appointments. */
export const patientWithRecords: JsonSchema = {
  ...patientRow,
  properties: {
    ...(patientRow.properties as Record<string, JsonSchema>),
    medical_records: { type: 'array', items: recordRow, description: 'Newest admission first' },
    appointments: { type: 'array', items: appointmentRow, description: 'Soonest first' },
  },
};

/** One page of patients. */
export const patientPage: JsonSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: patientRow },
    next_cursor: { type: ['string', 'null'] },
    limit: { type: 'integer' },
  },
};

/** Body of POST …/patients (every required field). */
export const patientCreate = inputSchema(patients.table, false);
/** Body of PATCH …/patients/:id (at least one field). */
export const patientPatch = inputSchema(patients.table, true);
/** Body of POST …/patients/:id/records. */
export const recordCreate = inputSchema(medicalRecords.table, false);
/** Body of PATCH …/records/:id. */
export const recordPatch = inputSchema(medicalRecords.table, true);
/** Body of POST …/patients/:id/appointments. */
export const appointmentCreate = inputSchema(appointments.table, false);
/** Body of PATCH …/appointments/:id. */
export const appointmentPatch = inputSchema(appointments.table, true);

/** The error envelope. */
export const errorEnvelope: JsonSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        hint: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
        meta: { type: 'object', additionalProperties: true },
      },
      required: ['code', 'message', 'hint'],
    },
  },
};

/** Error responses every data route can give. */
export const errorResponses = {
  400: { description: 'Invalid input (field messages in error.fields)', ...errorEnvelope },
  404: { description: 'Unknown target (error.meta.targets lists them) or row', ...errorEnvelope },
  503: { description: 'Target down or saturated; see Retry-After', ...errorEnvelope },
} as const;
