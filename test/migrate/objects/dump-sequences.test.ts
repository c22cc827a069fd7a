import { describe, expect, it } from 'vitest';
import type { SingleConnection } from '../../../src/db/connect.js';
import { sql } from '../../../src/db/sql.js';
import { diffSchemas, EMPTY_SCHEMA, introspectSchema } from '../../../src/migrate/index.js';
import { dumpDatabase } from '../../../src/migrate/objects/dump.js';
import { splitScript } from '../../../src/migrate/workspace/script.js';
import { dropAll, run, useScratchPair } from '../fidelity/live-helpers.js';

/**
 * MariaDB sequences are not modelled (refused by name), but a dump must still carry them faithfully:
 * SHOW CREATE TABLE of a sequence leaves out its definition (loading it makes a sequence that starts at
 * 1), and a column default drawing from a sequence names the dumped database (`nextval(db.seq)`), so the
 * dump loaded elsewhere drew from the old database, or failed to load without it. The sequence is named
 * `zseq` so that name order alone would create the table first (CREATE TABLE checks the sequence exists).
 */
const scratch = useScratchPair('dump_seq');

const SCHEMA = [
  'CREATE SEQUENCE zseq START WITH 100 INCREMENT BY 10 MAXVALUE 5000 CYCLE',
  'CREATE TABLE uses_seq (id BIGINT NOT NULL DEFAULT NEXTVAL(zseq) PRIMARY KEY, v INT NULL)',
];

async function sequenceText(conn: SingleConnection, database: string): Promise<string> {
  const { rows } = await conn.query<Record<string, string>>(
    sql.raw(`SHOW CREATE SEQUENCE \`${database}\`.zseq`),
  );
  return rows[0]?.['Create Table'] ?? '';
}

async function idDefault(conn: SingleConnection, database: string): Promise<string> {
  const { rows } = await conn.query<{ d: string }>(
    sql`SELECT COLUMN_DEFAULT AS d FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ${database} AND TABLE_NAME = 'uses_seq' AND COLUMN_NAME = 'id'`,
  );
  return rows[0]?.d ?? '';
}

describe('schema dump of MariaDB sequences', () => {
  it('keeps the sequence definition, creates it before the tables that draw from it, and drops the database name from their defaults', async () => {
    const { a, b, dbA, dbB, server } = scratch();
    await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
    await run(a, SCHEMA);
    const dump = await dumpDatabase(a, dbA, server, { source: 'test', definer: false });
    expect(dump).not.toContain(dbA);
    for (const st of splitScript(dump)) await b.query(sql.raw(st));
    expect(await sequenceText(b, dbB)).toBe(await sequenceText(a, dbA));
    expect(await sequenceText(b, dbB)).toMatch(/start with 100 .*increment by 10/);
    // B's table draws from B's own sequence.
    expect(await idDefault(b, dbB)).toBe(`nextval(\`${dbB}\`.\`zseq\`)`);
    await b.query(sql.raw('INSERT INTO uses_seq (v) VALUES (1)'));
    const { rows } = await b.query<{ id: number }>(sql.raw('SELECT id FROM uses_seq'));
    expect(rows.map((r) => Number(r.id))).toEqual([100]);
  });

  it('refuses a table whose default draws from a sequence, by column and reason', async () => {
    const { a, dbA } = scratch();
    await dropAll(a, dbA);
    await run(a, SCHEMA);
    const live = await introspectSchema(a, dbA);
    const table = live.tables.find((t) => t.name === 'uses_seq');
    expect(table?.unsupported?.reason).toMatch(/id: DEFAULT nextval\(.*zseq`\) draws from a sequence/);
    expect(() => diffSchemas(EMPTY_SCHEMA, live)).toThrow(/uses_seq/);
  });
});
