import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { SingleConnection } from '../../../src/db/connect.js';
import { sql } from '../../../src/db/sql.js';
import { verifiedPlan } from '../../../src/migrate/diff/verify.js';
import { describeOperation, diffSchemas, introspectSchema } from '../../../src/migrate/index.js';
import { dumpDatabase } from '../../../src/migrate/objects/dump.js';
import { runStatement } from '../../../src/migrate/objects/session.js';
import { splitScript } from '../../../src/migrate/workspace/script.js';
import { sandboxHosts } from '../../../src/migrate/workspace/index.js';
import { dropAll, run, useScratchPair } from '../fidelity/live-helpers.js';

/**
 * Several triggers of one table, timing and event run in an order (FOLLOWS / PRECEDES, else creation
 * order) that SHOW CREATE TRIGGER does not print: only information_schema.TRIGGERS.ACTION_ORDER has it. A
 * dump that creates them by name, or a diff that ignores the order, silently changes what runs first.
 */
const scratch = useScratchPair('trg_ord');

const TABLE = 'CREATE TABLE item (id INT PRIMARY KEY, qty INT NOT NULL, note VARCHAR(20) NULL)';
const Z = "CREATE TRIGGER z_first BEFORE INSERT ON item FOR EACH ROW SET NEW.note = 'z'";
const A = "CREATE TRIGGER a_second BEFORE INSERT ON item FOR EACH ROW SET NEW.note = CONCAT(NEW.note, 'a')";
const M = 'CREATE TRIGGER m_other AFTER UPDATE ON item FOR EACH ROW SET @seen = 1';

async function order(conn: SingleConnection, database: string): Promise<string[]> {
  const { rows } = await conn.query<{ n: string }>(
    sql`SELECT CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', ACTION_ORDER, ' ', TRIGGER_NAME) AS n
        FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${database} ORDER BY n`,
  );
  return rows.map((r) => r.n);
}

/** What a row inserted into `item` gets in `note`: the triggers' order made visible. */
async function noteAfterInsert(conn: SingleConnection): Promise<string | null> {
  await run(conn, ['DELETE FROM item', 'INSERT INTO item (id, qty) VALUES (1, 1)']);
  const { rows } = await conn.query<{ note: string | null }>(sql`SELECT note FROM item`);
  return rows[0]?.note ?? null;
}

describe('trigger order (ACTION_ORDER) is part of the schema', () => {
  it('introspection reads each trigger’s slot and position; a dump recreates the same order', async () => {
    const { a, b, dbA, dbB } = scratch();
    await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
    // a_second is created first but z_first PRECEDES it: the server runs z_first, then a_second.
    await run(a, [TABLE, A, Z.replace('FOR EACH ROW', 'FOR EACH ROW PRECEDES a_second'), M]);
    const live = await introspectSchema(a, dbA);
    const triggers = (live.objects ?? []).filter((o) => o.kind === 'trigger');
    expect(triggers.map((t) => `${t.name} ${t.slot} ${t.position}`).sort()).toEqual([
      'a_second BEFORE INSERT 2',
      'm_other AFTER UPDATE 1',
      'z_first BEFORE INSERT 1',
    ]);
    expect(await noteAfterInsert(a)).toBe('za');

    const dump = await dumpDatabase(a, dbA, scratch().server, { source: 'test', definer: false });
    expect(dump.indexOf('z_first')).toBeLessThan(dump.indexOf('a_second'));
    for (const st of splitScript(dump)) await b.query(sql.raw(st));
    await b.query(sql.raw('SET SESSION sql_mode = DEFAULT'));
    expect(await order(b, dbB)).toEqual(await order(a, dbA));
    expect(await noteAfterInsert(b)).toBe('za');
    expect(diffSchemas(live, await introspectSchema(b, dbB))).toEqual([]);
  });

  it('a different order is a difference, and the verified statements reproduce it', async () => {
    const { a, b, dbA, dbB } = scratch();
    await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
    // A: a_second runs first (created first). B: z_first runs first.
    await run(a, [TABLE, A, Z, M]);
    await run(b, [TABLE, Z, A, M]);
    const from = await introspectSchema(a, dbA);
    const to = await introspectSchema(b, dbB);
    const ops = diffSchemas(from, to);
    expect(ops.map(describeOperation).join('\n')).toMatch(/a_second/);
    // The AFTER UPDATE trigger is in another slot: untouched.
    expect(ops.map(describeOperation).join('\n')).not.toMatch(/m_other/);
    const plan = await verifiedPlan(
      await sandboxHosts(inject('sandboxHome'), inject('sandbox')),
      from,
      to,
      scratch().server,
    );
    for (const st of plan.statements) await runStatement(a, st);
    expect(await order(a, dbA)).toEqual(await order(b, dbB));
    expect(await noteAfterInsert(a)).toBe('za');
    expect(diffSchemas(await introspectSchema(a, dbA), to)).toEqual([]);
  });

  it('dropping the trigger between two others needs no reordering', async () => {
    const { a, b, dbA, dbB } = scratch();
    await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
    const mid =
      "CREATE TRIGGER b_mid BEFORE INSERT ON item FOR EACH ROW SET NEW.note = CONCAT(NEW.note, 'b')";
    await run(a, [TABLE, Z, mid, A]);
    await run(b, [TABLE, Z, A]);
    const ops = diffSchemas(await introspectSchema(a, dbA), await introspectSchema(b, dbB));
    expect(ops.map(describeOperation)).toEqual([expect.stringMatching(/drop trigger b_mid/)]);
  });
});
