import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../../src/db/connect.js';
import { sql } from '../../../src/db/sql.js';
import { diffSchemas, introspectSchema } from '../../../src/migrate/index.js';
import { withObjects } from '../../../src/migrate/objects/diff.js';
import { dumpDatabase } from '../../../src/migrate/objects/dump.js';
import { objectsNotCompared } from '../../../src/migrate/objects/raw.js';
import { isAppError } from '../../../src/errors/index.js';
import { adminConnection, sandboxServers } from '../../harness/targets.js';

/**
 * The server lists a database's procedures and functions only to a user holding EXECUTE, ALTER ROUTINE or
 * CREATE ROUTINE there (or having defined them). The sandbox's own migrator has none: before, its dump,
 * diff and baseline read "no routines" and silently left them out.
 */
const suffix = randomBytes(3).toString('hex');
const DB = `hidden_rt_${suffix}`;
const USER = `cp_hidden_${suffix}`;
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
let admin: SingleConnection;
let user: SingleConnection;

beforeAll(async () => {
  const server = sandboxServers().gcp;
  admin = await adminConnection(server);
  for (const s of [
    `CREATE DATABASE ${DB}`,
    `CREATE TABLE ${DB}.t (id INT PRIMARY KEY, b BINARY(4) NULL)`,
    `CREATE FUNCTION ${DB}.f_twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2`,
    `CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`,
    `GRANT SELECT, SHOW VIEW, TRIGGER ON ${DB}.* TO '${USER}'@'%'`,
  ])
    await admin.query(sql.raw(s));
  const url = new URL(sandboxUrl(server.port));
  user = await connectSingle('hidden', parseConnectionUrl('hidden', url.toString()), {
    connectTimeoutMs: 3000,
    keepAliveMs: 0,
  });
});
afterAll(async () => {
  await user?.close();
  await admin?.query(sql.raw(`DROP DATABASE IF EXISTS ${DB}`)).catch(() => undefined);
  await admin?.query(sql.raw(`DROP USER IF EXISTS '${USER}'@'%'`)).catch(() => undefined);
  await admin?.close();
});

function sandboxUrl(port: number): string {
  return `mysql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DB}?ssl-mode=REQUIRED`;
}

describe('routines the user cannot list are named, never read as absent', () => {
  it('introspection marks procedures and functions hidden; with a routine privilege they are read', async () => {
    const hidden = await introspectSchema(user, DB);
    expect(hidden.objects ?? []).toEqual([]);
    expect(hidden.hiddenObjects?.kinds).toEqual(['procedure', 'function']);
    expect(hidden.hiddenObjects?.reason).toMatch(
      new RegExp(`${USER}.*EXECUTE, ALTER ROUTINE or CREATE ROUTINE`),
    );

    await admin.query(sql.raw(`GRANT EXECUTE ON ${DB}.* TO '${USER}'@'%'`));
    // A database grant reaches an open session at its next USE.
    await user.query(sql.raw(`USE ${DB}`));
    try {
      const seen = await introspectSchema(user, DB);
      expect(seen.hiddenObjects).toBeUndefined();
      // Listed; its body needs the definer or SHOW_ROUTINE: named unsupported, as before.
      expect(seen.objects?.map((o) => `${o.kind} ${o.name}`)).toEqual(['function f_twice']);
      // A dump names it instead of writing an empty statement in its place (it did: `;` under its sql_mode).
      const notes: string[] = [];
      const dump = await dumpDatabase(user, DB, undefined, { source: 'test', onNote: (m) => notes.push(m) });
      expect(dump).toMatch(/^-- NOT included: function f_twice: SHOW CREATE FUNCTION returned no text/m);
      expect(dump).not.toMatch(/^;$/m);
      expect(notes).toEqual([expect.stringMatching(/^NOT included: function f_twice/)]);
    } finally {
      await admin.query(sql.raw(`REVOKE EXECUTE ON ${DB}.* FROM '${USER}'@'%'`));
      await user.query(sql.raw(`USE ${DB}`));
    }
  });

  it('a dump says what it leaves out; a diff leaves hidden kinds out on both sides and names them', async () => {
    const notes: string[] = [];
    const dump = await dumpDatabase(user, DB, undefined, { source: 'test', onNote: (m) => notes.push(m) });
    expect(dump).toMatch(/-- NOT included: procedures and functions: .*has no EXECUTE/);
    expect(notes).toEqual([expect.stringMatching(/^NOT included: procedures and functions/)]);

    const live = withObjects(await introspectSchema(user, DB));
    const full = withObjects(await introspectSchema(admin, DB));
    expect(full.objects?.map((o) => o.name)).toEqual(['f_twice']);
    // Not "drop function f_twice" (nor create, the other way): the function is not compared at all.
    expect(diffSchemas(full, live)).toEqual([]);
    expect(diffSchemas(live, full)).toEqual([]);
    expect(
      objectsNotCompared({ label: 'restricted', schema: live }, { label: 'admin', schema: full }),
    ).toEqual([expect.stringMatching(/^procedures and functions of restricted not compared: /)]);
  });

  it('a dump refuses a table whose SHOW CREATE TABLE is not UTF-8 text, naming it', async () => {
    await admin.query(sql.raw(`ALTER TABLE ${DB}.t MODIFY b BINARY(4) NULL DEFAULT 0x00ff`));
    const error = await dumpDatabase(admin, DB, undefined, { source: 'test' }).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_SCHEMA_DUMP_NOT_TEXT')).toBe(true);
    expect((error as Error).message).toMatch(/table t: .*`b` binary\(4\)/);
    // --exclude leaves it out of a live database's dump, as the refusal's hint says.
    const rest = await dumpDatabase(admin, DB, undefined, { source: 'test', exclude: [/^t$/] });
    expect(rest).not.toMatch(/CREATE TABLE/);
    expect(rest).toMatch(/CREATE DEFINER=|CREATE FUNCTION/);
  });
});
