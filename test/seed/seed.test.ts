import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import type { Target } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import { migrateTarget } from '../../src/migrate/apply/migrate-target.js';
import { type SeedProgress, seedTarget } from '../../src/seed/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../harness/migrate.js';

async function checksums(target: Target): Promise<Record<string, string>> {
  const { rows } = await target.sql.query<{ Table: string; Checksum: string }>(
    sql`CHECKSUM TABLE patients, medical_records, appointments`,
  );
  return Object.fromEntries(rows.map((r) => [r.Table.split('.').pop() as string, String(r.Checksum)]));
}

async function counts(target: Target): Promise<[number, number]> {
  const { rows } = await target.sql.query<{ p: number; r: number }>(
    sql`SELECT (SELECT COUNT(*) FROM patients) AS p, (SELECT COUNT(*) FROM medical_records) AS r`,
  );
  return [Number(rows[0]?.p), Number(rows[0]?.r)];
}

describe('carepool seed on real servers', () => {
  let dbs: ScratchDatabases;
  let targets: readonly Target[];

  beforeAll(async () => {
    dbs = await createScratchDatabases('seed');
    targets = dbs.registry.list();
    for (const t of targets) await migrateTarget(t);
  });
  afterAll(async () => {
    await dbs.drop();
  });

  it('writes identical rows on both targets for the same seed (equal checksums), with progress', async () => {
    const progress: SeedProgress[] = [];
    const results = await Promise.all(
      targets.map((t) =>
        seedTarget(t, {
          patients: 1500,
          recordsPerPatient: 3,
          seed: 42,
          reset: false,
          batchSize: 500,
          onProgress: (p) => progress.push(p),
        }),
      ),
    );
    expect(results.map((r) => [r.target, r.patients, r.records])).toEqual([
      ['azure', 1500, 4500],
      ['gcp', 1500, 4500],
    ]);
    for (const t of targets) expect(await counts(t)).toEqual([1500, 4500]);
    // Appointments too: the same on both targets, about 0.9 per patient, every status present.
    expect(results[0]?.appointments).toBe(results[1]?.appointments);
    expect(results[0]?.appointments).toBeGreaterThan(500);
    const { rows: statuses } = await (targets[0] as Target).sql.query<{ status: string }>(
      sql`SELECT DISTINCT status FROM appointments`,
    );
    expect(statuses.map((r) => String(r.status)).sort()).toEqual([
      'cancelled',
      'completed',
      'no_show',
      'scheduled',
    ]);
    const [a, b] = await Promise.all(targets.map(checksums));
    expect(a).toEqual(b);
    expect(Number(a?.patients)).toBeGreaterThan(0);
    const last = progress.filter((p) => p.target === 'gcp').at(-1);
    expect(last).toEqual({ target: 'gcp', done: 6000, total: 6000 });
  });

  it('refuses a non-empty target without --reset and changes nothing', async () => {
    const [azure] = targets;
    const before = await checksums(azure as Target);
    const error = await seedTarget(azure as Target, {
      patients: 10,
      recordsPerPatient: 1,
      seed: 1,
      reset: false,
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_SEED_TARGET_NOT_EMPTY')).toBe(true);
    expect(await checksums(azure as Target)).toEqual(before);
  });

  it('--reset empties first; another seed gives other rows', async () => {
    const [azure, gcp] = targets as [Target, Target];
    await seedTarget(azure, { patients: 200, recordsPerPatient: 2, seed: 7, reset: true });
    expect(await counts(azure)).toEqual([200, 400]);
    await seedTarget(gcp, { patients: 200, recordsPerPatient: 2, seed: 8, reset: true });
    expect(await checksums(azure)).not.toEqual(await checksums(gcp));
    const { rows } = await azure.sql.query<{ bad: number }>(
      sql`SELECT COUNT(*) AS bad FROM medical_records r JOIN patients p ON p.id = r.patient_id
          WHERE r.admission_date < p.date_of_birth OR r.discharge_date < r.admission_date`,
    );
    expect(Number(rows[0]?.bad)).toBe(0);
  });

  it('streams LOAD DATA LOCAL where the server allows it and writes the same rows as the INSERT path', async () => {
    const [azure, gcp] = targets as [Target, Target];
    const options = { patients: 700, recordsPerPatient: 4, seed: 11, reset: true, batchSize: 300 } as const;
    const [loaded, inserted] = await Promise.all([
      seedTarget(azure, options),
      seedTarget(gcp, { ...options, method: 'insert' }),
    ]);
    // The sandbox servers run with --local-infile=1, as the clouds can be configured to.
    expect([loaded.method, inserted.method]).toEqual(['load-data', 'insert']);
    expect(await counts(azure)).toEqual([700, 2800]);
    expect(await checksums(azure)).toEqual(await checksums(gcp));
  });

  it('answers a LOAD DATA LOCAL request only with streams it offered, never a local file', async () => {
    const [azure] = targets as [Target, Target];
    const before = await counts(azure);
    const error = await azure.sql
      .query(
        sql`LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE patients (id, first_name, last_name, date_of_birth, gender)`,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/did not offer/);
    expect(await counts(azure)).toEqual(before);
  });
});
