import { type SqlQuery, sql } from '../../src/db/sql.js';
import { type Answer, call } from './http.js';

/** An answer a client may treat as "try again later": 503 with Retry-After. */
export const isRetryLater = (a: Answer): boolean => a.status === 503 && a.retryAfter;

/**
 * Creates one patient with an Idempotency-Key, retrying with the same key after "try again later" or a lost
 * response (status 0) until `deadline` (performance.now()): what a careful client does. Returns every answer.
 */
export async function createWithRetries(
  url: string,
  target: string,
  headers: Readonly<Record<string, string>>,
  key: string,
  tag: string,
  deadline: number,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  const body = { first_name: tag, last_name: 'Fleetwrite', date_of_birth: '1980-01-02', gender: 'Other' };
  while (performance.now() < deadline) {
    const a = await call(
      url,
      'POST',
      `/api/v1/targets/${target}/patients`,
      { ...headers, 'idempotency-key': key },
      body,
    );
    answers.push(a);
    if (a.status === 201 || a.status === 200) break;
    if (a.status !== 0 && !isRetryLater(a)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return answers;
}

/**
 * How many patients {@link createWithRetries} stored (`rows`) and how many distinct ones (`distinct`): equal
 * to the number of writes when every write landed exactly once.
 */
export async function storedWrites(admin: {
  query<Row>(q: SqlQuery): Promise<{ rows: Row[] }>;
  close(): Promise<void>;
}): Promise<{ rows: number; distinct: number }> {
  try {
    const { rows } = await admin.query<{ n: number; d: number }>(
      sql`SELECT COUNT(*) AS n, COUNT(DISTINCT first_name) AS d FROM clinic.patients WHERE last_name = 'Fleetwrite'`,
    );
    return { rows: Number(rows[0]?.n), distinct: Number(rows[0]?.d) };
  } finally {
    await admin.close();
  }
}
