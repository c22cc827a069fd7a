import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Target, TargetRegistry } from '../db/targets.js';
import {
  type AccessContext,
  type AccessEvent,
  type AccessGuard,
  type AccessScope,
  allowAll,
} from './access.js';
import * as appointments from './appointments.js';
import { comparePatients, type PatientComparison, toCopy } from './compare.js';
import type { WriteOptions } from './idempotent.js';
import { getPatient } from './patient-detail.js';
import * as patients from './patients.js';
import * as records from './records.js';
import type { Appointment, MedicalRecord, Page, Patient, PatientWithRecords } from './rows.js';
import { type ParseOptions, validationError } from './validate.js';

/** What a {@link Clinic} needs. */
export interface ClinicOptions {
  readonly registry: TargetRegistry;
  /** Runs around every access (authorisation, audit). Default: {@link allowAll}. */
  readonly guard?: AccessGuard;
  /**
   * True when `guard` records every write in `carepool_audit` before answering (the audited guard): reads
   * on replicas then wait only for actors that wrote recently, fleet-wide. Otherwise every read by a named
   * client waits for the primary's position (src/replicas).
   */
  readonly auditsWrites?: boolean;
}

/**
 * The patient-records service over every target: the one API the web app and the CLI call. Each method
 * resolves the target (CAREPOOL_TARGET_UNKNOWN lists the configured ones), runs inside the access guard,
 * and queries through the target's pool with typed Kysely queries.
 */
export class Clinic {
  readonly registry: TargetRegistry;
  readonly #guard: AccessGuard;
  readonly #auditsWrites: boolean;

  constructor(options: ClinicOptions) {
    this.registry = options.registry;
    this.#guard = options.guard ?? allowAll;
    this.#auditsWrites = options.auditsWrites ?? false;
  }

  /** A page of patients on `target`. */
  listPatients(
    ctx: AccessContext,
    target: string,
    options: patients.ListPatientsOptions = {},
  ): Promise<Page<Patient>> {
    const action = options.q?.trim() ? 'search' : 'list';
    return this.#run(ctx, { action, entity: 'patient', target }, (db) => patients.listPatients(db, options));
  }

  /** One patient with their medical records. */
  getPatient(ctx: AccessContext, target: string, id: number): Promise<PatientWithRecords> {
    return this.#run(ctx, { action: 'read', entity: 'patient', target, id, patientId: id }, (db, t) =>
      getPatient(db, t, id),
    );
  }

  /** Creates a patient. */
  createPatient(
    ctx: AccessContext,
    target: string,
    input: Readonly<Record<string, unknown>>,
    options?: WriteOptions,
  ) {
    return this.#run(ctx, { action: 'create', entity: 'patient', target }, (db, t, scope) =>
      patients.createPatient(db, t, input, options, scope),
    );
  }

  /** Changes a patient (partial unless `options.partial === false`). */
  updatePatient(
    ctx: AccessContext,
    target: string,
    id: number,
    input: Readonly<Record<string, unknown>>,
    options?: ParseOptions,
  ): Promise<Patient> {
    return this.#run(
      ctx,
      { action: 'update', entity: 'patient', target, id, patientId: id },
      (db, t, scope) => patients.updatePatient(db, t, id, input, options, scope),
    );
  }

  /** Deletes a patient and their records. */
  deletePatient(ctx: AccessContext, target: string, id: number): Promise<patients.DeletedPatient> {
    return this.#run(
      ctx,
      { action: 'delete', entity: 'patient', target, id, patientId: id },
      (db, t, scope) => patients.deletePatient(db, t, id, scope),
    );
  }

  /** The medical records of a patient (CAREPOOL_NOT_FOUND when the patient does not exist). */
  listRecords(ctx: AccessContext, target: string, patientId: number): Promise<readonly MedicalRecord[]> {
    return this.#run(ctx, { action: 'list', entity: 'record', target, patientId }, async (db, t) => {
      return (await getPatient(db, t, patientId)).medical_records;
    });
  }

  /** One medical record. */
  getRecord(ctx: AccessContext, target: string, id: number): Promise<MedicalRecord> {
    return this.#run(ctx, { action: 'read', entity: 'record', target, id }, async (db, t, scope) => {
      const row = await records.getRecord(db, t, id);
      scope.found({ patientId: row.patient_id });
      return row;
    });
  }

  /** Adds a medical record to a patient. */
  createRecord(
    ctx: AccessContext,
    target: string,
    patientId: number,
    input: Readonly<Record<string, unknown>>,
    options?: WriteOptions,
  ): Promise<MedicalRecord> {
    return this.#run(ctx, { action: 'create', entity: 'record', target, patientId }, (db, t, scope) =>
      records.createRecord(db, t, patientId, input, options, scope),
    );
  }

  /** Changes a medical record (partial unless `options.partial === false`). */
  updateRecord(
    ctx: AccessContext,
    target: string,
    id: number,
    input: Readonly<Record<string, unknown>>,
    options?: ParseOptions,
  ): Promise<MedicalRecord> {
    return this.#run(ctx, { action: 'update', entity: 'record', target, id }, (db, t, scope) =>
      records.updateRecord(db, t, id, input, options, scope),
    );
  }

  /** Deletes a medical record. */
  deleteRecord(ctx: AccessContext, target: string, id: number): Promise<{ id: number }> {
    return this.#run(ctx, { action: 'delete', entity: 'record', target, id }, (db, t, scope) =>
      records.deleteRecord(db, t, id, scope),
    );
  }

  /** The appointments of a patient, soonest first (CAREPOOL_NOT_FOUND when the patient does not exist). */
  listAppointments(ctx: AccessContext, target: string, patientId: number): Promise<readonly Appointment[]> {
    return this.#run(ctx, { action: 'list', entity: 'appointment', target, patientId }, async (db, t) => {
      return (await getPatient(db, t, patientId)).appointments;
    });
  }

  /** One appointment. */
  getAppointment(ctx: AccessContext, target: string, id: number): Promise<Appointment> {
    return this.#run(ctx, { action: 'read', entity: 'appointment', target, id }, async (db, t, scope) => {
      const row = await appointments.getAppointment(db, t, id);
      scope.found({ patientId: row.patient_id });
      return row;
    });
  }

  /** Books an appointment for a patient. */
  createAppointment(
    ctx: AccessContext,
    target: string,
    patientId: number,
    input: Readonly<Record<string, unknown>>,
    options?: WriteOptions,
  ): Promise<Appointment> {
    return this.#run(ctx, { action: 'create', entity: 'appointment', target, patientId }, (db, t, scope) =>
      appointments.createAppointment(db, t, patientId, input, options, scope),
    );
  }

  /** Changes an appointment (partial unless `options.partial === false`). */
  updateAppointment(
    ctx: AccessContext,
    target: string,
    id: number,
    input: Readonly<Record<string, unknown>>,
    options?: ParseOptions,
  ): Promise<Appointment> {
    return this.#run(ctx, { action: 'update', entity: 'appointment', target, id }, (db, t, scope) =>
      appointments.updateAppointment(db, t, id, input, options, scope),
    );
  }

  /** Cancels by deleting an appointment. */
  deleteAppointment(ctx: AccessContext, target: string, id: number): Promise<{ id: number }> {
    return this.#run(ctx, { action: 'delete', entity: 'appointment', target, id }, (db, t, scope) =>
      appointments.deleteAppointment(db, t, id, scope),
    );
  }

  /**
   * The patient `id` on every target, in parallel, with field-level differences. A down target never blocks
   * the rest. The guard sees the compare once (to authorise it) and each target's read on its own (to audit
   * it on the target it concerns).
   */
  async comparePatient(ctx: AccessContext, id: number): Promise<PatientComparison> {
    checkIds({ id });
    return this.#guard(
      { action: 'compare', entity: 'patient', target: '*', id, patientId: id },
      ctx,
      async () => {
        const targets = this.registry.list();
        const outcomes = await Promise.allSettled(
          targets.map((t) =>
            this.#run(ctx, { action: 'read', entity: 'patient', target: t.name, id, patientId: id }, (db) =>
              getPatient(db, t.name, id),
            ),
          ),
        );
        return comparePatients(
          id,
          targets.map((t, i) => toCopy(t.name, outcomes[i] as PromiseSettledResult<PatientWithRecords>)),
        );
      },
    );
  }

  async #run<T>(
    ctx: AccessContext,
    event: AccessEvent,
    fn: (db: Kysely<Database>, target: string, scope: AccessScope) => Promise<T>,
  ): Promise<T> {
    const target = this.registry.get(event.target);
    checkIds(event);
    const router = target.replicas;
    if (router === undefined)
      return this.#guard({ ...event, target: target.name }, ctx, (scope) =>
        fn(target.db, target.name, scope),
      );
    // Reads may go to a replica within the lag bound; writes go to the primary and make this actor's later
    // reads wait for them (read-your-writes, src/replicas). The guard's own audit writes stay outside.
    const client = `${ctx.actor.via ?? 'local'}:${ctx.actor.id}`;
    // The actor (as carepool_audit records it) lets a read honour writes made through other instances.
    const reads = READS.has(event.action);
    const actor = this.#auditsWrites ? ctx.actor.id : undefined;
    const carried = ctx.carried;
    return this.#guard({ ...event, target: target.name }, ctx, async (scope) => {
      const run = (t: Target) => fn(t.db, target.name, scope);
      if (reads) return router.read(client, run, { actor, carried: carried?.forTarget(target.name) });
      if (carried === undefined) return router.write(client, run);
      // A response sent before the write ends (the deadline's 503) carries it as unknown: primary reads.
      carried.begin(target.name);
      try {
        return await router.write(client, run, (gtid) => carried.record(target.name, gtid));
      } finally {
        carried.end(target.name);
      }
    });
  }
}

/** Actions that only read: they may be served by a read replica. */
const READS: ReadonlySet<AccessEvent['action']> = new Set(['list', 'search', 'read', 'compare']);

/**
 * Ids are MySQL INT keys. Checked here as well as by the route schemas: Ajv coerces "1e309" to Infinity and
 * lets it through, and the driver would then write `Infinity` into the statement as a bare word.
 */
function checkIds(ids: { readonly id?: number; readonly patientId?: number }): void {
  const fields: Record<string, string> = {};
  for (const [name, value] of [
    ['id', ids.id],
    ['patient_id', ids.patientId],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1 && value <= 2_147_483_647)) {
      fields[name] = `must be a whole number from 1 to 2147483647 (got ${value})`;
    }
  }
  if (Object.keys(fields).length > 0) throw validationError(fields);
}
