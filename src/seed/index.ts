import { Readable } from 'node:stream';
import { offerInfile } from '../db/infile.js';
import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { AppError, isAppError } from '../errors/index.js';
import { models } from '../schema/index.js';
import { appointmentsOf, patientAt, recordsOf, type SeedRecord } from './generate.js';
import { PATIENT_COLUMNS, patientLine, RECORD_COLUMNS, recordLine } from './tsv.js';

export {
  appointmentsOf,
  patientAt,
  recordsOf,
  type SeedAppointment,
  type SeedPatient,
  type SeedRecord,
} from './generate.js';

/** What to seed. */
export interface SeedOptions {
  readonly patients: number;
  readonly recordsPerPatient: number;
  /** Same seed → same rows on every target. */
  readonly seed: number;
  /** Empty the data tables first; without it a non-empty target is refused. */
  readonly reset: boolean;
  /**
   * How rows travel. `auto` (the default) streams them with `LOAD DATA LOCAL INFILE` when the server allows
   * `local_infile`, else sends multi-row INSERTs; `insert` always sends INSERTs.
   */
  readonly method?: SeedMethod;
  /** Rows per statement. Default 2000 for INSERT, 25,000 for LOAD DATA. */
  readonly batchSize?: number;
  /** Statements in flight at once (each on its own pooled connection). Default 4. */
  readonly concurrency?: number;
  /** Called after every batch with rows written so far. */
  readonly onProgress?: (progress: SeedProgress) => void;
}

/** How to send the rows: `auto` picks LOAD DATA LOCAL INFILE where allowed, `insert` forces INSERTs. */
export type SeedMethod = 'auto' | 'insert';

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
  /** Appointments written (0 when the target has no appointments table yet). */
  readonly appointments: number;
  /** What carried the rows. */
  readonly method: 'insert' | 'load-data';
  readonly ms: number;
  readonly rowsPerSecond: number;
}

/** True when the target holds at least one patient. */
export async function hasPatients(target: Target): Promise<boolean> {
  const { rows } = await target.sql.query<{ n: number }>(sql`SELECT EXISTS (SELECT 1 FROM patients) AS n`);
  return Number(rows[0]?.n ?? 0) === 1;
}

/**
 * Writes deterministic sample data to one target (explicit ids), several statements in flight: streamed
 * with `LOAD DATA LOCAL INFILE` when the server allows it (about twice the rows/s of multi-row INSERTs,
 * docs/benchmarks.md), else as multi-row INSERTs. Refuses a non-empty target unless `reset` is set, in
 * which case every model table is emptied first (TRUNCATE as the migrator, or DELETE when that user may
 * not).
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
  let method: 'insert' | 'load-data' =
    options.method !== 'insert' && (await localInfileAllowed(target)) ? 'load-data' : 'insert';
  const batchSize = options.batchSize ?? (method === 'load-data' ? 25_000 : 2000);
  const total = options.patients * (1 + options.recordsPerPatient);
  let done = 0;
  const report = (n: number) => {
    done += n;
    options.onProgress?.({ target: target.name, done, total });
  };
  const batches = batchPlan(options.patients, options.recordsPerPatient, batchSize);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, target.config.pool.max));
  const write = async (batch: Batch): Promise<number> => {
    if (method === 'load-data') {
      try {
        return await loadBatch(target, options, batch);
      } catch (error) {
        // The client or server refused LOCAL after all (a proxy, a changed setting): nothing of this
        // statement was written, so this and every later batch go as INSERTs.
        if (!isAppError(error) || !LOCAL_REFUSED.has(Number(error.meta.errno))) throw error;
        method = 'insert';
      }
    }
    return insertBatch(target, options, batch);
  };
  // Patients go first (records reference them), then records, each with `concurrency` statements in flight.
  for (const kind of ['patients', 'records'] as const) {
    const queue = batches.filter((b) => b.kind === kind);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
          report(await write(batch));
        }
      }),
    );
  }
  const appointments = await insertAppointments(target, options);
  const ms = Math.round(performance.now() - started);
  return {
    target: target.name,
    patients: options.patients,
    records: options.patients * options.recordsPerPatient,
    appointments,
    method,
    ms,
    rowsPerSecond: Math.round(total / Math.max(ms / 1000, 0.001)),
  };
}

/**
 * Errors meaning "LOCAL INFILE is not allowed here": 1148 ER_NOT_ALLOWED_COMMAND (MariaDB, MySQL 5.7),
 * 3948 ER_CLIENT_LOCAL_FILES_DISABLED (MySQL 8), 4166 ER_LOAD_INFILE_CAPABILITY_DISABLED (MariaDB 10.5+).
 */
const LOCAL_REFUSED = new Set([1148, 3948, 4166]);

/** True when the server accepts LOAD DATA LOCAL (Cloud SQL and MySQL 8 default `local_infile` to OFF). */
async function localInfileAllowed(target: Target): Promise<boolean> {
  const { rows } = await target.sql.query<{ on: number | string }>(
    sql`SELECT @@GLOBAL.local_infile AS \`on\``,
  );
  return Number(rows[0]?.on ?? 0) === 1;
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

/** The rows of one batch, each as a LOAD DATA line, in id order. */
function* batchLines(options: SeedOptions, batch: Batch): Generator<string> {
  for (let id = batch.from; id <= batch.to; id++) {
    const patient = patientAt(options.seed, id);
    if (batch.kind === 'patients') {
      yield patientLine(patient);
      continue;
    }
    const first = (id - 1) * options.recordsPerPatient + 1;
    for (const r of recordsOf(options.seed, patient, first, options.recordsPerPatient)) yield recordLine(r);
  }
}

/** Rows per stream chunk: ~64 KiB, well under the 16 MiB packet limit the driver sends each chunk in. */
const LINES_PER_CHUNK = 600;

async function loadBatch(target: Target, options: SeedOptions, batch: Batch): Promise<number> {
  let rows = 0;
  const lines = batchLines(options, batch);
  const offer = offerInfile(
    () =>
      new Readable({
        read() {
          let chunk = '';
          for (let i = 0; i < LINES_PER_CHUNK; i++) {
            const next = lines.next();
            if (next.done) {
              if (chunk) this.push(chunk);
              this.push(null);
              return;
            }
            chunk += next.value;
            rows++;
          }
          this.push(chunk);
        },
      }),
  );
  const [table, columns] =
    batch.kind === 'patients' ? ['patients', PATIENT_COLUMNS] : ['medical_records', RECORD_COLUMNS];
  try {
    // Defaults of LOAD DATA: fields by tab, lines by newline, backslash escapes, \N for NULL (./tsv.ts).
    const result = await target.sql.query(
      sql`LOAD DATA LOCAL INFILE ${offer.name} INTO TABLE ${sql.ident(table)} CHARACTER SET utf8mb4 (${sql.join(
        columns.map((c) => sql.ident(c)),
      )})`,
    );
    // LOCAL implies IGNORE (duplicates skipped, not an error): every row must have landed.
    if (result.affectedRows !== rows) {
      throw new AppError(
        'CAREPOOL_SEED_TARGET_NOT_EMPTY',
        `target "${target.name}" kept ${result.affectedRows} of ${rows} ${table} rows; another writer added rows while seeding`,
        { meta: { target: target.name, table, sent: rows, kept: result.affectedRows } },
      );
    }
    return rows;
  } finally {
    offer.withdraw();
  }
}

async function insertBatch(target: Target, options: SeedOptions, batch: Batch): Promise<number> {
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

const APPOINTMENT_COLUMNS = ['id', 'patient_id', 'scheduled_at', 'reason', 'status'] as const;

/**
 * Writes every patient's appointments (about one per patient: a few percent of the rows, so plain multi-row
 * INSERTs). A target whose schema has no `appointments` table yet (errno 1146) gets none.
 */
async function insertAppointments(target: Target, options: SeedOptions): Promise<number> {
  let written = 0;
  for (let from = 1; from <= options.patients; from += 2000) {
    const rows: (readonly unknown[])[] = [];
    for (let id = from; id <= Math.min(options.patients, from + 1999); id++) {
      for (const a of appointmentsOf(options.seed, patientAt(options.seed, id))) {
        rows.push(APPOINTMENT_COLUMNS.map((c) => a[c]));
      }
    }
    if (rows.length === 0) continue;
    try {
      await target.sql.query(
        sql`INSERT INTO appointments (${sql.raw(APPOINTMENT_COLUMNS.join(', '))}) VALUES ${sql.rows(rows)}`,
      );
    } catch (error) {
      if (isAppError(error) && Number(error.meta.errno) === 1146) return 0;
      throw error;
    }
    written += rows.length;
  }
  return written;
}
