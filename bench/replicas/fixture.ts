import { sql } from '../../src/db/sql.js';
import type { Target } from '../../src/db/targets.js';

/** Inserts `count` patients on `target` (the replicas benches' read set) and returns their ids. */
export async function insertBenchPatients(target: Target, count: number): Promise<{ id: number }[]> {
  const rows = Array.from({ length: count }, (_, i) => [`Bench${i}`, `Replica${i}`, '1980-01-01', 'Other']);
  await target.sql.query(
    sql`INSERT INTO patients (first_name, last_name, date_of_birth, gender) VALUES ${sql.rows(rows)}`,
  );
  const { rows: ids } = await target.sql.query<{ id: number }>(
    sql`SELECT id FROM patients ORDER BY id DESC LIMIT ${count}`,
  );
  return ids;
}
