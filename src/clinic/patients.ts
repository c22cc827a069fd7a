import type { CompiledQuery, ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { sqlClientOf } from '../db/kysely.js';
import { patients } from '../schema/index.js';
import { type AccessScope, OPEN_SCOPE } from './access.js';
import { type Cursor, decodeCursor, encodeCursor, type PatientSort } from './cursor.js';
import { fieldsOf } from './fields.js';
import type { WriteOptions } from './idempotent.js';
import { insertRow } from './insert-row.js';
import { notFound, type Page, type Patient } from './rows.js';
import { type ParseOptions, requireValid } from './validate.js';
import { retryOnConflict } from '../galera/retry.js';

/** The writable patient fields (derived from the model). */
export const PATIENT_FIELDS = fieldsOf(patients.table);

/** Options of {@link listPatients}. */
export interface ListPatientsOptions {
  /** 1..200; default 25. */
  readonly limit?: number;
  readonly cursor?: string;
  /** Name search: every word must start a first or last name; a number also matches the id. */
  readonly q?: string;
  readonly sort?: PatientSort;
}

type PatientsEb = ExpressionBuilder<Database, 'patients'>;
type FirstPageQuery = CompiledQuery<Patient>;
const FIRST_PAGE = new WeakMap<Kysely<Database>, Map<PatientSort, FirstPageQuery>>();

/** A page of patients in `sort` order, by keyset (no OFFSET: page 1000 costs what page 1 costs). */
export async function listPatients(
  db: Kysely<Database>,
  options: ListPatientsOptions = {},
): Promise<Page<Patient>> {
  const limit = options.limit ?? 25;
  const sort = options.sort ?? 'name';
  const cursor = options.cursor ? decodeCursor(options.cursor, sort) : undefined;
  const desc = sort.startsWith('-');
  const dir = desc ? 'desc' : 'asc';
  const q = options.q?.trim();
  const byName = sort === 'name' || sort === '-name';
  const build = (n: number) => {
    if (!byName) {
      // Primary-key order: the clustered index already is the page.
      let rows = db.selectFrom('patients').selectAll();
      if (q) rows = rows.where((eb) => search(eb, q));
      if (cursor) rows = rows.where((eb) => after(eb, cursor, desc));
      return rows.orderBy('id', dir).limit(n);
    }
    let keys = db.selectFrom('patients').select('id');
    if (q) keys = keys.where((eb) => search(eb, q));
    if (cursor) keys = keys.where((eb) => after(eb, cursor, desc));
    // A deferred join: the page's ids come from the (last_name, first_name) index alone (InnoDB appends the
    // id), then only those rows are read. `SELECT * … ORDER BY … LIMIT` makes MariaDB scan and filesort the
    // whole table once its statistics are current (4.5 ms against 0.8 ms on 5,000 patients).
    const page = keys
      .orderBy('last_name', dir)
      .orderBy('first_name', dir)
      .orderBy('id', dir)
      .limit(n)
      .as('k');
    return db
      .selectFrom('patients as p')
      .innerJoin(page, 'k.id', 'p.id')
      .selectAll('p')
      .orderBy('p.last_name', dir)
      .orderBy('p.first_name', dir)
      .orderBy('p.id', dir);
  };
  let rows: Patient[];
  if (!q && !cursor) {
    // The first page of each sort order (the landing page) is the common case: compile it once.
    const cache = FIRST_PAGE.get(db) ?? new Map<PatientSort, FirstPageQuery>();
    FIRST_PAGE.set(db, cache);
    let compiled = cache.get(sort);
    if (!compiled) {
      compiled = build(0).compile();
      cache.set(sort, compiled);
    }
    const query: FirstPageQuery = { ...compiled, parameters: [limit + 1] };
    rows = (await db.executeQuery(query)).rows;
  } else {
    rows = await build(limit + 1).execute();
  }
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const next =
    rows.length > limit && last
      ? encodeCursor({
          sort,
          key: byName ? [last.last_name, last.first_name, last.id] : [last.id],
        })
      : null;
  return { items, next_cursor: next, limit };
}

function search(eb: PatientsEb, q: string) {
  const words = q.split(/\s+/).filter(Boolean).slice(0, 5);
  return eb.and(
    words.map((word) => {
      const prefix = `${escapeLike(word)}%`;
      const name = eb.or([eb('last_name', 'like', prefix), eb('first_name', 'like', prefix)]);
      return /^\d{1,9}$/.test(word) ? eb.or([name, eb('id', '=', Number(word))]) : name;
    }),
  );
}

function after(eb: PatientsEb, cursor: Cursor, desc: boolean) {
  const op = desc ? '<' : '>';
  if (cursor.key.length === 1) return eb('id', op, Number(cursor.key[0]));
  const [last, first, id] = cursor.key as [string, string, number];
  return eb.or([
    eb('last_name', op, last),
    eb.and([
      eb('last_name', '=', last),
      eb.or([eb('first_name', op, first), eb.and([eb('first_name', '=', first), eb('id', op, id)])]),
    ]),
  ]);
}

/** Escapes LIKE wildcards so a search for `50%` means the characters, not a pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Checks and inserts a patient in one transaction; returns the stored row. */
export function createPatient(
  db: Kysely<Database>,
  target: string,
  input: Readonly<Record<string, unknown>>,
  options: WriteOptions = {},
  scope: AccessScope = OPEN_SCOPE,
): Promise<Patient> {
  return insertRow(db, 'patients', target, requireValid(PATIENT_FIELDS, input, options), options, scope);
}

/** Checks and applies changes to a patient in one transaction (`partial` for PATCH); returns the stored row. */
export async function updatePatient(
  db: Kysely<Database>,
  target: string,
  id: number,
  input: Readonly<Record<string, unknown>>,
  options: ParseOptions = { partial: true },
  scope: AccessScope = OPEN_SCOPE,
): Promise<Patient> {
  const values = requireValid(PATIENT_FIELDS, input, options) as Partial<Omit<Patient, 'id'>>;
  return retryOnConflict(target, () =>
    db.transaction().execute(async (tx) => {
      if (Object.keys(values).length > 0)
        await tx.updateTable('patients').set(values).where('id', '=', id).execute();
      const row = await tx.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('patient', id, target);
      await scope.beforeCommit(sqlClientOf<Database>(tx), { id, patientId: id });
      return row;
    }),
  );
}

/** What {@link deletePatient} removed. */
export interface DeletedPatient {
  readonly id: number;
  readonly deleted_records: number;
  readonly deleted_appointments: number;
}

/** Deletes a patient with their medical records and appointments in one transaction (the foreign key would refuse otherwise). */
export async function deletePatient(
  db: Kysely<Database>,
  target: string,
  id: number,
  scope: AccessScope = OPEN_SCOPE,
): Promise<DeletedPatient> {
  return retryOnConflict(target, () =>
    db.transaction().execute(async (tx) => {
      const records = await tx.deleteFrom('medical_records').where('patient_id', '=', id).executeTakeFirst();
      const appointments = await tx
        .deleteFrom('appointments')
        .where('patient_id', '=', id)
        .executeTakeFirst();
      const patient = await tx.deleteFrom('patients').where('id', '=', id).executeTakeFirst();
      if (Number(patient.numDeletedRows) === 0) throw notFound('patient', id, target);
      await scope.beforeCommit(sqlClientOf<Database>(tx), { id, patientId: id });
      return {
        id,
        deleted_records: Number(records.numDeletedRows),
        deleted_appointments: Number(appointments.numDeletedRows),
      };
    }),
  );
}
