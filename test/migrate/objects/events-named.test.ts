import { describe, expect, it } from 'vitest';
import { sql } from '../../../src/db/sql.js';
import { diffSchemas, introspectSchema } from '../../../src/migrate/index.js';
import { dumpDatabase } from '../../../src/migrate/objects/dump.js';
import { objectsNotCompared } from '../../../src/migrate/objects/raw.js';
import { adminConnection, sandboxServers } from '../../harness/targets.js';
import { dropAll, run, useScratchPair } from '../fidelity/live-helpers.js';

/**
 * Scheduled events (CREATE EVENT) are not modelled. A database holding one was dumped, diffed and
 * baselined as if it had none: the dump loaded elsewhere silently lacked the event, and `schema diff`
 * said "same schema". They are now named wherever they are left out.
 */
const scratch = useScratchPair('evt');

describe('events are named, never passed over', () => {
  it('introspection lists them; the dump and the comparison name each one with the reason', async () => {
    const { a, b, dbA, dbB, server } = scratch();
    const azure = sandboxServers().azure;
    await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
    await run(a, ['CREATE TABLE t (id INT NOT NULL PRIMARY KEY)']);
    const admin = await adminConnection(azure);
    try {
      // The scratch grants have no EVENT (information_schema.EVENTS lists events only to users with it).
      await admin.query(sql.raw(`GRANT EVENT ON \`${dbA}\`.* TO '${azure.users.migrator.user}'@'%'`));
      await admin.query(
        sql.raw(`CREATE EVENT \`${dbA}\`.ev_clean ON SCHEDULE EVERY 1 DAY DO DELETE FROM \`${dbA}\`.t`),
      );
    } finally {
      await admin.close();
    }
    // A database-level grant reaches an open session at its next USE.
    await a.query(sql.raw(`USE \`${dbA}\``));
    await run(b, ['CREATE TABLE t (id INT NOT NULL PRIMARY KEY)']);
    const live = await introspectSchema(a, dbA);
    expect(live.events).toEqual(['ev_clean']);
    const notes: string[] = [];
    const dump = await dumpDatabase(a, dbA, server, { source: 'test', onNote: (n) => notes.push(n) });
    expect(dump).toMatch(/^-- NOT included: event ev_clean: events are not modelled/m);
    expect(notes).toEqual([expect.stringMatching(/^NOT included: event ev_clean: events are not modelled/)]);
    const other = await introspectSchema(b, dbB);
    expect(diffSchemas(live, other)).toEqual([]);
    expect(objectsNotCompared({ label: 'a', schema: live }, { label: 'b', schema: other })).toEqual([
      expect.stringMatching(/^event ev_clean \(in a\) not compared: events are not modelled/),
    ]);
  });
});
