import type { CompiledQuery, Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import { sqlClientOf } from '../db/kysely.js';
import { isAppError } from '../errors/index.js';
import type { AccessScope } from './access.js';
import { idempotent, type WriteOptions } from './idempotent.js';
import { notFound } from './rows.js';
import { retryOnConflict } from '../galera/retry.js';

type Table = 'patients' | 'medical_records' | 'appointments';
const NOUN = { patients: 'patient', medical_records: 'medical record', appointments: 'appointment' } as const;

/** Compiled statements per database, by table and column list (a handful: the optional fields vary). */
const COMPILED = new WeakMap<Kysely<Database>, Map<string, CompiledQuery>>();

function compiled(db: Kysely<Database>, key: string, build: () => CompiledQuery): CompiledQuery {
  let byKey = COMPILED.get(db);
  if (!byKey) {
    byKey = new Map();
    COMPILED.set(db, byKey);
  }
  let query = byKey.get(key);
  if (!query) {
    query = build();
    // Column lists come from validated input, so there are few; the bound is a safety net.
    if (byKey.size < 256) byKey.set(key, query);
  }
  return query;
}

/**
 * Inserts one validated row of `table` in one transaction, at most once per idempotency key, reads it back
 * as stored, and records the audit event in the same transaction. The INSERT and the SELECT are built and
 * compiled once per column list and only their parameters change, as for the patient read: building Kysely
 * queries on every request was the largest cost of the write path (docs/benchmarks.md). A row of a patient's
 * child table whose patient does not exist is CAREPOOL_NOT_FOUND (the foreign key refuses it, errno 1452).
 */
export async function insertRow<T extends Table>(
  db: Kysely<Database>,
  table: T,
  target: string,
  values: Readonly<Record<string, unknown>>,
  options: WriteOptions,
  scope: AccessScope,
): Promise<Selectable<Database[T]>> {
  const columns = Object.keys(values);
  const insert = compiled(db, `${table}(${columns.join(',')})`, () =>
    db
      .insertInto(table as Table)
      .values(Object.fromEntries(columns.map((c) => [c, null])) as never)
      .compile(),
  );
  const byId = compiled(db, `${table}#id`, () =>
    db
      .selectFrom(table as Table)
      .selectAll()
      .where('id', '=', 0)
      .compile(),
  );
  try {
    return await retryOnConflict(target, () =>
      db.transaction().execute(async (tx) => {
        const read = async (id: number) =>
          (await tx.executeQuery({ ...byId, parameters: [id] })).rows[0] as
            (Selectable<Database[T]> & { id: number }) | undefined;
        const { row, replayed } = await idempotent(
          tx,
          options.idempotency,
          async () => {
            const result = await tx.executeQuery({ ...insert, parameters: columns.map((c) => values[c]) });
            const id = Number(result.insertId);
            const stored = await read(id);
            if (!stored) throw notFound(NOUN[table], id, target);
            return stored;
          },
          read,
          NOUN[table],
        );
        const ids = row as unknown as { id: number; patient_id?: number };
        // A replay wrote nothing: its event says so (a re-read of the row), not a second create.
        await scope.beforeCommit(
          sqlClientOf<Database>(tx),
          { id: ids.id, patientId: ids.patient_id ?? ids.id },
          replayed ? { replay: true } : undefined,
        );
        return row;
      }),
    );
  } catch (error) {
    const patientId = values.patient_id;
    if (
      isAppError(error, 'CAREPOOL_DB_CONSTRAINT') &&
      error.meta.errno === 1452 &&
      typeof patientId === 'number'
    ) {
      throw notFound('patient', patientId, target);
    }
    throw error;
  }
}
