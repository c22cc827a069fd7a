import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessEvent,
  type AccessGuard,
  Clinic,
  LOCAL_ACTOR,
  OPEN_SCOPE,
} from '../../src/clinic/index.js';
import { sql } from '../../src/db/sql.js';
import type { TargetRegistry } from '../../src/db/targets.js';
import { AppError, isAppError } from '../../src/errors/index.js';
import { sandboxRegistry } from '../harness/targets.js';

let registry: TargetRegistry;
const events: AccessEvent[] = [];
const guard: AccessGuard = async (event, ctx, run) => {
  events.push(event);
  if (ctx.actor.role === 'viewer' && event.action !== 'read' && event.action !== 'list') {
    throw new AppError('CAREPOOL_VALIDATION', 'viewers cannot write');
  }
  return run(OPEN_SCOPE);
};
const ctx = { actor: LOCAL_ACTOR, client: 'test' };

beforeAll(() => {
  registry = sandboxRegistry();
});
afterAll(() => registry?.close(1000));

describe('Clinic service', () => {
  it('reads a patient with records and appointments on one connection, and lists a page on one', async () => {
    const clinic = new Clinic({ registry });
    const p = await clinic.createPatient(ctx, 'azure', {
      first_name: 'Ola',
      last_name: 'Query',
      date_of_birth: '1990-05-05',
      gender: 'Female',
    });
    await clinic.createRecord(ctx, 'azure', p.id, { diagnosis: 'A', admission_date: '2024-01-01' });
    await clinic.createRecord(ctx, 'azure', p.id, { diagnosis: 'B', admission_date: '2024-02-01' });
    await clinic.createAppointment(ctx, 'azure', p.id, { scheduled_at: '2025-01-01 08:00', reason: 'R' });
    const pool = registry.get('azure').pool;
    const before = pool.stats().acquired;
    const got = await clinic.getPatient(ctx, 'azure', p.id);
    // Patient + records in one statement, appointments in a second, both on ONE connection: a request never
    // holds two, so a saturated pool cannot deadlock on itself.
    expect(pool.stats().acquired - before).toBe(1);
    expect(got.medical_records.map((r) => r.diagnosis)).toEqual(['B', 'A']);
    expect(got.appointments).toHaveLength(1);
    const listed = pool.stats().acquired;
    await clinic.listPatients(ctx, 'azure', { q: 'Query Ola', limit: 5 });
    expect(pool.stats().acquired - listed).toBe(1);
  });

  it('runs every access through the guard, which can refuse it (the hook for auth and audit)', async () => {
    const clinic = new Clinic({ registry, guard });
    events.length = 0;
    await clinic.listPatients(ctx, 'gcp', { limit: 1 });
    await clinic.comparePatient(ctx, 1);
    expect(events.map((e) => `${e.action}:${e.entity}:${e.target}`)).toEqual([
      'list:patient:gcp',
      'compare:patient:*',
      'read:patient:azure',
      'read:patient:gcp',
    ]);
    const viewer = { actor: { id: 'v', name: 'viewer', role: 'viewer' as const } };
    const refused = await clinic
      .createPatient(viewer, 'gcp', {
        first_name: 'X',
        last_name: 'Y',
        date_of_birth: '2000-01-01',
        gender: 'M',
      })
      .catch((e: unknown) => e);
    expect(isAppError(refused)).toBe(true);
  });

  it('rolls a failed write back: a record for a missing patient leaves nothing behind', async () => {
    const clinic = new Clinic({ registry });
    const error = await clinic
      .createRecord(ctx, 'gcp', 2_147_483_000, { diagnosis: 'Z', admission_date: '2024-01-01' })
      .catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_NOT_FOUND')).toBe(true);
    const { rows } = await registry
      .get('gcp')
      .sql.query<{ n: number }>(
        sql`SELECT COUNT(*) AS n FROM medical_records WHERE patient_id = ${2_147_483_000}`,
      );
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
