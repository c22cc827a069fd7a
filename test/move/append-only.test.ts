import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncSummary } from '../../src/cli/commands/sync.js';
import { verifyReport } from '../../src/cli/commands/verify.js';
import { sql } from '../../src/db/sql.js';
import { isAppError } from '../../src/errors/index.js';
import { copyTables, syncTables, verifyTables } from '../../src/move/index.js';
import { createMovePair, exactDump, type MovePair, run } from './helpers.js';

/**
 * Append-only logs between two servers that each keep their own: carepool's `carepool_audit` (the PHI
 * audit trail, UPDATE and DELETE refused by trigger) and user tables named with --append-only. Before,
 * verify compared the trails by id (every row of both differed: each server numbers its own accesses) and
 * sync's DELETE of the destination's own rows hit the trigger on every run.
 */
const AUDIT = `CREATE TABLE carepool_audit (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  actor VARCHAR(64) NOT NULL, action VARCHAR(16) NOT NULL, patient_id INT NULL, request_id VARCHAR(64) NOT NULL,
  KEY ix_actor_at (actor, at))`;
const NO_UPDATE = `CREATE TRIGGER carepool_audit_no_update BEFORE UPDATE ON carepool_audit FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'carepool_audit is append-only'`;
const NO_DELETE = `CREATE TRIGGER carepool_audit_no_delete BEFORE DELETE ON carepool_audit FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'carepool_audit is append-only'`;

/** The audit rows `from..to` as the source writes them (one access each, a second apart). */
const entries = (from: number, to: number, actor = 'dr.a') =>
  Array.from(
    { length: to - from + 1 },
    (_, i) =>
      `(TIMESTAMP'2026-01-01 00:00:00' + INTERVAL ${from + i} SECOND, '${actor}', 'read', ${(from + i) % 9 === 0 ? 'NULL' : (from + i) % 50}, 'req-${from + i}')`,
  ).join(', ');
const INSERT = 'INSERT INTO carepool_audit (at, actor, action, patient_id, request_id) VALUES ';

describe('append-only logs in verify and sync', () => {
  let pair: MovePair;
  beforeAll(async () => {
    pair = await createMovePair();
    for (const conn of [pair.azure, pair.gcp]) await run(conn, AUDIT, NO_UPDATE, NO_DELETE);
    // gcp: 40 accesses of its own (ids 1-40), then the first 100 of azure's, copied earlier (ids 41-140).
    await run(pair.gcp, INSERT + entries(1, 40, 'nurse.g'), INSERT + entries(1, 100));
    await run(pair.azure, INSERT + entries(1, 300));
  });
  afterAll(async () => {
    await pair?.drop();
  });

  const azure = () => pair.registry.get('azure');
  const gcp = () => pair.registry.get('gcp');
  const ids = async (conn: MovePair['gcp'], where: string) =>
    (
      await conn.query<{ r: string }>(
        sql.raw(`SELECT request_id AS r FROM carepool_audit WHERE ${where} ORDER BY id`),
      )
    ).rows.map((x) => x.r);

  it('verify compares the trail by content: the source rows gcp lacks, by azure id; its own rows kept', async () => {
    const v = await verifyTables(azure(), gcp());
    expect(v.identical).toBe(false);
    const t = v.tables.find((s) => s.table === 'carepool_audit');
    expect(t?.appendOnly).toEqual({ destinationOnly: 40 });
    expect(v.differenceCount).toBe(200);
    expect(v.differences.every((d) => d.kind === 'missing')).toBe(true);
    expect(v.differences.map((d) => Number(d.key.id))).toEqual(
      Array.from({ length: 200 }, (_, i) => 101 + i),
    );
    const report = verifyReport(v);
    expect(report).toContain('carepool_audit: append-only log, compared by content');
    expect(report).toContain('40 row(s) only on gcp: its own entries, kept');
  });

  it('sync appends them in azure order under gcp ids, deletes nothing, and a second run does nothing', async () => {
    const before = await exactDump(pair.gcp, 'carepool_audit', 'id');
    const s = await syncTables(azure(), gcp());
    expect({ inserted: s.inserted, deleted: s.deleted, replaced: s.replaced }).toEqual({
      inserted: 200,
      deleted: 0,
      replaced: 0,
    });
    expect(syncSummary(s)).toContain("200 row(s) of azure appended under gcp's own ids");
    // gcp's 140 rows are untouched; the appended ones follow in azure's order, numbered 141-340.
    const after = await exactDump(pair.gcp, 'carepool_audit', 'id');
    expect(after.startsWith(before.trimEnd())).toBe(true);
    expect(await ids(pair.gcp, 'id > 140')).toEqual(Array.from({ length: 200 }, (_, i) => `req-${101 + i}`));
    const v = await verifyTables(azure(), gcp());
    expect(v.identical).toBe(true);
    expect(v.tables[0]?.appendOnly).toEqual({ destinationOnly: 40 });
    const again = await syncTables(azure(), gcp());
    expect(again.statements).toBe(0);
  });

  it('equal rows count as often as they occur, and NULL is not 0', async () => {
    const twin = `(TIMESTAMP'2026-02-01 00:00:00', 'dr.twin', 'read', NULL, 'req-twin')`;
    await run(pair.azure, `${INSERT}${twin}, ${twin}, ${twin}`);
    await run(pair.gcp, `${INSERT}${twin}`);
    // The same access with patient 0 instead of NULL is another row.
    await run(pair.gcp, `${INSERT}(TIMESTAMP'2026-02-01 00:00:00', 'dr.twin', 'read', 0, 'req-twin')`);
    const v = await verifyTables(azure(), gcp());
    expect(v.differenceCount).toBe(2);
    expect(v.tables[0]?.appendOnly).toEqual({ destinationOnly: 41 });
    const lines: string[] = [];
    const dry = await syncTables(azure(), gcp(), { dryRun: true, onStatement: (t) => lines.push(t) });
    expect(dry.inserted).toBe(2);
    expect(syncSummary(dry)).toContain("2 row(s) of azure to append under gcp's own ids");
    const insert = lines.find((l) => l.startsWith('INSERT'));
    expect(insert).toMatch(
      /^INSERT INTO `carepool_audit` \(`at`, `actor`, `action`, `patient_id`, `request_id`\)/,
    );
    expect(await ids(pair.gcp, "actor = 'dr.twin'")).toEqual(['req-twin', 'req-twin']);
    await syncTables(azure(), gcp());
    expect(await ids(pair.gcp, "actor = 'dr.twin' AND patient_id IS NULL")).toEqual([
      'req-twin',
      'req-twin',
      'req-twin',
    ]);
    expect((await verifyTables(azure(), gcp())).identical).toBe(true);
  });

  it("copy --truncate and --append refuse to touch the destination's own trail, naming sync instead", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carepool-append-'));
    try {
      const before = await exactDump(pair.gcp, 'carepool_audit', 'id');
      for (const existing of ['truncate', 'append'] as const) {
        const refused = await copyTables(azure(), gcp(), {
          manifestPath: join(dir, `${existing}.json`),
          existing,
        }).catch((e: unknown) => e);
        expect(isAppError(refused, 'CAREPOOL_MOVE_TARGET_NOT_EMPTY'), String(refused)).toBe(true);
        expect((refused as Error).message).toContain('append-only log carepool_audit');
        expect((refused as { hint?: string }).hint).toContain(
          'carepool sync --from azure --to gcp --tables carepool_audit',
        );
      }
      expect(await exactDump(pair.gcp, 'carepool_audit', 'id')).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a user table with a DELETE trigger is refused by name unless named with --append-only', async () => {
    for (const conn of [pair.azure, pair.gcp])
      await run(
        conn,
        'CREATE TABLE events (n INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20) NOT NULL)',
        `CREATE TRIGGER events_keep BEFORE DELETE ON events FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'keep'`,
      );
    await run(pair.azure, "INSERT INTO events (what) VALUES ('a'), ('b'), ('c')");
    await run(pair.gcp, "INSERT INTO events (what) VALUES ('own'), ('a')");
    const refused = await syncTables(azure(), gcp()).catch((e: unknown) => e);
    expect(isAppError(refused, 'CAREPOOL_MOVE_UNREPRESENTABLE'), String(refused)).toBe(true);
    expect((refused as Error).message).toContain('events (trigger events_keep, BEFORE DELETE)');
    expect((refused as { hint?: string }).hint).toContain('--append-only');
    expect(await exactDump(pair.gcp, 'events', 'n')).toBe("n | what\n'1' | 'own'\n'2' | 'a'");

    const s = await syncTables(azure(), gcp(), { appendOnly: ['events'] });
    expect(s.inserted).toBe(2);
    expect(await exactDump(pair.gcp, 'events', 'n')).toBe(
      "n | what\n'1' | 'own'\n'2' | 'a'\n'3' | 'b'\n'4' | 'c'",
    );
    const v = await verifyTables(azure(), gcp(), { appendOnly: ['events'] });
    expect(v.identical).toBe(true);
    expect(v.tables.find((t) => t.table === 'events')?.appendOnly).toEqual({ destinationOnly: 1 });
  });

  it('--append-only refuses a table not numbered by AUTO_INCREMENT, and a name not compared', async () => {
    for (const conn of [pair.azure, pair.gcp])
      await run(conn, 'CREATE TABLE notes (code CHAR(4) PRIMARY KEY, body TEXT NULL)');
    const keyed = await verifyTables(azure(), gcp(), { appendOnly: ['notes'] }).catch((e: unknown) => e);
    expect(isAppError(keyed, 'CAREPOOL_MOVE_APPEND_ONLY_KEY'), String(keyed)).toBe(true);
    expect((keyed as Error).message).toContain('table notes');
    const unknown = await syncTables(azure(), gcp(), { appendOnly: ['evnts'] }).catch((e: unknown) => e);
    expect(isAppError(unknown, 'CAREPOOL_MOVE_UNKNOWN_TABLE'), String(unknown)).toBe(true);
    expect((unknown as Error).message).toContain('"evnts"');
  });
});
