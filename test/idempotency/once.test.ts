import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import type { Target } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import { checkKey, fingerprint, once } from '../../src/idempotency/index.js';
import { migrateTarget } from '../../src/migrate/index.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../harness/migrate.js';

describe('idempotent writes', () => {
  let dbs: ScratchDatabases;
  let target: Target;
  const count = async () =>
    Number((await target.sql.query<{ n: number }>(sql`SELECT COUNT(*) AS n FROM patients`)).rows[0]?.n);
  const create = (key: string, first: string) =>
    target.sql.transaction((tx) =>
      once(tx, key, fingerprint('POST', '/patients', { first }), async () => {
        const r = await tx.query(
          sql`INSERT INTO patients (first_name, last_name, date_of_birth, gender) VALUES (${first}, 'Key', '1990-01-01', 'Female')`,
        );
        return { status: 201, body: { id: r.insertId } };
      }),
    );

  beforeAll(async () => {
    dbs = await createScratchDatabases('idem');
    target = dbs.registry.get('gcp');
    const r = await migrateTarget(target, { migrationsDir: MIGRATIONS_DIR });
    expect(r.ok).toBe(true);
  });
  afterAll(async () => dbs?.drop());

  it('replays the stored response for a retried request and writes once', async () => {
    const before = await count();
    const first = await create('retry-key-0001', 'Ada');
    const again = await create('retry-key-0001', 'Ada');
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await count()).toBe(before + 1);
  });

  it('refuses the same key for a different request', async () => {
    await create('retry-key-0002', 'Bea');
    const error = await create('retry-key-0002', 'Cleo').catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_IDEMPOTENCY_MISMATCH')).toBe(true);
  });

  it('concurrent requests with one key write once; the others replay or are told to retry', async () => {
    const before = await count();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => create('retry-key-0003', 'Dee')),
    );
    for (const r of results) {
      if (r.status === 'rejected')
        expect(isAppError(r.reason, 'CAREPOOL_IDEMPOTENCY_IN_PROGRESS')).toBe(true);
    }
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(await count()).toBe(before + 1);
    const retried = await create('retry-key-0003', 'Dee');
    expect(retried.replayed).toBe(true);
  });

  it('a write that fails stores no key, so a retry can succeed', async () => {
    const failing = target.sql.transaction((tx) =>
      once(tx, 'retry-key-0004', 'f'.repeat(64), async () => {
        await tx.query(
          sql`INSERT INTO medical_records (patient_id, diagnosis, admission_date) VALUES (999999, 'x', '2020-01-01')`,
        );
        return { status: 201, body: {} };
      }),
    );
    await expect(failing).rejects.toSatisfy((e: unknown) => isAppError(e, 'CAREPOOL_DB_CONSTRAINT'));
    const { rows } = await target.sql.query<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM carepool_idempotency WHERE idem_key = 'retry-key-0004'`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('validates keys', () => {
    expect(checkKey('0b9c2f3e-8d4a-4c1e-9f70-2a6f1c9d8e7b')).toBeTruthy();
    expect(() => checkKey('short')).toThrow();
    expect(() => checkKey("x'; DROP TABLE patients; --")).toThrow();
  });
});
