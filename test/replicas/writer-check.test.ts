import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { COMMIT_MARGIN_MS, WriterChecks } from '../../src/replicas/writer-check.js';
import { sandboxRegistry } from '../harness/targets.js';

const registry = sandboxRegistry();
afterAll(() => registry.close(1000));
const primary = () => registry.get('gcp');
const run = `wc${randomBytes(4).toString('hex')}`;
const WINDOW_MS = 4500;

/** One check through `checks` on the real primary, as the router sends it. */
async function check(checks: WriterChecks, ...actors: string[]) {
  const { query, answer } = checks.build(new Set(actors));
  const { rows } = await primary().sql.query<{ g: string | null; w: string | null; s: string | null }>(query);
  return answer(rows[0]);
}

/** An audit row for `actor`, with its `at` set `agoMs` before the server's now (as a late commit leaves it). */
async function audit(actor: string, action: string, agoMs = 0): Promise<void> {
  await primary().sql.query(
    sql`INSERT INTO carepool_audit (at, actor, role, action, resource, outcome, client, request_id)
        VALUES (NOW(3) - INTERVAL ${agoMs * 1000} MICROSECOND, ${actor}, 'admin', ${action}, 'patient', 'success', 'test', '')`,
  );
}

describe('WriterChecks: who wrote recently, read from carepool_audit since each actor’s watermark', () => {
  it('finds writers (not readers) within the window; an actor found clean gets a watermark, a writer loses it', async () => {
    const checks = new WriterChecks(() => 'mariadb', WINDOW_MS, 100);
    const [writer, reader] = [`${run}-w`, `${run}-r`];
    await audit(writer, 'update');
    await audit(reader, 'read');
    const first = await check(checks, writer, reader);
    expect([...first.writers]).toEqual([writer]);
    expect(first.position).toMatch(/^\d+-\d+-\d+/);
    expect(checks.size).toBe(1);
    // The reader's next check is bounded by its watermark; the writer's reads the whole window again.
    const { query } = checks.build(new Set([writer, reader]));
    expect(query.text).toContain('GREATEST(');
    const second = await check(checks, writer, reader);
    expect([...second.writers]).toEqual([writer]);
    // A position-only check (writes not audited) asks about nobody and moves no watermark.
    expect((await check(checks)).writers.size).toBe(0);
    expect(checks.size).toBe(1);
  });

  it('a write committed after the watermark with an `at` before it (within the commit margin) is still found', async () => {
    const checks = new WriterChecks(() => 'mariadb', WINDOW_MS, 100);
    const late = `${run}-late`;
    expect((await check(checks, late)).writers.size).toBe(0);
    expect(checks.size).toBe(1);
    // As a transaction that inserted its audit row, then took a while to commit, leaves it.
    await audit(late, 'create', COMMIT_MARGIN_MS / 2);
    expect([...(await check(checks, late)).writers]).toEqual([late]);
  });

  it('rows older than watermark − margin are not read again: only a check without a watermark sees them', async () => {
    const marked = new WriterChecks(() => 'mariadb', WINDOW_MS, 100);
    const fresh = new WriterChecks(() => 'mariadb', WINDOW_MS, 100);
    const old = `${run}-old`;
    expect((await check(marked, old)).writers.size).toBe(0);
    // A row this far before the watermark would have been committed more than the margin after its `at`:
    // the window's own assumption rules that out, so the watermarked check need not read it.
    await audit(old, 'delete', COMMIT_MARGIN_MS + 1500);
    expect((await check(marked, old)).writers.size).toBe(0);
    expect([...(await check(fresh, old)).writers]).toEqual([old]);
    // Outside the window nobody sees it.
    const narrow = new WriterChecks(() => 'mariadb', 1000, 100);
    expect((await check(narrow, old)).writers.size).toBe(0);
  });

  it('keeps at most maxActors watermarks, forgetting the oldest first', async () => {
    const checks = new WriterChecks(() => 'mariadb', WINDOW_MS, 2);
    for (const n of [1, 2, 3]) await check(checks, `${run}-many-${n}`);
    expect(checks.size).toBe(2);
    const { query } = checks.build(new Set([`${run}-many-1`]));
    expect(query.text).not.toContain('GREATEST(');
    expect(checks.build(new Set([`${run}-many-3`])).query.text).toContain('GREATEST(');
  });

  it('reads only the write rows of the actors asked about (index (actor, action, at), migration 0008)', async () => {
    const checks = new WriterChecks(() => 'mariadb', WINDOW_MS, 100);
    const [busy, writer] = [`${run}-busy`, `${run}-busy-w`];
    // A busy reader: 300 read rows in the window, as a second of reads leaves them.
    const rows = Array.from({ length: 300 }, () => [busy, 'admin', 'read', 'patient', 'success', 'test', '']);
    await primary().sql.query(
      sql`INSERT INTO carepool_audit (actor, role, action, resource, outcome, client, request_id) VALUES ${sql.rows(rows)}`,
    );
    await audit(writer, 'create');
    // Both actors without a watermark: the check's range covers the whole window.
    const { query, answer } = checks.build(new Set([busy, writer]));
    const { read, found } = await primary().pool.withConnection(async (conn) => {
      const next = async () => {
        const r = await conn.query<{ Value: string }>("SHOW SESSION STATUS LIKE 'Handler_read_next'", []);
        return Number(r.rows[0]?.Value);
      };
      const before = await next();
      const result = await conn.query<{ g: string | null; w: string | null; s: string | null }>(
        query.text,
        query.values,
      );
      return { read: (await next()) - before, found: answer(result.rows[0]) };
    }, 'test');
    expect([...found.writers]).toEqual([writer]);
    // Over (actor, at) this read the busy reader's 300 rows; over (actor, action, at) only the one write row.
    expect(read).toBeLessThan(10);
  });
});
