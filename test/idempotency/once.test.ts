import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import type { Target } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import { checkKey, fingerprint, once, purgeExpired } from '../../src/idempotency/index.js';
import { migrateTarget } from '../../src/migrate/index.js';
import { createScratchDatabases, MIGRATIONS_DIR, type ScratchDatabases } from '../harness/migrate.js';

const DAY = 24 * 3_600_000;

describe('idempotent writes', () => {
  let dbs: ScratchDatabases;
  let target: Target;
  const count = async () =>
    Number((await target.sql.query<{ n: number }>(sql`SELECT COUNT(*) AS n FROM patients`)).rows[0]?.n);
  const create = (key: string, first: string) =>
    target.sql.transaction((tx) =>
      once(tx, key, fingerprint('POST', '/patients', { first }), DAY, async () => {
        const r = await tx.query(
          sql`INSERT INTO patients (first_name, last_name, date_of_birth, gender) VALUES (${first}, 'Key', '1990-01-01', 'Female')`,
        );
        return { status: 201, resourceId: r.insertId };
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
      once(tx, 'retry-key-0004', 'f'.repeat(64), DAY, async () => {
        await tx.query(
          sql`INSERT INTO medical_records (patient_id, diagnosis, admission_date) VALUES (999999, 'x', '2020-01-01')`,
        );
        return { status: 201, resourceId: 1 };
      }),
    );
    await expect(failing).rejects.toSatisfy((e: unknown) => isAppError(e, 'CAREPOOL_DB_CONSTRAINT'));
    const { rows } = await target.sql.query<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM carepool_idempotency WHERE idem_key = 'retry-key-0004'`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('keeps the status, the created row id and the fingerprint only: no response body', async () => {
    const first = await create('retry-key-0005', 'Edda');
    const { rows } = await target.sql.query<Record<string, unknown>>(
      sql`SELECT * FROM carepool_idempotency WHERE idem_key = 'retry-key-0005'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 201, resource_id: first.resourceId, body: null });
    expect(JSON.stringify(rows)).not.toContain('Edda');
  });

  it('an expired key is forgotten at use (the write runs again), and purgeExpired deletes expired keys', async () => {
    const before = await count();
    await create('retry-key-0006', 'Fay');
    await target.sql.query(
      sql`UPDATE carepool_idempotency SET created_at = created_at - INTERVAL 2 DAY WHERE idem_key = 'retry-key-0006'`,
    );
    const again = await create('retry-key-0006', 'Fay');
    expect(again.replayed).toBe(false);
    expect(await count()).toBe(before + 2);
    await target.sql.query(
      sql`UPDATE carepool_idempotency SET created_at = created_at - INTERVAL 2 DAY WHERE idem_key IN ('retry-key-0006', 'retry-key-0001')`,
    );
    const live = async () =>
      Number(
        (await target.sql.query<{ n: number }>(sql`SELECT COUNT(*) AS n FROM carepool_idempotency`)).rows[0]
          ?.n,
      );
    const n = await live();
    expect(await purgeExpired(target.sql, DAY)).toBe(2);
    expect(await live()).toBe(n - 2);
    // A shorter TTL purges younger keys too.
    await target.sql.query(
      sql`UPDATE carepool_idempotency SET created_at = created_at - INTERVAL 2 HOUR WHERE idem_key = 'retry-key-0005'`,
    );
    expect(await purgeExpired(target.sql, 3_600_000)).toBeGreaterThanOrEqual(1);
  });

  it('validates keys', () => {
    expect(checkKey('0b9c2f3e-8d4a-4c1e-9f70-2a6f1c9d8e7b')).toBeTruthy();
    expect(() => checkKey('short')).toThrow();
    expect(() => checkKey("x'; DROP TABLE patients; --")).toThrow();
  });
});

describe('migration 0005 on a database with stored response bodies', () => {
  let dbs: ScratchDatabases;
  afterAll(async () => dbs?.drop());

  it('keeps each key replayable (resource_id from the body) and clears every body', async () => {
    dbs = await createScratchDatabases('idem_mig');
    const target = dbs.registry.get('azure');
    expect((await migrateTarget(target, { to: '0004_idempotency', migrationsDir: MIGRATIONS_DIR })).ok).toBe(
      true,
    );
    const body = JSON.stringify({ id: 42, first_name: 'Secretname', date_of_birth: '1970-01-01' });
    await target.sql.query(
      sql`INSERT INTO carepool_idempotency (idem_key, fingerprint, status, body) VALUES ('old-key-0001', ${'a'.repeat(64)}, 201, ${body}), ('old-key-0002', ${'b'.repeat(64)}, 201, '{"no":"id"}')`,
    );
    expect((await migrateTarget(target, { migrationsDir: MIGRATIONS_DIR })).ok).toBe(true);
    const { rows } = await target.sql.query<{
      idem_key: string;
      resource_id: number | null;
      body: string | null;
    }>(sql`SELECT idem_key, resource_id, body FROM carepool_idempotency ORDER BY idem_key`);
    expect(rows).toEqual([
      { idem_key: 'old-key-0001', resource_id: 42, body: null },
      { idem_key: 'old-key-0002', resource_id: null, body: null },
    ]);
  });
});
