import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { models } from '../schema/index.js';
import { patientAt, recordsOf, type SeedRecord } from './generate.js';

export { patientAt, recordsOf, type SeedPatient, type SeedRecord } from './generate.js';

/** What to seed. */
export interface SeedOptions {
  readonly patients: number;
  readonly recordsPerPatient: number;
  /** Same seed → same rows on every target. */
  readonly seed: number;
  /** Empty the data tables first; without it a non-empty target is refused. */
  readonly reset: boolean;
  /** Rows per INSERT statement. Default 2000. */
  readonly batchSize?: number;
  /** INSERT statements in flight at once (each on its own pooled connection). Default 4. */
  readonly concurrency?: number;
  /** Called after every batch with rows written so far. */
  readonly onProgress?: (progress: SeedProgress) => void;
}

/** Progress of one target's seeding. */
export interface SeedProgress {
  readonly target: string;
  readonly done: number;
  readonly total: number;
}

/** What was written to one target. */
export interface SeedResult {
  readonly target: string;
  readonly patients: number;
  readonly records: number;
  readonly ms: number;
  readonly rowsPerSecond: number;
}

const PATIENT_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'date_of_birth',
  'gender',
  'contact_number',
] as const;
const RECORD_COLUMNS = [
  'id',
  'patient_id',
  'diagnosis',
  'treatment',
  'admission_date',
  'discharge_date',
] as const;

/** True when the target holds at least one patient. */
export async function hasPatients(target: Target): Promise<boolean> {
  const { rows } = await target.sql.query<{ n: number }>(sql`SELECT EXISTS (SELECT 1 FROM patients) AS n`);
  return Number(rows[0]?.n ?? 0) === 1;
}

/**
 * Writes deterministic sample data to one target with multi-row INSERTs (explicit ids), several batches
 * in flight. Refuses a non-empty target unless `reset` is set, in which case every model table is emptied
 * first (TRUNCATE as the migrator, or DELETE when that user may not).
 */
export async function seedTarget(target: Target, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  if (await hasPatients(target)) {
    if (!options.reset) {
      throw new AppError(
        'CAREPOOL_SEED_TARGET_NOT_EMPTY',
        `target "${target.name}" already has patients; nothing was written`,
        {
          meta: { target: target.name },
        },
      );
    }
    await emptyTables(target);
  }
  const batchSize = options.batchSize ?? 2000;
  const total = options.patients * (1 + options.recordsPerPatient);
  let done = 0;
  const report = (n: number) => {
    done += n;
    options.onProgress?.({ target: target.name, done, total });
  };
  const batches = batchPlan(options.patients, options.recordsPerPatient, batchSize);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, target.config.pool.max));
  // Patients go first (records reference them), then records, each with `concurrency` statements in flight.
  for (const kind of ['patients', 'records'] as const) {
    const queue = batches.filter((b) => b.kind === kind);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
          report(await writeBatch(target, options, batch));
        }
      }),
    );
  }
  const ms = Math.round(performance.now() - started);
  return {
    target: target.name,
    patients: options.patients,
    records: options.patients * options.recordsPerPatient,
    ms,
    rowsPerSecond: Math.round(total / Math.max(ms / 1000, 0.001)),
  };
}

interface Batch {
  readonly kind: 'patients' | 'records';
  /** First and last patient id (inclusive) covered by the batch. */
  readonly from: number;
  readonly to: number;
}

function batchPlan(patients: number, perPatient: number, batchSize: number): Batch[] {
  const out: Batch[] = [];
  for (let from = 1; from <= patients; from += batchSize) {
    out.push({ kind: 'patients', from, to: Math.min(patients, from + batchSize - 1) });
  }
  if (perPatient > 0) {
    const patientsPerBatch = Math.max(1, Math.floor(batchSize / perPatient));
    for (let from = 1; from <= patients; from += patientsPerBatch) {
      out.push({ kind: 'records', from, to: Math.min(patients, from + patientsPerBatch - 1) });
    }
  }
  return out;
}

async function writeBatch(target: Target, options: SeedOptions, batch: Batch): Promise<number> {
  if (batch.kind === 'patients') {
    const rows: (readonly unknown[])[] = [];
    for (let id = batch.from; id <= batch.to; id++) {
      const p = patientAt(options.seed, id);
      rows.push(PATIENT_COLUMNS.map((c) => p[c]));
    }
    await target.sql.query(
      sql`INSERT INTO patients (${sql.raw(PATIENT_COLUMNS.join(', '))}) VALUES ${sql.rows(rows)}`,
    );
    return rows.length;
  }
  const rows: (readonly unknown[])[] = [];
  for (let id = batch.from; id <= batch.to; id++) {
    const records = recordsOf(
      options.seed,
      patientAt(options.seed, id),
      (id - 1) * options.recordsPerPatient + 1,
      options.recordsPerPatient,
    );
    for (const r of records) rows.push(RECORD_COLUMNS.map((c) => r[c as keyof SeedRecord]));
  }
  await target.sql.query(
    sql`INSERT INTO medical_records (${sql.raw(RECORD_COLUMNS.join(', '))}) VALUES ${sql.rows(rows)}`,
  );
  return rows.length;
}

/** The clinical tables `--reset` empties: never carepool's own users, tokens or audit trail. */
const clinicalTables = () => models.tables.filter((t) => !t.name.startsWith('carepool_'));

async function emptyTables(target: Target): Promise<void> {
  const tables = clinicalTables().map((t) => t.name);
  try {
    const conn = await target.connectMigrator();
    try {
      await conn.query(sql`SET FOREIGN_KEY_CHECKS = 0`);
      for (const table of tables) await conn.query(sql`TRUNCATE TABLE ${sql.ident(table)}`);
      await conn.query(sql`SET FOREIGN_KEY_CHECKS = 1`);
      return;
    } finally {
      await conn.close();
    }
  } catch (error) {
    // No DROP privilege (TRUNCATE needs it): fall back to DELETE as the app user, children first.
    if (!(error instanceof AppError) || error.meta.errno !== 1142) throw error;
  }
  const childrenFirst = [...clinicalTables()].sort((a, b) => b.foreignKeys.length - a.foreignKeys.length);
  for (const table of childrenFirst) await target.sql.query(sql`DELETE FROM ${sql.ident(table.name)}`);
}
